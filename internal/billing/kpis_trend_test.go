package billing

import (
	"slices"
	"testing"
	"time"

	"billbot/internal/money"
)

func TestApportion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		total   money.Amount
		weights []int64
		want    []money.Amount
	}{
		{"even", 1000, []int64{1, 1}, []money.Amount{500, 500}},
		{"remainder to the largest fraction", 100, []int64{1, 1, 1}, []money.Amount{34, 33, 33}},
		{"by hours", 10000, []int64{30000, 10000}, []money.Amount{7500, 2500}},
		{"largest remainder wins", 10, []int64{1, 2, 4}, []money.Amount{1, 3, 6}},
		{"negative (a discount)", -101, []int64{1, 1}, []money.Amount{-51, -50}},
		{"zero weight gets nothing", 999, []int64{0, 5}, []money.Amount{0, 999}},
		{"no weight at all: first", 7, []int64{0, 0}, []money.Amount{7, 0}},
		{"huge amount and hours do not overflow", 9_000_000_000_000, []int64{3_000_000_000, 6_000_000_000}, []money.Amount{3_000_000_000_000, 6_000_000_000_000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := apportion(tt.total, tt.weights)
			if !slices.Equal(got, tt.want) {
				t.Errorf("apportion(%d, %v) = %v, want %v", tt.total, tt.weights, got, tt.want)
			}
			var sum money.Amount
			for _, g := range got {
				sum += g
			}
			if sum != tt.total {
				t.Errorf("shares add up to %d, want %d", sum, tt.total)
			}
		})
	}
}

func TestStaffRealization(t *testing.T) {
	t.Parallel()
	h := money.MustHours
	line := func(id, inv int64, eng string, kind LineKind, std, billed money.Amount, staff, hours string) StaffLine {
		return StaffLine{LineID: id, InvoiceID: inv, Engagement: eng, Kind: kind, Currency: "USD", Standard: std, Billed: billed, Staff: staff, Hours: h(hours)}
	}
	tests := []struct {
		name  string
		lines []StaffLine
		want  []RealizationRow
	}{
		{"one person's line as drafted", []StaffLine{
			line(1, 1, "a", LineHourly, 50000, 50000, "Ann", "2"),
		}, []RealizationRow{{Key: "Ann", Currency: "USD", Standard: 50000, Billed: 50000}}},
		{"a written-down line is shared by hours", []StaffLine{
			line(1, 1, "a", LineHourly, 100000, 75000, "Ann", "3"),
			line(1, 1, "a", LineHourly, 100000, 75000, "Bob", "1"),
		}, []RealizationRow{
			{Key: "Ann", Currency: "USD", Standard: 75000, Billed: 56250},
			{Key: "Bob", Currency: "USD", Standard: 25000, Billed: 18750},
		}},
		{"a discount is shared by what each was billed", []StaffLine{
			line(1, 1, "a", LineHourly, 30000, 30000, "Ann", "1"),
			line(2, 1, "a", LineHourly, 10000, 10000, "Bob", "1"),
			line(3, 1, "a", LineDiscount, -4000, -4000, "", "0"),
			line(4, 1, "a", LineRetainerCredit, -40000, -40000, "", "0"),
		}, []RealizationRow{
			{Key: "Ann", Currency: "USD", Standard: 30000, Billed: 27000},
			{Key: "Bob", Currency: "USD", Standard: 10000, Billed: 9000},
		}},
		{"a fixed fee nobody logged time to", []StaffLine{
			line(1, 1, "f", LineFixed, 450000, 450000, NoStaff, "0"),
		}, []RealizationRow{{Key: NoStaff, Currency: "USD", Standard: 450000, Billed: 450000}}},
		{"another invoice's discount is not shared here", []StaffLine{
			line(1, 1, "a", LineHourly, 10000, 10000, "Ann", "1"),
			line(2, 2, "b", LineDiscount, -500, -500, "", "0"),
		}, []RealizationRow{
			{Key: NoStaff, Currency: "USD", Standard: 0, Billed: -500},
			{Key: "Ann", Currency: "USD", Standard: 10000, Billed: 10000},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := StaffRealization(tt.lines)
			if !slices.Equal(got, tt.want) {
				t.Errorf("StaffRealization = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestTrendMonths(t *testing.T) {
	t.Parallel()
	firsts, asOf := TrendMonths(MustDate("2026-10-31"), 12)
	if len(firsts) != 12 || firsts[0] != MustDate("2025-11-01") || firsts[11] != MustDate("2026-10-01") {
		t.Fatalf("firsts = %v", firsts)
	}
	if asOf[0] != MustDate("2025-11-30") || asOf[3] != MustDate("2026-02-28") || asOf[11] != MustDate("2026-10-31") {
		t.Errorf("asOf = %v", asOf)
	}
	_, asOf = TrendMonths(MustDate("2026-03-15"), 3)
	if !slices.Equal(asOf, []Date{MustDate("2026-01-31"), MustDate("2026-02-28"), MustDate("2026-03-15")}) {
		t.Errorf("mid-month through: asOf = %v", asOf)
	}
	if f, _ := TrendMonths(MustDate("2026-03-15"), 0); f != nil {
		t.Errorf("no months = %v", f)
	}
}

func TestOutstandingOn(t *testing.T) {
	t.Parallel()
	r := Receivable{Currency: "USD", InvoiceDate: MustDate("2026-10-31"), Total: 1000, Balance: 0, PaidOn: MustDate("2026-11-20")}
	open := Receivable{Currency: "USD", InvoiceDate: MustDate("2026-10-31"), Total: 1000, Balance: 400}
	partly := open
	partly.BalanceSince = MustDate("2026-11-20")
	tests := []struct {
		name string
		r    Receivable
		day  string
		want money.Amount
	}{
		{"before the invoice date", r, "2026-10-30", 0},
		{"on the invoice date", r, "2026-10-31", 1000},
		{"paid later: owed in full", r, "2026-11-19", 1000},
		{"paid that day", r, "2026-11-20", 0},
		{"still open: its balance", open, "2026-11-30", 400},
		{"partly paid: its total before the change was seen", partly, "2026-11-19", 1000},
		{"partly paid: its balance from then on", partly, "2026-11-20", 400},
		{"no invoice date", Receivable{Total: 5, Balance: 5}, "2026-11-30", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.OutstandingOn(MustDate(tt.day)); got != tt.want {
				t.Errorf("OutstandingOn(%s) = %d, want %d", tt.day, got, tt.want)
			}
		})
	}
}

// TestDSOOnMatchesAge: on a day with nothing paid since, the history gives
// the DSO of the aging report.
func TestDSOOnMatchesAge(t *testing.T) {
	t.Parallel()
	asOf := MustDate("2026-12-07")
	open := []OpenInvoice{
		{ID: 1, Currency: "USD", InvoiceDate: MustDate("2026-10-31"), DueDate: MustDate("2026-11-30"), Total: 300000, Balance: 300000},
		{ID: 2, Currency: "USD", InvoiceDate: MustDate("2026-11-30"), DueDate: MustDate("2026-12-30"), Total: 200000, Balance: 50000},
	}
	sales := []Sale{
		{Currency: "USD", InvoiceDate: MustDate("2026-10-01"), Total: 500000},
		{Currency: "USD", InvoiceDate: MustDate("2026-11-01"), Total: 200000},
	}
	recv := []Receivable{
		{Currency: "USD", InvoiceDate: MustDate("2026-10-31"), Total: 300000, Balance: 300000},
		{Currency: "USD", InvoiceDate: MustDate("2026-11-30"), Total: 200000, Balance: 50000},
		{Currency: "USD", InvoiceDate: MustDate("2026-10-31"), Total: 200000, PaidOn: MustDate("2026-11-20")},
	}
	want := Age(open, sales, asOf).DSO
	if got := DSOOn(recv, sales, asOf); !slices.Equal(got, want) {
		t.Errorf("DSOOn = %+v, want Age's %+v", got, want)
	}
	// On Oct 31 the two October invoices were owed: 500,000 against
	// October's 500,000 of sales: 31 days.
	oct := DSOOn(recv, sales, MustDate("2026-10-31"))
	if len(oct) != 1 || oct[0].Receivables != 500000 || oct[0].Tenths != 310 || !oct[0].Complete {
		t.Errorf("DSO on Oct 31 = %+v", oct)
	}
	// On Nov 30: 300,000 + 50,000 owed (one paid on the 20th); November
	// sold 200,000 (30 days), October covers the other 150,000 of 500,000
	// (31 × 0.3 = 9.3 days).
	nov := DSOOn(recv, sales, MustDate("2026-11-30"))
	if len(nov) != 1 || nov[0].Receivables != 350000 || nov[0].Tenths != 393 || !nov[0].Complete {
		t.Errorf("DSO on Nov 30 = %+v, want 39.3 days", nov)
	}
}

func TestBuildTrend(t *testing.T) {
	t.Parallel()
	loc := time.UTC
	in := TrendInput{
		Currency: "USD", Through: MustDate("2026-11-30"), Months: 3,
		Receivables: []Receivable{
			{Currency: "USD", InvoiceDate: MustDate("2026-10-31"), Total: 300000, PaidOn: MustDate("2026-11-20")},
			{Currency: "CAD", InvoiceDate: MustDate("2026-10-31"), Total: 9000, Balance: 9000},
		},
		Sales: []Sale{{Currency: "USD", InvoiceDate: MustDate("2026-10-01"), Total: 300000}, {Currency: "CAD", InvoiceDate: MustDate("2026-10-01"), Total: 9000}},
		Realization: []RealizationRow{
			{Key: "2026-10", Currency: "USD", Standard: 400000, Billed: 300000},
			{Key: "2026-10", Currency: "CAD", Standard: 9000, Billed: 9000},
		},
		Leakage:        []MonthLeakage{{Month: MustDate("2026-10-01"), Leakage: Leakage{Logged: money.MustHours("100"), Unbilled: money.MustHours("5")}}},
		LeakageThrough: MustDate("2026-10-31"),
		Sent: []SentFacts{{InvoiceDate: MustDate("2026-10-31"), DueDate: MustDate("2026-11-30"),
			SentAt: time.Date(2026, 11, 2, 12, 0, 0, 0, loc), PaidAt: time.Date(2026, 11, 20, 12, 0, 0, 0, loc)}},
	}
	tr := BuildTrend(in, loc)
	if len(tr.Points) != 3 {
		t.Fatalf("%d points", len(tr.Points))
	}
	sep, oct, nov := tr.Points[0], tr.Points[1], tr.Points[2]
	if sep.DSOOK || sep.RealizationOK || sep.PaidWithinTermsOK || sep.LeakageOK {
		t.Errorf("September (no history, no time) = %+v", sep)
	}
	if !oct.DSOOK || oct.DSOTenths != 310 || oct.Realization != 7500 || oct.Leakage != 500 || oct.PaidWithinTerms != 10000 {
		t.Errorf("October = %+v, want DSO 31.0, realization 75%%, leakage 5%%, paid within terms 100%%", oct)
	}
	if !nov.DSOOK || nov.DSOTenths != 0 || nov.LeakageOK || nov.RealizationOK {
		t.Errorf("November (all paid; leakage not judged) = %+v", nov)
	}
}
