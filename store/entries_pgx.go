package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// names keeps one copy of each name many entries share.
type names map[string]string

func (m names) of(b []byte) string {
	if n, ok := m[string(b)]; ok {
		return n
	}
	n := string(b)
	m[n] = n
	return n
}

// unallocatedEntriesOfPG is UnallocatedEntriesOf's query on PostgreSQL,
// unsorted, read through pgx itself: database/sql would box every value
// of a hundred thousand rows into an interface and convert it again.
func (s *Store) unallocatedEntriesOfPG(ctx context.Context, clients []string, expect int) ([]billing.TimeEntry, error) {
	conn, err := s.sqlDB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	out := make([]billing.TimeEntry, 0, max(expect, 0))
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("driver connection is a %T, not pgx", dc)
		}
		rows, err := c.Conn().Query(ctx, selectEntry+` FROM time_entries t
			WHERE t.deleted_at IS NULL AND t.client = ANY($1)
			AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.entry_id = t.id AND a.active)`, clients)
		if err != nil {
			return err
		}
		defer rows.Close()
		shared := names{}
		for rows.Next() {
			var (
				e           billing.TimeEntry
				spent       pgtype.Date
				hours, rate int64
				approvedAt  pgtype.Timestamptz
			)
			// As scanEntry; the shared names (nil here) are read raw below.
			if err := rows.Scan(&e.ID, nil, &e.ExternalID, &e.ProjectID, nil, &e.ClientID, nil, nil,
				nil, &spent, &hours, &rate, nil, &e.Notes, &e.Billable, &e.Running, &e.Approved, &approvedAt,
				&e.BilledElsewhere, &e.UserID); err != nil {
				return fmt.Errorf("scan time entry: %w", err)
			}
			raw := rows.RawValues()
			e.Source, e.Project, e.Client, e.Task, e.User = shared.of(raw[1]), shared.of(raw[4]), shared.of(raw[6]), shared.of(raw[7]), shared.of(raw[8])
			e.Currency = money.Currency(shared.of(raw[12]))
			if !spent.Valid || spent.InfinityModifier != pgtype.Finite {
				return fmt.Errorf("time entry %d: spent_date is not a day", e.ID)
			}
			e.SpentDate = billing.DateOf(spent.Time.UTC())
			e.Hours, e.Rate = money.Hours(hours), money.Amount(rate)
			if approvedAt.Valid {
				e.ApprovedAt = approvedAt.Time.UTC()
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, err
}
