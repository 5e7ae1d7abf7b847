package harvest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/harvest"
	"billbot/internal/money"
)

func mustDate(s string) billing.Date { return billing.MustDate(s) }

func loadEntries(t *testing.T) []harvest.TimeEntry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "time_entries.json"))
	if err != nil {
		t.Fatal(err)
	}
	var page harvest.TimeEntriesPage
	if err := json.Unmarshal(b, &page); err != nil {
		t.Fatal(err)
	}
	return page.TimeEntries
}

func TestTimeEntryBilling(t *testing.T) {
	t.Parallel()
	entries := loadEntries(t)
	ts := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name  string
		entry harvest.TimeEntry
		cur   money.Currency
		want  billing.TimeEntry
	}{
		{
			name: "approved, rounded hours billed", entry: entries[0], cur: "USD",
			want: billing.TimeEntry{
				Source: "harvest", ExternalID: "636709355", ProjectID: 14307913, Project: "Marketing Website",
				ClientID: 5735774, Client: "ABC Corp", Task: "Graphic Design", UserID: 1782959, User: "Kim Allen",
				SpentDate: mustDate("2017-03-02"), Hours: money.MustHours("2.25"), Rate: 10000, Currency: "USD",
				Notes: "Adding CSS styling", Billable: true, Approved: true, ApprovedAt: ts("2017-06-27T16:47:14Z"),
			},
		},
		{
			name: "billed elsewhere, euro client", entry: entries[1], cur: "EUR",
			want: billing.TimeEntry{
				Source: "harvest", ExternalID: "636708723", ProjectID: 14308069, Project: "Online Store - Phase 1",
				ClientID: 5735776, Client: "123 Industries", Task: "Programming", UserID: 1782959, User: "Kim Allen",
				SpentDate: mustDate("2017-03-01"), Hours: money.MustHours("1.5"), Rate: 10000, Currency: "EUR",
				Notes: "Importing products", Billable: true, Approved: true, ApprovedAt: ts("2017-06-27T16:47:14Z"), BilledElsewhere: true,
			},
		},
		{
			name: "running, non-billable, null rate and notes", entry: entries[2], cur: "JPY",
			want: billing.TimeEntry{
				Source: "harvest", ExternalID: "636708906", ProjectID: 14308069, Project: "Online Store - Phase 1",
				ClientID: 5735776, Client: "123 Industries", Task: "Research", UserID: 1782959, User: "Kim Allen",
				SpentDate: mustDate("2017-03-01"), Hours: money.MustHours("1"), Currency: "JPY",
				Running: true,
			},
		},
		{
			name: "no rounded_hours falls back to hours", cur: "USD",
			entry: harvest.TimeEntry{ID: 7, Hours: "0.3333", BillableRate: "187.50", Billable: true},
			want:  billing.TimeEntry{Source: "harvest", ExternalID: "7", Hours: 3333, Rate: 18750, Currency: "USD", Billable: true},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.entry.Billing(tc.cur)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Billing (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTimeEntryBillingRejectsInexactNumbers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		entry harvest.TimeEntry
		cur   money.Currency
	}{
		{"rate finer than the currency", harvest.TimeEntry{ID: 1, RoundedHours: "1", BillableRate: "100.5"}, "JPY"},
		{"rate in exponent form", harvest.TimeEntry{ID: 1, RoundedHours: "1", BillableRate: "1e2"}, "USD"},
		{"hours beyond 1/10000", harvest.TimeEntry{ID: 1, RoundedHours: "0.33333"}, "USD"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.entry.Billing(tc.cur); err == nil {
				t.Fatal("want an error, never a rounded value")
			}
		})
	}
}
