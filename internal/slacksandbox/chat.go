package slacksandbox

import (
	"encoding/json"
	"time"
)

// Message is the current state of one posted message.
type Message struct {
	Channel string
	TS      string
	Text    string
	Blocks  json.RawMessage
	// Ephemeral messages are seen only by User and cannot be updated
	// (chat.update: cant_update_message).
	Ephemeral bool
	User      string
	// Versions counts chat.update and replace_original edits plus one.
	Versions int
	PostedAt time.Time
	// Metadata is the message metadata chat.postMessage was given
	// ({"event_type": …, "event_payload": {…}}), nil when none.
	Metadata json.RawMessage
	// Files are the ids of the files files.completeUploadExternal shared
	// with this message (see files.go).
	Files []string
}

// Messages returns the channel's messages in posting order, each in its
// latest version.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, 0, len(s.messages[channel]))
	for _, m := range s.messages[channel] {
		out = append(out, *m)
	}
	return out
}

// Message returns the latest version of the message channel/ts.
func (s *Server) Message(channel, ts string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.find(channel, ts); m != nil {
		return *m, true
	}
	return Message{}, false
}

func (s *Server) find(channel, ts string) *Message {
	for _, m := range s.messages[channel] {
		if m.TS == ts {
			return m
		}
	}
	return nil
}

// content reads text and blocks and checks them the way chat.postMessage
// does (docs.slack.dev/reference/methods/chat.postMessage errors no_text,
// invalid_blocks).
func content(p params, c *Call) (errCode string) {
	c.Text = p.str("text")
	c.Blocks = p.raw("blocks")
	if len(c.Blocks) > 0 {
		var blocks []json.RawMessage
		if json.Unmarshal(c.Blocks, &blocks) != nil {
			return "invalid_blocks"
		}
		if len(blocks) == 0 {
			c.Blocks = nil
		}
	}
	if c.Text == "" && len(c.Blocks) == 0 {
		return "no_text"
	}
	return ""
}

// messageJSON is the "message" object chat.postMessage and chat.update
// return.
func messageJSON(m *Message) map[string]any {
	out := map[string]any{
		"type": "message", "text": m.Text, "user": BotUserID, "bot_id": BotID, "ts": m.TS,
	}
	if len(m.Blocks) > 0 {
		out["blocks"] = m.Blocks
	}
	return out
}

// chatPostMessage: docs.slack.dev/reference/methods/chat.postMessage.
func (s *Server) chatPostMessage(p params, c *Call) (map[string]any, string) {
	c.Channel = p.str("channel")
	if c.Channel == "" {
		return nil, "channel_not_found"
	}
	if !s.botIn(c.Channel) {
		return nil, "not_in_channel"
	}
	if code := content(p, c); code != "" {
		return nil, code
	}
	if code := s.fileRefError(c.Blocks); code != "" {
		return nil, code
	}
	meta, code := metadata(p)
	if code != "" {
		return nil, code
	}
	m := &Message{Channel: c.Channel, TS: s.nextTS(), Text: c.Text, Blocks: c.Blocks, Versions: 1, PostedAt: c.At, Metadata: meta}
	c.TS = m.TS
	s.messages[c.Channel] = append(s.messages[c.Channel], m)
	return map[string]any{"channel": m.Channel, "ts": m.TS, "message": messageJSON(m)}, ""
}

// chatPostEphemeral: docs.slack.dev/reference/methods/chat.postEphemeral;
// the answer carries message_ts, not ts.
func (s *Server) chatPostEphemeral(p params, c *Call) (map[string]any, string) {
	c.Channel, c.User = p.str("channel"), p.str("user")
	if c.Channel == "" {
		return nil, "channel_not_found"
	}
	if c.User == "" {
		return nil, "user_not_in_channel"
	}
	if code := content(p, c); code != "" {
		return nil, code
	}
	if code := s.fileRefError(c.Blocks); code != "" {
		return nil, code
	}
	m := &Message{Channel: c.Channel, TS: s.nextTS(), Text: c.Text, Blocks: c.Blocks, Ephemeral: true, User: c.User, Versions: 1, PostedAt: c.At}
	c.TS = m.TS
	s.messages[c.Channel] = append(s.messages[c.Channel], m)
	return map[string]any{"message_ts": m.TS}, ""
}

// chatUpdate: docs.slack.dev/reference/methods/chat.update (errors
// message_not_found, cant_update_message).
func (s *Server) chatUpdate(p params, c *Call) (map[string]any, string) {
	c.Channel, c.TS = p.str("channel"), p.str("ts")
	m := s.find(c.Channel, c.TS)
	if m == nil {
		return nil, "message_not_found"
	}
	if m.Ephemeral {
		return nil, "cant_update_message"
	}
	if code := content(p, c); code != "" {
		return nil, code
	}
	if code := s.fileRefError(c.Blocks); code != "" {
		return nil, code
	}
	m.Text, m.Blocks = c.Text, c.Blocks
	m.Versions++
	return map[string]any{"channel": m.Channel, "ts": m.TS, "text": m.Text, "message": messageJSON(m)}, ""
}
