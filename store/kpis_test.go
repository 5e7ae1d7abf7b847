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
