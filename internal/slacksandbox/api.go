package slacksandbox

import (
	"encoding/json"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// params holds a Web API call's arguments. slack-go sends most methods as
// form bodies (token in the form) and views.* as JSON bodies (token in the
// Authorization header); Slack accepts both (docs.slack.dev/apis/web-api,
// "POST bodies").
type params struct {
	form url.Values
	json map[string]json.RawMessage
}

// str returns a string argument.
func (p params) str(key string) string {
	if p.json != nil {
		raw, ok := p.json[key]
		if !ok {
			return ""
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		return string(raw)
	}
	return p.form.Get(key)
}

// raw returns a JSON argument: in a form body it is a JSON-encoded string
// (blocks, view), in a JSON body an embedded value.
func (p params) raw(key string) json.RawMessage {
	if p.json != nil {
		raw := p.json[key]
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return json.RawMessage(s)
		}
		return raw
	}
	if v := p.form.Get(key); v != "" {
		return json.RawMessage(v)
	}
	return nil
}

func parseParams(r *http.Request) (params, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		var m map[string]json.RawMessage
		body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
		if err != nil {
			return params{}, err
		}
		if len(body) > 0 {
			if err := json.Unmarshal(body, &m); err != nil {
				return params{}, err
			}
		}
		if m == nil {
			m = map[string]json.RawMessage{}
		}
		return params{json: m}, nil
	}
	if err := r.ParseForm(); err != nil {
		return params{}, err
	}
	return params{form: r.Form}, nil
}

// method answers one Web API method. It runs with s.mu held, fills the
// recorded call, and returns either the ok fields or a Slack error code.
type method func(s *Server, p params, c *Call) (fields map[string]any, errCode string)

var methods = map[string]method{
	"auth.test":             (*Server).authTest,
	"bots.info":             (*Server).botsInfo,
	"users.info":            (*Server).usersInfo,
	"users.lookupByEmail":   (*Server).usersLookupByEmail,
	"conversations.open":    (*Server).conversationsOpen,
	"chat.postMessage":      (*Server).chatPostMessage,
	"chat.postEphemeral":    (*Server).chatPostEphemeral,
	"chat.update":           (*Server).chatUpdate,
	"conversations.history": (*Server).conversationsHistory,
	"conversations.info":    (*Server).conversationsInfo,
	"views.open":            (*Server).viewsOpen,
	"views.update":          (*Server).viewsUpdate,
	"views.publish":         (*Server).viewsPublish,
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("method")
	p, err := parseParams(r)

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	c := Call{Method: name, At: now, Status: http.StatusOK}
	token := bearer(r.Header)
	if err == nil && p.str("token") != "" {
		token = p.str("token")
	}
	status, body, header := s.answer(name, token, p, err, &c, now)
	s.calls = append(s.calls, c)
	for k, v := range header {
		w.Header().Set(k, v)
	}
	writeJSON(w, status, body)
}

// answer applies, in order: unknown method, authentication, injected faults,
// rate limits, queued failures, then the method itself.
func (s *Server) answer(name, token string, p params, parseErr error, c *Call, now time.Time) (int, any, map[string]string) {
	fail := func(status int, code string, header map[string]string) (int, any, map[string]string) {
		c.Status, c.Error = status, code
		return status, map[string]any{"ok": false, "error": code}, header
	}
	m, ok := methods[name]
	if !ok {
		// docs.slack.dev/apis/web-api: unknown_method.
		return fail(http.StatusNotFound, "unknown_method", nil)
	}
	if parseErr != nil {
		return fail(http.StatusOK, "invalid_form_data", nil)
	}
	// Every method's reference lists not_authed (no token) and invalid_auth
	// (token not valid), answered with HTTP 200 and ok:false; authError
	// (socket.go) also tells bot and app-level tokens apart.
	if code := s.authError(name, token); code != "" {
		return fail(http.StatusOK, code, nil)
	}
	if s.opts.FaultRate > 0 && s.rng.Float64() < s.opts.FaultRate {
		if s.rng.IntN(2) == 0 {
			return fail(http.StatusServiceUnavailable, "service_unavailable", nil)
		}
		return fail(http.StatusTooManyRequests, "ratelimited", map[string]string{"Retry-After": "1"})
	}
	if l := s.limits[name]; l != nil {
		if wait, ok := l.admit(now); !ok {
			secs := max(1, int(math.Ceil(wait.Seconds())))
			return fail(http.StatusTooManyRequests, "ratelimited", map[string]string{"Retry-After": strconv.Itoa(secs)})
		}
	}
	if q := s.failNext[name]; len(q) > 0 {
		s.failNext[name] = q[1:]
		return fail(http.StatusOK, q[0], nil)
	}
	fields, code := m(s, p, c)
	if code != "" {
		return fail(http.StatusOK, code, nil)
	}
	return http.StatusOK, okResponse(fields), nil
}
