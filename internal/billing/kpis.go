package billing

import (
	"slices"
	"time"

	"billbot/internal/money"
)

// BasisPoints is a ratio in hundredths of a percent: 9250 is 92.50 %.
// KPIs are ratios of exact integers, rounded half up once, here.
type BasisPoints int64

// Ratio returns num ÷ den in basis points, rounded half up; ok is false when
// den is not positive (the ratio is undefined, shown as "—").
func Ratio(num, den int64) (bp BasisPoints, ok bool) {
	if den <= 0 {
		return 0, false
	}
	n := num * 10000
	if n >= 0 {
		return BasisPoints((n + den/2) / den), true
	}
	return BasisPoints(-((-n + den/2) / den)), true
}

// String writes bp as a percentage with two decimals: "92.50%".
func (bp BasisPoints) String() string {
	return money.Amount(bp).Format("USD") + "%"
}

// RealizationRow is billed against standard value for one group (a partner,
// client or staff member) in one currency.
type RealizationRow struct {
	Key      string
	Currency money.Currency
	Standard money.Amount // hours × standard rate of the time billed
	Billed   money.Amount // what the invoices charged for that time
}

// Realization returns billed ÷ standard value.
func (r RealizationRow) Realization() (BasisPoints, bool) {
	return Ratio(int64(r.Billed), int64(r.Standard))
}

// UtilizationRow is one staff member's hours over a period.
type UtilizationRow struct {
	Staff    string
	Billable money.Hours // billable time, fixed-fee and retainer work included
	Capacity money.Hours // weekly capacity × weeks in the period
}

// Utilization returns billable ÷ capacity hours.
func (u UtilizationRow) Utilization() (BasisPoints, bool) {
	return Ratio(int64(u.Billable), int64(u.Capacity))
}

// Capacity is weekly hours over a period of days, pro rata by calendar day:
// weekly × days ÷ 7, rounded half up to the Hours unit (a 40-hour week over
// 30 days is 171.4286 hours).
func Capacity(weekly money.Hours, days int) money.Hours {
	if days <= 0 || weekly <= 0 {
		return 0
	}
	return money.Hours((int64(weekly)*int64(days) + 3) / 7)
}

// Leakage is approved billable time not on a sent invoice N days after its
// cycle closed, against all billable time logged.
type Leakage struct {
	Logged   money.Hours
	Unbilled money.Hours
}

// Share returns unbilled ÷ logged.
func (l Leakage) Share() (BasisPoints, bool) { return Ratio(int64(l.Unbilled), int64(l.Logged)) }

// Durations is a set of lags in days (cycle close → sent, posted →
// approved), summarised by Median and P90.
type Durations []int

// Percentile returns the nearest-rank p-th percentile (0 < p ≤ 100) of d:
// the smallest value with at least p % of the values at or below it; ok is
// false for an empty set.
func (d Durations) Percentile(p int) (int, bool) {
	if len(d) == 0 || p <= 0 || p > 100 {
		return 0, false
	}
	s := slices.Clone(d)
	slices.Sort(s)
	rank := (p*len(s) + 99) / 100 // ceil(p/100 × n)
	return s[max(rank, 1)-1], true
}

// Median returns the 50th percentile.
func (d Durations) Median() (int, bool) { return d.Percentile(50) }

// P90 returns the 90th percentile.
func (d Durations) P90() (int, bool) { return d.Percentile(90) }

// Collections are the corrected and paid shares of the invoices sent in a
// period, and how long billing and approval took.
type Collections struct {
	Sent          int       // invoices sent
	Corrected     int       // voided after sending (a sent invoice cannot be edited in billbot)
	Paid          int       // of the sent, paid in full
	PaidInTerms   int       // of the paid, paid on or before the due date
	BillingLag    Durations // cycle close → sent, in days
	ApprovalDelay Durations // posted for approval → approved, in whole hours
}

// SentFacts is what Collections needs of one sent invoice.
type SentFacts struct {
	Voided               bool
	InvoiceDate          Date // the month it counts in (KPI trends); due on it without a due date (DueOn)
	PeriodEnd, DueDate   Date
	SentAt, PaidAt       time.Time // PaidAt zero: unpaid
	PostedAt, ApprovedAt time.Time // zero when the trail does not show them
}

// CollectionsOf summarises sent invoices; calendar days are the firm's (loc).
func CollectionsOf(facts []SentFacts, loc *time.Location) Collections {
	var c Collections
	for _, f := range facts {
		c.Sent++
		if f.Voided {
			c.Corrected++
		}
		if !f.PaidAt.IsZero() && !f.Voided {
			c.Paid++
			// In terms: paid on a day it was not yet overdue (see Overdue).
			if !DueOn(f.InvoiceDate, f.DueDate).Before(DateIn(f.PaidAt, loc)) {
				c.PaidInTerms++
			}
		}
		if !f.PeriodEnd.IsZero() {
			c.BillingLag = append(c.BillingLag, max(f.PeriodEnd.DaysUntil(DateIn(f.SentAt, loc)), 0))
		}
		if !f.PostedAt.IsZero() && !f.ApprovedAt.IsZero() && !f.ApprovedAt.Before(f.PostedAt) {
			c.ApprovalDelay = append(c.ApprovalDelay, int(f.ApprovedAt.Sub(f.PostedAt)/time.Hour))
		}
	}
	return c
}

// ErrorRate returns corrected ÷ sent.
func (c Collections) ErrorRate() (BasisPoints, bool) { return Ratio(int64(c.Corrected), int64(c.Sent)) }

// PaidWithinTerms returns paid on time ÷ paid.
func (c Collections) PaidWithinTerms() (BasisPoints, bool) {
	return Ratio(int64(c.PaidInTerms), int64(c.Paid))
}

// LeakageThrough is the last day of spent time that leakage may count on
// day today: time counts once its (monthly) cycle closed graceDays ago, so
// the last day of the latest month that ended at least graceDays before
// today.
func LeakageThrough(today Date, graceDays int) Date {
	d := today.AddDays(-graceDays)
	if next := d.AddDays(1); next.Month != d.Month {
		return d
	}
	return Date{Year: d.Year, Month: d.Month, Day: 1}.AddDays(-1)
}
