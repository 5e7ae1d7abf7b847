package qbtimecsv_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/harvest/csvimport"
	"billbot/internal/money"
	"billbot/internal/qbtime/qbtimecsv"
)

func read(t *testing.T, in string, opts csvimport.Options) ([]billing.TimeEntry, *qbtimecsv.Reader, error) {
	t.Helper()
	rd, err := qbtimecsv.NewReader(strings.NewReader(in), opts)
	if err != nil {
		return nil, nil, err
	}
	var out []billing.TimeEntry
	for e, err := range rd.All() {
		if err != nil {
			return out, rd, err
		}
		out = append(out, e)
	}
	return out, rd, nil
}

func file(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTimesheetDetails reads the export with its byte order mark, CRLF
// line ends and a quoted multi-line note: the jobcode path becomes client,
// project and task, approval comes from approved_status, a row without an
// end is running.
func TestTimesheetDetails(t *testing.T) {
	es, rd, err := read(t, file(t, "timesheet_details.csv"), csvimport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 3 || rd.Rows != 3 {
		t.Fatalf("%d entries of %d rows, want 3", len(es), rd.Rows)
	}
	want := []billing.TimeEntry{
		{Source: qbtimecsv.Source, Client: "Acme Corp", Project: "Audit 2026", Task: "Fieldwork", User: "Kim Allen",
			SpentDate: billing.MustDate("2026-10-05"), Hours: money.MustHours("1.5"), Currency: "USD",
			Notes: "Walked the floor,\r\ncounted stock", Billable: true, Approved: true},
		{Source: qbtimecsv.Source, Client: "Acme Corp", Project: "Audit 2026", User: "Kim Allen",
			SpentDate: billing.MustDate("2026-10-05"), Hours: money.MustHours("0.25"), Currency: "USD", Billable: true, Approved: true},
		{Source: qbtimecsv.Source, Client: "Beta LLC", Project: "Tax 2026", Task: "Returns", User: "Raj Diaz",
			SpentDate: billing.MustDate("2026-10-06"), Hours: money.MustHours("2"), Currency: "USD", Billable: true, Running: true},
	}
	for i, e := range es {
		if len(e.ExternalID) != 64 || (e.Approved && !e.ApprovedAt.Equal(e.SpentDate.Time(time.UTC))) {
			t.Errorf("row %d: id %q approved at %s", i, e.ExternalID, e.ApprovedAt)
		}
		e.ExternalID, e.ApprovedAt = "", want[i].ApprovedAt
		if e.Notes != want[i].Notes && strings.ReplaceAll(e.Notes, "\r\n", "\n") == strings.ReplaceAll(want[i].Notes, "\r\n", "\n") {
			e.Notes = want[i].Notes // encoding/csv turns a quoted CRLF into LF
		}
		if e != want[i] {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, e, want[i])
		}
	}
	again, _, _ := read(t, file(t, "timesheet_details.csv"), csvimport.Options{})
	for i := range es {
		if again[i].ExternalID != es[i].ExternalID {
			t.Errorf("row %d: id differs on re-import", i)
		}
	}
}

// TestFlatColumns: a file naming customer, project and task, with h:mm
// durations and a billable column; two identical rows stay two entries.
func TestFlatColumns(t *testing.T) {
	es, _, err := read(t, file(t, "flat_columns.csv"), csvimport.Options{Currency: "CAD"})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].ExternalID == es[1].ExternalID {
		t.Fatalf("entries %+v, want two apart", es)
	}
	e := es[0]
	if e.Client != "Acme Corp" || e.Project != "Audit 2026" || e.Task != "Fieldwork" || e.User != "Eva Evans" ||
		e.Hours != money.MustHours("1.3333") || e.Billable || !e.Approved || e.Currency != "CAD" {
		t.Errorf("entry %+v", e)
	}
}

// TestHeaders: what is not an export is refused before any row.
func TestHeaders(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		opts     csvimport.Options
		want     string
	}{
		{"empty", "", csvimport.Options{}, "empty"},
		{"not an export", "Invoice,Amount,Customer\n", csvimport.Options{}, "local_date, hours, fname/lname"},
		{"no hours", "local_date,fname,lname,jobcode_1,approved_status\n", csvimport.Options{}, "hours"},
		{"twice", "local_date,Local Date,fname,hours,jobcode_1,approved_status\n", csvimport.Options{}, "twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := qbtimecsv.NewReader(strings.NewReader(tc.in), tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	_, err := qbtimecsv.NewReader(strings.NewReader("local_date,fname,lname,hours,jobcode_1\n"), csvimport.Options{})
	if !errors.Is(err, qbtimecsv.ErrNoApprovalColumn) {
		t.Errorf("no approval column: %v", err)
	}
	es, _, err := read(t, "local_date,fname,lname,hours,jobcode_1\n2026-10-01,A,B,1,Acme\n", csvimport.Options{AssumeApproved: true})
	if err != nil || len(es) != 1 || !es[0].Approved || es[0].Project != "Acme" {
		t.Errorf("AssumeApproved: %+v, %v", es, err)
	}
}

// TestBadRowsByLine: every bad row is reported with its physical line;
// nothing is yielded after the first, unless SkipBadRows.
func TestBadRowsByLine(t *testing.T) {
	in := "local_date,fname,lname,hours,jobcode_1,jobcode_2,notes,approved_status\r\n" +
		"2026-10-01,A,B,1,Acme,Audit,\"two\r\nlines\",approved\r\n" + // lines 2-3
		"2026-13-01,A,B,1,Acme,Audit,,approved\r\n" + // line 4: bad date
		"2026-10-02,A,B,1,Acme,Audit,,approved\r\n" + // line 5: good, not yielded
		"2026-10-02,A,B,x,Acme,Audit,,approved\r\n" + // line 6: bad hours
		"2026-10-02,A,B,1,,,,approved\r\n" + // line 7: no jobcode
		"2026-10-02,A,B,1,Acme,Audit,,maybe\r\n" + // line 8: bad status
		"2026-10-02,A,B,1,Acme\r\n" // line 9: short
	es, rd, err := read(t, in, csvimport.Options{})
	var bad *csvimport.BadRowsError
	if !errors.As(err, &bad) {
		t.Fatalf("err = %v, want *BadRowsError", err)
	}
	var lines []int
	for _, r := range bad.Rows {
		lines = append(lines, r.Line)
	}
	if len(es) != 1 || len(lines) != 5 || lines[0] != 4 || lines[1] != 6 || lines[2] != 7 || lines[3] != 8 || lines[4] != 9 {
		t.Errorf("yielded %d, bad lines %v (%v); want 1 and lines 4 6 7 8 9", len(es), lines, err)
	}
	if bad.Rows[1].Column != "hours" || rd.Rows != 7 {
		t.Errorf("bad row %+v, rows %d", bad.Rows[1], rd.Rows)
	}
	es, _, err = read(t, in, csvimport.Options{SkipBadRows: true})
	if err != nil || len(es) != 2 {
		t.Errorf("SkipBadRows: %d entries, %v; want the 2 good ones", len(es), err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"local_date,fname,lname,hours,jobcode_1,jobcode_2,approved_status\n2026-10-01,A,B,1.5,Acme,Audit,approved\n",
		"\ufefflocal_date,fname,lname,hours,jobcode_1,approved_status\r\n10/01/2026,A,B,1:30,Acme,\r\n",
		"Date,First Name,Last Name,Customer,Project,Task,Duration,Notes,Approved,Billable\n2026-10-07,E,E,A,P,T,1:20,,Yes,No\n",
		"local_date,fname,hours,jobcode_1,approved_status\n\"unterminated\n",
		"local_date,local_date\n",
		"",
	} {
		f.Add(s, false, false)
	}
	f.Fuzz(func(t *testing.T, in string, assume, skip bool) {
		rd, err := qbtimecsv.NewReader(strings.NewReader(in), csvimport.Options{AssumeApproved: assume, SkipBadRows: skip})
		if err != nil {
			return
		}
		for e, err := range rd.All() {
			if err != nil {
				var bad *csvimport.BadRowsError
				if skip && errors.As(err, &bad) {
					t.Fatalf("SkipBadRows ended with %v", err)
				}
				continue
			}
			if e.Source != qbtimecsv.Source || len(e.ExternalID) != 64 || e.SpentDate.IsZero() || e.Hours < 0 || e.Client == "" {
				t.Fatalf("bad entry %+v", e)
			}
		}
	})
}
