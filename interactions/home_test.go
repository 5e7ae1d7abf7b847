package interactions_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"billbot/interactions"
	"billbot/internal/billing"
	"billbot/internal/chat"
	"billbot/store"
)

// fakeHome records the App Home tabs published.
type fakeHome struct {
	views map[string]slack.HomeTabViewRequest
}

func (f *fakeHome) PublishHome(_ context.Context, user string, v slack.HomeTabViewRequest) error {
	if f.views == nil {
		f.views = map[string]slack.HomeTabViewRequest{}
	}
	f.views[user] = v
	return nil
}

// TestHomeForStrangersShowsNothingOfTheFirm: someone the configuration
// does not name opens billbot's App Home and sees a plain notice, with no
// client, amount or exception of the firm; the firm's people see the firm.
func TestHomeForStrangersShowsNothingOfTheFirm(t *testing.T) {
	f := newFixture(t)
	f.pending()
	home := &fakeHome{}
	ev := interactions.NewEvents(f.wf, home)
	for _, user := range []string{staffer, partner} {
		if err := ev.HandleEvent(t.Context(), chat.Event{Type: "app_home_opened", UserID: user, Tab: "home"}); err != nil {
			t.Fatal(err)
		}
	}
	raw, _ := json.Marshal(home.views[staffer])
	for _, leak := range []string{"Acme", "USD", "2,400", "Test CPA"} {
		if strings.Contains(string(raw), leak) {
			t.Errorf("a stranger's App Home shows %q:\n%s", leak, raw)
		}
	}
	if !strings.Contains(string(raw), "only the firm's people") {
		t.Errorf("a stranger's App Home does not say why it is empty:\n%s", raw)
	}
	if own, _ := json.Marshal(home.views[partner]); !strings.Contains(string(own), "Acme") {
		t.Errorf("the partner's App Home lacks the draft awaiting them:\n%s", own)
	}
}

// TestHomeForAManagerShowsTheirClientsOnly: a manager who is neither
// approver, billing manager nor viewer sees the exceptions of the clients
// they manage, not the firm's.
func TestHomeForAManagerShowsTheirClientsOnly(t *testing.T) {
	f := newFixture(t)
	for _, p := range []billing.Problem{
		{Code: billing.ExRateMismatch, Client: "Acme Corp", Engagement: "acme-2026", Message: "Advisory billed at 175.00.", Fix: "Correct the rate."},
		{Code: billing.ExUnapproved, Client: "Zephyr Partners", Engagement: "zephyr-2026", Message: "Zephyr has 3 entries unapproved.", Fix: "Approve them."},
	} {
		if _, _, err := f.store.OpenException(t.Context(), p, now()); err != nil {
			t.Fatal(err)
		}
	}
	home := &fakeHome{}
	ev := interactions.NewEvents(f.wf, home)
	for _, user := range []string{manager, approver} {
		if err := ev.HandleEvent(t.Context(), chat.Event{Type: "app_home_opened", UserID: user, Tab: "home"}); err != nil {
			t.Fatal(err)
		}
	}
	mine, _ := json.Marshal(home.views[manager])
	if strings.Contains(string(mine), "Unapproved") || !strings.Contains(string(mine), "Rate") {
		t.Errorf("the manager's App Home shows another manager's client, or not their own:\n%s", mine)
	}
	all, _ := json.Marshal(home.views[approver])
	if !strings.Contains(string(all), "Unapproved") {
		t.Errorf("the approver's App Home lacks the firm's exceptions:\n%s", all)
	}
	// Firm health is firm-wide: the approver's tab has it, the manager's not.
	if !strings.Contains(string(all), "Firm health") || strings.Contains(string(mine), "Firm health") {
		t.Errorf("Firm health on the approver's tab: %v, on the manager's: %v",
			strings.Contains(string(all), "Firm health"), strings.Contains(string(mine), "Firm health"))
	}
}

// TestHomeIsRememberedUntilAnInvoiceChanges: opening App Home again reads
// the invoices once; a hold makes the next opening show the draft gone.
func TestHomeIsRememberedUntilAnInvoiceChanges(t *testing.T) {
	f := newFixture(t)
	inv := f.pending()
	home := &fakeHome{}
	ev := interactions.NewEvents(f.wf, home)
	open := func() string {
		t.Helper()
		if err := ev.HandleEvent(t.Context(), chat.Event{Type: "app_home_opened", UserID: partner, Tab: "home"}); err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(home.views[partner])
		return string(raw)
	}
	before := f.ledger.Stats().Computed
	for range 5 {
		if v := open(); !strings.Contains(v, "Acme Corp") {
			t.Fatalf("the partner's App Home lacks the draft awaiting them:\n%s", v)
		}
	}
	if n := f.ledger.Stats().Computed - before; n != 1 {
		t.Errorf("five openings computed App Home's invoices %d times, want 1", n)
	}
	if _, err := f.store.Transition(t.Context(), inv.ID, []store.InvoiceState{store.StatePending}, store.StateHeld, partner, "wait", nil); err != nil {
		t.Fatal(err)
	}
	if v := open(); strings.Contains(v, "Acme Corp") {
		t.Errorf("a held draft still awaits approval on App Home:\n%s", v)
	}
}
