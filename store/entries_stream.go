package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// selectBillable selects, from alias t, the columns of an entry that a
// billing run reads: scanBillable's, without the source, its id and the
// notes, which no draft or exception uses.
const selectBillable = `SELECT t.id, t.project_id, t.project, t.harvest_client_id, t.client, t.task, t.user_name,
	t.spent_date, t.hours, t.rate, t.currency, t.billable, t.running, t.approved, t.approved_at, t.billed_elsewhere,
	t.user_id`

// eligibleCond is billing.Eligible in SQL, on alias t, for the entries
// that are approved; with a parameter (a day) it also takes the billable
// entries still awaiting approval spent before that day.
const (
	billableCond = `t.billable AND NOT t.running AND NOT t.billed_elsewhere AND t.hours > 0`
	eligibleCond = billableCond + ` AND t.approved`
	alertCond    = billableCond + ` AND (t.approved OR t.spent_date < ?)`
)

// EachBillable calls fn with every live entry on no active allocation (as
// UnallocatedEntries) that a billing run can act on: the eligible ones
// (billable, stopped, approved, not billed elsewhere, with hours) and, when
// awaitingBefore is set, the billable ones still awaiting approval spent
// before that day, which the unapproved alert names. Other entries the
// engine would skip are not read.
//
// The rows come one at a time from a cursor, in no particular order, so
// that memory does not grow with the firm: the entry passed to fn is
// reused for the next row (its strings are not; equal ones are shared) and
// carries no Source, ExternalID or Notes. An error from fn stops the scan
// and is returned.
func (s *Store) EachBillable(ctx context.Context, awaitingBefore billing.Date, fn func(*billing.TimeEntry) error) error {
	q, args := selectBillable+` FROM time_entries t WHERE t.deleted_at IS NULL AND `+eligibleCond, []any{}
	if !awaitingBefore.IsZero() {
		q, args = selectBillable+` FROM time_entries t WHERE t.deleted_at IS NULL AND `+alertCond, []any{date(awaitingBefore)}
	}
	q += ` AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.entry_id = t.id AND a.active)`
	read := s.eachBillable
	if s.dialect == DialectPostgres {
		read = func(ctx context.Context, in interner, q string, args []any, fn func(*billing.TimeEntry) error) (int, error) {
			return s.eachBillablePG(ctx, in, dollarParams(q), args, fn)
		}
	}
	if _, err := read(ctx, newInterner(), q, args, fn); err != nil {
		return fmt.Errorf("store: billable entries: %w", err)
	}
	return nil
}

// EachEntry calls fn with the entries with these ids, deleted ones
// included, by id, read as EachBillable reads them (the entry is reused, and
// carries no Source, ExternalID or Notes). It fails with ErrNotFound when
// any id is unknown.
func (s *Store) EachEntry(ctx context.Context, ids []int64, fn func(*billing.TimeEntry) error) error {
	ids = uniqueIDs(ids)
	in := newInterner()
	n := 0
	for chunk := range slices.Chunk(ids, 500) {
		got, err := s.eachBillable(ctx, in, selectBillable+` FROM time_entries t WHERE t.id IN ? ORDER BY t.id`, []any{chunk}, fn)
		if err != nil {
			return fmt.Errorf("store: entries: %w", err)
		}
		n += got
	}
	if n != len(ids) {
		return fmt.Errorf("store: entries: %d of %d ids unknown: %w", len(ids)-n, len(ids), ErrNotFound)
	}
	return nil
}

// eachBillable runs q and hands each row to fn; it returns the rows read.
func (s *Store) eachBillable(ctx context.Context, in interner, q string, args []any, fn func(*billing.TimeEntry) error) (int, error) {
	rows, err := s.q(ctx).Raw(q, args...).Rows()
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var (
		e                                billing.TimeEntry
		project, client, task, user, cur sql.RawBytes
		spent                            dateCol
		approvedAt                       timeCol
		hours, rate                      int64
		n                                int
	)
	for rows.Next() {
		if err := rows.Scan(&e.ID, &e.ProjectID, &project, &e.ClientID, &client, &task, &user, &spent, &hours, &rate, &cur,
			&e.Billable, &e.Running, &e.Approved, &approvedAt, &e.BilledElsewhere, &e.UserID); err != nil {
			return n, fmt.Errorf("scan time entry: %w", err)
		}
		e.Project, e.Client, e.Task, e.User = in.of(project), in.of(client), in.of(task), in.of(user)
		e.Currency = money.Currency(in.of(cur))
		e.SpentDate, e.Hours, e.Rate, e.ApprovedAt = spent.D, money.Hours(hours), money.Amount(rate), approvedAt.T
		n++
		if err := fn(&e); err != nil {
			return n, err
		}
	}
	return n, rows.Err()
}

// interner shares one string per spelling: a firm's million entries name a
// few thousand clients, projects, tasks and people.
type interner map[string]string

func newInterner() interner { return interner{} }

func (in interner) of(b []byte) string {
	if s, ok := in[string(b)]; ok {
		return s
	}
	s := string(b)
	in[s] = s
	return s
}

// CountCycleInvoices counts the regular invoices (not voided, supplemental
// or replenishment) stored for cycles ending on one of ends, in SQL.
func (s *Store) CountCycleInvoices(ctx context.Context, ends []billing.Date) (int, error) {
	if len(ends) == 0 {
		return 0, nil
	}
	days := make([]any, len(ends))
	for i, d := range ends {
		days[i] = date(d)
	}
	var n int64
	err := s.q(ctx).Raw(`SELECT COUNT(*) FROM invoices WHERE state <> ? AND NOT supplemental AND NOT replenish
		AND period_end IN ?`, string(StateVoided), days).Scan(&n).Error
	if err != nil {
		return 0, fmt.Errorf("store: count cycle invoices: %w", err)
	}
	return int(n), nil
}
