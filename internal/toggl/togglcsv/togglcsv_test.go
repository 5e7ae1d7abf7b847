package togglcsv_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/harvest/csvimport"
	"billbot/internal/toggl/togglcsv"
)

func read(t *testing.T, name string, opts csvimport.Options) ([]billing.TimeEntry, *togglcsv.Reader, error) {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := togglcsv.NewReader(f, opts)
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

// TestHeaderVariants: the classic export (User, End date, Amount (USD),
// HH:MM:SS) and the newer one (BOM, CRLF, Member, Stop date, Billable rate
// (EUR), European and US dates, decimal hours, a quoted line break) read
// into the same shape.
func TestHeaderVariants(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []billing.TimeEntry
	}{
		{"detailed_classic.csv", []billing.TimeEntry{
			{Client: "Acme Corp", Project: "Acme 2026", Task: "Tax Prep", User: "Anna Berg", SpentDate: billing.MustDate("2026-10-05"), Hours: 15000, Currency: "USD", Notes: "Q3 estimates, review", Billable: true},
			{Client: "Acme Corp", Project: "Acme 2026", Task: "Tax Prep", User: "Anna Berg", SpentDate: billing.MustDate("2026-10-05"), Hours: 15000, Currency: "USD", Notes: "Q3 estimates, review", Billable: true},
			{Client: "Acme Corp", Project: "Acme 2026", User: "Ben Ode", SpentDate: billing.MustDate("2026-10-06"), Hours: 19, Currency: "USD", Notes: "Internal call"},
		}},
		{"detailed_member.csv", []billing.TimeEntry{
			{Client: "Beta GmbH", Project: "Beta audit", Task: "Audit", User: "Carla Diaz", SpentDate: billing.MustDate("2026-10-05"), Hours: 7500, Rate: 18000, Currency: "EUR", Notes: "two\nlines", Billable: true},
			{Client: "Beta GmbH", Project: "Beta audit", Task: "Audit", User: "Carla Diaz", SpentDate: billing.MustDate("2026-10-07"), Hours: 82500, Rate: 18000, Currency: "EUR", Notes: "Fieldwork", Billable: true},
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, _, err := read(t, tc.file, csvimport.Options{AssumeApproved: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d entries, want %d", len(got), len(tc.want))
			}
			ids := map[string]bool{}
			for i, e := range got {
				if e.Source != togglcsv.Source || len(e.ExternalID) != 64 || ids[e.ExternalID] {
					t.Errorf("row %d: source %q id %q (dup %v)", i, e.Source, e.ExternalID, ids[e.ExternalID])
				}
				ids[e.ExternalID] = true
				if !e.Approved || e.ApprovedAt.IsZero() {
					t.Errorf("row %d not approved with AssumeApproved", i)
				}
				e.Source, e.ExternalID, e.Approved, e.ApprovedAt = "", "", false, e.ApprovedAt.AddDate(0, 0, 0)
				w := tc.want[i]
				w.ApprovedAt = e.ApprovedAt
				if e != w {
					t.Errorf("row %d:\n got %+v\nwant %+v", i, e, w)
				}
			}
			again, _, _ := read(t, tc.file, csvimport.Options{AssumeApproved: true})
			for i := range got {
				if again[i].ExternalID != got[i].ExternalID {
					t.Errorf("row %d: id changed on re-import", i)
				}
			}
		})
	}
}

// TestNoApprovalColumn: Toggl's export has none; without AssumeApproved the
// reader refuses it with an error the CLI recognises as Harvest's.
func TestNoApprovalColumn(t *testing.T) {
	_, _, err := read(t, "detailed_classic.csv", csvimport.Options{})
	if !errors.Is(err, togglcsv.ErrNoApprovalColumn) || !errors.Is(err, csvimport.ErrNoApprovalColumn) {
		t.Fatalf("err %v, want ErrNoApprovalColumn matching csvimport's", err)
	}
	in := "User,Project,Start date,Duration,Approved\nA,P,2026-10-01,01:00:00,Yes\nA,P,2026-10-01,01:00:00,No\n"
	rd, err := togglcsv.NewReader(strings.NewReader(in), csvimport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var approved []bool
	for e, err := range rd.All() {
		if err != nil {
			t.Fatal(err)
		}
		approved = append(approved, e.Approved)
	}
	if len(approved) != 2 || !approved[0] || approved[1] {
		t.Errorf("approved %v, want [true false]", approved)
	}
}

// TestBrokenRowsNamedByLine: every bad row is reported by line and column;
// nothing is imported unless SkipBadRows.
func TestBrokenRowsNamedByLine(t *testing.T) {
	got, rd, err := read(t, "broken.csv", csvimport.Options{AssumeApproved: true})
	var bad *csvimport.BadRowsError
	if !errors.As(err, &bad) {
		t.Fatalf("err %v, want *BadRowsError", err)
	}
	if len(got) != 1 {
		t.Errorf("%d entries yielded before the first bad row, want 1 (the good first row)", len(got))
	}
	want := []csvimport.RowError{
		{Line: 3, Column: "Start date"},
		{Line: 4, Column: "Project"},
		{Line: 5, Column: "Duration"},
		{Line: 6},
		{Line: 7, Column: "Billable"},
		{Line: 8, Column: "Amount (USD)"},
	}
	if len(bad.Rows) != len(want) {
		t.Fatalf("bad rows %v, want %d", bad.Rows, len(want))
	}
	for i, w := range want {
		if bad.Rows[i].Line != w.Line || bad.Rows[i].Column != w.Column || bad.Rows[i].Reason == "" {
			t.Errorf("bad row %d = %+v, want line %d column %q", i, bad.Rows[i], w.Line, w.Column)
		}
	}
	if rd.Rows != 7 {
		t.Errorf("%d rows read, want 7", rd.Rows)
	}
	if !strings.Contains(err.Error(), "line 3, column \"Start date\"") {
		t.Errorf("message %q", err)
	}
	kept, _, err := read(t, "broken.csv", csvimport.Options{AssumeApproved: true, SkipBadRows: true})
	if err != nil || len(kept) != 1 {
		t.Errorf("SkipBadRows: %d entries, err %v; want the one good row", len(kept), err)
	}
}

func TestNotAnExport(t *testing.T) {
	for _, in := range []string{"", "Date,Client,Project\n", "User,User,Project,Start date,Duration\n"} {
		if _, err := togglcsv.NewReader(strings.NewReader(in), csvimport.Options{AssumeApproved: true}); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"detailed_classic.csv", "detailed_member.csv", "broken.csv"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), true, false)
	}
	f.Add("User,Project,Start date,Duration\n\"unterminated\n", false, false)
	f.Add("", true, true)
	f.Fuzz(func(t *testing.T, in string, assume, skip bool) {
		rd, err := togglcsv.NewReader(strings.NewReader(in), csvimport.Options{AssumeApproved: assume, SkipBadRows: skip})
		if err != nil {
			return
		}
		sawErr := false
		for e, err := range rd.All() {
			if err != nil {
				sawErr = true
				continue
			}
			if sawErr {
				t.Fatal("an entry after the error")
			}
			if e.Source != togglcsv.Source || len(e.ExternalID) != 64 || e.SpentDate.IsZero() || e.Hours < 0 {
				t.Fatalf("bad entry %+v", e)
			}
		}
		if !skip && !sawErr && len(rd.Errors) != 0 {
			t.Fatalf("%d bad rows and no error", len(rd.Errors))
		}
	})
}
