package store

import (
	"context"
	"database/sql"
	"fmt"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// StaffHours is one staff member's logged time over a period: all of it
// and the billable part (hourly, fixed-fee and retainer work alike).
type StaffHours struct {
	Staff    string
	Logged   money.Hours
	Billable money.Hours
}

// StaffHoursQuery is the SQL of StaffHours on dialect: one row per staff
// member, summed in the database so a year of entries is never loaded.
func StaffHoursQuery(dialect string, from, to billing.Date) Query {
	sum := func(expr string) string {
		if dialect == DialectPostgres {
			return "COALESCE(SUM(" + expr + "), 0)::BIGINT" // SUM of BIGINT is NUMERIC on PostgreSQL
		}
		return "COALESCE(SUM(" + expr + "), 0)"
	}
	return Query{
		SQL: "SELECT user_name, " + sum("hours") + ", " + sum("CASE WHEN billable THEN hours ELSE 0 END") +
			` FROM time_entries WHERE deleted_at IS NULL AND NOT running AND spent_date >= ? AND spent_date <= ?
			GROUP BY user_name ORDER BY user_name`,
		Args: []any{date(from), date(to)},
	}
}

// StaffHours sums the time logged from from through to per staff member.
func (s *Store) StaffHours(ctx context.Context, from, to billing.Date) ([]StaffHours, error) {
	q := StaffHoursQuery(s.dialect, from, to)
	rows, err := s.q(ctx).Raw(q.SQL, q.Args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: staff hours: %w", err)
	}
	defer rows.Close()
	var out []StaffHours
	for rows.Next() {
		var (
			name             string
			logged, billable sql.NullInt64
		)
		if err := rows.Scan(&name, &logged, &billable); err != nil {
			return nil, fmt.Errorf("store: scan staff hours: %w", err)
		}
		out = append(out, StaffHours{Staff: name, Logged: money.Hours(logged.Int64), Billable: money.Hours(billable.Int64)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: staff hours: %w", err)
	}
	return out, nil
}

// LeakageQuery is the SQL of Leakage on dialect.
func LeakageQuery(dialect string, from, to billing.Date) Query {
	cast := ""
	if dialect == DialectPostgres {
		cast = "::BIGINT"
	}
	// A join, not a correlated EXISTS per entry: an entry has at most one
	// active allocation (a unique index), so the join adds no rows.
	return Query{
		SQL: `SELECT COALESCE(SUM(e.hours), 0)` + cast + `,
			COALESCE(SUM(CASE WHEN billed.entry_id IS NULL THEN e.hours ELSE 0 END), 0)` + cast + `
			FROM time_entries e LEFT JOIN (SELECT a.entry_id FROM allocations a
				JOIN invoice_lines l ON l.id = a.invoice_line_id JOIN invoices i ON i.id = l.invoice_id
				WHERE a.active AND i.state IN ('sent', 'paid')) billed ON billed.entry_id = e.id
			WHERE e.deleted_at IS NULL AND NOT e.running AND e.billable AND e.approved
			AND NOT e.billed_elsewhere AND e.spent_date >= ? AND e.spent_date <= ?`,
		Args: []any{date(from), date(to)},
	}
}

// Leakage sums the approved billable time spent from through to (billed
// elsewhere excluded), and the part of it on no sent or paid invoice now.
func (s *Store) Leakage(ctx context.Context, from, to billing.Date) (billing.Leakage, error) {
	q := LeakageQuery(s.dialect, from, to)
	var logged, unbilled sql.NullInt64
	if err := s.q(ctx).Raw(q.SQL, q.Args...).Row().Scan(&logged, &unbilled); err != nil {
		return billing.Leakage{}, fmt.Errorf("store: leakage: %w", err)
	}
	return billing.Leakage{Logged: money.Hours(logged.Int64), Unbilled: money.Hours(unbilled.Int64)}, nil
}
