package billing

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/money"
)

// TestClosedCycleTime pins which entries count as closed-cycle time a
// newly live client would be billed for at once.
func TestClosedCycleTime(t *testing.T) {
	t.Parallel()
	d := MustDate
	eng := Engagement{Key: "acme", Client: "Acme", SourceProjectID: 7, Cycle: Monthly, StartsOn: d("2026-01-01")}
	today := d("2026-10-15") // last closed cycle: September
	ok := TimeEntry{ProjectID: 7, Client: "Acme", SpentDate: d("2026-09-10"), Hours: money.MustHours("2"), Billable: true, Approved: true}
	with := func(edit func(*TimeEntry)) TimeEntry { e := ok; edit(&e); return e }
	acme := map[string]bool{"Acme": true}
	sept := Period{Start: d("2026-09-01"), End: d("2026-09-30")}
	tests := []struct {
		name    string
		goLive  Date
		from    Date
		clients map[string]bool
		entry   TimeEntry
		want    int // entries counted
	}{
		{"approved billable in a closed cycle", Date{}, Date{}, acme, ok, 1},
		{"not billable", Date{}, Date{}, acme, with(func(e *TimeEntry) { e.Billable = false }), 0},
		{"not approved", Date{}, Date{}, acme, with(func(e *TimeEntry) { e.Approved = false }), 0},
		{"running", Date{}, Date{}, acme, with(func(e *TimeEntry) { e.Running = true }), 0},
		{"billed elsewhere", Date{}, Date{}, acme, with(func(e *TimeEntry) { e.BilledElsewhere = true }), 0},
		{"open cycle", Date{}, Date{}, acme, with(func(e *TimeEntry) { e.SpentDate = d("2026-10-01") }), 0},
		{"last day of the closed cycle", Date{}, Date{}, acme, with(func(e *TimeEntry) { e.SpentDate = d("2026-09-30") }), 1},
		{"before go_live", d("2026-10-01"), Date{}, acme, ok, 0},
		{"before bill_from", Date{}, d("2026-10-01"), acme, ok, 0},
		{"on bill_from", Date{}, d("2026-09-10"), acme, ok, 1},
		{"other project", Date{}, Date{}, acme, with(func(e *TimeEntry) { e.ProjectID = 8 }), 0},
		{"client not asked about", Date{}, Date{}, map[string]bool{"Other": true}, ok, 0},
	}
	for _, tc := range tests {
		e := eng
		e.BillFrom = tc.from
		got := ClosedCycleTime(Firm{GoLive: tc.goLive}, []Engagement{e}, []TimeEntry{tc.entry}, today, tc.clients)
		n := 0
		for _, c := range got {
			n += c.Entries
		}
		if n != tc.want {
			t.Errorf("%s: %d entries counted, want %d (%+v)", tc.name, n, tc.want, got)
		}
	}
	// Sums and cycles: August and September entries, one client.
	got := ClosedCycleTime(Firm{}, []Engagement{eng}, []TimeEntry{ok, with(func(e *TimeEntry) { e.SpentDate = d("2026-08-03") })}, today, acme)
	want := []ClosedTime{{Client: "Acme", Entries: 2, Hours: money.MustHours("4"),
		First: Period{Start: d("2026-08-01"), End: d("2026-08-31")}, Last: sept}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ClosedCycleTime (-want +got):\n%s", diff)
	}
}
