package workflow_test

import (
	"log/slog"
	"strings"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/notify"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// atApprovalYAML is the test firm with firm.ledger_write: at_approval.
var atApprovalYAML = strings.Replace(firmYAML, "  home_currency: USD\n", "  home_currency: USD\n  ledger_write: at_approval\n", 1)

// qboWrites counts the writes (POSTs) QBO received.
func (e *env) qboWrites() int {
	n := 0
	for ep, c := range e.qbo.Calls() {
		if strings.HasPrefix(ep, "POST ") {
			n += c
		}
	}
	return n
}

// TestAtApprovalDraftsOutsideQBO: with firm.ledger_write at_approval the
// draft is stored and posted with billbot's total and no QBO invoice; Approve
// creates exactly one QBO invoice, checks its total and sends it once.
func TestAtApprovalDraftsOutsideQBO(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnvYAML(t, s, atApprovalYAML)
		e.october()
		inv := e.draft()[acme]
		if n := e.qboWrites(); n != 0 || e.qbo.InvoiceCount() != 0 {
			t.Fatalf("drafting wrote to QBO: %d writes, %d invoices; want none", n, e.qbo.InvoiceCount())
		}
		if inv.State != store.StatePending || inv.LedgerID != "" || inv.DocNumber != "" || inv.SlackTS == "" {
			t.Fatalf("draft: state %s, QBO id %q, number %q, posted %q; want pending, no QBO, posted", inv.State, inv.LedgerID, inv.DocNumber, inv.SlackTS)
		}
		msg, ok := e.slack.Message(inv.SlackChannel, inv.SlackTS)
		if !ok {
			t.Fatal("draft message is missing")
		}
		if b := blockText(msg.Blocks); !strings.Contains(b, "2,450.00") || !strings.Contains(b, `"approve_invoice"`) || strings.Contains(b, "qbo.intuit") {
			t.Errorf("draft message does not show billbot's total with Approve and no QBO link:\n%s", b)
		}

		got := e.approve(inv.ID, partnerA)
		if got.State != store.StateSent || got.LedgerID == "" || got.LedgerTotal != got.Total {
			t.Fatalf("after approve: state %s, QBO id %q, QBO total %d, total %d", got.State, got.LedgerID, got.LedgerTotal, got.Total)
		}
		if e.qbo.InvoiceCount() != 1 || e.sends() != 1 || len(e.qbo.Emails(got.LedgerID)) != 1 {
			t.Errorf("QBO invoices %d, sends %d, emails %d; want 1, 1, 1", e.qbo.InvoiceCount(), e.sends(), len(e.qbo.Emails(got.LedgerID)))
		}
		msg, _ = e.slack.Message(inv.SlackChannel, inv.SlackTS)
		if msg.Versions != 2 || !strings.Contains(blockText(msg.Blocks), "Approved by <@"+partnerA+">") {
			t.Errorf("message versions %d, want 2 (updated in place to approved):\n%s", msg.Versions, blockText(msg.Blocks))
		}
	})
}

// TestAtApprovalHoldAndEditStayInBillbot: Hold, Edit and Release of an
// at_approval draft change billbot's store only.
func TestAtApprovalHoldAndEditStayInBillbot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnvYAML(t, s, atApprovalYAML)
		e.october()
		inv := e.draft()[acme]
		before := e.qbo.TotalCalls()
		l := inv.Lines[0]
		edited, err := e.wf.EditInvoice(t.Context(), inv.ID, partnerA, workflow.Edit{Lines: []workflow.LineEdit{{Index: 0, Hours: l.Qty, Rate: l.UnitPrice, Description: "Advisory, revised"}}})
		if err != nil || edited.State != store.StatePending {
			t.Fatalf("edit: %v, state %s; want pending", err, edited.State)
		}
		held, err := e.wf.Hold(t.Context(), inv.ID, partnerA, "Client disputes the scope")
		if err != nil || held.State != store.StateHeld {
			t.Fatalf("hold: %v, state %s", err, held.State)
		}
		released, err := e.wf.Release(t.Context(), inv.ID, partnerA)
		if err != nil || released.State != store.StatePending {
			t.Fatalf("release: %v, state %s; want pending", err, released.State)
		}
		if n := e.qbo.TotalCalls() - before; n != 0 || e.qbo.InvoiceCount() != 0 {
			t.Errorf("edit, hold and release made %d QBO calls (%d invoices); want none", n, e.qbo.InvoiceCount())
		}
	})
}

// approveCrash is what the at_approval crash test's fail point panics with.
type approveCrash struct{ point string }

// TestAtApprovalCrashAfterCreateCreatesOnce crashes Approve right after
// QBO created the invoice, before billbot recorded it; the retried Approve
// sends the same requestid, so QBO replays the create instead of making a
// second invoice, and the client is emailed once.
func TestAtApprovalCrashAfterCreateCreatesOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnvYAML(t, s, atApprovalYAML)
		e.october()
		inv := e.draft()[acme]
		crashing := workflow.New(workflow.Deps{
			Store: e.store, Ledger: e.books, Notifier: notify.New(e.msgr, nil), Now: e.clock.Now, Logger: slog.New(slog.DiscardHandler),
			FailPoint: func(p string) {
				if p == "qbo:after_create" {
					panic(approveCrash{p})
				}
			},
		})
		func() {
			defer func() {
				if r := recover(); r != (approveCrash{"qbo:after_create"}) {
					t.Fatalf("recovered %v, want the crash at qbo:after_create", r)
				}
			}()
			crashing.Approve(t.Context(), inv.ID, partnerA)
		}()
		if got := e.invoice(inv.ID); got.State != store.StatePending || got.LedgerID != "" || e.qbo.InvoiceCount() != 1 {
			t.Fatalf("after the crash: state %s, QBO id %q, QBO invoices %d; want pending, unrecorded, 1", got.State, got.LedgerID, e.qbo.InvoiceCount())
		}
		got := e.approve(inv.ID, partnerA)
		if got.State != store.StateSent || e.qbo.InvoiceCount() != 1 {
			t.Fatalf("after the retry: state %s, QBO invoices %d; want sent, 1", got.State, e.qbo.InvoiceCount())
		}
		if n := len(e.qbo.Emails(got.LedgerID)); n != 1 || e.sends() != 1 {
			t.Errorf("emails %d, sends %d; want 1, 1", n, e.sends())
		}
	})
}

// TestAtApprovalMismatchFlags: when QBO's TotalAmt of the invoice created on
// approval is a cent off billbot's total, the invoice is flagged and not sent.
func TestAtApprovalMismatchFlags(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnvYAML(t, s, atApprovalYAML)
		e.october()
		inv := e.draft()[acme]
		wf := workflow.New(workflow.Deps{Store: e.store, Ledger: &mismatchQBO{Ledger: e.wfQBO(), extra: 1}, Notifier: notify.New(e.messenger(), nil), Now: e.clock.Now})
		if _, err := wf.Approve(t.Context(), inv.ID, partnerA); !isUserError(err) {
			t.Fatalf("approve with a cent mismatch: %v, want a user error", err)
		}
		if got := e.invoice(inv.ID); got.State != store.StateFlagged || e.sends() != 0 || e.qbo.InvoiceCount() != 1 {
			t.Errorf("state %s, sends %d, QBO invoices %d; want flagged, 0, 1", got.State, e.sends(), e.qbo.InvoiceCount())
		}
		msg, _ := e.slack.Message(inv.SlackChannel, inv.SlackTS)
		if !strings.Contains(string(msg.Blocks), "Flagged") {
			t.Errorf("message does not show the flag:\n%s", msg.Blocks)
		}
	})
}

// TestAtApprovalFinishesABegunBatch: a batch create that crashed under
// at_draft, before billbot recorded QBO's answer, is finished by replaying
// the batch after the firm switched to at_approval; Approve then sends that
// invoice and creates no second one.
func TestAtApprovalFinishesABegunBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.october()
		crashing := workflow.New(workflow.Deps{
			Store: e.store, Ledger: e.books, Notifier: notify.New(e.msgr, nil), Now: e.clock.Now, Logger: slog.New(slog.DiscardHandler),
			FailPoint: func(p string) {
				if p == "qbo:after_create" {
					panic(approveCrash{p})
				}
			},
		})
		func() {
			defer func() {
				if r := recover(); r != (approveCrash{"qbo:after_create"}) {
					t.Fatalf("recovered %v, want the crash at qbo:after_create", r)
				}
			}()
			crashing.Draft(t.Context(), workflow.DraftOptions{PeriodEnd: billing.MustDate("2026-10-31"), Actor: "test"})
		}()
		created := e.qbo.InvoiceCount()
		if created == 0 {
			t.Fatal("the crash came before QBO created anything")
		}
		parsed, err := config.ParseFirm("test firm", []byte(atApprovalYAML))
		if err != nil {
			t.Fatal(err)
		}
		_, clients, engs := parsed.Billing()
		if err := e.store.SaveConfig(t.Context(), []byte(atApprovalYAML), clients, engs, "test"); err != nil {
			t.Fatal(err)
		}
		if err := e.wf.Advance(t.Context()); err != nil {
			t.Fatal(err)
		}
		inv := e.invoices()[acme]
		if inv.State != store.StatePending || inv.LedgerID == "" || e.qbo.InvoiceCount() != created {
			t.Fatalf("after the replay: state %s, QBO id %q, QBO invoices %d; want pending, recorded, %d", inv.State, inv.LedgerID, e.qbo.InvoiceCount(), created)
		}
		if got := e.approve(inv.ID, partnerA); got.State != store.StateSent || e.qbo.InvoiceCount() != created || e.sends() != 1 {
			t.Errorf("after approve: state %s, QBO invoices %d, sends %d; want sent, %d, 1", got.State, e.qbo.InvoiceCount(), e.sends(), created)
		}
	})
}
