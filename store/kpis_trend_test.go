package store_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
	"billbot/store/storetest"
)

// TestKPITrendQueries reads each person's hours per line, realization and
// leakage per month, and the receivables history, on both databases.
func TestKPITrendQueries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		saveTestConfig(t, s)
		var es []billing.TimeEntry
		for i, user := range []string{"Ann", "Ann", "Ann", "Bob"} {
			e := entry("e" + string(rune('1'+i)))
			e.User = user
			es = append(es, e)
		}
		if _, err := s.UpsertEntries(ctx, es, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		open, err := s.UnallocatedEntries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, e := range open {
			ids = append(ids, e.ID)
		}
		inv, _, err := s.SaveDraft(ctx, draft("acme-oct", ids...), "UTEST") // 6 h × 195 = 1,170.00
		if err != nil {
			t.Fatal(err)
		}
		if _, err := storetest.Move(ctx, s, inv.ID, store.StatePending, "billbot", nil); err != nil {
			t.Fatal(err)
		}
		lines := inv.Lines
		lines[0].Amount -= 17000
		totals := billing.Invoice{Subtotal: lines[0].Amount, Total: lines[0].Amount, Hours: inv.Hours}
		if _, err := s.ReplaceLines(ctx, inv.ID, lines, totals, "U0PARTNER1", "first-year client"); err != nil {
			t.Fatal(err)
		}
		paidAt := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC) // Dec 2 in New York
		if _, err := storetest.Move(ctx, s, inv.ID, store.StateSent, "UTEST", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Transition(ctx, inv.ID, []store.InvoiceState{store.StateSent}, store.StatePaid, "quickbooks", "", func(v *store.Invoice) { v.PaidAt = paidAt }); err != nil {
			t.Fatal(err)
		}
		from, to := billing.MustDate("2026-09-01"), billing.MustDate("2026-11-30")

		got, err := s.StaffLines(ctx, from, to)
		if err != nil {
			t.Fatal(err)
		}
		lineID := got[0].LineID
		want := []billing.StaffLine{
			{LineID: lineID, InvoiceID: inv.ID, Engagement: "acme-2026", Kind: billing.LineHourly, Currency: "USD", Standard: 117000, Billed: 100000, Staff: "Ann", Hours: money.MustHours("4.5")},
			{LineID: lineID, InvoiceID: inv.ID, Engagement: "acme-2026", Kind: billing.LineHourly, Currency: "USD", Standard: 117000, Billed: 100000, Staff: "Bob", Hours: money.MustHours("1.5")},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("StaffLines (-want +got):\n%s", diff)
		}
		byStaff := billing.StaffRealization(got)
		if diff := cmp.Diff([]billing.RealizationRow{
			{Key: "Ann", Currency: "USD", Standard: 87750, Billed: 75000},
			{Key: "Bob", Currency: "USD", Standard: 29250, Billed: 25000},
		}, byStaff); diff != "" {
			t.Errorf("StaffRealization (-want +got):\n%s", diff)
		}

		months, err := s.Realization(ctx, store.ByMonth, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]billing.RealizationRow{{Key: "2026-11", Currency: "USD", Standard: 117000, Billed: 100000}}, months); diff != "" {
			t.Errorf("Realization by month (-want +got):\n%s", diff)
		}

		leak, err := s.MonthlyLeakage(ctx, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]billing.MonthLeakage{{Month: billing.MustDate("2026-10-01"), Leakage: billing.Leakage{Logged: money.MustHours("6")}}}, leak); diff != "" {
			t.Errorf("MonthlyLeakage (-want +got):\n%s", diff)
		}

		ny, err := time.LoadLocation("America/New_York")
		if err != nil {
			t.Fatal(err)
		}
		// A second invoice, paid in part: QuickBooks' change is seen on Dec 4.
		pd := draft("acme-part")
		pd.Lines[0].Amount, pd.Subtotal, pd.Total = 50000, 50000, 50000
		part, _, err := s.SaveDraft(ctx, pd, "UTEST")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := storetest.Move(ctx, s, part.ID, store.StateSent, "UTEST", func(v *store.Invoice) { v.Balance = v.Total }); err != nil {
			t.Fatal(err)
		}
		seen := s.WithClock(func() time.Time { return time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC) })
		if _, err := seen.UpdateInvoice(ctx, part.ID, "qbo", "qbo_changed", func(v *store.Invoice) error { v.Balance = v.Total / 2; return nil }); err != nil {
			t.Fatal(err)
		}
		recv, err := s.Receivables(ctx, billing.MustDate("2026-11-30"), billing.MustDate("2026-12-31"), ny)
		if err != nil {
			t.Fatal(err)
		}
		wantRecv := []billing.Receivable{
			{Currency: "USD", InvoiceDate: billing.MustDate("2026-11-01"), Total: 100000, PaidOn: billing.MustDate("2026-12-02")},
			{Currency: "USD", InvoiceDate: billing.MustDate("2026-11-01"), Total: part.Total, Balance: part.Total / 2, BalanceSince: billing.MustDate("2026-12-04")},
		}
		if diff := cmp.Diff(wantRecv, recv); diff != "" {
			t.Errorf("Receivables (-want +got):\n%s", diff)
		}
		if recv, _ := s.Receivables(ctx, billing.MustDate("2026-12-05"), billing.MustDate("2026-12-31"), ny); len(recv) != 1 || recv[0].Balance != part.Total/2 {
			t.Errorf("receivables open from Dec 5: %v, want the part-paid one only (the other paid Dec 2)", recv)
		}
	})
}
