package slackui

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"billbot/internal/chat"
)

func TestDraftMessage(t *testing.T) {
	t.Parallel()
	acted := time.Date(2026, 11, 2, 18, 5, 0, 0, time.UTC) // 1:05 PM EST
	tests := []struct {
		name string
		d    func() Draft
	}{
		{"pending", usdDraft},
		{"approved", func() Draft {
			d := usdDraft()
			d.State, d.ActedBy, d.ActedAt = StateApproved, "U0PARTNER1", acted
			return d
		}},
		{"sent", func() Draft {
			d := usdDraft()
			d.State, d.ActedBy, d.ActedAt, d.SentTo = StateSent, "U0PARTNER1", acted, "ap@acme.example"
			return d
		}},
		{"held", func() Draft {
			d := usdDraft()
			d.State, d.ActedBy, d.ActedAt = StateHeld, "U0PARTNER1", acted
			d.HoldReason = "Client disputes October scope; waiting for the engagement partner"
			return d
		}},
		{"cad", cadDraft},
		{"jpy_flagged", jpyDraft},
		{"supplemental_replenish", func() Draft {
			d := usdDraft()
			d.Supplemental, d.Replenish = true, true
			return d
		}},
		{"voided", func() Draft {
			d := usdDraft()
			d.State, d.ActedBy, d.ActedAt = StateVoided, "U0PARTNER1", acted
			return d
		}},
		{"paid", func() Draft {
			d := usdDraft()
			d.State, d.ActedAt, d.QBOURL = StatePaid, acted, ""
			return d
		}},
		{"300_lines", func() Draft { return bigDraft(300) }},
	}
	loc := newYork(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			text, blocks := DraftMessage(tt.d(), loc)
			checkMessage(t, text, blocks)
			assertGolden(t, message{text, blocks})
		})
	}
}

// actionIDs lists the action ids of a message's buttons in order.
func actionIDs(t *testing.T, blocks []slack.Block) []string {
	t.Helper()
	var ids []string
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.ActionBlock:
			for _, e := range b.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok {
					ids = append(ids, btn.ActionID+"="+btn.Value)
				}
			}
		case *slack.SectionBlock:
			if b.Accessory != nil && b.Accessory.ButtonElement != nil {
				ids = append(ids, b.Accessory.ButtonElement.ActionID+"="+b.Accessory.ButtonElement.Value)
			}
		}
	}
	return ids
}

func TestDraftMessageButtonsFollowState(t *testing.T) {
	t.Parallel()
	entries := chat.ActionShowEntries + "=1043" // on every draft message
	decide := []string{chat.ActionApprove + "=1043", chat.ActionEdit + "=1043", chat.ActionHold + "=1043", chat.ActionOpenInQBO + "=", entries}
	tests := []struct {
		state string
		want  []string
	}{
		{StatePending, decide},
		{StateFlagged, decide},
		{StateHeld, []string{chat.ActionRelease + "=1043", chat.ActionOpenInQBO + "=", entries}},
		{StateApproved, []string{chat.ActionOpenInQBO + "=", entries}},
		{StateSent, []string{chat.ActionOpenInQBO + "=", entries}},
		{StateVoided, []string{chat.ActionOpenInQBO + "=", entries}},
		{StatePaid, []string{chat.ActionOpenInQBO + "=", entries}},
	}
	for _, tt := range tests {
		t.Run(tt.state, func(t *testing.T) {
			t.Parallel()
			d := usdDraft()
			d.State = tt.state
			_, blocks := DraftMessage(d, time.UTC)
			if diff := cmp.Diff(tt.want, actionIDs(t, blocks)); diff != "" {
				t.Errorf("buttons (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDraftMessageApproveConfirmNamesClientAndTotal(t *testing.T) {
	t.Parallel()
	d := usdDraft()
	_, blocks := DraftMessage(d, time.UTC)
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	want := `"text":"Send Acme Corp an invoice for ` + d.Total.Display(d.Currency) + `?"`
	if d.Total.Display(d.Currency) != "USD 3,385.60" || !strings.Contains(string(raw), want) {
		t.Errorf("approve confirmation lacks %s", want)
	}
}

func TestDraftMessageEscapesUserText(t *testing.T) {
	t.Parallel()
	d := cadDraft()
	d.Notes = []string{"<!channel> pay now & <https://evil.example|click>"}
	text, blocks := DraftMessage(d, time.UTC)
	raw, err := json.Marshal(message{text, blocks})
	if err != nil {
		t.Fatal(err)
	}
	// encoding/json writes < > & as \u003c \u003e \u0026. plain_text
	// (header, confirmation) is not parsed and carries the name as typed.
	for _, bad := range []string{`\u003c!channel\u003e`, `\u003chttps://evil`, `*Maple \u0026`} {
		if strings.Contains(string(raw), bad) {
			t.Errorf("unescaped user text %s in %s", bad, raw)
		}
	}
	if !strings.Contains(text, "Maple &amp; Co &lt;Toronto&gt;") {
		t.Errorf("fallback text %q: client not escaped", text)
	}
}

func TestDraftMessageStaysWithinLimits(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 10, 11, 500} {
		for _, state := range []string{StatePending, StateHeld, StateSent} {
			d := hostileDraft(n)
			d.State = state
			text, blocks := DraftMessage(d, time.UTC)
			checkMessage(t, text, blocks)
		}
	}
}

func TestDraftMessage500LinesSumsTheRest(t *testing.T) {
	t.Parallel()
	_, blocks := DraftMessage(bigDraft(500), time.UTC)
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	// 490 more lines of 1.5 h × USD 150.00 = USD 225.00 each.
	if want := "…and 490 more lines (USD 110,250.00)"; !strings.Contains(string(raw), want) {
		t.Errorf("missing %q", want)
	}
}
