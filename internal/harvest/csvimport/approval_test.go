package csvimport_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"billbot/internal/harvest/csvimport"
)

// TestParseApprovalTime: the approval time comes from the export's column
// when it has one; otherwise approved rows count as approved on the day
// they were spent (in time for their cycle), unless ApprovedAtImport asks
// the store to stamp the import time.
func TestParseApprovalTime(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	const plain = "Date,Client,Project,Task,Hours,Billable?,Approved?,First Name,Last Name,Billable Rate\n" +
		"2026-03-05,Acme Corp,Tax,Tax Prep,1,Yes,Yes,Kim,Allen,195\n"
	withCol := func(name, value string) string {
		return "Date,Client,Project,Task,Hours,Billable?,Approved?," + name + ",First Name,Last Name,Billable Rate\n" +
			"2026-03-05,Acme Corp,Tax,Tax Prep,1,Yes,Yes," + value + ",Kim,Allen,195\n"
	}
	cases := []struct {
		name string
		csv  string
		opts csvimport.Options
		want time.Time
	}{
		{"no column: the day spent", plain, csvimport.Options{Location: ny}, time.Date(2026, 3, 5, 0, 0, 0, 0, ny)},
		{"no column, approved at import", plain, csvimport.Options{Location: ny, ApprovedAtImport: true}, time.Time{}},
		{"Approved At, date and time", withCol("Approved At", "2026-04-02 09:30"), csvimport.Options{Location: ny}, time.Date(2026, 4, 2, 9, 30, 0, 0, ny)},
		{"Approved Date, US date", withCol("Approved Date", "04/02/2026"), csvimport.Options{Location: ny}, time.Date(2026, 4, 2, 0, 0, 0, 0, ny)},
		{"Approval Date, ISO date", withCol("approval date", "2026-04-02"), csvimport.Options{}, time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC)},
		{"Date Approved, RFC 3339", withCol("Date Approved", "2026-04-02T13:30:00Z"), csvimport.Options{Location: ny}, time.Date(2026, 4, 2, 13, 30, 0, 0, time.UTC)},
		{"column wins over the flag", withCol("Approved On", "2026-04-02"), csvimport.Options{ApprovedAtImport: true}, time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := csvimport.Parse(strings.NewReader(tc.csv), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Entries[0].ApprovedAt; !got.Equal(tc.want) {
				t.Errorf("ApprovedAt = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestParseApprovalTimeBad: an unreadable approval time is a bad row named
// by its column.
func TestParseApprovalTimeBad(t *testing.T) {
	t.Parallel()
	in := "Date,Client,Project,Task,Hours,Billable?,Approved?,Approved At,First Name,Last Name,Billable Rate\n" +
		"2026-03-05,Acme Corp,Tax,Tax Prep,1,Yes,Yes,soon,Kim,Allen,195\n"
	_, err := csvimport.Parse(strings.NewReader(in), csvimport.Options{})
	var bad *csvimport.BadRowsError
	if !errors.As(err, &bad) || bad.Rows[0].Column != "Approved At" {
		t.Fatalf("err = %v, want a bad row in column Approved At", err)
	}
}

// TestNoApprovalColumnNamesNoGoField: the refusal speaks of the export,
// not of a Go field a person cannot type.
func TestNoApprovalColumnNamesNoGoField(t *testing.T) {
	t.Parallel()
	if msg := csvimport.ErrNoApprovalColumn.Error(); strings.Contains(msg, "AssumeApproved") {
		t.Errorf("ErrNoApprovalColumn = %q names a Go field", msg)
	}
}
