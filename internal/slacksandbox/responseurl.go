package slacksandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// response_url limits: "up to 5 times within 30 minutes" (Slack slash
// command docs, docs.slack.dev/interactivity/handling-user-interaction,
// quoted in docs/vendors.md §1.2).
const (
	ResponseURLUses     = 5
	ResponseURLLifetime = 30 * time.Minute
)

// ResponsePost is one JSON post to a response_url.
type ResponsePost struct {
	URL             string
	ResponseType    string
	ReplaceOriginal bool
	DeleteOriginal  bool
	Text            string
	Blocks          json.RawMessage
	// Error is set when the post was refused (used_url, expired_url).
	Error string
	At    time.Time
}

type responseURL struct {
	issued      time.Time
	uses        int
	channel, ts string // the message replace_original edits, if any
	posts       []ResponsePost
}

// NewResponseURL issues a response_url valid from now on the sandbox clock.
func (s *Server) NewResponseURL() string { return s.NewResponseURLFor("", "") }

// NewResponseURLFor issues a response_url tied to the message channel/ts, as
// Slack's block_actions payloads are: a post with replace_original edits
// that message, delete_original removes it.
func (s *Server) NewResponseURLFor(channel, ts string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID("R")
	s.responses[id] = &responseURL{issued: s.opts.Now(), channel: channel, ts: ts}
	return s.srv.URL + "/response/" + id
}

// ResponsePosts returns every post to url, refused ones included.
func (s *Server) ResponsePosts(url string) []ResponsePost {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := url[strings.LastIndex(url, "/")+1:]
	if r, ok := s.responses[id]; ok {
		return append([]ResponsePost(nil), r.posts...)
	}
	return nil
}

// serveResponseURL accepts a response_url post. The error bodies for a
// spent or expired URL (HTTP 404, used_url / expired_url) follow what
// Slack's clients report; Slack's pages do not document them (unverified).
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	var msg struct {
		ResponseType    string          `json:"response_type"`
		ReplaceOriginal bool            `json:"replace_original"`
		DeleteOriginal  bool            `json:"delete_original"`
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || json.Unmarshal(body, &msg) != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "invalid_payload"})
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	ru, ok := s.responses[r.PathValue("id")]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"ok": false, "error": "no_service"})
		return
	}
	now := s.opts.Now()
	post := ResponsePost{
		URL: s.srv.URL + r.URL.Path, ResponseType: msg.ResponseType, ReplaceOriginal: msg.ReplaceOriginal,
		DeleteOriginal: msg.DeleteOriginal, Text: msg.Text, Blocks: msg.Blocks, At: now,
	}
	switch {
	case now.Sub(ru.issued) > ResponseURLLifetime:
		post.Error = "expired_url"
	case ru.uses >= ResponseURLUses:
		post.Error = "used_url"
	}
	ru.posts = append(ru.posts, post)
	if post.Error != "" {
		writeJSON(w, http.StatusNotFound, map[string]any{"ok": false, "error": post.Error})
		return
	}
	ru.uses++
	s.applyResponse(ru, post)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

// applyResponse makes the post visible in Messages: replace_original and
// delete_original act on the message the URL belongs to, anything else is
// a new message (ephemeral unless response_type is in_channel).
func (s *Server) applyResponse(ru *responseURL, p ResponsePost) {
	if ru.channel == "" {
		return
	}
	if m := s.find(ru.channel, ru.ts); m != nil {
		switch {
		case p.DeleteOriginal:
			msgs := s.messages[ru.channel]
			for i := range msgs {
				if msgs[i] == m {
					s.messages[ru.channel] = append(msgs[:i:i], msgs[i+1:]...)
					break
				}
			}
			return
		case p.ReplaceOriginal:
			m.Text, m.Blocks = p.Text, p.Blocks
			m.Versions++
			return
		}
	}
	s.messages[ru.channel] = append(s.messages[ru.channel], &Message{
		Channel: ru.channel, TS: s.nextTS(), Text: p.Text, Blocks: p.Blocks,
		Ephemeral: p.ResponseType != "in_channel", Versions: 1, PostedAt: p.At,
	})
}
