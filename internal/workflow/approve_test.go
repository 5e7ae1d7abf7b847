package workflow_test

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/notify"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

func TestDraftApproveSend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.october()
		invs := e.draft()
		inv := invs[acme]
		if inv.State != store.StatePending {
			t.Fatalf("Acme state = %s, want pending", inv.State)
		}
		if want := money.MustParse("2450.00", "USD"); inv.Total != want || inv.LedgerTotal != want {
			t.Errorf("total %s, QBO total %s; want %s", inv.Total.Format("USD"), inv.LedgerTotal.Format("USD"), want.Format("USD"))
		}
		if b := invs[birch]; b.Total != money.MustParse("1080.00", "USD") || b.Discount != money.MustParse("-120.00", "USD") {
			t.Errorf("Birch total %s discount %s, want 1080.00 and -120.00", b.Total.Format("USD"), b.Discount.Format("USD"))
		}
		if inv.SlackChannel != billingChannel || inv.SlackTS == "" || inv.LedgerID == "" {
			t.Fatalf("posted to %q ts %q, QBO id %q", inv.SlackChannel, inv.SlackTS, inv.LedgerID)
		}
		if n := len(e.slack.Messages(billingChannel)); n != 2 {
			t.Errorf("%d messages in the billing channel, want 2", n)
		}

		e.clock.Set(e.clock.Now().Add(3600e9))
		got := e.approve(inv.ID, partnerA)
		if got.State != store.StateSent || got.ActedBy != partnerA || got.SentAt.IsZero() {
			t.Errorf("after approve: state %s, acted by %s, sent at %v", got.State, got.ActedBy, got.SentAt)
		}
		if n := e.sends(); n != 1 {
			t.Errorf("QBO sends = %d, want 1", n)
		}
		msg, ok := e.slack.Message(inv.SlackChannel, inv.SlackTS)
		if !ok {
			t.Fatal("draft message is gone")
		}
		if msg.Versions != 2 {
			t.Errorf("message versions = %d, want 2 (posted, then updated in place)", msg.Versions)
		}
		blocks := blockText(msg.Blocks)
		for _, want := range []string{"Approved by <@" + partnerA + ">", "sent to ap@acme.example"} {
			if !strings.Contains(blocks, want) {
				t.Errorf("updated message lacks %q:\n%s", want, blocks)
			}
		}
		if strings.Contains(blocks, `"approve_invoice"`) {
			t.Error("the sent invoice's message still offers Approve")
		}
		if n := len(e.slack.Messages(billingChannel)); n != 2 {
			t.Errorf("%d messages in the billing channel after approval, want still 2", n)
		}

		// A second click shows the outcome and sends nothing.
		again := e.approve(inv.ID, firmApprover)
		if again.State != store.StateSent || e.sends() != 1 {
			t.Errorf("second approve: state %s, sends %d", again.State, e.sends())
		}
	})
}

func TestApproveRefusedForNonApprover(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.october()
		inv := e.draft()[acme]
		for _, user := range []string{staffer, partnerB, managerA} {
			_, err := e.wf.Approve(t.Context(), inv.ID, user)
			var ue *workflow.UserError
			if !errors.As(err, &ue) {
				t.Fatalf("approve by %s: err = %v, want a UserError", user, err)
			}
			if !strings.Contains(ue.Msg, "<@"+partnerA+">") {
				t.Errorf("refusal %q does not name the partner", ue.Msg)
			}
		}
		after := e.invoice(inv.ID)
		if after.State != store.StatePending || after.Version != inv.Version || e.sends() != 0 {
			t.Errorf("after refusals: state %s, version %d→%d, sends %d", after.State, inv.Version, after.Version, e.sends())
		}
		if msg, _ := e.slack.Message(inv.SlackChannel, inv.SlackTS); msg.Versions != 1 {
			t.Errorf("message edited %d times by refused clicks", msg.Versions-1)
		}
	})
}

func TestConcurrentApproveSendsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.october()
		inv := e.draft()[acme]
		const clicks = 50
		var wg sync.WaitGroup
		results := make([]store.Invoice, clicks)
		errs := make([]error, clicks)
		for i := range clicks {
			user := partnerA
			if i%2 == 1 {
				user = firmApprover
			}
			wg.Go(func() { results[i], errs[i] = e.wf.Approve(t.Context(), inv.ID, user) })
		}
		wg.Wait()
		for i := range clicks {
			if errs[i] != nil {
				t.Errorf("click %d: %v", i, errs[i])
				continue
			}
			if results[i].State != store.StateSent {
				t.Errorf("click %d returned state %s, want sent", i, results[i].State)
			}
		}
		if n := e.sends(); n != 1 {
			t.Errorf("QBO sends = %d, want exactly 1", n)
		}
		if got := e.invoice(inv.ID); got.State != store.StateSent {
			t.Errorf("final state %s", got.State)
		}
		if msg, _ := e.slack.Message(inv.SlackChannel, inv.SlackTS); !strings.Contains(string(msg.Blocks), "Approved by") {
			t.Error("message not updated with the approval")
		}
	})
}

func TestHoldAndRelease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.october()
		inv := e.draft()[birch]
		ctx := t.Context()
		if _, err := e.wf.Hold(ctx, inv.ID, partnerB, "  "); !isUserError(err) {
			t.Errorf("hold without reason: %v, want a UserError", err)
		}
		if _, err := e.wf.Hold(ctx, inv.ID, staffer, "scope"); !isUserError(err) {
			t.Errorf("hold by a non-approver: %v, want a UserError", err)
		}
		held, err := e.wf.Hold(ctx, inv.ID, partnerB, "Client disputes the scope")
		if err != nil {
			t.Fatal(err)
		}
		if held.State != store.StateHeld || held.HoldReason != "Client disputes the scope" || held.ActedBy != partnerB {
			t.Errorf("held: %s %q by %s", held.State, held.HoldReason, held.ActedBy)
		}
		msg, _ := e.slack.Message(inv.SlackChannel, inv.SlackTS)
		if b := blockText(msg.Blocks); !strings.Contains(b, "Client disputes the scope") || !strings.Contains(b, `"release_invoice"`) || strings.Contains(b, `"approve_invoice"`) {
			t.Errorf("held message:\n%s", b)
		}
		// A held invoice cannot be approved.
		if got, err := e.wf.Approve(ctx, inv.ID, partnerB); err != nil || got.State != store.StateHeld || e.sends() != 0 {
			t.Errorf("approve while held: %v, state %s, sends %d", err, got.State, e.sends())
		}
		released, err := e.wf.Release(ctx, inv.ID, partnerB)
		if err != nil {
			t.Fatal(err)
		}
		if released.State != store.StatePending || released.HoldReason != "" {
			t.Errorf("released: %s %q", released.State, released.HoldReason)
		}
		msg, _ = e.slack.Message(inv.SlackChannel, inv.SlackTS)
		if !strings.Contains(string(msg.Blocks), `"approve_invoice"`) {
			t.Error("released message offers no Approve")
		}
		if got := e.approve(inv.ID, partnerB); got.State != store.StateSent {
			t.Errorf("approve after release: %s", got.State)
		}
	})
}

func TestEditInvoiceWriteDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.october()
		inv := e.draft()[birch]
		ctx := t.Context()
		hourly := lineOf(t, inv.Billing(), billing.LineHourly)
		l := inv.Lines[hourly]
		edit := workflow.Edit{Lines: []workflow.LineEdit{{Index: hourly, Hours: money.MustHours("6"), Rate: l.UnitPrice, Description: l.Description}}}
		if _, err := e.wf.EditInvoice(ctx, inv.ID, partnerB, edit); !isFieldError(err, "write_down") {
			t.Fatalf("write-down without a reason: %v", err)
		}
		edit.WriteDownReason, edit.WriteDownNote = "efficiency", "new staff"
		got, err := e.wf.EditInvoice(ctx, inv.ID, partnerB, edit)
		if err != nil {
			t.Fatal(err)
		}
		// 6 h × 150 = 900.00, less 10 % = 810.00.
		want := money.MustParse("810.00", "USD")
		if got.Total != want || got.LedgerTotal != want || got.State != store.StatePending {
			t.Errorf("after edit: total %s, QBO %s, state %s", got.Total.Format("USD"), got.LedgerTotal.Format("USD"), got.State)
		}
		if len(got.WriteDowns) != 1 || !strings.HasPrefix(got.WriteDowns[0].Reason, "efficiency") {
			t.Errorf("write-downs = %+v", got.WriteDowns)
		}
		raw, ok := e.qbo.Invoice(got.LedgerID)
		if !ok {
			t.Fatal("QBO invoice gone")
		}
		var q struct{ TotalAmt json.Number }
		if err := json.Unmarshal(raw, &q); err != nil || q.TotalAmt.String() != "810.00" && q.TotalAmt.String() != "810" {
			t.Errorf("QBO TotalAmt = %s (%v)", q.TotalAmt, err)
		}
		msg, _ := e.slack.Message(inv.SlackChannel, inv.SlackTS)
		if !strings.Contains(string(msg.Blocks), "810.00") {
			t.Errorf("message not updated with the new total:\n%s", msg.Blocks)
		}
		// Once sent it can no longer be edited.
		e.approve(inv.ID, partnerB)
		if _, err := e.wf.EditInvoice(ctx, inv.ID, partnerB, edit); !isUserError(err) {
			t.Errorf("edit after sending: %v, want a UserError", err)
		}
	})
}

func TestTotalMismatchFlags(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.october()
		inv := e.draft()[acme]
		hourly := lineOf(t, inv.Billing(), billing.LineHourly)
		l := inv.Lines[hourly]
		// QBO answers the update with a TotalAmt one dollar off billbot's
		// (a tax or rounding rule of the company, say).
		books := &mismatchQBO{Ledger: e.wfQBO(), extra: 100}
		wf := workflow.New(workflow.Deps{Store: e.store, Ledger: books, Notifier: notify.New(e.messenger(), nil), Now: e.clock.Now})
		got, err := wf.EditInvoice(t.Context(), inv.ID, partnerA, workflow.Edit{Lines: []workflow.LineEdit{{Index: hourly, Hours: l.Qty, Rate: l.UnitPrice, Description: "Advisory, revised"}}})
		if err != nil {
			t.Fatal(err)
		}
		if got.State != store.StateFlagged {
			t.Fatalf("state %s, want flagged", got.State)
		}
		if _, err := wf.Approve(t.Context(), inv.ID, partnerA); !isUserError(err) || e.sends() != 0 {
			t.Errorf("approve flagged: %v, sends %d", err, e.sends())
		}
		msg, _ := e.slack.Message(inv.SlackChannel, inv.SlackTS)
		if !strings.Contains(string(msg.Blocks), "Flagged") {
			t.Errorf("message does not show the flag:\n%s", msg.Blocks)
		}
	})
}

func TestDraftFlagsMismatchOnCreate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.october()
		wf := workflow.New(workflow.Deps{Store: e.store, Ledger: &mismatchQBO{Ledger: e.wfQBO(), extra: 1}, Notifier: notify.New(e.messenger(), nil), Now: e.clock.Now})
		if _, err := wf.Draft(t.Context(), workflow.DraftOptions{PeriodEnd: billing.MustDate("2026-10-31")}); err != nil {
			t.Fatal(err)
		}
		for client, inv := range e.invoices() {
			if inv.State != store.StateFlagged || inv.SlackTS == "" {
				t.Errorf("%s: state %s, posted %q; want flagged and posted", client, inv.State, inv.SlackTS)
			}
		}
		exs, err := e.store.Exceptions(t.Context(), store.ExceptionFilter{OpenOnly: true, Codes: []billing.ExceptionCode{billing.ExTotalMismatch}})
		if err != nil || len(exs) != 2 {
			t.Errorf("total mismatch exceptions = %d (%v), want 2", len(exs), err)
		}
	})
}

func TestDraftIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.october()
		opts := workflow.DraftOptions{PeriodEnd: billing.MustDate("2026-10-31"), Actor: "test"}
		first, err := e.wf.Draft(t.Context(), opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(first.Invoices) != 2 {
			t.Fatalf("first run drafted %d", len(first.Invoices))
		}
		calls := e.qbo.Calls()["POST invoice"]
		posts := len(e.slack.Messages(billingChannel))
		second, err := e.wf.Draft(t.Context(), opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(second.Invoices) != 0 {
			t.Errorf("second run drafted %d invoices", len(second.Invoices))
		}
		if e.qbo.InvoiceCount() != 2 || e.qbo.Calls()["POST invoice"] != calls {
			t.Errorf("QBO invoices %d, creates %d→%d", e.qbo.InvoiceCount(), calls, e.qbo.Calls()["POST invoice"])
		}
		if n := len(e.slack.Messages(billingChannel)); n != posts {
			t.Errorf("Slack posts %d→%d", posts, n)
		}
		// The default run (last closed cycle) finds the same cycle.
		third, err := e.wf.Draft(t.Context(), workflow.DraftOptions{Actor: "scheduler"})
		if err != nil || len(third.Invoices) != 0 {
			t.Errorf("default run: %d invoices, %v", len(third.Invoices), err)
		}
	})
}

func TestDraftSupplementalForLateApproval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.october()
		e.draft()
		// An October entry approved on November 3: after October closed and
		// was drafted.
		e.clock.Set(e.clock.Now().Add(24 * 3600e9))
		late := e.entry("a9", acmeProject, "Advisory", "2026-10-30", "1.5", "200.00")
		late.ApprovedAt = e.clock.Now()
		e.upsert(late)
		if _, _, err := e.wf.Detect(t.Context()); err != nil {
			t.Fatal(err)
		}
		exs, err := e.store.Exceptions(t.Context(), store.ExceptionFilter{OpenOnly: true, Codes: []billing.ExceptionCode{billing.ExLateApproval}})
		if err != nil || len(exs) != 1 {
			t.Fatalf("late approvals = %d (%v)", len(exs), err)
		}
		if _, err := e.wf.DraftSupplemental(t.Context(), exs[0].ID, staffer); !isUserError(err) {
			t.Errorf("supplemental by a non-approver: %v", err)
		}
		sup, err := e.wf.DraftSupplemental(t.Context(), exs[0].ID, partnerA)
		if err != nil {
			t.Fatal(err)
		}
		if !sup.Supplemental || sup.State != store.StatePending || sup.Total != money.MustParse("300.00", "USD") || sup.SlackTS == "" {
			t.Errorf("supplemental: supplemental %v, state %s, total %s, ts %q", sup.Supplemental, sup.State, sup.Total.Format("USD"), sup.SlackTS)
		}
		if _, err := e.wf.DraftSupplemental(t.Context(), exs[0].ID, partnerA); !isUserError(err) {
			t.Errorf("second supplemental: %v, want a UserError", err)
		}
		if e.qbo.InvoiceCount() != 3 {
			t.Errorf("QBO invoices = %d, want 3", e.qbo.InvoiceCount())
		}
	})
}

// blockText is a message's blocks as JSON with <, > and & left as typed.
func blockText(raw json.RawMessage) string {
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(raw))
}

// TestDraftSupplementalForRetainer: a late entry of a retainer engagement
// draws on the prepaid block like any other.
func TestDraftSupplementalForRetainer(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	e.upsert(e.entry("g1", 207, "Advisory", "2026-10-12", "10", "195.00"))
	if inv := e.draft()[granite]; inv.State != store.StatePending {
		t.Fatalf("retainer draft: %s", inv.State)
	}
	e.clock.Set(e.clock.Now().Add(24 * 3600e9))
	late := e.entry("g2", 207, "Advisory", "2026-10-30", "1.25", "195.00")
	late.ApprovedAt = e.clock.Now()
	e.upsert(late)
	if _, _, err := e.wf.Detect(t.Context()); err != nil {
		t.Fatal(err)
	}
	exs, err := e.store.Exceptions(t.Context(), store.ExceptionFilter{OpenOnly: true, Codes: []billing.ExceptionCode{billing.ExLateApproval}})
	if err != nil || len(exs) != 1 {
		t.Fatalf("late approvals = %d (%v)", len(exs), err)
	}
	sup, err := e.wf.DraftSupplemental(t.Context(), exs[0].ID, partnerA)
	if err != nil {
		t.Fatalf("supplemental for a retainer: %v", err)
	}
	if !sup.Supplemental || sup.Hours != money.MustHours("1.25") || sup.Credit != money.MustParse("-243.75", "USD") {
		t.Errorf("supplemental: hours %s, credit %s, total %s", sup.Hours, sup.Credit.Format("USD"), sup.Total.Format("USD"))
	}
}

func lineOf(t *testing.T, inv billing.Invoice, kind billing.LineKind) int {
	t.Helper()
	for i, l := range inv.Lines {
		if l.Kind == kind {
			return i
		}
	}
	t.Fatalf("no %s line on %s", kind, inv.Key)
	return -1
}

func isUserError(err error) bool {
	var ue *workflow.UserError
	return errors.As(err, &ue)
}

func isFieldError(err error, field string) bool {
	var fe *workflow.FieldError
	return errors.As(err, &fe) && fe.Field == field
}
