package workflow_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"

	"billbot/internal/money"
	"billbot/internal/qbo"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// editInQBO changes the first line of a QBO invoice as someone in the
// QuickBooks web app would: 12 hours instead of 10 (sparse update of the
// lines; QBO re-prices and bumps the SyncToken).
func (e *env) editInQBO(qboID string) {
	e.t.Helper()
	raw, ok := e.qbo.Invoice(qboID)
	if !ok {
		e.t.Fatalf("no QBO invoice %s", qboID)
	}
	var q qbo.Invoice
	if err := json.Unmarshal(raw, &q); err != nil {
		e.t.Fatal(err)
	}
	var lines []qbo.Line
	for _, l := range q.Line {
		if l.DetailType != qbo.SubTotalLine {
			lines = append(lines, l)
		}
	}
	lines[0].SalesItemLineDetail.Qty = "12"
	lines[0].Amount = "2400.00"
	if err := e.qbo.UpdateInvoiceAsUser(qboID, map[string]any{"Line": lines}); err != nil {
		e.t.Fatal(err)
	}
}

var approveValue = regexp.MustCompile(`"action_id":\s*"approve_invoice"[^}]*?"value":\s*"([0-9]+:[0-9a-f]+)"|"value":\s*"([0-9]+:[0-9a-f]+)"[^}]*?"action_id":\s*"approve_invoice"`)

// approveVersion returns the version the message's Approve button carries.
func (e *env) approveVersion(inv store.Invoice) string {
	e.t.Helper()
	msg, ok := e.slack.Message(inv.SlackChannel, inv.SlackTS)
	if !ok {
		e.t.Fatal("draft message is gone")
	}
	m := approveValue.FindStringSubmatch(string(msg.Blocks))
	if m == nil {
		e.t.Fatalf("no Approve button with a version in:\n%s", msg.Blocks)
	}
	v := m[1] + m[2]
	_, version, _ := strings.Cut(v, ":")
	return version
}

// TestApproveSendsWhatWasApproved: a draft edited in QuickBooks after it
// was posted is not emailed on Approve. The message is refreshed in place
// with the differences, an Approve click on the old rendering still sends
// nothing, and the partner's approval of the refreshed version sends it,
// once, with billbot's records matching QBO's.
func TestApproveSendsWhatWasApproved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		ctx := t.Context()
		e.october()
		inv := e.draft()[acme]
		shown := e.approveVersion(inv)
		if shown != workflow.Version(inv) {
			t.Fatalf("posted message carries version %s, store %s", shown, workflow.Version(inv))
		}
		e.editInQBO(inv.LedgerID)

		_, err := e.wf.ApproveVersion(ctx, inv.ID, partnerA, shown)
		var ue *workflow.UserError
		if !errors.As(err, &ue) || !strings.Contains(ue.Msg, "changed in QuickBooks") {
			t.Fatalf("approve of a draft edited in QBO: err = %v, want a UserError saying it changed", err)
		}
		if n := len(e.qbo.Emails(inv.LedgerID)); n != 0 || e.sends() != 0 {
			t.Fatalf("QBO emailed the edited draft %d times (%d sends) on an approval of another version", n, e.sends())
		}
		got := e.invoice(inv.ID)
		want := money.MustParse("2850.00", "USD")
		if got.State != store.StatePending || got.Total != want || got.LedgerTotal != want || got.Lines[0].Qty != money.MustHours("12") {
			t.Errorf("after the refusal: state %s total %s QBO total %s line 1 qty %s; want pending, 2850.00 both, 12",
				got.State, got.Total.Format("USD"), got.LedgerTotal.Format("USD"), got.Lines[0].Qty)
		}
		if got.Lines[0].Kind != inv.Lines[0].Kind || len(got.Lines[0].EntryIDs) != len(inv.Lines[0].EntryIDs) {
			t.Errorf("adopted line lost its kind or entries: %+v", got.Lines[0])
		}
		msg, _ := e.slack.Message(inv.SlackChannel, inv.SlackTS)
		if msg.Versions != 2 {
			t.Errorf("message versions = %d, want 2 (posted, refreshed in place)", msg.Versions)
		}
		text := blockText(msg.Blocks)
		for _, w := range []string{"Changed in QuickBooks", "qty 10.00 → 12.00", "amount USD 2,000.00 → USD 2,400.00", "Total: USD 2,450.00 → USD 2,850.00", `"approve_invoice"`} {
			if !strings.Contains(text, w) {
				t.Errorf("refreshed message lacks %q:\n%s", w, text)
			}
		}
		fresh := e.approveVersion(got)
		if fresh == shown || fresh != workflow.Version(got) {
			t.Fatalf("refreshed button version %s (was %s, store %s)", fresh, shown, workflow.Version(got))
		}

		// A second click on the rendering made before the refresh.
		if _, err := e.wf.ApproveVersion(ctx, inv.ID, partnerA, shown); !errors.As(err, &ue) {
			t.Fatalf("stale click: err = %v, want a UserError", err)
		}
		if n := len(e.qbo.Emails(inv.LedgerID)); n != 0 {
			t.Fatalf("a stale click emailed the client %d times", n)
		}

		sent, err := e.wf.ApproveVersion(ctx, inv.ID, partnerA, fresh)
		if err != nil {
			t.Fatalf("approve of the refreshed version: %v", err)
		}
		if sent.State != store.StateSent || len(e.qbo.Emails(inv.LedgerID)) != 1 {
			t.Errorf("after approving the refreshed version: state %s, emails %d; want sent, 1", sent.State, len(e.qbo.Emails(inv.LedgerID)))
		}
	})
}

// TestRefreshShowsDraftEditedInQuickBooks: the webhook/CDC path finds a
// draft edited in QuickBooks and refreshes its message with the
// differences before anyone clicks.
func TestRefreshShowsDraftEditedInQuickBooks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		ctx := t.Context()
		e.october()
		inv := e.draft()[acme]
		e.editInQBO(inv.LedgerID)
		if _, _, err := e.wf.RefreshInvoices(ctx, []string{inv.LedgerID}); err != nil {
			t.Fatal(err)
		}
		got := e.invoice(inv.ID)
		if got.Total != money.MustParse("2850.00", "USD") || got.State != store.StatePending {
			t.Errorf("after refresh: total %s state %s, want 2850.00 pending", got.Total.Format("USD"), got.State)
		}
		msg, _ := e.slack.Message(inv.SlackChannel, inv.SlackTS)
		if text := blockText(msg.Blocks); !strings.Contains(text, "Total: USD 2,450.00 → USD 2,850.00") || msg.Versions != 2 {
			t.Errorf("message (version %d) does not show the QuickBooks edit:\n%s", msg.Versions, text)
		}
		if v := e.approveVersion(got); v != workflow.Version(got) {
			t.Errorf("button version %s, store %s", v, workflow.Version(got))
		}
		// The same change seen again (CDC after the webhook) changes nothing.
		if _, _, err := e.wf.RefreshInvoices(ctx, []string{inv.LedgerID}); err != nil {
			t.Fatal(err)
		}
		if again, _ := e.slack.Message(inv.SlackChannel, inv.SlackTS); again.Versions != 2 {
			t.Errorf("a second refresh re-rendered the message (%d versions)", again.Versions)
		}
		if _, err := e.wf.Approve(ctx, inv.ID, partnerA); err != nil {
			t.Fatalf("approve after the refresh: %v", err)
		}
		if n := len(e.qbo.Emails(inv.LedgerID)); n != 1 {
			t.Errorf("emails = %d, want 1", n)
		}
	})
}
