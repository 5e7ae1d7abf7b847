package billing

import "testing"

func TestEligible(t *testing.T) {
	t.Parallel()
	ok := TimeEntry{ID: 1, Billable: true, Approved: true, Hours: 2500}
	tests := []struct {
		name   string
		mod    func(*TimeEntry)
		reason string
	}{
		{"eligible", func(*TimeEntry) {}, ""},
		{"not billable", func(e *TimeEntry) { e.Billable = false }, ReasonNotBillable},
		{"running", func(e *TimeEntry) { e.Running = true }, ReasonRunning},
		{"unapproved", func(e *TimeEntry) { e.Approved = false }, ReasonUnapproved},
		{"billed in Harvest", func(e *TimeEntry) { e.BilledElsewhere = true }, ReasonBilledElsewhere},
		{"zero hours", func(e *TimeEntry) { e.Hours = 0 }, ReasonNoHours},
		{"negative hours", func(e *TimeEntry) { e.Hours = -1 }, ReasonNoHours},
		{"running and unapproved", func(e *TimeEntry) { e.Running, e.Approved = true, false }, ReasonRunning},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := ok
			tc.mod(&e)
			if got := IneligibleReason(e); got != tc.reason {
				t.Errorf("IneligibleReason = %q, want %q", got, tc.reason)
			}
			if got := Eligible(e); got != (tc.reason == "") {
				t.Errorf("Eligible = %v, want %v", got, tc.reason == "")
			}
			if eligible(&e) != Eligible(e) {
				t.Errorf("eligible and Eligible disagree")
			}
		})
	}
}
