package billing

import (
	"testing"

	"billbot/internal/money"
)

func TestTrendPeriods(t *testing.T) {
	t.Parallel()
	ps := TrendPeriods(MustDate("2026-02-10"), TrendMonths)
	if len(ps) != 12 {
		t.Fatalf("%d periods, want 12", len(ps))
	}
	if ps[0] != [2]Date{MustDate("2025-03-01"), MustDate("2025-03-31")} {
		t.Errorf("first period %v, want March 2025", ps[0])
	}
	if ps[11] != [2]Date{MustDate("2026-02-01"), MustDate("2026-02-28")} {
		t.Errorf("last period %v, want February 2026", ps[11])
	}
}

// TestKPIMonthOf keeps currencies apart and ratios exact: realization sums
// only the trend currency's rows; an undefined ratio stays undefined.
func TestKPIMonthOf(t *testing.T) {
	t.Parallel()
	rows := []RealizationRow{
		{Key: "A", Currency: "USD", Standard: 100000, Billed: 90000},
		{Key: "B", Currency: "USD", Standard: 50000, Billed: 50000},
		{Key: "C", Currency: "CAD", Standard: 1, Billed: 1000000},
	}
	m := KPIMonthOf(MustDate("2026-10-01"), MustDate("2026-10-31"), "USD", rows,
		Leakage{Logged: money.MustHours("200"), Unbilled: money.MustHours("3")}, true,
		Collections{Paid: 3, PaidInTerms: 2}, []DSO{{Currency: "CAD", Tenths: 999, Complete: true}, {Currency: "USD", Tenths: 384, Complete: true}})
	if m.Realization != (Figure{Value: 9333, OK: true}) { // 140,000 ÷ 150,000
		t.Errorf("realization %+v, want 93.33%%", m.Realization)
	}
	if m.Leakage != (Figure{Value: 150, OK: true}) || m.PaidWithinTerms != (Figure{Value: 6667, OK: true}) || m.DSO != (Figure{Value: 384, OK: true}) {
		t.Errorf("month %+v", m)
	}
	if m := KPIMonthOf(MustDate("2026-10-01"), MustDate("2026-10-31"), "USD", nil, Leakage{}, false, Collections{}, []DSO{{Currency: "USD", Tenths: 300}}); m.DSO.OK {
		t.Errorf("an incomplete DSO (a lower bound) is plotted: %+v", m.DSO)
	}
	none := KPIMonthOf(MustDate("2026-10-01"), MustDate("2026-10-31"), "EUR", rows, Leakage{}, false, Collections{}, nil)
	if none.Realization.OK || none.Leakage.OK || none.PaidWithinTerms.OK || none.DSO.OK {
		t.Errorf("a month without figures: %+v", none)
	}
}
