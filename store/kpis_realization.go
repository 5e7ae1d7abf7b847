package store

import (
	"context"
	"database/sql"
	"fmt"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// Realization groupings.
const (
	ByClient  = "client"
	ByPartner = "partner"
	ByMonth   = "month" // the invoice date's month, "YYYY-MM"
)

// realizationFrom is the shared FROM and WHERE of the realization queries:
// the lines of the invoices sent (sent or paid) and dated in the period.
// Voided invoices billed nothing and drafts are not yet billed.
const realizationFrom = ` FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
	WHERE i.state IN ('sent', 'paid') AND i.invoice_date >= ? AND i.invoice_date <= ?`

// RealizationQuery is the SQL of Realization on dialect. Standard value is
// each hourly and fixed-fee line as first drafted at the engagement letter's
// rates (original_amount); billed is what the lines charged after edits,
// less the discount lines. Retainer credits and blocks are prepayments, not
// pricing, and count on neither side.
func RealizationQuery(dialect, by string, from, to billing.Date) Query {
	key := "i.client"
	switch by {
	case ByMonth:
		key = monthKey(dialect, "i.invoice_date")
	case ByPartner:
		key = "COALESCE((i.partners_json::jsonb) ->> 0, '')"
		if dialect != DialectPostgres {
			key = "COALESCE(json_extract(i.partners_json, '$[0]'), '')"
		}
	}
	cast := ""
	if dialect == DialectPostgres {
		cast = "::BIGINT"
	}
	return Query{
		SQL: "SELECT " + key + " AS k, i.currency," +
			" COALESCE(SUM(CASE WHEN l.kind IN ('hourly', 'fixed') THEN l.original_amount ELSE 0 END), 0)" + cast + "," +
			" COALESCE(SUM(CASE WHEN l.kind IN ('hourly', 'fixed', 'discount') THEN l.amount ELSE 0 END), 0)" + cast +
			realizationFrom + " GROUP BY " + key + ", i.currency ORDER BY k, i.currency",
		Args: []any{date(from), date(to)},
	}
}

// Realization sums standard value and billed amount of the invoices dated
// from through to, per client, first partner or month (by) and currency.
func (s *Store) Realization(ctx context.Context, by string, from, to billing.Date) ([]billing.RealizationRow, error) {
	q := RealizationQuery(s.dialect, by, from, to)
	rows, err := s.q(ctx).Raw(q.SQL, q.Args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: realization by %s: %w", by, err)
	}
	defer rows.Close()
	var out []billing.RealizationRow
	for rows.Next() {
		var (
			r                billing.RealizationRow
			cur              string
			standard, billed sql.NullInt64
		)
		if err := rows.Scan(&r.Key, &cur, &standard, &billed); err != nil {
			return nil, fmt.Errorf("store: scan realization: %w", err)
		}
		r.Currency, r.Standard, r.Billed = money.Currency(cur), money.Amount(standard.Int64), money.Amount(billed.Int64)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: realization: %w", err)
	}
	return out, nil
}

// WriteDownReason is the total written down for one reason (the Edit
// modal's reason for each lowered line) in one currency.
type WriteDownReason struct {
	Reason   string
	Currency money.Currency
	Lines    int
	Amount   money.Amount // original − billed, positive
}

// WriteDownReasons sums the write-downs of the invoices dated from through
// to by reason and currency, largest first.
func (s *Store) WriteDownReasons(ctx context.Context, from, to billing.Date) ([]WriteDownReason, error) {
	cast := ""
	if s.dialect == DialectPostgres {
		cast = "::BIGINT"
	}
	rows, err := s.q(ctx).Raw("SELECT l.writedown_reason, i.currency, COUNT(*), SUM(l.original_amount - l.amount)"+cast+
		realizationFrom+" AND l.amount < l.original_amount GROUP BY l.writedown_reason, i.currency ORDER BY 4 DESC, 1",
		date(from), date(to)).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: write-down reasons: %w", err)
	}
	defer rows.Close()
	var out []WriteDownReason
	for rows.Next() {
		var (
			w   WriteDownReason
			cur string
			amt int64
		)
		if err := rows.Scan(&w.Reason, &cur, &w.Lines, &amt); err != nil {
			return nil, fmt.Errorf("store: scan write-down reasons: %w", err)
		}
		w.Currency, w.Amount = money.Currency(cur), money.Amount(amt)
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: write-down reasons: %w", err)
	}
	return out, nil
}
