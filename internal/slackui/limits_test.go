package slackui

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"billbot/internal/chat"
)

// messageActions is every action id a message or the Home tab may carry:
// the chat package's constants, so that each click has a handler.
var messageActions = map[string]bool{
	chat.ActionApprove: true, chat.ActionEdit: true, chat.ActionHold: true,
	chat.ActionRelease: true, chat.ActionSnooze: true, chat.ActionDispute: true,
	chat.ActionSupplemental: true, chat.ActionOpenInQBO: true, chat.ActionConnectQBO: true,
	chat.ActionShowEntries: true, chat.ActionResolveDispute: true, chat.ActionOpenDetail: true,
}

// modalActions is every action id a modal may carry.
var modalActions = map[string]bool{InputAction: true}

// checkMessage asserts Slack's limits on a rendered message.
func checkMessage(t *testing.T, text string, blocks []slack.Block) {
	t.Helper()
	if text == "" {
		t.Error("empty fallback text")
	}
	if n := utf8.RuneCountInString(text); n > MaxTextLen {
		t.Errorf("fallback text has %d characters, limit %d", n, MaxTextLen)
	}
	if len(blocks) > MaxMessageBlocks {
		t.Errorf("%d blocks, limit %d", len(blocks), MaxMessageBlocks)
	}
	checkBlocks(t, blocks, messageActions)
}

// checkModal asserts Slack's limits on a modal.
func checkModal(t *testing.T, v slack.ModalViewRequest) {
	t.Helper()
	if len(v.Blocks.BlockSet) > MaxViewBlocks {
		t.Errorf("%d blocks, limit %d", len(v.Blocks.BlockSet), MaxViewBlocks)
	}
	for name, o := range map[string]*slack.TextBlockObject{"title": v.Title, "submit": v.Submit, "close": v.Close} {
		if o == nil || o.Type != slack.PlainTextType || o.Text == "" || utf8.RuneCountInString(o.Text) > maxViewTitleLen {
			t.Errorf("modal %s %+v: want plain_text of 1–%d characters", name, o, maxViewTitleLen)
		}
	}
	if v.CallbackID != chat.CallbackEdit && v.CallbackID != chat.CallbackHold {
		t.Errorf("callback id %q is not a chat constant", v.CallbackID)
	}
	if v.PrivateMetadata == "" || len(v.PrivateMetadata) > 3000 {
		t.Errorf("private_metadata %q: want 1–3000 characters", v.PrivateMetadata)
	}
	checkBlocks(t, v.Blocks.BlockSet, modalActions)
}

// checkHome asserts Slack's limits on the Home tab.
func checkHome(t *testing.T, v slack.HomeTabViewRequest) {
	t.Helper()
	if v.Type != slack.VTHomeTab {
		t.Errorf("type %q, want home", v.Type)
	}
	if len(v.Blocks.BlockSet) > MaxViewBlocks {
		t.Errorf("%d blocks, limit %d", len(v.Blocks.BlockSet), MaxViewBlocks)
	}
	checkBlocks(t, v.Blocks.BlockSet, messageActions)
}

// checkBlocks walks the blocks' JSON, as Slack receives it, and checks ids,
// text lengths and per-block limits.
func checkBlocks(t *testing.T, blocks []slack.Block, allowed map[string]bool) {
	t.Helper()
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatalf("marshal blocks: %v", err)
	}
	var generic []map[string]any
	if err := json.Unmarshal(raw, &generic); err != nil {
		t.Fatalf("unmarshal blocks: %v", err)
	}
	ids := map[string]bool{}
	for i, b := range generic {
		typ, _ := b["type"].(string)
		id, _ := b["block_id"].(string)
		switch {
		case id == "" && typ != "divider":
			t.Errorf("block %d (%s) has no block_id", i, typ)
		case ids[id]:
			t.Errorf("block_id %q is not unique", id)
		case len(id) > MaxIDLen:
			t.Errorf("block_id %q is longer than %d", id, MaxIDLen)
		}
		if id != "" {
			ids[id] = true
		}
		switch typ {
		case "header":
			checkLen(t, "header", textOf(b["text"]), maxHeaderLen)
		case "section":
			fields, _ := b["fields"].([]any)
			if len(fields) > maxFields {
				t.Errorf("section %q has %d fields, limit %d", id, len(fields), maxFields)
			}
			for _, f := range fields {
				checkLen(t, "field", textOf(f), maxFieldLen)
			}
			if b["text"] == nil && len(fields) == 0 {
				t.Errorf("section %q has neither text nor fields", id)
			}
		case "context":
			if els, _ := b["elements"].([]any); len(els) == 0 || len(els) > maxContextElems {
				t.Errorf("context %q has %d elements, want 1–%d", id, len(els), maxContextElems)
			}
		case "actions":
			if els, _ := b["elements"].([]any); len(els) == 0 || len(els) > 25 {
				t.Errorf("actions %q has %d elements, want 1–25", id, len(els))
			}
		case "input":
			checkLen(t, "input label", textOf(b["label"]), maxLabelLen)
		}
		walk(t, b, allowed)
	}
}

func textOf(v any) string {
	m, _ := v.(map[string]any)
	s, _ := m["text"].(string)
	return s
}

func checkLen(t *testing.T, what, s string, limit int) {
	t.Helper()
	if s == "" {
		t.Errorf("empty %s text", what)
	}
	if n := utf8.RuneCountInString(s); n > limit {
		t.Errorf("%s text has %d characters, limit %d: %.60q…", what, n, limit, s)
	}
}

// walk checks every nested object: text lengths, action ids, buttons and
// confirmation dialogs.
func walk(t *testing.T, v any, allowed map[string]bool) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		if s, ok := v["text"].(string); ok {
			checkLen(t, "text object", s, MaxTextLen)
		}
		if a, ok := v["action_id"].(string); ok {
			if !allowed[a] {
				t.Errorf("action_id %q is not an allowed constant", a)
			}
		}
		if v["type"] == "button" {
			checkLen(t, "button", textOf(v["text"]), maxButtonLen)
			if s, _ := v["value"].(string); len(s) > maxButtonValueLen {
				t.Errorf("button value longer than %d", maxButtonValueLen)
			}
			if s, _ := v["url"].(string); s == "" && v["value"] == nil {
				t.Errorf("button %v has neither value nor url", v["action_id"])
			}
		}
		if c, ok := v["confirm"].(map[string]any); ok && v["type"] == "button" {
			checkLen(t, "confirm title", textOf(c["title"]), maxConfirmTitle)
			checkLen(t, "confirm text", textOf(c["text"]), maxConfirmText)
			checkLen(t, "confirm button", textOf(c["confirm"]), maxConfirmButton)
			checkLen(t, "deny button", textOf(c["deny"]), maxConfirmButton)
		}
		if v["type"] == "plain_text_input" {
			iv, _ := v["initial_value"].(string)
			ml, _ := v["max_length"].(float64)
			if ml > maxInputLen || (ml > 0 && float64(utf8.RuneCountInString(iv)) > ml) {
				t.Errorf("plain_text_input %q: initial value longer than max_length %v", iv, ml)
			}
		}
		for _, c := range v {
			walk(t, c, allowed)
		}
	case []any:
		for _, c := range v {
			walk(t, c, allowed)
		}
	}
}

// blocksJSON returns the blocks as Slack receives them.
func blocksJSON(t *testing.T, blocks []slack.Block) string {
	t.Helper()
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatalf("marshal blocks: %v", err)
	}
	return string(raw)
}
