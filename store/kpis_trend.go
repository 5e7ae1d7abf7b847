package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// StaffLinesQuery is the SQL of StaffLines on dialect: per line of the
// invoices sent (sent or paid) and dated in the period, each person's
// hours on it, summed in the database (a line without time comes once
// with no person).
func StaffLinesQuery(dialect string, from, to billing.Date) Query {
	hours := "COALESCE(SUM(e.hours), 0)"
	if dialect == DialectPostgres {
		hours += "::BIGINT"
	}
	return Query{
		SQL: `SELECT l.id, l.invoice_id, l.engagement, l.kind, i.currency, l.original_amount, l.amount,
			COALESCE(e.user_name, ''), ` + hours + `
			FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
			LEFT JOIN allocations a ON a.invoice_line_id = l.id AND a.active
			LEFT JOIN time_entries e ON e.id = a.entry_id
			WHERE i.state IN ('sent', 'paid') AND i.invoice_date >= ? AND i.invoice_date <= ?
			AND l.kind IN ('hourly', 'fixed', 'discount')
			GROUP BY l.id, l.invoice_id, l.engagement, l.kind, i.currency, l.original_amount, l.amount, COALESCE(e.user_name, '')
			ORDER BY l.id, 8`,
		Args: []any{date(from), date(to)},
	}
}

// StaffLines returns what realization by staff reads of the invoices dated
// from through to (billing.StaffRealization).
func (s *Store) StaffLines(ctx context.Context, from, to billing.Date) ([]billing.StaffLine, error) {
	q := StaffLinesQuery(s.dialect, from, to)
	rows, err := s.q(ctx).Raw(q.SQL, q.Args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: staff lines: %w", err)
	}
	defer rows.Close()
	var out []billing.StaffLine
	for rows.Next() {
		var (
			l           billing.StaffLine
			kind, cur   string
			std, billed int64
			hours       sql.NullInt64
		)
		if err := rows.Scan(&l.LineID, &l.InvoiceID, &l.Engagement, &kind, &cur, &std, &billed, &l.Staff, &hours); err != nil {
			return nil, fmt.Errorf("store: scan staff line: %w", err)
		}
		l.Kind, l.Currency, l.Standard, l.Billed, l.Hours = billing.LineKind(kind), money.Currency(cur), money.Amount(std), money.Amount(billed), money.Hours(hours.Int64)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: staff lines: %w", err)
	}
	return out, nil
}

// ReceivablesQuery is the SQL of Receivables (the same on both dialects);
// paidSince is the instant before which an invoice paid in full is left
// out, as the store's timestamp parameter. A part-paid invoice's last
// change from QuickBooks (its audit trail) bounds the day of its part
// payments.
func ReceivablesQuery(since, through billing.Date, paidSince any) Query {
	return Query{
		SQL: `SELECT i.currency, i.invoice_date, i.total, i.balance, i.paid_at,
		CASE WHEN i.paid_at IS NULL AND i.balance < i.total THEN (SELECT MAX(a.at) FROM audit_events a
			WHERE a.subject_type = 'invoice' AND a.subject_id = CAST(i.id AS TEXT) AND a.action = 'qbo_changed') END
		FROM invoices i
		WHERE i.state IN ('sent', 'paid') AND i.invoice_date IS NOT NULL AND i.invoice_date <= ?
		AND (i.paid_at IS NULL OR i.paid_at >= ?) ORDER BY i.id`,
		Args: []any{date(through), paidSince},
	}
}

// Receivables returns the invoices sent to clients (sent or paid) dated
// through through that were not paid in full before since: every invoice
// that may have been open on a day from since through through. The days an
// invoice was paid, or last changed in QuickBooks when partly paid, are the
// firm's (loc).
func (s *Store) Receivables(ctx context.Context, since, through billing.Date, loc *time.Location) ([]billing.Receivable, error) {
	// A day earlier than since in UTC covers every zone's since.
	cut := since.AddDays(-1).Time(time.UTC)
	q := ReceivablesQuery(since, through, s.ts(cut))
	rows, err := s.q(ctx).Raw(q.SQL, q.Args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: receivables: %w", err)
	}
	defer rows.Close()
	var out []billing.Receivable
	for rows.Next() {
		var (
			r       billing.Receivable
			cur     string
			invDate dateCol
			paid    timeCol
			changed timeCol
			total   int64
			balance int64
		)
		if err := rows.Scan(&cur, &invDate, &total, &balance, &paid, &changed); err != nil {
			return nil, fmt.Errorf("store: scan receivable: %w", err)
		}
		r.Currency, r.InvoiceDate, r.Total, r.Balance = money.Currency(cur), invDate.D, money.Amount(total), money.Amount(balance)
		if !paid.T.IsZero() {
			r.PaidOn = billing.DateIn(paid.T, loc)
		}
		if !changed.T.IsZero() {
			r.BalanceSince = billing.DateIn(changed.T, loc)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: receivables: %w", err)
	}
	return out, nil
}

// monthKey is the SQL expression of a DATE column's month as 'YYYY-MM'
// text on both dialects.
func monthKey(dialect, col string) string {
	if dialect == DialectPostgres {
		return "to_char(" + col + ", 'YYYY-MM')"
	}
	return "substr(" + col + ", 1, 7)"
}

// MonthlyLeakageQuery is the SQL of MonthlyLeakage on dialect: Leakage's
// sums per month of spent time.
func MonthlyLeakageQuery(dialect string, from, to billing.Date) Query {
	q := LeakageQuery(dialect, from, to)
	month := monthKey(dialect, "e.spent_date")
	q.SQL = "SELECT " + month + " AS m, " + strings.TrimPrefix(strings.TrimSpace(q.SQL), "SELECT ") + " GROUP BY " + month + " ORDER BY m"
	return q
}

// MonthlyLeakage is Leakage from through to, per month of spent time,
// one query for the whole run; months without time are left out.
func (s *Store) MonthlyLeakage(ctx context.Context, from, to billing.Date) ([]billing.MonthLeakage, error) {
	q := MonthlyLeakageQuery(s.dialect, from, to)
	rows, err := s.q(ctx).Raw(q.SQL, q.Args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: monthly leakage: %w", err)
	}
	defer rows.Close()
	var out []billing.MonthLeakage
	for rows.Next() {
		var (
			month            string
			logged, unbilled sql.NullInt64
		)
		if err := rows.Scan(&month, &logged, &unbilled); err != nil {
			return nil, fmt.Errorf("store: scan monthly leakage: %w", err)
		}
		first, err := billing.ParseDate(month + "-01")
		if err != nil {
			return nil, fmt.Errorf("store: monthly leakage: month %q: %w", month, err)
		}
		out = append(out, billing.MonthLeakage{Month: first, Leakage: billing.Leakage{Logged: money.Hours(logged.Int64), Unbilled: money.Hours(unbilled.Int64)}})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: monthly leakage: %w", err)
	}
	return out, nil
}
