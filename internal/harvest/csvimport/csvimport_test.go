package csvimport_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"billbot/internal/billing"
	"billbot/internal/harvest/csvimport"
	"billbot/internal/money"
)

const fullHeader = "Date,Client,Project,Project Code,Task,Notes,Hours,Hours Rounded,Billable?,Invoiced?,Approved?,First Name,Last Name,Roles,Employee?,Billable Rate,Billable Amount,Cost Rate,Cost Amount,Currency,External Reference URL"

func readFixture(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "detailed_time.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseDetailedReport(t *testing.T) {
	t.Parallel()
	res, err := csvimport.Parse(bytes.NewReader(readFixture(t)), csvimport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []billing.TimeEntry{
		{Source: "harvest-csv", Client: "Acme Corp", Project: "Acme 2026 Tax Return", Task: "Tax Prep", User: "Kim Allen",
			SpentDate: billing.MustDate("2026-03-02"), Hours: money.MustHours("1.5"), Rate: 19500, Currency: "USD",
			Notes: "Gathered 1099s", Billable: true, Approved: true},
		{Source: "harvest-csv", Client: "Acme Corp", Project: "Acme 2026 Tax Return", Task: "Tax Prep", User: "Kim Allen",
			SpentDate: billing.MustDate("2026-03-02"), Hours: money.MustHours("1.5"), Rate: 19500, Currency: "USD",
			Notes: "Gathered 1099s", Billable: true, Approved: true},
		{Source: "harvest-csv", Client: "Nordic AB", Project: "Nordic Bookkeeping", Task: "Bookkeeping", User: "Lena Berg",
			SpentDate: billing.MustDate("2026-03-03"), Hours: money.MustHours("0.25"), Rate: 125000, Currency: "SEK",
			Notes: "Reconciled bank,\nfollow up on \"missing\" receipt", Billable: true},
		{Source: "harvest-csv", Client: "Maple Ltd", Project: "Maple Advisory", Task: "Admin", User: "Omar Haddad",
			SpentDate: billing.MustDate("2026-03-04"), Hours: money.MustHours("2"), Currency: "CAD", Approved: true},
	}
	if diff := cmp.Diff(want, res.Entries, cmpopts.IgnoreFields(billing.TimeEntry{}, "ExternalID", "ApprovedAt")); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if res.Rows != 4 || len(res.Errors) != 0 {
		t.Errorf("rows = %d, errors = %v", res.Rows, res.Errors)
	}
	ids := map[string]bool{}
	for _, e := range res.Entries {
		if len(e.ExternalID) != 64 {
			t.Errorf("external id %q is not a hex SHA-256", e.ExternalID)
		}
		ids[e.ExternalID] = true
	}
	if len(ids) != 4 {
		t.Errorf("%d distinct ids for 4 rows: identical rows must stay two entries", len(ids))
	}
}

// Re-importing the same file, even re-saved with a BOM and CRLF line ends,
// gives the same ids; approving a row later keeps its id.
func TestParseIDsAreStable(t *testing.T) {
	t.Parallel()
	raw := readFixture(t)
	first, err := csvimport.Parse(bytes.NewReader(raw), csvimport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	crlf := append([]byte("\ufeff"), bytes.ReplaceAll(raw, []byte("\n"), []byte("\r\n"))...)
	again, err := csvimport.Parse(bytes.NewReader(crlf), csvimport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first.Entries, again.Entries); diff != "" {
		t.Errorf("BOM + CRLF copy differs (-first +again):\n%s", diff)
	}
	approved := bytes.Replace(raw, []byte("Yes,No,No,Lena"), []byte("Yes,No,Yes,Lena"), 1)
	later, err := csvimport.Parse(bytes.NewReader(approved), csvimport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if later.Entries[2].ExternalID != first.Entries[2].ExternalID || !later.Entries[2].Approved {
		t.Errorf("approval changed the id or was lost: %+v", later.Entries[2])
	}
}

func TestParseHeaderVariants(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		csv     string
		opts    csvimport.Options
		want    billing.TimeEntry
		wantErr error
	}{
		{
			name: "approvals off, assumed approved",
			csv: "Date,Client,Project,Project Code,Task,Notes,Hours,Hours Rounded,Billable?,Invoiced?,First Name,Last Name,Roles,Employee?,Billable Rate,Billable Amount,Cost Rate,Cost Amount,Currency,External Reference URL\n" +
				"2026-03-05,Acme Corp,Tax,,Tax Prep,,1,1,Yes,No,Kim,Allen,,Yes,195,195,0,0,USD,\n",
			opts: csvimport.Options{AssumeApproved: true},
			want: billing.TimeEntry{Source: "harvest-csv", Client: "Acme Corp", Project: "Tax", Task: "Tax Prep", User: "Kim Allen",
				SpentDate: billing.MustDate("2026-03-05"), Hours: money.MustHours("1"), Rate: 19500, Currency: "USD", Billable: true, Approved: true},
		},
		{
			name: "approvals off, not assumed",
			csv: "Date,Client,Project,Task,Hours,Billable?,First Name,Last Name,Billable Rate\n" +
				"2026-03-05,Acme Corp,Tax,Tax Prep,1,Yes,Kim,Allen,195\n",
			wantErr: csvimport.ErrNoApprovalColumn,
		},
		{
			name: "employee id and teams, reordered, other case, no currency, no rounded hours",
			csv: "employee id,TEAMS,first name,last name,date,task,project,client,hours,billable?,approved?,billable rate,notes\n" +
				"E-7,Tax Team,Ana,Okafor,2026-03-06,Advisory,Plan,Birch LLC,0.75,yes,YES,250.00,call\n",
			opts: csvimport.Options{Currency: "CAD"},
			want: billing.TimeEntry{Source: "harvest-csv", Client: "Birch LLC", Project: "Plan", Task: "Advisory", User: "Ana Okafor",
				SpentDate: billing.MustDate("2026-03-06"), Hours: money.MustHours("0.75"), Rate: 25000, Currency: "CAD",
				Notes: "call", Billable: true, Approved: true},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := csvimport.Parse(strings.NewReader(tc.csv), tc.opts)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Entries) != 1 {
				t.Fatalf("entries = %+v", res.Entries)
			}
			if diff := cmp.Diff(tc.want, res.Entries[0], cmpopts.IgnoreFields(billing.TimeEntry{}, "ExternalID", "ApprovedAt")); diff != "" {
				t.Errorf("entry (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseMissingColumns(t *testing.T) {
	t.Parallel()
	_, err := csvimport.Parse(strings.NewReader("Date,Client,Project,Task,Approved?\n"), csvimport.Options{})
	if err == nil || !strings.Contains(err.Error(), "billable?") || !strings.Contains(err.Error(), "hours") {
		t.Fatalf("err = %v, want the missing columns named", err)
	}
	if _, err := csvimport.Parse(strings.NewReader(""), csvimport.Options{}); err == nil {
		t.Fatal("empty file accepted")
	}
}

func TestParseBadRows(t *testing.T) {
	t.Parallel()
	row := func(date, hours, billable, rate string) string {
		return date + ",Acme Corp,Tax,AC,Tax Prep,note," + hours + "," + hours + "," + billable + ",No,Yes,Kim,Allen,,Yes," + rate + ",0,0,0,USD,\n"
	}
	good := row("2026-03-02", "1", "Yes", "195")
	file := fullHeader + "\n" +
		good + // line 2
		row("2026-02-30", "1", "Yes", "195") + // line 3: bad date
		row("2026-03-02", "1.2.3", "Yes", "195") + // line 4: bad number
		"2026-03-02,Acme Corp,\"multi\nline\",AC,Tax Prep,x,abc,abc,Yes,No,Yes,Kim,Allen,,Yes,195,0,0,0,USD,\n" + // lines 5-6: bad hours
		row("2026-03-02", "1", "Maybe", "195") + // line 7: bad flag
		row("2026-03-02", "1", "Yes", "19.505") + // line 8: rate finer than a cent
		",Acme Corp,Tax,AC,Tax Prep,note,1,1,Yes,No,Yes,Kim,Allen,,Yes,195,0,0,0,USD,\n" + // line 9: missing date
		"2026-03-02,Acme Corp,Tax\n" + // line 10: wrong column count
		good // line 11
	wantErrs := []csvimport.RowError{
		{Line: 3, Column: "Date", Reason: `"2026-02-30" is not a date (want YYYY-MM-DD or MM/DD/YYYY)`},
		{Line: 4, Column: "Hours Rounded"},
		{Line: 5, Column: "Hours Rounded"},
		{Line: 7, Column: "Billable?", Reason: `"Maybe" is not Yes or No`},
		{Line: 8, Column: "Billable Rate"},
		{Line: 9, Column: "Date", Reason: "is empty"},
		{Line: 10, Reason: "has 3 columns, the header has 21"},
	}
	ignoreNumberReasons := cmp.Comparer(func(a, b csvimport.RowError) bool {
		if a.Line != b.Line || a.Column != b.Column {
			return false
		}
		return a.Reason == "" || b.Reason == "" || a.Reason == b.Reason
	})

	res, err := csvimport.Parse(strings.NewReader(file), csvimport.Options{})
	var bad *csvimport.BadRowsError
	if !errors.As(err, &bad) {
		t.Fatalf("err = %v, want *BadRowsError", err)
	}
	if len(res.Entries) != 0 {
		t.Errorf("all-or-nothing: %d entries returned with bad rows", len(res.Entries))
	}
	if diff := cmp.Diff(wantErrs, bad.Rows, ignoreNumberReasons); diff != "" {
		t.Errorf("row errors (-want +got):\n%s", diff)
	}
	if !strings.Contains(err.Error(), `line 10: has 3 columns`) {
		t.Errorf("message does not list the rows:\n%v", err)
	}

	res, err = csvimport.Parse(strings.NewReader(file), csvimport.Options{SkipBadRows: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != 2 || res.Rows != 9 || len(res.Errors) != len(wantErrs) {
		t.Errorf("skip bad rows: %d entries, %d rows, %d errors", len(res.Entries), res.Rows, len(res.Errors))
	}
}

func TestBadRowsErrorListsFirstTwenty(t *testing.T) {
	t.Parallel()
	var rows []csvimport.RowError
	for i := range 25 {
		rows = append(rows, csvimport.RowError{Line: i + 2, Column: "Date", Reason: "bad"})
	}
	msg := (&csvimport.BadRowsError{Rows: rows}).Error()
	if !strings.Contains(msg, "line 21,") || strings.Contains(msg, "line 22,") || !strings.Contains(msg, "and 5 more") {
		t.Errorf("message:\n%s", msg)
	}
}

func TestParseLargeFile(t *testing.T) {
	t.Parallel()
	const n = 100_000
	var b strings.Builder
	b.WriteString(fullHeader + "\r\n")
	for i := range n {
		fmt.Fprintf(&b, "2026-03-%02d,Client %d,Project %d,P%d,Task %d,\"note %d, with comma\",%d.%02d,%d.25,Yes,No,Yes,First%d,Last,,Yes,%d.50,0,0,0,USD,\r\n",
			i%28+1, i%50, i%200, i%200, i%6, i, i%8, i%100, i%8, i%30, 100+i%100)
	}
	res, err := csvimport.Parse(strings.NewReader(b.String()), csvimport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != n {
		t.Fatalf("%d entries, want %d", len(res.Entries), n)
	}
	ids := make(map[string]bool, n)
	for _, e := range res.Entries {
		ids[e.ExternalID] = true
	}
	if len(ids) != n {
		t.Errorf("%d distinct ids for %d rows", len(ids), n)
	}
}

func FuzzParse(f *testing.F) {
	seeds := []string{
		fullHeader + "\n2026-03-02,Acme,P,C,T,n,1,1,Yes,No,Yes,A,B,,Yes,1,1,0,0,USD,\n",
		"\ufeff" + fullHeader + "\r\n2026-03-02,Acme,P,C,T,\"a\r\nb\",1,1,Yes,No,Yes,A,B,,Yes,1,1,0,0,SEK,\r\n",
		"Date,Client,Project,Task,Hours,Billable?,Approved?,First Name,Last Name,Billable Rate\n03/04/2026,a,b,c,1.5,No,No,x,y,\n",
		"Date,Client,Project,Task,Hours,Billable?,Approved?,First Name,Last Name,Billable Rate\n\"unterminated\n",
		"Date,Date\n",
		"",
	}
	for _, s := range seeds {
		f.Add(s, false, false)
	}
	f.Fuzz(func(t *testing.T, in string, assume, skip bool) {
		res, err := csvimport.Parse(strings.NewReader(in), csvimport.Options{AssumeApproved: assume, SkipBadRows: skip})
		if err != nil && len(res.Entries) != 0 {
			t.Fatalf("error %v with %d entries", err, len(res.Entries))
		}
		if err == nil && !skip && len(res.Errors) != 0 {
			t.Fatalf("no error but %d bad rows", len(res.Errors))
		}
		for _, e := range res.Entries {
			if e.Source != csvimport.Source || len(e.ExternalID) != 64 || e.SpentDate.IsZero() {
				t.Fatalf("bad entry %+v", e)
			}
		}
	})
}
