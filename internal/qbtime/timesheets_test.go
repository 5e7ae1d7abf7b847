package qbtime

import (
	"testing"

	"billbot/internal/billing"
	"billbot/internal/money"
)

func TestHoursOf(t *testing.T) {
	for _, tc := range []struct {
		secs int64
		want string
	}{
		{0, "0.00"}, {3600, "1.00"}, {900, "0.25"}, {36, "0.01"}, {24780, "6.8833"}, {1, "0.0003"}, {60, "0.0167"},
	} {
		if got := HoursOf(tc.secs).String(); got != tc.want {
			t.Errorf("HoursOf(%d) = %s, want %s", tc.secs, got, tc.want)
		}
	}
}

func TestPlaceAndBilling(t *testing.T) {
	jobs := Jobcodes{
		1:  {ID: 1, Name: "Acme", Billable: true, Type: "regular"},
		2:  {ID: 2, ParentID: 1, Name: "Audit 2026", Billable: true, Type: "regular"},
		3:  {ID: 3, ParentID: 2, Name: "Fieldwork", Billable: true, Type: "regular"},
		4:  {ID: 4, ParentID: 3, Name: "Travel", Billable: false, Type: "regular"},
		9:  {ID: 9, Name: "Vacation", Billable: true, Type: "pto"},
		20: {ID: 20, ParentID: 99, Name: "Orphan"},
	}
	user := User{ID: 7, FirstName: "Kim", LastName: "Allen", ApprovedTo: "2026-10-31"}
	for _, tc := range []struct {
		name                    string
		ts                      Timesheet
		project, client         int64
		task                    string
		billable, approved, err bool
	}{
		{"customer itself", Timesheet{ID: 1, JobcodeID: 1, Date: "2026-10-01"}, 1, 1, "", true, true, false},
		{"project", Timesheet{ID: 2, JobcodeID: 2, Date: "2026-10-31"}, 2, 1, "", true, true, false},
		{"task", Timesheet{ID: 3, JobcodeID: 3, Date: "2026-11-01"}, 2, 1, "Fieldwork", true, false, false},
		{"sub-task", Timesheet{ID: 4, JobcodeID: 4, Date: "2026-10-02"}, 2, 1, "Fieldwork / Travel", false, true, false},
		{"pto", Timesheet{ID: 5, JobcodeID: 9, Date: "2026-10-02"}, 9, 9, "", false, true, false},
		{"no jobcode", Timesheet{ID: 6, Date: "2026-10-02"}, 0, 0, "", false, true, false},
		{"unknown parent", Timesheet{ID: 7, JobcodeID: 20, Date: "2026-10-02"}, 0, 0, "", false, false, true},
		{"bad date", Timesheet{ID: 8, JobcodeID: 2, Date: "0000-00-00"}, 0, 0, "", false, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.ts.UserID, tc.ts.Duration = 7, 5400
			e, err := tc.ts.Billing(jobs, user, "USD")
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want error %v", err, tc.err)
			}
			if tc.err {
				return
			}
			if e.ProjectID != tc.project || e.ClientID != tc.client || e.Task != tc.task || e.Billable != tc.billable || e.Approved != tc.approved {
				t.Errorf("entry %+v; want project %d client %d task %q billable %v approved %v", e, tc.project, tc.client, tc.task, tc.billable, tc.approved)
			}
			if e.Source != Source || e.Hours != money.MustHours("1.5") || e.Rate != 0 || e.User != "Kim Allen" || !e.ApprovedAt.IsZero() {
				t.Errorf("entry %+v", e)
			}
		})
	}
	if got := (User{ApprovedTo: "0000-00-00"}).ApprovedThrough(); got != (billing.Date{}) {
		t.Errorf("0000-00-00 reads as %s, want none", got)
	}
}
