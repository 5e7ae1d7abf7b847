package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"time"

	"gorm.io/gorm"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// entryCols are the columns of a time entry as billing.TimeEntry carries
// them, in scanEntry's order after the id.
const entryCols = `source, external_id, project_id, project, harvest_client_id, client, task, user_name,
	spent_date, hours, rate, currency, notes, billable, running, approved, approved_at, billed_elsewhere, user_id`

// selectEntry selects one entry as scanEntry reads it, from alias t.
const selectEntry = `SELECT t.id, t.source, t.external_id, t.project_id, t.project, t.harvest_client_id, t.client, t.task,
	t.user_name, t.spent_date, t.hours, t.rate, t.currency, t.notes, t.billable, t.running, t.approved, t.approved_at,
	t.billed_elsewhere, t.user_id`

// billedExpr is true when entry t is actively on an invoice line.
const billedExpr = `EXISTS (SELECT 1 FROM allocations a WHERE a.entry_id = t.id AND a.active AND a.invoice_line_id IS NOT NULL)`

func scanEntry(rows *sql.Rows, extra ...any) (billing.TimeEntry, error) {
	var (
		e           billing.TimeEntry
		spent       dateCol
		hours, rate int64
		cur         string
		approvedAt  timeCol
	)
	dest := []any{&e.ID, &e.Source, &e.ExternalID, &e.ProjectID, &e.Project, &e.ClientID, &e.Client, &e.Task,
		&e.User, &spent, &hours, &rate, &cur, &e.Notes, &e.Billable, &e.Running, &e.Approved, &approvedAt,
		&e.BilledElsewhere, &e.UserID}
	if err := rows.Scan(append(dest, extra...)...); err != nil {
		return billing.TimeEntry{}, fmt.Errorf("store: scan time entry: %w", err)
	}
	e.SpentDate = spent.D
	e.Hours, e.Rate, e.Currency = money.Hours(hours), money.Amount(rate), money.Currency(cur)
	e.ApprovedAt = approvedAt.T
	return e, nil
}

// collectEntries reads rows of selectEntry. The names many entries share
// (source, project, client, task, person, currency) are kept once each
// rather than once per entry: a list of a hundred thousand entries holds
// a few hundred such strings, not six hundred thousand.
func collectEntries(rows *sql.Rows, err error) ([]billing.TimeEntry, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		out   []billing.TimeEntry
		names = names{}
		raw   [6]sql.RawBytes
	)
	name := names.of
	for rows.Next() {
		var (
			e           billing.TimeEntry
			spent       dateCol
			hours, rate int64
			approvedAt  timeCol
		)
		// As scanEntry, the shared names as raw bytes.
		if err := rows.Scan(&e.ID, &raw[0], &e.ExternalID, &e.ProjectID, &raw[1], &e.ClientID, &raw[2], &raw[3],
			&raw[4], &spent, &hours, &rate, &raw[5], &e.Notes, &e.Billable, &e.Running, &e.Approved, &approvedAt,
			&e.BilledElsewhere, &e.UserID); err != nil {
			return nil, fmt.Errorf("store: scan time entry: %w", err)
		}
		e.Source, e.Project, e.Client, e.Task, e.User = name(raw[0]), name(raw[1]), name(raw[2]), name(raw[3]), name(raw[4])
		e.Currency = money.Currency(name(raw[5]))
		e.SpentDate = spent.D
		e.Hours, e.Rate = money.Hours(hours), money.Amount(rate)
		e.ApprovedAt = approvedAt.T
		out = append(out, e)
	}
	return out, rows.Err()
}

// UnallocatedEntries returns the live entries on no active allocation:
// neither on an invoice nor held by an open exception. Oldest first.
func (s *Store) UnallocatedEntries(ctx context.Context) ([]billing.TimeEntry, error) {
	out, err := collectEntries(s.q(ctx).Raw(selectEntry + ` FROM time_entries t
		WHERE t.deleted_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.entry_id = t.id AND a.active)
		ORDER BY t.spent_date, t.id`).Rows())
	if err != nil {
		return nil, fmt.Errorf("store: unallocated entries: %w", err)
	}
	return out, nil
}

// UnallocatedClients returns the client names of the live entries on no
// invoice (UnallocatedEntries), each spelling once, with its number of
// such entries: what UnallocatedEntriesOf would load for it.
func (s *Store) UnallocatedClients(ctx context.Context) (map[string]int, error) {
	rows, err := s.q(ctx).Raw(`SELECT t.client, COUNT(*) FROM time_entries t WHERE t.deleted_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.entry_id = t.id AND a.active) GROUP BY t.client`).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: unallocated clients: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var (
			name string
			n    int
		)
		if err := rows.Scan(&name, &n); err != nil {
			return nil, fmt.Errorf("store: unallocated clients: %w", err)
		}
		out[name] = n
	}
	return out, rows.Err()
}

// UnallocatedEntriesOf is UnallocatedEntries limited to the entries whose
// client is named exactly as one of clients. expect, when known (the
// clients' counts from UnallocatedClients), sizes the result once: grown by
// doubling, a slice of a few hundred thousand entries would briefly be
// held twice.
func (s *Store) UnallocatedEntriesOf(ctx context.Context, clients []string, expect int) ([]billing.TimeEntry, error) {
	if len(clients) == 0 {
		return nil, nil
	}
	// Sorted here rather than by the server, whose sort of this many
	// wide rows would spill to disk.
	var (
		out []billing.TimeEntry
		err error
	)
	if s.dialect == DialectPostgres {
		out, err = s.unallocatedEntriesOfPG(ctx, clients, expect)
	} else {
		out, err = collectEntries(s.q(ctx).Raw(selectEntry+` FROM time_entries t
			WHERE t.deleted_at IS NULL AND t.client IN ?
			AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.entry_id = t.id AND a.active)`, clients).Rows())
	}
	if err != nil {
		return nil, fmt.Errorf("store: unallocated entries: %w", err)
	}
	slices.SortFunc(out, func(a, b billing.TimeEntry) int {
		if c := a.SpentDate.Compare(b.SpentDate); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// Entries returns the entries with these ids, deleted ones included, by id.
// It fails with ErrNotFound when any id is unknown.
func (s *Store) Entries(ctx context.Context, ids []int64) ([]billing.TimeEntry, error) {
	ids = uniqueIDs(ids)
	var out []billing.TimeEntry
	for chunk := range slices.Chunk(ids, 500) {
		got, err := collectEntries(s.q(ctx).Raw(selectEntry+" FROM time_entries t WHERE t.id IN ? ORDER BY t.id", chunk).Rows())
		if err != nil {
			return nil, fmt.Errorf("store: entries: %w", err)
		}
		out = append(out, got...)
	}
	if len(out) != len(ids) {
		found := map[int64]bool{}
		for _, e := range out {
			found[e.ID] = true
		}
		var missing []int64
		for _, id := range ids {
			if !found[id] {
				missing = append(missing, id)
			}
		}
		return nil, fmt.Errorf("store: entries %v: %w", missing, ErrNotFound)
	}
	return out, nil
}

// uniqueIDs returns ids sorted without duplicates.
func uniqueIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// RemoveStats reports what RemoveMissing did.
type RemoveStats struct {
	// Removed counts entries soft-deleted: gone upstream and not billed.
	Removed int
	// Flagged lists entries gone upstream but on an invoice: kept, for the
	// caller to raise an exception. Ascending.
	Flagged []int64
}

// RemoveMissing reconciles deletions upstream: the live entries of source
// spent within window whose ExternalID is not in seen were deleted at the
// source. An entry not on an invoice is soft-deleted (deleted_at set; it
// disappears from every list, and an exception holding it resolves at the
// next ReconcileExceptions); an entry actively on an invoice is kept and
// returned in Flagged.
func (s *Store) RemoveMissing(ctx context.Context, source string, window billing.Period, seen []string, now time.Time) (RemoveStats, error) {
	seenSet := make(map[string]bool, len(seen))
	for _, id := range seen {
		seenSet[id] = true
	}
	var st RemoveStats
	err := s.tx(ctx, func(tx *gorm.DB) error {
		rows, err := tx.Raw(`SELECT t.id, t.external_id, `+billedExpr+` FROM time_entries t
			WHERE t.source = ? AND t.deleted_at IS NULL AND t.spent_date >= ? AND t.spent_date <= ?`,
			source, date(window.Start), date(window.End)).Rows()
		if err != nil {
			return err
		}
		var gone []int64
		for rows.Next() {
			var (
				id     int64
				extID  string
				billed bool
			)
			if err := rows.Scan(&id, &extID, &billed); err != nil {
				rows.Close()
				return err
			}
			switch {
			case seenSet[extID]:
			case billed:
				st.Flagged = append(st.Flagged, id)
			default:
				gone = append(gone, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		sort.Slice(st.Flagged, func(i, j int) bool { return st.Flagged[i] < st.Flagged[j] })
		for chunk := range slices.Chunk(gone, 500) {
			if err := tx.Exec("UPDATE time_entries SET deleted_at = ? WHERE id IN ?", s.ts(now), chunk).Error; err != nil {
				return err
			}
		}
		st.Removed = len(gone)
		if st.Removed == 0 && len(st.Flagged) == 0 {
			return nil
		}
		slices.Sort(gone)
		return s.auditChange(tx, SystemActor, "entries.remove_missing", "time_entries", source,
			"deleted upstream within "+window.String(), nil,
			map[string]any{"removed": gone, "flagged": st.Flagged})
	})
	if err != nil {
		return RemoveStats{}, fmt.Errorf("store: remove missing %s entries in %s: %w", source, window, err)
	}
	return st, nil
}

// ApprovedUnbilled returns the live, approved, billable entries spent on or
// before through that are on no active allocation: the time a newly live
// client's closed cycles would bill at once. Oldest first.
func (s *Store) ApprovedUnbilled(ctx context.Context, through billing.Date) ([]billing.TimeEntry, error) {
	out, err := collectEntries(s.q(ctx).Raw(selectEntry+` FROM time_entries t
		WHERE t.deleted_at IS NULL AND t.approved AND t.billable AND t.spent_date <= ?
		AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.entry_id = t.id AND a.active)
		ORDER BY t.spent_date, t.id`, date(through)).Rows())
	if err != nil {
		return nil, fmt.Errorf("store: approved unbilled entries: %w", err)
	}
	return out, nil
}
