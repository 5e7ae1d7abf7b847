package reliability

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/money"
	"billbot/internal/workflow"
	"billbot/store"
)

// yearFirm is an 80-person firm: 150 clients, 20–60 hours each a month.
// The default run bills a third of it for three months.
var (
	yearFirm  = FirmSpec{Clients: 150, Staff: 80, Seed: 2026, HoursMin: 20, HoursMax: 60, Lifecycle: true}
	shortFirm = FirmSpec{Clients: 50, Staff: 27, Seed: 2026, HoursMin: 20, HoursMax: 60, Lifecycle: true}
)

// yearStats are the figures of a simulated year.
type yearStats struct {
	Invoices, Entries, Edits, Holds, Releases, Supplementals, Refused, Payments, Partial int
}

// TestYear simulates an 80-person firm month by month — three months by
// default, the whole year with -long — with new engagement letters and
// rates on July 1, engagements that end, late approvals billed on
// supplemental invoices, edits with write-downs, holds released the next
// month, and full and partial payments. After every cycle the invariants
// hold: conservation, one QBO invoice and one Slack message per invoice,
// and billbot's total equal to QBO's TotalAmt for every invoice.
func TestYear(t *testing.T) {
	months, spec := 3, shortFirm
	if *long {
		months, spec = 12, yearFirm
	}
	began := time.Now()
	ctx := t.Context()
	firm := NewFirm(spec)
	w, err := NewWorld(ctx, freshStore(t, store.DialectSQLite), firm, NewClock(time.Date(2025, 12, 31, 12, 0, 0, 0, newYork)), Faults{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	op := &Operator{World: w}
	var st yearStats
	for m := range months {
		month := Month(2026, time.January+time.Month(m))
		if err := simulateMonth(ctx, op, month, &st); err != nil {
			t.Fatalf("%s: %v", month, err)
		}
		bad, err := Check(ctx, w, billing.Date{}) // released entries wait for the next draft
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bad {
			t.Errorf("%s: %s", month, b)
		}
		if len(bad) > 0 {
			t.FailNow()
		}
	}
	invs, err := w.Store.Invoices(ctx, store.InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	st.Invoices, st.Entries = len(invs), w.Harvest.Len()
	t.Logf("%d clients, %d staff, %d months: %d invoices, %d time entries, %d edits with write-downs, %d holds (%d released), %d supplemental invoices (%d refused), %d payments (%d partial); %s",
		spec.Clients, spec.Staff, months, st.Invoices, st.Entries, st.Edits, st.Holds, st.Releases, st.Supplementals, st.Refused, st.Payments, st.Partial, time.Since(began).Round(time.Millisecond))
	if st.Edits == 0 || st.Holds == 0 || st.Supplementals == 0 || st.Partial == 0 {
		t.Errorf("the simulation skipped an event: %+v", st)
	}
}

// simulateMonth bills month: on the 1st of the next month the sync and
// draft jobs run and partners act; on the 3rd late approvals arrive and
// are billed; on the 18th clients pay and the collections job runs.
func simulateMonth(ctx context.Context, op *Operator, month billing.Period, st *yearStats) error {
	w := op.World
	day1 := month.End.AddDays(1).Time(newYork).Add(6 * time.Hour)
	w.Clock.Set(day1)
	if err := w.ImportConfig(ctx); err != nil { // new letters are imported when signed
		return err
	}
	entries, late := w.Firm.MonthEntries(month)
	w.Harvest.Add(entries...)
	for _, s := range []struct {
		name string
		fn   func(context.Context, *Billbot) error
	}{{"sync", Sync}, {"draft", Draft}} {
		if err := op.Do(ctx, s.name, s.fn); err != nil {
			return err
		}
	}
	// Right after the draft every approved entry of the month is billed or
	// held.
	bad, err := Check(ctx, w, month.End)
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return fmt.Errorf("after the draft: %d violations, first: %s", len(bad), bad[0])
	}

	w.Clock.Set(day1.Add(4 * time.Hour))
	if err := op.Do(ctx, "partners", func(ctx context.Context, b *Billbot) error { return partnersAct(ctx, b, st) }); err != nil {
		return err
	}

	w.Clock.Set(day1.Add(2*24*time.Hour + 4*time.Hour))
	for _, id := range late {
		if err := w.Harvest.Update(id, func(e *harvestsandbox.Entry) { e.IsClosed = true }); err != nil {
			return err
		}
	}
	if err := op.Do(ctx, "sync", Sync); err != nil {
		return err
	}
	if err := op.Do(ctx, "supplementals", func(ctx context.Context, b *Billbot) error { return billLate(ctx, b, w.Firm, st) }); err != nil {
		return err
	}

	w.Clock.Set(day1.Add(17*24*time.Hour + 3*time.Hour))
	if err := pay(ctx, w, month, st); err != nil {
		return err
	}
	return op.Do(ctx, "collect", Collect)
}

// partnersAct releases last month's holds, edits some drafts with a
// write-down, holds some, and approves the rest.
func partnersAct(ctx context.Context, b *Billbot, st *yearStats) error {
	held, err := b.Store.Invoices(ctx, store.InvoiceFilter{States: []store.InvoiceState{store.StateHeld}})
	if err != nil {
		return err
	}
	for _, inv := range held {
		if _, err := b.WF.Release(ctx, inv.ID, inv.Partners[0]); err != nil {
			return err
		}
		st.Releases++
	}
	pending, err := b.Store.Invoices(ctx, store.InvoiceFilter{States: []store.InvoiceState{store.StatePending}})
	if err != nil {
		return err
	}
	for i, inv := range pending {
		switch {
		case i%13 == 5:
			line := -1
			for j, l := range inv.Lines {
				if l.Kind == billing.LineHourly && l.Qty > 2*money.HoursScale {
					line = j
					break
				}
			}
			if line < 0 {
				continue
			}
			l := inv.Lines[line]
			if _, err := b.WF.EditInvoice(ctx, inv.ID, inv.Partners[0], workflow.Edit{
				Lines:           []workflow.LineEdit{{Index: line, Hours: l.Qty - money.HoursScale, Rate: l.UnitPrice, Description: l.Description}},
				WriteDownReason: "efficiency", WriteDownNote: "staff learning curve",
			}); err != nil {
				return fmt.Errorf("edit %s: %w", inv.Key, err)
			}
			st.Edits++
		case i%17 == 3:
			if _, err := b.WF.Hold(ctx, inv.ID, inv.Partners[0], "Client disputes the scope; call scheduled."); err != nil {
				return fmt.Errorf("hold %s: %w", inv.Key, err)
			}
			st.Holds++
		}
	}
	return ApproveAll(ctx, b)
}

// billLate bills each open late approval on a supplemental invoice and
// approves it.
func billLate(ctx context.Context, b *Billbot, firm *Firm, st *yearStats) error {
	exs, err := b.Store.Exceptions(ctx, store.ExceptionFilter{OpenOnly: true, Codes: []billing.ExceptionCode{billing.ExLateApproval}})
	if err != nil {
		return err
	}
	for _, ex := range exs {
		_, err := b.WF.DraftSupplemental(ctx, ex.ID, firm.Partners[0])
		var ue *workflow.UserError
		if errors.As(err, &ue) {
			// Refused with a reason the partner sees (the entries are held
			// by another exception, e.g. an exhausted retainer).
			st.Refused++
			continue
		}
		if err != nil {
			return fmt.Errorf("supplemental for %s: %w", ex.Client, err)
		}
		st.Supplementals++
	}
	if err := b.WF.Advance(ctx); err != nil {
		return err
	}
	return approveWhere(ctx, b, func(inv store.Invoice) bool { return inv.Supplemental })
}

// pay has most clients pay what they owe on the invoices sent for month —
// some in part — and leaves about one in five unpaid.
func pay(ctx context.Context, w *World, month billing.Period, st *yearStats) error {
	sent, err := w.Store.Invoices(ctx, store.InvoiceFilter{States: []store.InvoiceState{store.StateSent}})
	if err != nil {
		return err
	}
	for i, inv := range sent {
		if inv.Period.End != month.End || inv.Balance == 0 || i%5 == 0 {
			continue
		}
		amount := inv.Balance
		if i%7 == 1 {
			amount = inv.Balance / 2
			st.Partial++
		}
		if _, err := w.QBO.Pay(inv.LedgerID, amount); err != nil {
			return err
		}
		st.Payments++
	}
	return nil
}
