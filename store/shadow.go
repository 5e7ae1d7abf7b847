package store

import (
	"context"
	"fmt"
	"time"

	"billbot/internal/money"
	"billbot/internal/shadow"
)

// ShadowRun is the stored summary of a shadow cycle.
type ShadowRun struct {
	shadow.Summary
	RanAt time.Time
	Actor string
	Runs  int // how often the cycle was compared; the latest run's figures stand
}

// SaveShadowRun records a shadow run's summary for its cycle; a later run of
// the same cycle replaces the figures.
func (s *Store) SaveShadowRun(ctx context.Context, sum shadow.Summary, actor string, at time.Time) error {
	if sum.PeriodEnd.IsZero() {
		return fmt.Errorf("store: save shadow run: no period end")
	}
	_, err := s.exec(ctx, `INSERT INTO shadow_runs (period_end, ran_at, actor, runs, currency,
			amount_agreed, amount_compared, invoices_agreed, invoices_compared,
			lines_same, lines_differ, lines_only_billbot, lines_only_ledger)
		VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (period_end) DO UPDATE SET ran_at = excluded.ran_at, actor = excluded.actor,
			runs = shadow_runs.runs + 1, currency = excluded.currency,
			amount_agreed = excluded.amount_agreed, amount_compared = excluded.amount_compared,
			invoices_agreed = excluded.invoices_agreed, invoices_compared = excluded.invoices_compared,
			lines_same = excluded.lines_same, lines_differ = excluded.lines_differ,
			lines_only_billbot = excluded.lines_only_billbot, lines_only_ledger = excluded.lines_only_ledger`,
		date(sum.PeriodEnd), s.ts(at), actor, string(sum.Currency),
		int64(sum.AmountAgreed), int64(sum.AmountCompared), sum.InvoicesAgreed, sum.InvoicesCompared,
		sum.Same, sum.Differs, sum.OnlyBillbot, sum.OnlyLedger)
	if err != nil {
		return fmt.Errorf("store: save shadow run for %s: %w", sum.PeriodEnd, err)
	}
	return nil
}

// ShadowRuns returns the stored shadow cycles, latest cycle first; limit
// <= 0 means all.
func (s *Store) ShadowRuns(ctx context.Context, limit int) ([]ShadowRun, error) {
	q := `SELECT period_end, ran_at, actor, runs, currency, amount_agreed, amount_compared,
		invoices_agreed, invoices_compared, lines_same, lines_differ, lines_only_billbot, lines_only_ledger
		FROM shadow_runs ORDER BY period_end DESC`
	var args []any
	if limit > 0 {
		q, args = q+" LIMIT ?", append(args, limit)
	}
	rows, err := s.q(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: shadow runs: %w", err)
	}
	defer rows.Close()
	var out []ShadowRun
	for rows.Next() {
		var (
			r               ShadowRun
			end             dateCol
			at              timeCol
			cur             string
			agreed, compare int64
		)
		if err := rows.Scan(&end, &at, &r.Actor, &r.Runs, &cur, &agreed, &compare,
			&r.InvoicesAgreed, &r.InvoicesCompared, &r.Same, &r.Differs, &r.OnlyBillbot, &r.OnlyLedger); err != nil {
			return nil, fmt.Errorf("store: scan shadow run: %w", err)
		}
		r.PeriodEnd, r.RanAt, r.Currency = end.D, at.T, money.Currency(cur)
		r.AmountAgreed, r.AmountCompared = money.Amount(agreed), money.Amount(compare)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: shadow runs: %w", err)
	}
	return out, nil
}
