package slacksandbox

import (
	"encoding/base64"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// History limits of conversations.history
// (docs.slack.dev/reference/methods/conversations.history): limit defaults
// to 100 and is capped at 999. (Apps distributed outside the Marketplace
// get a default and maximum of 15 since 2025-05-29; billbot pages, so
// either works.)
const (
	historyDefaultLimit = 100
	historyMaxLimit     = 999
)

// metadataMaxBytes stands in for Slack's size cap on message metadata
// (error metadata_too_large); the exact figure is not published on the
// method page, so the sandbox uses a generous bound.
const metadataMaxBytes = 8 << 10

// metadata reads chat.postMessage's metadata argument, a JSON object
// {"event_type": "...", "event_payload": {...}}
// (docs.slack.dev/messaging/message-metadata). Errors are the method's
// invalid_metadata_format (not a JSON object), invalid_metadata_schema
// (event_type or event_payload missing) and metadata_too_large.
func metadata(p params) (json.RawMessage, string) {
	raw := p.raw("metadata")
	if len(raw) == 0 {
		return nil, ""
	}
	if len(raw) > metadataMaxBytes {
		return nil, "metadata_too_large"
	}
	var m struct {
		EventType    *string         `json:"event_type"`
		EventPayload json.RawMessage `json:"event_payload"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return nil, "invalid_metadata_format"
	}
	var payload map[string]json.RawMessage
	if m.EventType == nil || *m.EventType == "" || json.Unmarshal(m.EventPayload, &payload) != nil || payload == nil {
		return nil, "invalid_metadata_schema"
	}
	return append(json.RawMessage(nil), raw...), ""
}

// tsKey orders message timestamps "<seconds>.<micro>" numerically.
type tsKey struct{ sec, frac int64 }

func parseTS(ts string) (tsKey, bool) {
	if ts == "" {
		return tsKey{}, false
	}
	secs, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(secs, 10, 64)
	if err != nil {
		return tsKey{}, false
	}
	var f int64
	if frac != "" {
		frac = (frac + "000000")[:6]
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return tsKey{}, false
		}
	}
	return tsKey{s, f}, true
}

func (a tsKey) less(b tsKey) bool { return a.sec < b.sec || (a.sec == b.sec && a.frac < b.frac) }

// cursorPrefix makes the sandbox's cursors opaque-looking; a cursor is
// the ts of the last message of the previous page.
const cursorPrefix = "next_ts:"

func encodeCursor(ts string) string {
	return base64.StdEncoding.EncodeToString([]byte(cursorPrefix + ts))
}

func decodeCursor(c string) (tsKey, bool) {
	b, err := base64.StdEncoding.DecodeString(c)
	if err != nil {
		return tsKey{}, false
	}
	ts, ok := strings.CutPrefix(string(b), cursorPrefix)
	if !ok {
		return tsKey{}, false
	}
	return parseTS(ts)
}

func flag(p params, key string) bool {
	v := p.str(key)
	return v == "1" || v == "true"
}

// conversationsHistory: docs.slack.dev/reference/methods/conversations.history.
// Messages come newest first, between oldest and latest (exclusive unless
// inclusive), at most limit per page, with has_more and
// response_metadata.next_cursor for the next (older) page. Ephemeral
// messages are not part of a conversation's history. Message metadata is
// returned only when include_all_metadata is set
// (docs.slack.dev/messaging/message-metadata). Errors: channel_not_found,
// invalid_cursor, invalid_ts_latest, invalid_ts_oldest.
func (s *Server) conversationsHistory(p params, c *Call) (map[string]any, string) {
	c.Channel = p.str("channel")
	if c.Channel == "" {
		return nil, "channel_not_found"
	}
	inclusive := flag(p, "inclusive")
	withMeta := flag(p, "include_all_metadata")
	oldest, latest := tsKey{}, tsKey{sec: 1 << 62}
	if v := p.str("oldest"); v != "" {
		k, ok := parseTS(v)
		if !ok {
			return nil, "invalid_ts_oldest"
		}
		oldest = k
	}
	if v := p.str("latest"); v != "" {
		k, ok := parseTS(v)
		if !ok {
			return nil, "invalid_ts_latest"
		}
		latest = k
	}
	limit := historyDefaultLimit
	if v := p.str("limit"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			limit = min(n, historyMaxLimit)
		}
	}
	var before *tsKey // from the cursor: strictly older than this
	if v := p.str("cursor"); v != "" {
		k, ok := decodeCursor(v)
		if !ok {
			return nil, "invalid_cursor"
		}
		before = &k
	}

	var in []*Message
	for _, m := range s.messages[c.Channel] {
		if m.Ephemeral {
			continue
		}
		k, ok := parseTS(m.TS)
		if !ok {
			continue
		}
		if k.less(oldest) || (!inclusive && k == oldest) || latest.less(k) || (!inclusive && k == latest) {
			continue
		}
		if before != nil && !k.less(*before) {
			continue
		}
		in = append(in, m)
	}
	sort.SliceStable(in, func(i, j int) bool {
		a, _ := parseTS(in[i].TS)
		b, _ := parseTS(in[j].TS)
		return b.less(a)
	})
	hasMore := len(in) > limit
	if hasMore {
		in = in[:limit]
	}
	msgs := make([]map[string]any, 0, len(in))
	for _, m := range in {
		j := messageJSON(m)
		if withMeta && len(m.Metadata) > 0 {
			j["metadata"] = m.Metadata
		}
		msgs = append(msgs, j)
	}
	out := map[string]any{"messages": msgs, "has_more": hasMore, "pin_count": 0}
	if hasMore {
		out["response_metadata"] = map[string]any{"next_cursor": encodeCursor(in[len(in)-1].TS)}
	}
	return out, ""
}
