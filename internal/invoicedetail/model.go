// Package invoicedetail shows what stands behind one invoice: its lines
// with the time entries billed on each, the write-downs an edit made and
// the reasons given, and any dispute. It renders the same view as text,
// CSV and a read-only HTML page reached through a signed, expiring link.
// It knows nothing of the store or Slack: the workflows fill a Detail.
package invoicedetail

import (
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// Detail is one invoice as the firm can see it.
type Detail struct {
	Number      string // the QBO DocNumber, else "#" and billbot's id
	InvoiceID   int64
	Client      string
	State       string
	Currency    money.Currency
	Period      billing.Period
	InvoiceDate billing.Date
	DueDate     billing.Date
	Subtotal    money.Amount
	Discount    money.Amount // ≤ 0
	Credit      money.Amount // ≤ 0
	Total       money.Amount
	Balance     money.Amount
	Hours       money.Hours
	Lines       []Line
	Edits       []Edit    // each edit, oldest first, with its reason
	Disputes    []Dispute // oldest first; the last may be open
	// Location is the firm's time zone, for the times shown; nil is UTC.
	Location *time.Location
}

// Line is an invoice line with the entries billed on it.
type Line struct {
	No          int // 1-based, as on the invoice
	Kind        string
	Engagement  string
	Task        string
	Description string
	ServiceDate billing.Date
	Qty         money.Hours
	UnitPrice   money.Amount
	Amount      money.Amount
	// Original is the amount first drafted; WriteDownReason says why an
	// edit lowered the line below it (empty when it did not).
	Original        money.Amount
	WriteDownReason string
	Entries         []Entry
}

// WrittenDown reports whether an edit lowered the line below its draft.
func (l Line) WrittenDown() bool { return l.Amount < l.Original }

// Entry is one time entry billed on a line.
type Entry struct {
	Date     billing.Date
	Staff    string
	Task     string
	Hours    money.Hours
	Rate     money.Amount
	Notes    string
	SourceID string // the time entry's id at its source
	// Source is the time source as people know it ("Harvest", "Toggl
	// Track"); empty: Harvest.
	Source string
}

// Edit is one edit of the invoice: who, when, why, and the total before
// and after.
type Edit struct {
	At          time.Time
	Actor       string
	Reason      string
	TotalBefore money.Amount
	TotalAfter  money.Amount
}

// Dispute is a client's objection and, once resolved, its outcome.
type Dispute struct {
	Reason     string
	OpenedBy   string
	OpenedAt   time.Time
	Outcome    string // empty while open
	Resolution string
	ResolvedBy string
	ResolvedAt time.Time
}

// Open reports whether the dispute is unresolved.
func (d Dispute) Open() bool { return d.ResolvedAt.IsZero() }

// OpenDispute returns the open dispute, if any.
func (d Detail) OpenDispute() (Dispute, bool) {
	if n := len(d.Disputes); n > 0 && d.Disputes[n-1].Open() {
		return d.Disputes[n-1], true
	}
	return Dispute{}, false
}

// EntryCount is the number of entries over all lines.
func (d Detail) EntryCount() int {
	n := 0
	for _, l := range d.Lines {
		n += len(l.Entries)
	}
	return n
}

// WriteDown is the amount the lines were written down in total (≥ 0).
func (d Detail) WriteDown() money.Amount {
	var w money.Amount
	for _, l := range d.Lines {
		if l.WrittenDown() {
			w += l.Original - l.Amount
		}
	}
	return w
}

func (d Detail) loc() *time.Location {
	if d.Location == nil {
		return time.UTC
	}
	return d.Location
}

// timeText formats an instant in the firm's time zone.
func (d Detail) timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(d.loc()).Format("2006-01-02 15:04 MST")
}

// FormatTime formats an instant in the firm's time zone, as the page and
// the text show times.
func (d Detail) FormatTime(t time.Time) string { return d.timeText(t) }

// SourceName is e.Source, Harvest when unset.
func (e Entry) SourceName() string { return billing.SourceLabel(e.Source) }

// SourceName is the time source of the invoice's entries as people know
// it: the first entry's; Harvest when there is none.
func (d Detail) SourceName() string {
	for _, l := range d.Lines {
		for _, e := range l.Entries {
			return e.SourceName()
		}
	}
	return Entry{}.SourceName()
}
