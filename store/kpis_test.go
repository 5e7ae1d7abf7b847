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

// TestStaffHours sums logged and billable time per staff member in SQL, on
// both databases, inside the period only.
func TestStaffHours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		e := func(id, user, day, hours string, billable bool) billing.TimeEntry {
			return billing.TimeEntry{Source: "harvest", ExternalID: id, ProjectID: 1, Client: "Acme", Task: "Advisory",
				User: user, SpentDate: billing.MustDate(day), Hours: money.MustHours(hours), Currency: "USD", Billable: billable}
		}
		entries := []billing.TimeEntry{
			e("1", "Sam", "2026-10-01", "6", true),
			e("2", "Sam", "2026-10-02", "1.25", false),
			e("3", "Ann", "2026-10-31", "8", true),
			e("4", "Ann", "2026-11-01", "5", true), // outside
			e("5", "Sam", "2026-09-30", "5", true), // outside
		}
		if _, err := s.UpsertEntries(ctx, entries, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		got, err := s.StaffHours(ctx, billing.MustDate("2026-10-01"), billing.MustDate("2026-10-31"))
		if err != nil {
			t.Fatal(err)
		}
		want := []store.StaffHours{
			{Staff: "Ann", Logged: money.MustHours("8"), Billable: money.MustHours("8")},
			{Staff: "Sam", Logged: money.MustHours("7.25"), Billable: money.MustHours("6")},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("StaffHours (-want +got):\n%s", diff)
		}
	})
}

// TestRealization sums drafted and billed amounts per client and partner,
// and write-downs per reason, from invoices sent in the period only.
func TestRealization(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		saveTestConfig(t, s)
		ids := seedEntries(t, s, 4)
		inv, _, err := s.SaveDraft(ctx, draft("acme-oct", ids...), "UTEST") // 6 h × 195 = 1,170.00
		if err != nil {
			t.Fatal(err)
		}
		if _, err := storetest.Move(ctx, s, inv.ID, store.StatePending, "billbot", nil); err != nil {
			t.Fatal(err)
		}
		lines := inv.Lines
		lines[0].Amount -= 17000 // written down by 170.00
		totals := billing.Invoice{Subtotal: lines[0].Amount, Total: lines[0].Amount, Hours: inv.Hours}
		if _, err := s.ReplaceLines(ctx, inv.ID, lines, totals, "U0PARTNER1", "first-year client"); err != nil {
			t.Fatal(err)
		}
		if _, err := storetest.Move(ctx, s, inv.ID, store.StateSent, "U0PARTNER1", nil); err != nil {
			t.Fatal(err)
		}
		from, to := billing.MustDate("2026-11-01"), billing.MustDate("2026-11-30")
		for _, by := range []string{store.ByClient, store.ByPartner} {
			got, err := s.Realization(ctx, by, from, to)
			if err != nil {
				t.Fatal(err)
			}
			key := map[string]string{store.ByClient: "Acme Corp", store.ByPartner: "U0PARTNER1"}[by]
			want := []billing.RealizationRow{{Key: key, Currency: "USD", Standard: 117000, Billed: 100000}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Realization by %s (-want +got):\n%s", by, diff)
			}
		}
		reasons, err := s.WriteDownReasons(ctx, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]store.WriteDownReason{{Reason: "first-year client", Currency: "USD", Lines: 1, Amount: 17000}}, reasons); diff != "" {
			t.Errorf("WriteDownReasons (-want +got):\n%s", diff)
		}
		if got, _ := s.Realization(ctx, store.ByClient, billing.MustDate("2026-12-01"), billing.MustDate("2026-12-31")); len(got) != 0 {
			t.Errorf("December realization = %v, want none", got)
		}
	})
}

// TestLeakage counts approved billable time on no sent invoice, on both
// databases: a drafted (unsent) invoice's time still leaks, a sent one's
// does not.
func TestLeakage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		saveTestConfig(t, s)
		ids := seedEntries(t, s, 4) // 4 × 1.5 h on 2026-10-05
		from, to := billing.MustDate("2026-10-01"), billing.MustDate("2026-10-31")
		check := func(logged, unbilled string) {
			t.Helper()
			got, err := s.Leakage(ctx, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if want := (billing.Leakage{Logged: money.MustHours(logged), Unbilled: money.MustHours(unbilled)}); got != want {
				t.Errorf("Leakage = %+v, want %+v", got, want)
			}
		}
		check("6", "6")
		inv, _, err := s.SaveDraft(ctx, draft("acme-oct", ids[:3]...), "UTEST")
		if err != nil {
			t.Fatal(err)
		}
		check("6", "6") // a draft is not billed yet
		if _, err := storetest.Move(ctx, s, inv.ID, store.StateSent, "UTEST", nil); err != nil {
			t.Fatal(err)
		}
		check("6", "1.5")
	})
}

// TestSentInvoices reads the sent invoices dated in a period with the first
// pending and approved instants of their audit trail, on both databases.
func TestSentInvoices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		saveTestConfig(t, s)
		ids := seedEntries(t, s, 2)
		at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		clk := at
		s = s.WithClock(func() time.Time { return clk })
		inv, _, err := s.SaveDraft(ctx, draft("acme-oct", ids...), "UTEST")
		if err != nil {
			t.Fatal(err)
		}
		for i, st := range []store.InvoiceState{store.StatePending, store.StateApproved, store.StateSent} {
			clk = at.Add(time.Duration(i) * 24 * time.Hour)
			from := []store.InvoiceState{store.StateDraft, store.StatePending, store.StateApproved}[i]
			if _, err := s.Transition(ctx, inv.ID, []store.InvoiceState{from}, st, "UTEST", "", func(v *store.Invoice) {
				if st == store.StateSent {
					v.SentAt = clk
				}
			}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.SentInvoices(ctx, billing.MustDate("2026-11-01"), billing.MustDate("2026-11-30"))
		if err != nil {
			t.Fatal(err)
		}
		want := []store.SentInvoice{{
			ID: inv.ID, State: store.StateSent, Currency: "USD", InvoiceDate: billing.MustDate("2026-11-01"), PeriodEnd: billing.MustDate("2026-10-31"), DueDate: billing.MustDate("2026-12-01"),
			SentAt: at.Add(48 * time.Hour), PostedAt: at, ApprovedAt: at.Add(24 * time.Hour),
		}}
		if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
			t.Errorf("SentInvoices (-want +got):\n%s", diff)
		}
		if got, _ := s.SentInvoices(ctx, billing.MustDate("2026-12-01"), billing.MustDate("2026-12-31")); len(got) != 0 {
			t.Errorf("next month: %d invoices, want 0", len(got))
		}
	})
}
