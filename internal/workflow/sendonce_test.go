package workflow_test

import (
	"log/slog"
	"testing"

	"billbot/internal/notify"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// sendCrash is what the test fail point panics with.
type sendCrash struct{ point string }

// TestCrashAfterQBOSendEmailsOnce crashes between QBO's send and the sent
// transition, lets QBO forget the send's requestid (Intuit does not say
// how long it remembers one), and retries: billbot sees QBO's EmailStatus
// EmailSent and records the send instead of emailing the client again.
func TestCrashAfterQBOSendEmailsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.october()
		inv := e.draft()[acme]
		crashing := workflow.New(workflow.Deps{
			Store: e.store, Ledger: e.books, Notifier: notify.New(e.msgr, nil), Now: e.clock.Now, Logger: slog.New(slog.DiscardHandler),
			FailPoint: func(p string) {
				if p == "send:after_qbo" {
					panic(sendCrash{p})
				}
			},
		})
		func() {
			defer func() {
				if r := recover(); r != (sendCrash{"send:after_qbo"}) {
					t.Fatalf("recovered %v, want the crash at send:after_qbo", r)
				}
			}()
			crashing.Approve(t.Context(), inv.ID, partnerA)
		}()
		if got := e.invoice(inv.ID); got.State != store.StateApproved {
			t.Fatalf("after the crash: state %s, want approved", got.State)
		}
		if n := len(e.qbo.Emails(inv.LedgerID)); n != 1 {
			t.Fatalf("QBO emailed the invoice %d times before the retry, want 1", n)
		}
		e.qbo.ForgetRequestIDs()
		if _, err := e.wf.SendApproved(t.Context()); err != nil {
			t.Fatalf("retry: %v", err)
		}
		if got := e.invoice(inv.ID); got.State != store.StateSent || got.EmailStatus != "EmailSent" {
			t.Errorf("after the retry: state %s, email status %q; want sent, EmailSent", got.State, got.EmailStatus)
		}
		if got := e.qbo.Emails(inv.LedgerID); len(got) != 1 {
			t.Errorf("the client got the invoice %d times (%v), want exactly once", len(got), got)
		}
	})
}
