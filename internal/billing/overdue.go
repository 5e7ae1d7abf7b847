package billing

import "billbot/internal/money"

// DueOn is the day an invoice is due: its due date, or — when it has none —
// its invoice date. billbot drafts every invoice with a due date (invoice
// date + the engagement's terms); one without is an invoice whose terms are
// unknown (recorded before terms were kept, or made outside billbot), and
// it is taken as due on receipt, the earliest its terms could make it.
// With neither date it is the zero Date, before every day.
func DueOn(invoiceDate, dueDate Date) Date {
	if dueDate.IsZero() {
		return invoiceDate
	}
	return dueDate
}

// Overdue reports whether an invoice with an open balance is past due on
// asOf: a balance left and DueOn before asOf. On its due date an invoice is
// not yet overdue. This is billbot's one rule for "overdue": the aging
// report, /billing status, the App Home and the store's status counts (in
// SQL, tested against this) all follow it.
func Overdue(balance money.Amount, invoiceDate, dueDate, asOf Date) bool {
	return balance > 0 && DueOn(invoiceDate, dueDate).Before(asOf)
}
