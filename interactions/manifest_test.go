package interactions_test

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/slack-go/slack"
	"go.yaml.in/yaml/v3"

	"billbot/commands"
	"billbot/interactions"
	"billbot/internal/billing"
	"billbot/internal/chat"
	"billbot/internal/money"
	"billbot/internal/slackui"
)

var cmpSorted = cmpopts.SortSlices(func(a, b string) bool { return a < b })

// TestManifestMatchesHandlers keeps manifest.yml, the renderers and the
// handlers in step: every slash command the manifest declares is answered
// and vice versa; every button the renderers draw and every modal they open
// is routed; every bot event subscribed to is handled.
func TestManifestMatchesHandlers(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../manifest.yml")
	if err != nil {
		t.Fatal(err)
	}
	var m slack.Manifest
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("manifest.yml: %v", err)
	}

	var declared []string
	for _, c := range m.Features.SlashCommands {
		declared = append(declared, c.Command)
	}
	if diff := cmp.Diff(commands.Names(), declared, cmpSorted); diff != "" {
		t.Errorf("slash commands: handled (-) vs manifest (+):\n%s", diff)
	}

	var events []string
	if m.Settings.EventSubscriptions != nil {
		events = m.Settings.EventSubscriptions.BotEvents
	}
	if diff := cmp.Diff(interactions.EventTypes(), events, cmpSorted); diff != "" {
		t.Errorf("bot events: handled (-) vs manifest (+):\n%s", diff)
	}
	if m.Settings.Interactivity == nil || !m.Settings.Interactivity.IsEnabled {
		t.Error("interactivity is off: no button would reach billbot")
	}

	h := interactions.New(nil, nil, nil)
	routedActions, routedCallbacks := h.ActionIDs(), h.CallbackIDs()
	actions, callbacks := renderedIDs(t)
	// Every id constant is rendered somewhere; every rendered id is routed.
	for _, id := range []string{chat.ActionApprove, chat.ActionEdit, chat.ActionHold, chat.ActionRelease,
		chat.ActionSnooze, chat.ActionDispute, chat.ActionSupplemental, chat.ActionOpenInQBO,
		chat.ActionShowEntries, chat.ActionResolveDispute} {
		if !slices.Contains(actions, id) {
			t.Errorf("action id %s is rendered by no slackui view", id)
		}
	}
	for _, id := range actions {
		if id == chat.ActionOpenInQBO || id == chat.ActionOpenDetail {
			continue // a link: Slack opens the URL, HandleAction just acks
		}
		if !slices.Contains(routedActions, id) {
			t.Errorf("rendered action id %s has no route", id)
		}
	}
	for _, id := range routedActions {
		if !slices.Contains(actions, id) {
			t.Errorf("routed action id %s is rendered nowhere", id)
		}
	}
	if diff := cmp.Diff([]string{chat.CallbackEdit, chat.CallbackHold, chat.CallbackDispute, chat.CallbackResolve}, callbacks, cmpSorted); diff != "" {
		t.Errorf("modal callback ids rendered (-want +got):\n%s", diff)
	}
	for _, id := range callbacks {
		if !slices.Contains(routedCallbacks, id) {
			t.Errorf("modal callback id %s has no route", id)
		}
	}
}

// renderedIDs renders every Slack surface with buttons or modals and
// returns the action ids of buttons (inputs in modals send no actions) and
// the modals' callback ids.
func renderedIDs(t *testing.T) (actions, callbacks []string) {
	t.Helper()
	loc := time.UTC
	d := slackui.Draft{InvoiceID: 7, Client: "Acme", Currency: "USD", Total: money.MustParse("10.00", "USD"), QBOURL: "https://qbo.example/7",
		Lines: []slackui.Line{{Kind: billing.LineHourly, Description: "Advisory", Qty: money.MustHours("1"), UnitPrice: money.MustParse("10.00", "USD"), Amount: money.MustParse("10.00", "USD")}}}
	var surfaces []any
	for _, st := range []string{slackui.StatePending, slackui.StateFlagged, slackui.StateHeld, slackui.StateSent, slackui.StatePaid, slackui.StateVoided} {
		d.State = st
		_, b := slackui.DraftMessage(d, loc)
		surfaces = append(surfaces, b)
	}
	_, esc := slackui.EscalationDM(slackui.Escalation{InvoiceID: 7, Client: "Acme", ManagerID: "U1", Currency: "USD", QBOURL: "https://qbo.example/7"})
	_, exc := slackui.ExceptionsReply([]slackui.ExceptionGroup{
		{Code: billing.ExLateApproval, Title: "Late approvals", Count: 1, Items: []slackui.ExceptionItem{{ID: 3, Client: "Acme"}}},
	}, "")
	home := slackui.HomeView(slackui.Home{UserID: "U1", AwaitingMe: []slackui.DraftSummary{{InvoiceID: 7, Client: "Acme", Currency: "USD", QBOURL: "https://qbo.example/7"}}})
	surfaces = append(surfaces, esc, exc, home, slackui.EditModal(d), slackui.HoldModal(7, "Acme"),
		slackui.DisputeModal(7, "Acme", "1042"), slackui.ResolveModal(7, "Acme", "1042", "hours"),
		slackui.DisputedBlocks("t", []slackui.DisputedInvoice{{InvoiceID: 7, Client: "Acme", Currency: "USD"}}, loc, 5))

	seenA, seenC := map[string]bool{}, map[string]bool{}
	for _, s := range surfaces {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		walk(v, false, func(key, id string) {
			switch {
			case key == "callback_id" && !seenC[id]:
				seenC[id] = true
				callbacks = append(callbacks, id)
			case key == "action_id" && !seenA[id]:
				seenA[id] = true
				actions = append(actions, id)
			}
		})
	}
	return actions, callbacks
}

// walk calls fn for each callback_id and each action_id outside input
// blocks.
func walk(v any, inInput bool, fn func(key, id string)) {
	switch x := v.(type) {
	case map[string]any:
		input := inInput || x["type"] == "input"
		for k, val := range x {
			if s, ok := val.(string); ok && (k == "callback_id" || k == "action_id" && !input) {
				fn(k, s)
			}
			walk(val, input, fn)
		}
	case []any:
		for _, val := range x {
			walk(val, inInput, fn)
		}
	}
}
