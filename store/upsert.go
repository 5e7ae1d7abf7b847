package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"billbot/internal/billing"
)

// UpsertStats reports what UpsertEntries did.
type UpsertStats struct {
	Inserted, Updated, Unchanged int
	// ChangedAfterBilling lists entries already on an invoice whose billable
	// facts (hours, rate, date, project, task) changed upstream. They are
	// updated, but their invoice is not: the caller raises an exception.
	ChangedAfterBilling []int64
}

// Batch sizes of UpsertEntries. PostgreSQL takes each column as one array
// parameter, so a batch is bounded by memory, not by the protocol's 65535
// bind parameters; SQLite binds every value (at most 32766 per statement,
// https://www.sqlite.org/limits.html#max_variable_number).
const (
	upsertBatchPostgres = 25000
	upsertBatchSQLite   = 500
)

type entryKey struct{ source, externalID string }

type storedEntry struct {
	billing.TimeEntry
	deleted bool
	billed  bool
}

// UpsertEntries inserts or updates entries by (Source, ExternalID) in one
// transaction, in batches. ApprovedAt is recorded the first time an entry
// is seen approved — the input's own ApprovedAt when it carries one (the
// source's hint), else now — and kept on later runs whatever they carry;
// it is cleared when the entry is no longer approved. An entry seen again after RemoveMissing deleted it comes back.
// Input IDs are ignored; when a key repeats, the last occurrence wins.
func (s *Store) UpsertEntries(ctx context.Context, entries []billing.TimeEntry, now time.Time) (UpsertStats, error) {
	now = now.UTC().Truncate(time.Microsecond)
	pos := make(map[entryKey]int, len(entries))
	in := make([]billing.TimeEntry, 0, len(entries))
	for _, e := range entries {
		if e.Source == "" || e.ExternalID == "" || e.SpentDate.IsZero() {
			return UpsertStats{}, fmt.Errorf("store: upsert entries: entry %q/%q needs a source, an external id and a spent date", e.Source, e.ExternalID)
		}
		k := entryKey{e.Source, e.ExternalID}
		if i, ok := pos[k]; ok {
			in[i] = e
			continue
		}
		pos[k] = len(in)
		in = append(in, e)
	}
	// A plain INSERT of rows the batch's read did not find can race with
	// another writer inserting them; the unique index refuses the loser,
	// which runs once more and then finds them.
	st, err := s.upsertEntries(ctx, in, now)
	if isUniqueViolation(s.dialect, err) {
		st, err = s.upsertEntries(ctx, in, now)
	}
	if err != nil {
		return UpsertStats{}, fmt.Errorf("store: upsert %d entries: %w", len(in), err)
	}
	return st, nil
}

func (s *Store) upsertEntries(ctx context.Context, in []billing.TimeEntry, now time.Time) (UpsertStats, error) {
	batch := upsertBatchSQLite
	if s.dialect == DialectPostgres {
		batch = upsertBatchPostgres
	}
	var st UpsertStats
	err := s.tx(ctx, func(tx *gorm.DB) error {
		// A source with no rows yet (a first sync or import) has nothing
		// to look up: keys are unique within the call, so earlier batches
		// cannot hold a later batch's rows. A concurrent writer is still
		// caught by the unique index (see UpsertEntries).
		known, err := s.sourcesWithEntries(tx, in)
		if err != nil {
			return fmt.Errorf("read sources: %w", err)
		}
		for chunk := range slices.Chunk(in, batch) {
			if err := s.upsertChunk(ctx, tx, chunk, known, now, &st, nil); err != nil {
				return err
			}
		}
		if st.Inserted+st.Updated == 0 {
			return nil
		}
		slices.Sort(st.ChangedAfterBilling)
		return s.auditChange(tx, SystemActor, "entries.upsert", "time_entries", sourcesOf(in), "", nil, st)
	})
	return st, err
}

// upsertChunk writes one batch of entries with unique keys: it reads the
// stored rows of the batch's keys (for the sources in known that have
// rows), inserts the new ones, updates the changed ones and leaves the
// unchanged ones alone, counting into st. When clients is not nil it
// collects the client names of the changed rows, before and after.
func (s *Store) upsertChunk(ctx context.Context, tx *gorm.DB, chunk []billing.TimeEntry, known map[string]bool, now time.Time, st *UpsertStats, clients map[string]bool) error {
	old, err := s.storedEntries(ctx, tx, chunk, known)
	if err != nil {
		return fmt.Errorf("read existing: %w", err)
	}
	var inserts, updates []billing.TimeEntry
	for _, e := range chunk {
		prev, seen := old[entryKey{e.Source, e.ExternalID}]
		n := normalizeEntry(e, now, prev.ApprovedAt)
		switch {
		case !seen:
			st.Inserted++
			inserts = append(inserts, n)
			if clients != nil {
				clients[n.Client] = true
			}
			continue
		case !prev.deleted && sameEntry(prev.TimeEntry, n):
			st.Unchanged++
			continue
		}
		st.Updated++
		if clients != nil {
			clients[n.Client], clients[prev.Client] = true, true
		}
		if prev.billed && billableChanged(prev.TimeEntry, n) {
			st.ChangedAfterBilling = append(st.ChangedAfterBilling, prev.ID)
		}
		updates = append(updates, n)
	}
	if err := s.writeEntries(ctx, tx, inserts, now, false); err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	if err := s.writeEntries(ctx, tx, updates, now, true); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	return nil
}

func sourcesOf(es []billing.TimeEntry) string {
	set := map[string]bool{}
	for _, e := range es {
		set[e.Source] = true
	}
	var out []string
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// normalizeEntry returns e as it will be stored: instants in UTC at
// microsecond precision and ApprovedAt decided.
func normalizeEntry(e billing.TimeEntry, now, prevApprovedAt time.Time) billing.TimeEntry {
	norm := func(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
	e.ID = 0
	switch {
	case !e.Approved:
		e.ApprovedAt = time.Time{}
	case !prevApprovedAt.IsZero():
		// The first approval time recorded stands: a later edit in Harvest
		// moves updated_at, not the moment the entry was approved.
		e.ApprovedAt = prevApprovedAt
	case !e.ApprovedAt.IsZero():
		e.ApprovedAt = norm(e.ApprovedAt)
	default:
		e.ApprovedAt = now
	}
	return e
}

// sameEntry compares every stored field but the id.
func sameEntry(a, b billing.TimeEntry) bool {
	return a.Source == b.Source && a.ExternalID == b.ExternalID && a.ProjectID == b.ProjectID &&
		a.Project == b.Project && a.ClientID == b.ClientID && a.Client == b.Client && a.Task == b.Task &&
		a.UserID == b.UserID && a.User == b.User && a.SpentDate == b.SpentDate && a.Hours == b.Hours && a.Rate == b.Rate &&
		a.Currency == b.Currency && a.Notes == b.Notes && a.Billable == b.Billable && a.Running == b.Running &&
		a.Approved == b.Approved && a.ApprovedAt.Equal(b.ApprovedAt) && a.BilledElsewhere == b.BilledElsewhere
}

// billableChanged reports a change of what an invoice line bills.
func billableChanged(a, b billing.TimeEntry) bool {
	return a.Hours != b.Hours || a.Rate != b.Rate || a.SpentDate != b.SpentDate ||
		a.ProjectID != b.ProjectID || a.Project != b.Project || a.Task != b.Task
}

// sourcesWithEntries reports which of the entries' sources have rows.
func (s *Store) sourcesWithEntries(tx *gorm.DB, es []billing.TimeEntry) (map[string]bool, error) {
	out := map[string]bool{}
	for _, e := range es {
		if _, done := out[e.Source]; done {
			continue
		}
		var n int64
		if err := tx.Raw("SELECT COUNT(*) FROM (SELECT 1 FROM time_entries WHERE source = ? LIMIT 1) x", e.Source).Row().Scan(&n); err != nil {
			return nil, err
		}
		out[e.Source] = n > 0
	}
	return out, nil
}

// storedEntries loads the stored rows of a batch's keys, for the sources in
// known that have rows.
func (s *Store) storedEntries(ctx context.Context, tx *gorm.DB, batch []billing.TimeEntry, known map[string]bool) (map[entryKey]storedEntry, error) {
	bySource := map[string][]string{}
	for _, e := range batch {
		if known[e.Source] {
			bySource[e.Source] = append(bySource[e.Source], e.ExternalID)
		}
	}
	out := make(map[entryKey]storedEntry, len(batch))
	for source, ids := range bySource {
		const cols = selectEntry + `, t.deleted_at IS NOT NULL, ` + billedExpr + ` FROM time_entries t`
		var (
			rows *sql.Rows
			err  error
		)
		if s.dialect == DialectPostgres {
			// One array parameter instead of thousands of placeholders, joined
			// rather than tested with "= ANY($2)": that form can be planned
			// as a scan comparing every row with every key.
			rows, err = tx.Statement.ConnPool.QueryContext(ctx, cols+`
				JOIN unnest($2::text[]) AS k(external_id) ON t.external_id = k.external_id
				WHERE t.source = $1`, source, ids)
		} else {
			rows, err = tx.Raw(cols+` WHERE t.source = ? AND t.external_id IN ?`, source, ids).Rows()
		}
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var se storedEntry
			e, err := scanEntry(rows, &se.deleted, &se.billed)
			if err != nil {
				rows.Close()
				return nil, err
			}
			se.TimeEntry = e
			out[entryKey{e.Source, e.ExternalID}] = se
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
