package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// eachBillablePG is eachBillable on PostgreSQL, read through pgx itself on
// a connection of the pool: database/sql would box every value of a
// million rows into an interface and copy every string, where pgx scans
// straight into typed fields and lends the text (pgtype.DriverBytes) to be
// interned. q takes its parameters as $1, $2, ….
func (s *Store) eachBillablePG(ctx context.Context, in interner, q string, args []any, fn func(*billing.TimeEntry) error) (int, error) {
	conn, err := s.sqlDB.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	n := 0
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("driver connection is a %T, not pgx's", dc)
		}
		rows, err := c.Conn().Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var (
			e                                billing.TimeEntry
			project, client, task, user, cur pgtype.DriverBytes
			spent                            pgtype.Date
			approvedAt                       pgtype.Timestamptz
			hours, rate                      int64
		)
		for rows.Next() {
			if err := rows.Scan(&e.ID, &e.ProjectID, &project, &e.ClientID, &client, &task, &user, &spent, &hours, &rate, &cur,
				&e.Billable, &e.Running, &e.Approved, &approvedAt, &e.BilledElsewhere, &e.UserID); err != nil {
				return fmt.Errorf("scan time entry: %w", err)
			}
			e.Project, e.Client, e.Task, e.User = in.of(project), in.of(client), in.of(task), in.of(user)
			e.Currency = money.Currency(in.of(cur))
			e.SpentDate, e.ApprovedAt = billing.Date{}, time.Time{}
			if spent.Valid {
				e.SpentDate = billing.DateOf(spent.Time.UTC())
			}
			if approvedAt.Valid {
				e.ApprovedAt = approvedAt.Time.UTC()
			}
			e.Hours, e.Rate = money.Hours(hours), money.Amount(rate)
			n++
			if err := fn(&e); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return n, err
}

// dollarParams numbers q's ? placeholders as PostgreSQL's $1, $2, ….
func dollarParams(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
