package store_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
	"billbot/store/storetest"
)

func TestConcurrentTransitionHasOneWinner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := seedEntries(t, s, 1)
		inv, _, err := s.SaveDraft(ctx, draft("acme-2026-10", ids...), "billbot")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Transition(ctx, inv.ID, []store.InvoiceState{store.StateDraft}, store.StatePending, "billbot", "", nil); err != nil {
			t.Fatal(err)
		}
		const n = 50
		var (
			wg        sync.WaitGroup
			start     = make(chan struct{})
			errs      = make([]error, n)
			conflicts int
			winners   int
		)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = s.Transition(ctx, inv.ID, []store.InvoiceState{store.StatePending},
					store.StateApproved, "U0PARTNER1", "", func(v *store.Invoice) { v.HoldReason = "" })
			}()
		}
		close(start)
		wg.Wait()
		for _, err := range errs {
			var se *store.StateError
			switch {
			case err == nil:
				winners++
			case errors.Is(err, store.ErrConflict) && errors.As(err, &se) && se.Current == store.StateApproved:
				conflicts++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if winners != 1 || conflicts != n-1 {
			t.Errorf("winners %d, conflicts %d; want 1 and %d", winners, conflicts, n-1)
		}
		got, err := s.Invoice(ctx, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != store.StateApproved || got.Version != 3 {
			t.Errorf("after the race: state %s version %d, want approved 3", got.State, got.Version)
		}
		evs, _ := s.AuditEvents(ctx, "invoice", itoa(inv.ID))
		if len(evs) != 3 {
			t.Errorf("%d audit events, want draft, pending + one approval", len(evs))
		}
	})
}

func TestTransitionAuditAndVoid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := t0
		s = s.WithClock(func() time.Time { return clock })
		ctx := t.Context()
		ids := seedEntries(t, s, 2)
		inv, _, err := s.SaveDraft(ctx, draft("acme-2026-10", ids...), "billbot")
		if err != nil {
			t.Fatal(err)
		}
		if inv, err = s.Transition(ctx, inv.ID, []store.InvoiceState{store.StateDraft}, store.StatePending, "billbot", "", nil); err != nil {
			t.Fatal(err)
		}
		clock = t0.Add(time.Minute)
		held, err := s.Transition(ctx, inv.ID, []store.InvoiceState{store.StatePending}, store.StateHeld, "U0PARTNER1", "client disputes hours",
			func(v *store.Invoice) { v.HoldReason = "client disputes hours" })
		if err != nil {
			t.Fatal(err)
		}
		want := inv
		want.State, want.HoldReason, want.ActedBy, want.ActedAt = store.StateHeld, "client disputes hours", "U0PARTNER1", clock
		want.UpdatedAt, want.Version = clock, 3
		if diff := cmp.Diff(want, held); diff != "" {
			t.Errorf("held invoice (-want +got):\n%s", diff)
		}
		evs, err := s.AuditEvents(ctx, "invoice", itoa(inv.ID))
		if err != nil || len(evs) != 3 {
			t.Fatalf("audit = %v, %v", evs, err)
		}
		ev := evs[2]
		if ev.Action != "invoice.held" || ev.Actor != "U0PARTNER1" || ev.Note != "client disputes hours" || !ev.At.Equal(clock) ||
			!strings.Contains(string(ev.Before), `"State":"pending"`) || !strings.Contains(string(ev.After), `"State":"held"`) {
			t.Errorf("audit event = %+v\nbefore %s\nafter %s", ev, ev.Before, ev.After)
		}
		// Wrong source state: refused, nothing written.
		_, err = s.Transition(ctx, inv.ID, []store.InvoiceState{store.StatePending}, store.StateApproved, "U0PARTNER1", "", nil)
		var se *store.StateError
		if !errors.As(err, &se) || se.Current != store.StateHeld || !errors.Is(err, store.ErrConflict) {
			t.Errorf("approve a held invoice = %v, want StateError{held}", err)
		}
		voided, err := s.Transition(ctx, inv.ID, []store.InvoiceState{store.StateHeld}, store.StateVoided, "U0PARTNER1", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(inv.Lines, voided.Lines); diff != "" {
			t.Errorf("voided invoice forgot what it billed (-want +got):\n%s", diff)
		}
		left, err := s.UnallocatedEntries(ctx)
		if err != nil || len(left) != 2 {
			t.Errorf("after void: %d unallocated entries, %v; want 2", len(left), err)
		}
		// Voided is final.
		if _, err := s.Transition(ctx, inv.ID, []store.InvoiceState{store.StateVoided}, store.StateDraft, "U0PARTNER1", "", nil); !errors.Is(err, store.ErrIllegalTransition) {
			t.Errorf("leaving voided = %v, want ErrIllegalTransition", err)
		}
	})
}

func TestUpdateInvoiceIsOptimistic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := seedEntries(t, s, 1)
		inv, _, err := s.SaveDraft(ctx, draft("acme-2026-10", ids...), "billbot")
		if err != nil {
			t.Fatal(err)
		}
		sent := t0.Add(time.Hour)
		got, err := s.UpdateInvoice(ctx, inv.ID, "billbot", "invoice.qbo_created", func(v *store.Invoice) error {
			v.LedgerID, v.SyncToken, v.DocNumber, v.LedgerTotal, v.Balance = "130", "0", "1038", inv.Total, inv.Total
			v.SentAt, v.State, v.Total = sent, store.StatePaid, 1 // state and totals are not UpdateInvoice's
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.LedgerID != "130" || !got.SentAt.Equal(sent) || got.State != store.StateDraft || got.Total != inv.Total || got.Version != 2 {
			t.Errorf("updated = %+v", got)
		}
		byQBO, err := s.InvoiceByQBOID(ctx, "130")
		if err != nil || byQBO.ID != inv.ID {
			t.Errorf("InvoiceByQBOID = %d, %v", byQBO.ID, err)
		}
		// Concurrent balance updates: every one lands (retried on version).
		var wg sync.WaitGroup
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.UpdateInvoice(ctx, inv.ID, "billbot", "invoice.payment", func(v *store.Invoice) error {
					v.Balance -= 100
					return nil
				})
				if err != nil && !errors.Is(err, store.ErrConflict) {
					t.Errorf("UpdateInvoice: %v", err)
				}
			}()
		}
		wg.Wait()
		final, _ := s.Invoice(ctx, inv.ID)
		applied := int64(inv.Total-final.Balance) / 100
		if final.Version != 2+applied {
			t.Errorf("balance moved by %d updates but version is %d", applied, final.Version)
		}
		boom := errors.New("boom")
		if _, err := s.UpdateInvoice(ctx, inv.ID, "billbot", "", func(*store.Invoice) error { return boom }); !errors.Is(err, boom) {
			t.Errorf("apply error = %v, want boom", err)
		}
	})
}

func TestReplaceLinesMovesAllocationsAndKeepsWriteDowns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := seedEntries(t, s, 3)
		inv, _, err := s.SaveDraft(ctx, draft("acme-2026-10", ids...), "billbot")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Transition(ctx, inv.ID, []store.InvoiceState{store.StateDraft}, store.StatePending, "billbot", "", nil); err != nil {
			t.Fatal(err)
		}
		// The editor writes the line down to 2 entries at a lower price and
		// leaves the third entry off the invoice.
		line := inv.Lines[0]
		line.EntryIDs = ids[:2]
		line.Qty = money.MustHours("3")
		line.UnitPrice = 15000
		line.Amount = money.LineAmount(line.Qty, line.UnitPrice)
		totals := billing.Invoice{Subtotal: line.Amount, Total: line.Amount, Hours: line.Qty, Notes: []string{"written down"}}
		got, err := s.ReplaceLines(ctx, inv.ID, []billing.Line{line}, totals, "U0PARTNER1", "courtesy discount")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]billing.Line{line}, got.Lines); diff != "" {
			t.Errorf("lines (-want +got):\n%s", diff)
		}
		wantWD := []store.WriteDown{{Line: 0, Original: inv.Lines[0].Amount, Amount: line.Amount, Reason: "courtesy discount"}}
		if diff := cmp.Diff(wantWD, got.WriteDowns); diff != "" {
			t.Errorf("write-downs (-want +got):\n%s", diff)
		}
		if got.Total != line.Amount || got.Version != 3 || got.Notes[0] != "written down" {
			t.Errorf("totals not replaced: %+v", got)
		}
		left, _ := s.UnallocatedEntries(ctx)
		if len(left) != 1 || left[0].ID != ids[2] {
			t.Errorf("unallocated = %v, want the entry left off", left)
		}
		evs, _ := s.AuditEvents(ctx, "invoice", itoa(inv.ID))
		if last := evs[len(evs)-1]; last.Action != "invoice.edit" || last.Note != "courtesy discount" {
			t.Errorf("edit audit = %+v", last)
		}
		if _, err := s.Transition(ctx, inv.ID, []store.InvoiceState{store.StatePending}, store.StateApproved, "U0PARTNER1", "", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReplaceLines(ctx, inv.ID, nil, billing.Invoice{}, "U0PARTNER1", ""); !errors.Is(err, store.ErrConflict) {
			t.Errorf("editing an approved invoice = %v, want ErrConflict", err)
		}
	})
}

// TestTransitionFollowsTheTable: a move billing.Transitions does not list
// is refused with a *TransitionError before anything is read or written,
// even when the invoice is in the state the caller names; a legal move of
// an invoice in another state is still the guard's ErrConflict.
func TestTransitionFollowsTheTable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := seedEntries(t, s, 1)
		inv, _, err := s.SaveDraft(ctx, draft("acme-2026-10", ids...), "billbot")
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			at       store.InvoiceState // where the invoice is
			from     []store.InvoiceState
			to       store.InvoiceState
			conflict bool // legal, but the invoice is elsewhere
		}{
			{at: store.StateDraft, from: []store.InvoiceState{store.StateDraft}, to: store.StateSent},
			{at: store.StateDraft, from: []store.InvoiceState{store.StateDraft}, to: store.StateApproved},
			{at: store.StateDraft, from: []store.InvoiceState{store.StateDraft, store.StatePending}, to: store.StateApproved},
			{at: store.StatePending, from: []store.InvoiceState{store.StatePending}, to: store.StateSent},
			{at: store.StateHeld, from: []store.InvoiceState{store.StateHeld}, to: store.StateApproved},
			{at: store.StateSent, from: []store.InvoiceState{store.StateSent}, to: store.StatePending},
			{at: store.StatePaid, from: []store.InvoiceState{store.StatePaid}, to: store.StateVoided},
			{at: store.StatePaid, from: []store.InvoiceState{store.StateSent}, to: store.StatePaid, conflict: true},
		} {
			moved, err := storetest.Move(ctx, s, inv.ID, tc.at, "billbot", nil)
			if err != nil {
				// Paid is final: the fixture ends there.
				if moved.State != tc.at {
					t.Fatalf("move to %s: %v", tc.at, err)
				}
			}
			inv = moved
			_, err = s.Transition(ctx, inv.ID, tc.from, tc.to, "U0PARTNER1", "", nil)
			var te *store.TransitionError
			switch {
			case tc.conflict && !errors.Is(err, store.ErrConflict):
				t.Errorf("%s: %v → %s = %v, want ErrConflict", tc.at, tc.from, tc.to, err)
			case !tc.conflict && (!errors.As(err, &te) || !errors.Is(err, store.ErrIllegalTransition) || errors.Is(err, store.ErrConflict)):
				t.Errorf("%s: %v → %s = %v, want a *TransitionError", tc.at, tc.from, tc.to, err)
			}
			after, err := s.Invoice(ctx, inv.ID)
			if err != nil {
				t.Fatal(err)
			}
			if after.State != tc.at || after.Version != inv.Version {
				t.Errorf("%s → %s refused but the invoice changed: %s version %d", tc.at, tc.to, after.State, after.Version)
			}
		}
	})
}

// TestReplaceLinesOnlyWhileEditable: held and draft invoices are not edited
// (billing.Editable), as the Edit button and the workflow already said.
func TestReplaceLinesOnlyWhileEditable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := seedEntries(t, s, 1)
		inv, _, err := s.SaveDraft(ctx, draft("acme-2026-10", ids...), "billbot")
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			at   store.InvoiceState
			want bool
		}{
			{store.StateDraft, false}, {store.StatePending, true}, {store.StateFlagged, true}, {store.StateHeld, false},
			{store.StatePending, true}, {store.StateApproved, false}, {store.StateSent, false},
		} {
			if inv, err = storetest.Move(ctx, s, inv.ID, tc.at, "billbot", nil); err != nil && inv.State != tc.at {
				t.Fatalf("move to %s: %v", tc.at, err)
			}
			_, err := s.ReplaceLines(ctx, inv.ID, inv.Lines, inv.Billing(), "U0PARTNER1", "")
			if got := err == nil; got != tc.want {
				t.Errorf("ReplaceLines of a %s invoice: %v, want allowed %v", tc.at, err, tc.want)
			}
			if !tc.want && !errors.Is(err, store.ErrConflict) {
				t.Errorf("ReplaceLines of a %s invoice = %v, want ErrConflict", tc.at, err)
			}
			if inv, err = s.Invoice(ctx, inv.ID); err != nil {
				t.Fatal(err)
			}
		}
	})
}
