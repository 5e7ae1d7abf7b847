package billing

import (
	"cmp"
	"slices"
	"strings"

	"billbot/internal/money"
)

// Bucket is an accounts-receivable aging bucket by days past due.
type Bucket int

// Aging buckets, in order.
const (
	Current    Bucket = iota // not yet due
	Days1To30                // 1–30 days past due
	Days31To60               // 31–60 days past due
	Days61To90               // 61–90 days past due
	Over90                   // more than 90 days past due
)

// NumBuckets is the number of aging buckets.
const NumBuckets = 5

var bucketNames = [NumBuckets]string{"Current", "1–30", "31–60", "61–90", "90+"}

// String returns the bucket's column heading: "Current", "1–30", … "90+".
func (b Bucket) String() string {
	if b < 0 || int(b) >= NumBuckets {
		return "unknown"
	}
	return bucketNames[b]
}

// BucketFor returns the bucket of an invoice that is daysPastDue days past
// its due date (zero or negative: not yet due).
func BucketFor(daysPastDue int) Bucket {
	switch {
	case daysPastDue <= 0:
		return Current
	case daysPastDue <= 30:
		return Days1To30
	case daysPastDue <= 60:
		return Days31To60
	case daysPastDue <= 90:
		return Days61To90
	}
	return Over90
}

// OpenInvoice is an invoice with an open balance, as QBO reports it.
type OpenInvoice struct {
	ID          int64
	Key         string
	DocNumber   string // QBO's invoice number, for display
	Client      string
	Manager     string
	Currency    money.Currency
	InvoiceDate Date
	DueDate     Date // zero: due on InvoiceDate (see DueOn)
	Total       money.Amount
	Balance     money.Amount
}

// Sale is one invoice sent, paid or not: the sales history DSO counts back
// through.
type Sale struct {
	Client      string
	Manager     string
	Currency    money.Currency
	InvoiceDate Date
	Total       money.Amount
}

// AgingRow is the open balance of one group in one currency, by bucket.
type AgingRow struct {
	Name     string // client name or manager id; "" in per-currency totals
	Currency money.Currency
	Buckets  [NumBuckets]money.Amount
	Total    money.Amount
	Invoices int
}

// AgedInvoice is an open invoice with its age on the as-of date.
type AgedInvoice struct {
	OpenInvoice
	DaysPastDue int
	Bucket      Bucket
}

// DSO is days sales outstanding in one currency by the countback method.
type DSO struct {
	Currency    money.Currency
	Receivables money.Amount
	// Tenths is DSO in tenths of a day: 452 means 45.2 days.
	Tenths int
	// Complete is false when the sales history ran out before accounting
	// for all receivables: Tenths then counts every month walked.
	Complete bool
}

// Aging is an accounts-receivable aging report. Amounts of different
// currencies are never added: every row is in one currency.
type Aging struct {
	AsOf      Date
	Totals    []AgingRow    // one per currency, by currency
	ByClient  []AgingRow    // by client, then currency
	ByManager []AgingRow    // by manager, then currency
	Invoices  []AgedInvoice // most days past due first, then by key
	DSO       []DSO         // one per currency with receivables, by currency
}

type rowKey struct {
	name string
	cur  money.Currency
}

// Age buckets the open balances of open by days past due on asOf and
// computes DSO per currency from sales. Invoices with a zero balance are
// skipped; sales after asOf are ignored.
func Age(open []OpenInvoice, sales []Sale, asOf Date) Aging {
	a := Aging{AsOf: asOf}
	totals := map[rowKey]*AgingRow{}
	clients := map[rowKey]*AgingRow{}
	managers := map[rowKey]*AgingRow{}
	for _, inv := range open {
		if inv.Balance == 0 {
			continue
		}
		days := DueOn(inv.InvoiceDate, inv.DueDate).DaysUntil(asOf) // > 0 exactly when Overdue
		b := BucketFor(days)
		a.Invoices = append(a.Invoices, AgedInvoice{OpenInvoice: inv, DaysPastDue: days, Bucket: b})
		addRow(totals, rowKey{"", inv.Currency}, b, inv.Balance)
		addRow(clients, rowKey{inv.Client, inv.Currency}, b, inv.Balance)
		addRow(managers, rowKey{inv.Manager, inv.Currency}, b, inv.Balance)
	}
	slices.SortFunc(a.Invoices, func(x, y AgedInvoice) int {
		return cmp.Or(cmp.Compare(y.DaysPastDue, x.DaysPastDue), strings.Compare(x.Key, y.Key), cmp.Compare(x.ID, y.ID))
	})
	a.Totals, a.ByClient, a.ByManager = rows(totals), rows(clients), rows(managers)
	for _, t := range a.Totals {
		a.DSO = append(a.DSO, countback(t.Currency, t.Total, sales, asOf))
	}
	return a
}

func addRow(m map[rowKey]*AgingRow, k rowKey, b Bucket, amt money.Amount) {
	r := m[k]
	if r == nil {
		r = &AgingRow{Name: k.name, Currency: k.cur}
		m[k] = r
	}
	r.Buckets[b] += amt
	r.Total += amt
	r.Invoices++
}

func rows(m map[rowKey]*AgingRow) []AgingRow {
	out := make([]AgingRow, 0, len(m))
	for _, r := range m {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(x, y AgingRow) int {
		return cmp.Or(strings.Compare(x.Name, y.Name), strings.Compare(string(x.Currency), string(y.Currency)))
	})
	return out
}

// countback computes DSO by the countback method: starting with the month
// of asOf (its days up to asOf), each month whose sales the receivables
// still exceed counts all its days and its sales are taken off; the month
// where the receivables run out counts days × receivables ÷ sales.
func countback(cur money.Currency, ar money.Amount, sales []Sale, asOf Date) DSO {
	d := DSO{Currency: cur, Receivables: ar, Complete: true}
	if ar <= 0 {
		return d
	}
	type month struct {
		y int
		m int
	}
	byMonth := map[month]money.Amount{}
	earliest := month{asOf.Year, int(asOf.Month)}
	for _, s := range sales {
		if s.Currency != cur || s.InvoiceDate.After(asOf) || s.InvoiceDate.IsZero() {
			continue
		}
		k := month{s.InvoiceDate.Year, int(s.InvoiceDate.Month)}
		byMonth[k] += s.Total
		if k.y < earliest.y || (k.y == earliest.y && k.m < earliest.m) {
			earliest = k
		}
	}
	cur0 := month{asOf.Year, int(asOf.Month)}
	days := asOf.Day
	left := int64(ar)
	for k := cur0; k.y > earliest.y || (k.y == earliest.y && k.m >= earliest.m); {
		s := int64(byMonth[k])
		if s > 0 && left <= s {
			d.Tenths += int(mulDivHalfUp(10*int64(days), left, s))
			return d
		}
		d.Tenths += 10 * days
		if s > 0 {
			left -= s
		}
		k.m--
		if k.m == 0 {
			k.y, k.m = k.y-1, 12
		}
		days = daysIn(k.y, timeMonth(k.m))
	}
	d.Complete = false
	return d
}
