package slacksandbox

import (
	"encoding/json"
	"fmt"
	"time"
)

// TriggerLifetime is how long a trigger_id can open a view. Slack's modal
// docs give 3 seconds (docs.slack.dev/surfaces/modals, "trigger_id ...
// expires in 3 seconds"); each trigger is single-use (views.open errors
// expired_trigger_id and exchanged_trigger_id,
// docs.slack.dev/reference/methods/views.open).
const TriggerLifetime = 3 * time.Second

type trigger struct {
	issued time.Time
	used   bool
}

type storedView struct {
	id, hash, externalID string
	body                 map[string]any
}

// View is the current state of a modal or home tab.
type View struct {
	ID   string
	Hash string
	// JSON is the view as the API last returned it.
	JSON json.RawMessage
}

// NewTriggerID issues a trigger_id, as Slack puts in each slash command and
// interaction payload, valid for TriggerLifetime from the sandbox clock.
func (s *Server) NewTriggerID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	id := fmt.Sprintf("%d.%d.sandbox%06x", s.opts.Now().Unix(), s.seq, s.seq)
	s.triggers[id] = &trigger{issued: s.opts.Now()}
	return id
}

// View returns the modal with the given view id.
func (s *Server) View(id string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.views[id]
	if !ok {
		return View{}, false
	}
	raw, _ := json.Marshal(v.body)
	return View{ID: v.id, Hash: v.hash, JSON: raw}, true
}

// Home returns the home tab last published for userID.
func (s *Server) Home(userID string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.homes[userID]
	return v, ok
}

// viewBody decodes the "view" argument and checks its type.
func viewBody(p params, wantType string) (map[string]any, string) {
	raw := p.raw("view")
	var body map[string]any
	if len(raw) == 0 || json.Unmarshal(raw, &body) != nil {
		return nil, "invalid_arguments"
	}
	if body["type"] != wantType {
		return nil, "invalid_arguments"
	}
	return body, ""
}

// store records a view and returns the object the API answers with.
func (s *Server) store(v *storedView, body map[string]any) map[string]any {
	s.seq++
	v.hash = fmt.Sprintf("%d.sandbox%06x", s.opts.Now().Unix(), s.seq)
	if ext, ok := body["external_id"].(string); ok && ext != "" {
		v.externalID = ext
	}
	body["id"], body["team_id"], body["hash"] = v.id, TeamID, v.hash
	body["app_id"], body["bot_id"] = "A0BILLBOT", BotID
	if _, ok := body["state"]; !ok {
		body["state"] = map[string]any{"values": map[string]any{}}
	}
	v.body = body
	return body
}

// viewsOpen: docs.slack.dev/reference/methods/views.open.
func (s *Server) viewsOpen(p params, c *Call) (map[string]any, string) {
	c.TriggerID = p.str("trigger_id")
	t, ok := s.triggers[c.TriggerID]
	switch {
	case !ok:
		return nil, "invalid_trigger_id"
	case t.used:
		return nil, "exchanged_trigger_id"
	case c.At.Sub(t.issued) > TriggerLifetime:
		return nil, "expired_trigger_id"
	}
	body, code := viewBody(p, "modal")
	if code != "" {
		return nil, code
	}
	t.used = true
	v := &storedView{id: s.nextID("V")}
	s.views[v.id] = v
	c.ViewID = v.id
	c.Blocks = jsonOf(body["blocks"])
	return map[string]any{"view": s.store(v, body)}, ""
}

// viewsUpdate: docs.slack.dev/reference/methods/views.update (not_found,
// hash_conflict when the given hash is not the current one).
func (s *Server) viewsUpdate(p params, c *Call) (map[string]any, string) {
	c.ViewID = p.str("view_id")
	v := s.views[c.ViewID]
	if ext := p.str("external_id"); v == nil && ext != "" {
		for _, sv := range s.views {
			if sv.externalID == ext {
				v = sv
			}
		}
	}
	if v == nil {
		return nil, "not_found"
	}
	if h := p.str("hash"); h != "" && h != v.hash {
		return nil, "hash_conflict"
	}
	body, code := viewBody(p, "modal")
	if code != "" {
		return nil, code
	}
	c.ViewID = v.id
	c.Blocks = jsonOf(body["blocks"])
	return map[string]any{"view": s.store(v, body)}, ""
}

// viewsPublish: docs.slack.dev/reference/methods/views.publish; a home tab
// per user.
func (s *Server) viewsPublish(p params, c *Call) (map[string]any, string) {
	c.User = p.str("user_id")
	if c.User == "" {
		return nil, "invalid_arguments"
	}
	body, code := viewBody(p, "home")
	if code != "" {
		return nil, code
	}
	v := &storedView{id: s.nextID("V")}
	c.ViewID = v.id
	c.Blocks = jsonOf(body["blocks"])
	out := s.store(v, body)
	s.homes[c.User] = jsonOf(out)
	return map[string]any{"view": out}, ""
}

func jsonOf(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	raw, _ := json.Marshal(v)
	return raw
}
