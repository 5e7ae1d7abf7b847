package billing

import (
	"time"

	"billbot/internal/money"
)

// TrendMonths is how many months a KPI trend covers, ending with the month
// asked for.
const TrendMonths = 12

// Figure is one exact KPI value that may be undefined (no denominator):
// basis points for a ratio, tenths of a day for DSO.
type Figure struct {
	Value int64
	OK    bool
}

func figure(bp BasisPoints, ok bool) Figure { return Figure{Value: int64(bp), OK: ok} }

// KPIMonth is one month of the firm's KPI trend. Ratios that involve money
// count only the trend's currency: amounts are never added across
// currencies.
type KPIMonth struct {
	From, To        Date   // the month's first and last day
	Realization     Figure // basis points: billed ÷ standard value
	Leakage         Figure // basis points: unbilled ÷ logged hours
	DSO             Figure // tenths of a day, as of To; undefined when incomplete
	PaidWithinTerms Figure // basis points: paid on time ÷ paid
}

// KPITrend is the firm's KPIs month by month, oldest first.
type KPITrend struct {
	Currency money.Currency
	Months   []KPIMonth
}

// TrendPeriods returns the first and last days of the n calendar months
// that end with month's, oldest first.
func TrendPeriods(month Date, n int) [][2]Date {
	out := make([][2]Date, 0, max(n, 0))
	for i := n - 1; i >= 0; i-- {
		first := time.Date(month.Year, month.Month-time.Month(i), 1, 0, 0, 0, 0, time.UTC)
		out = append(out, [2]Date{DateOf(first), DateOf(first.AddDate(0, 1, -1))})
	}
	return out
}

// KPIMonthOf condenses one month's figures: realization over the rows in
// cur (whole-firm, by client), leakage when judged, the DSO of cur when
// complete (an incomplete DSO, the sales history having run out, is only a
// lower bound), and the share of paid invoices paid within terms.
func KPIMonthOf(from, to Date, cur money.Currency, byClient []RealizationRow, leak Leakage, leakJudged bool, c Collections, dso []DSO) KPIMonth {
	m := KPIMonth{From: from, To: to}
	var std, billed int64
	for _, r := range byClient {
		if r.Currency == cur {
			std, billed = std+int64(r.Standard), billed+int64(r.Billed)
		}
	}
	m.Realization = figure(Ratio(billed, std))
	if leakJudged {
		m.Leakage = figure(leak.Share())
	}
	m.PaidWithinTerms = figure(c.PaidWithinTerms())
	for _, d := range dso {
		if d.Currency == cur && d.Complete {
			m.DSO = Figure{Value: int64(d.Tenths), OK: true}
		}
	}
	return m
}
