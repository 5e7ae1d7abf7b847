package billing

import (
	"testing"
	"time"

	"billbot/internal/money"
)

func TestOverdue(t *testing.T) {
	t.Parallel()
	d := MustDate
	for _, tc := range []struct {
		name              string
		balance           int64
		invoice, due, now string
		want              bool
	}{
		{name: "before the due date", balance: 100, invoice: "2026-10-01", due: "2026-10-31", now: "2026-10-15"},
		{name: "on the due date", balance: 100, invoice: "2026-10-01", due: "2026-10-31", now: "2026-10-31"},
		{name: "a day past the due date", balance: 100, invoice: "2026-10-01", due: "2026-10-31", now: "2026-11-01", want: true},
		{name: "paid in full", balance: 0, invoice: "2026-10-01", due: "2026-10-31", now: "2026-12-01"},
		{name: "a credit balance", balance: -100, invoice: "2026-10-01", due: "2026-10-31", now: "2026-12-01"},
		{name: "no due date: due on the invoice date", balance: 100, invoice: "2026-10-01", now: "2026-10-01"},
		{name: "no due date, a day after the invoice date", balance: 100, invoice: "2026-10-01", now: "2026-10-02", want: true},
		{name: "no due date, invoice dated later", balance: 100, invoice: "2026-11-25", now: "2026-11-15"},
		{name: "no dates at all", balance: 100, now: "2026-11-15", want: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var inv, due Date
			if tc.invoice != "" {
				inv = d(tc.invoice)
			}
			if tc.due != "" {
				due = d(tc.due)
			}
			if got := Overdue(money.Amount(tc.balance), inv, due, d(tc.now)); got != tc.want {
				t.Errorf("Overdue = %v, want %v", got, tc.want)
			}
			// The aging report agrees: overdue exactly when days past due > 0.
			a := Age([]OpenInvoice{{Key: "k", Currency: "USD", InvoiceDate: inv, DueDate: due, Balance: money.Amount(tc.balance)}}, nil, d(tc.now))
			aged := len(a.Invoices) == 1 && a.Invoices[0].DaysPastDue > 0 && tc.balance > 0
			if aged != tc.want {
				t.Errorf("aging says overdue = %v, want %v", aged, tc.want)
			}
		})
	}
}

// TestPaidInTermsFollowsOverdue: an invoice is paid within terms when it was
// paid on a day it was not yet overdue — with no due date, by its invoice
// date (it used to count as in terms whenever paid).
func TestPaidInTermsFollowsOverdue(t *testing.T) {
	t.Parallel()
	paid := func(day string) time.Time { return MustDate(day).Time(time.UTC).Add(12 * time.Hour) }
	for _, tc := range []struct {
		name         string
		invoice, due string
		paidOn       string
		want         int
	}{
		{name: "paid on the due date", invoice: "2026-11-01", due: "2026-12-01", paidOn: "2026-12-01", want: 1},
		{name: "paid a day late", invoice: "2026-11-01", due: "2026-12-01", paidOn: "2026-12-02"},
		{name: "no due date, paid on the invoice date", invoice: "2026-11-01", paidOn: "2026-11-01", want: 1},
		{name: "no due date, paid weeks later", invoice: "2026-11-01", paidOn: "2026-11-20"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := SentFacts{InvoiceDate: MustDate(tc.invoice), SentAt: paid(tc.invoice), PaidAt: paid(tc.paidOn)}
			if tc.due != "" {
				f.DueDate = MustDate(tc.due)
			}
			if got := CollectionsOf([]SentFacts{f}, time.UTC).PaidInTerms; got != tc.want {
				t.Errorf("paid in terms = %d, want %d", got, tc.want)
			}
		})
	}
}
