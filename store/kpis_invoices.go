package store

import (
	"context"
	"fmt"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// SentInvoice is what the collections KPIs read of one invoice sent in a
// period: its dates, and when its audit trail first shows it posted for
// approval and approved.
type SentInvoice struct {
	ID          int64
	State       InvoiceState
	Currency    money.Currency
	PeriodEnd   billing.Date
	InvoiceDate billing.Date
	DueDate     billing.Date
	SentAt      time.Time
	PaidAt      time.Time
	PostedAt    time.Time // first invoice.pending event; zero when none
	ApprovedAt  time.Time // first invoice.approved event; zero when none
}

// SentInvoicesQuery is the SQL of SentInvoices (the same on both dialects).
func SentInvoicesQuery(from, to billing.Date) Query {
	first := func(action string) string {
		return `(SELECT MIN(a.at) FROM audit_events a WHERE a.subject_type = 'invoice'
			AND a.subject_id = CAST(i.id AS TEXT) AND a.action = '` + action + `')`
	}
	return Query{
		SQL: `SELECT i.id, i.state, i.currency, i.period_end, i.invoice_date, i.due_date, i.sent_at, i.paid_at, ` +
			first("invoice.pending") + `, ` + first("invoice.approved") + `
			FROM invoices i WHERE i.sent_at IS NOT NULL AND i.invoice_date >= ? AND i.invoice_date <= ? ORDER BY i.id`,
		Args: []any{date(from), date(to)},
	}
}

// SentInvoices returns the sent invoices dated from through to (the
// cycles the period billed, as realization counts them), voided ones
// included (a void after sending is a correction), without their lines:
// a year of an 80-person firm is a few thousand small rows.
func (s *Store) SentInvoices(ctx context.Context, from, to billing.Date) ([]SentInvoice, error) {
	q := SentInvoicesQuery(from, to)
	rows, err := s.q(ctx).Raw(q.SQL, q.Args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: sent invoices: %w", err)
	}
	defer rows.Close()
	var out []SentInvoice
	for rows.Next() {
		var (
			v                                SentInvoice
			state, cur                       string
			end, invDate, due                dateCol
			sent, paid, posted, approvedTime timeCol
		)
		if err := rows.Scan(&v.ID, &state, &cur, &end, &invDate, &due, &sent, &paid, &posted, &approvedTime); err != nil {
			return nil, fmt.Errorf("store: scan sent invoice: %w", err)
		}
		v.State, v.Currency, v.PeriodEnd, v.InvoiceDate, v.DueDate = InvoiceState(state), money.Currency(cur), end.D, invDate.D, due.D
		v.SentAt, v.PaidAt, v.PostedAt, v.ApprovedAt = sent.T, paid.T, posted.T, approvedTime.T
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: sent invoices: %w", err)
	}
	return out, nil
}
