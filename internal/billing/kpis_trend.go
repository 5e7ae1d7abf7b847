package billing

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"billbot/internal/money"
)

// KPIPoint is one month of a KPI trend. Money ratios (DSO, realization) are
// in the trend's currency; a figure with nothing to measure has its ok
// flag false.
type KPIPoint struct {
	Month             Date // the month's first day
	AsOf              Date // the day DSO is taken: the month's last day (the trend's last day for its last month)
	DSOTenths         int  // days sales outstanding in tenths of a day
	DSOOK             bool
	Realization       BasisPoints
	RealizationOK     bool
	Leakage           BasisPoints
	LeakageOK         bool
	PaidWithinTerms   BasisPoints
	PaidWithinTermsOK bool
}

// KPITrend is a run of months ending with the month of Through, oldest
// first, in one currency (the firm's home currency).
type KPITrend struct {
	Currency money.Currency
	Through  Date
	Points   []KPIPoint
}

// TrendMonths returns the first days of the months months long run ending
// with through's month, oldest first, and the day each month's DSO is taken
// (its last day; through for the last month).
func TrendMonths(through Date, months int) (firsts, asOf []Date) {
	if months <= 0 {
		return nil, nil
	}
	y, m := through.Year, int(through.Month)-(months-1)
	for m <= 0 {
		y, m = y-1, m+12
	}
	for range months {
		first := Date{Year: y, Month: timeMonth(m), Day: 1}
		last := Date{Year: y, Month: timeMonth(m), Day: daysIn(y, timeMonth(m))}
		if !last.Before(through) {
			last = through
		}
		firsts, asOf = append(firsts, first), append(asOf, last)
		if m++; m > 12 {
			y, m = y+1, 1
		}
	}
	return firsts, asOf
}

// Receivable is an invoice sent to the client (sent or paid, not voided)
// as history needs it to know what the client owed on a past day.
type Receivable struct {
	Currency    money.Currency
	InvoiceDate Date
	Total       money.Amount
	Balance     money.Amount // open balance now
	PaidOn      Date         // the firm's day it was paid in full; zero while open
	// BalanceSince is, for an open invoice partly paid, the firm's day
	// billbot last saw it change in QuickBooks: the part payments were made
	// by then. Zero: the balance is taken as it stands on every day.
	BalanceSince Date
}

// OutstandingOn is what r's client owed on day: nothing before the invoice
// date or once paid in full; paid in full after day, its total; while
// open, its balance now, or its total before BalanceSince (the days of part
// payments are not recorded: a part payment counts from the last change
// billbot saw).
func (r Receivable) OutstandingOn(day Date) money.Amount {
	switch {
	case r.InvoiceDate.IsZero() || r.InvoiceDate.After(day):
		return 0
	case r.PaidOn.IsZero() && !r.BalanceSince.IsZero() && day.Before(r.BalanceSince):
		return r.Total
	case r.PaidOn.IsZero():
		return r.Balance
	case r.PaidOn.After(day):
		return r.Total
	}
	return 0
}

// DSOOn is DSO by the countback method on day, per currency with
// receivables then, by currency: the receivables are what clients owed on
// that day (Receivable.OutstandingOn), counted back through the sales up to
// it. On a day no later than today with no invoice paid in full since, it
// equals Age's DSO.
func DSOOn(recv []Receivable, sales []Sale, day Date) []DSO {
	ar := map[money.Currency]money.Amount{}
	for _, r := range recv {
		if a := r.OutstandingOn(day); a != 0 {
			ar[r.Currency] += a
		}
	}
	curs := make([]money.Currency, 0, len(ar))
	for c, a := range ar {
		if a > 0 {
			curs = append(curs, c)
		}
	}
	slices.SortFunc(curs, func(a, b money.Currency) int { return strings.Compare(string(a), string(b)) })
	out := make([]DSO, 0, len(curs))
	for _, c := range curs {
		out = append(out, countback(c, ar[c], sales, day))
	}
	return out
}

// DSOIn returns the DSO of currency cur among ds; ok is false when cur had
// no receivables.
func DSOIn(ds []DSO, cur money.Currency) (DSO, bool) {
	for _, d := range ds {
		if d.Currency == cur {
			return d, true
		}
	}
	return DSO{}, false
}

// FormatTenths writes tenths of a day as "45.2".
func FormatTenths(t int) string {
	sign := ""
	if t < 0 {
		sign, t = "-", -t
	}
	return sign + strconv.Itoa(t/10) + "." + strconv.Itoa(t%10)
}

// MonthLeakage is the leakage of the time spent in one month.
type MonthLeakage struct {
	Month Date // the month's first day
	Leakage
}

// TrendInput is what BuildTrend needs: the history, read once for the
// whole run of months.
type TrendInput struct {
	Currency money.Currency // the trend's currency (DSO, realization)
	Through  Date           // the last day of the trend
	Months   int
	// Receivables are the invoices that may have been open on some day of
	// the run; Sales the monthly sales up to Through, as far back as
	// countback may walk.
	Receivables []Receivable
	Sales       []Sale
	// Realization has one row per month and currency, keyed "YYYY-MM", of
	// the invoices dated in that month.
	Realization []RealizationRow
	// Leakage is per month of spent time, judged through LeakageThrough
	// (zero: no month can be judged yet); a month ending after it is not
	// judged.
	Leakage        []MonthLeakage
	LeakageThrough Date
	// Sent are the invoices sent and dated in the run (InvoiceDate set).
	Sent []SentFacts
}

// BuildTrend computes each month's figures as KPIs does for that month
// alone: DSO on the month's last day, realization of the invoices dated in
// the month, leakage of the time spent in it, and the share of its invoices
// paid within terms. loc is the firm's time zone (calendar days).
func BuildTrend(in TrendInput, loc *time.Location) KPITrend {
	t := KPITrend{Currency: in.Currency, Through: in.Through}
	firsts, asOf := TrendMonths(in.Through, in.Months)
	real := map[string]RealizationRow{}
	for _, r := range in.Realization {
		if r.Currency == in.Currency {
			real[r.Key] = r
		}
	}
	leak := map[Date]Leakage{}
	for _, l := range in.Leakage {
		leak[l.Month] = l.Leakage
	}
	sent := map[Date][]SentFacts{}
	for _, f := range in.Sent {
		m := Date{Year: f.InvoiceDate.Year, Month: f.InvoiceDate.Month, Day: 1}
		sent[m] = append(sent[m], f)
	}
	for i, first := range firsts {
		p := KPIPoint{Month: first, AsOf: asOf[i]}
		if d, ok := DSOIn(DSOOn(in.Receivables, in.Sales, asOf[i]), in.Currency); ok {
			// A DSO whose sales history ran out is only a lower bound:
			// the trend leaves it out rather than draw it as a figure.
			p.DSOTenths, p.DSOOK = d.Tenths, d.Complete
		} else {
			p.DSOOK = hasSales(in.Sales, in.Currency, asOf[i]) // nothing owed: 0 days, once anything was sold
		}
		r := real[first.String()[:7]]
		p.Realization, p.RealizationOK = r.Realization()
		last := Date{Year: first.Year, Month: first.Month, Day: daysIn(first.Year, first.Month)}
		if !in.LeakageThrough.IsZero() && !last.After(in.LeakageThrough) {
			p.Leakage, p.LeakageOK = leak[first].Share()
		}
		p.PaidWithinTerms, p.PaidWithinTermsOK = CollectionsOf(sent[first], loc).PaidWithinTerms()
		t.Points = append(t.Points, p)
	}
	return t
}

// hasSales reports whether any sale in cur is dated on or before day.
func hasSales(sales []Sale, cur money.Currency, day Date) bool {
	for _, s := range sales {
		if s.Currency == cur && !s.InvoiceDate.IsZero() && !s.InvoiceDate.After(day) {
			return true
		}
	}
	return false
}

// DSOPoint is DSO per currency on the last day of one month.
type DSOPoint struct {
	Month Date // the month's first day
	AsOf  Date // its last day, or the trend's last day
	DSO   []DSO
}

// DSOTrend is DSO on the last day of each of the months ending with
// through's month (through itself for the last), oldest first, per
// currency, from the receivables history (DSOOn).
func DSOTrend(recv []Receivable, sales []Sale, through Date, months int) []DSOPoint {
	firsts, asOf := TrendMonths(through, months)
	out := make([]DSOPoint, len(firsts))
	for i := range firsts {
		out[i] = DSOPoint{Month: firsts[i], AsOf: asOf[i], DSO: DSOOn(recv, sales, asOf[i])}
	}
	return out
}
