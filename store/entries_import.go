package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"billbot/internal/billing"
	"billbot/internal/pipeline"
)

// ImportStats reports what ImportEntries did.
type ImportStats struct {
	UpsertStats
	// Clients are the client names of the inserted and updated entries,
	// before and after the change, sorted: whose exceptions may have
	// changed. Unchanged entries add none.
	Clients []string
}

// Batch sizes of ImportEntries: rows per merge statement on PostgreSQL
// (bounded by the server's work memory, not by parameters), rows per
// upsert batch on SQLite (see upsertBatchSQLite).
const (
	importMergeBatch = 250_000
	importProgress   = 4096 // rows between progress calls
	// The stream runs ahead of the COPY by at most importAheadDepth
	// batches of importAheadBatch entries (a few MB).
	importAheadBatch = 1024
	importAheadDepth = 16
)

// ImportEntries writes a stream of entries in one transaction, with the
// rules of UpsertEntries (ApprovedAt, undeleting, unchanged rows left
// alone), holding one batch in memory at a time (on PostgreSQL, also the
// digest of each stored row of the source: some 40 bytes a row). Keys (Source, ExternalID)
// must be unique within the stream. An error yielded by entries — a bad row
// found late in a file — rolls everything back: nothing of the stream is
// stored. progress, when not nil, is called with the number of entries
// read so far every few thousand entries and once at the end.
//
// On PostgreSQL the source's stored rows are read once as digests (see
// digester) and a row found among them unchanged goes no further; the
// others are copied (COPY FROM STDIN) into a temporary staging table, then
// merged in batches by one INSERT … ON CONFLICT DO UPDATE … WHERE
// (changed) each, so an unchanged row is never rewritten. A writer that
// changes a row between the digests' read and the commit keeps its
// change, as if the import had come first.
//
// On SQLite they are upserted in batches as UpsertEntries does.
func (s *Store) ImportEntries(ctx context.Context, entries iter.Seq2[billing.TimeEntry, error], now time.Time, progress func(n int)) (ImportStats, error) {
	now = now.UTC().Truncate(time.Microsecond)
	var (
		st  ImportStats
		err error
	)
	if s.dialect == DialectPostgres {
		st, err = s.importPostgres(ctx, entries, now, progress)
	} else {
		st, err = s.importSQLite(ctx, entries, now, progress)
	}
	if err != nil {
		return ImportStats{}, err
	}
	return st, nil
}

func checkImported(e billing.TimeEntry) error {
	if e.Source == "" || e.ExternalID == "" || e.SpentDate.IsZero() {
		return fmt.Errorf("store: import entries: entry %q/%q needs a source, an external id and a spent date", e.Source, e.ExternalID)
	}
	return nil
}

// errStream wraps an error the stream yielded, so that it reaches the
// caller as is.
type errStream struct{ err error }

func (e errStream) Error() string { return e.err.Error() }
func (e errStream) Unwrap() error { return e.err }

func streamErr(err error) error {
	var es errStream
	if errors.As(err, &es) {
		return es.err
	}
	return err
}

func (s *Store) importSQLite(ctx context.Context, entries iter.Seq2[billing.TimeEntry, error], now time.Time, progress func(n int)) (ImportStats, error) {
	var (
		st      UpsertStats
		clients = map[string]bool{}
		sources = map[string]bool{}
		n       int
	)
	err := s.tx(ctx, func(tx *gorm.DB) error {
		known := map[string]bool{}
		chunk := make([]billing.TimeEntry, 0, upsertBatchSQLite)
		flush := func() error {
			// A source is looked up before its first rows are written:
			// keys are unique in the stream, so a source without rows then
			// needs no lookups at all (see upsertEntries).
			var fresh []billing.TimeEntry
			for _, e := range chunk {
				if _, ok := known[e.Source]; !ok && !slices.ContainsFunc(fresh, func(f billing.TimeEntry) bool { return f.Source == e.Source }) {
					fresh = append(fresh, e)
				}
			}
			if len(fresh) > 0 {
				k, err := s.sourcesWithEntries(tx, fresh)
				if err != nil {
					return fmt.Errorf("read sources: %w", err)
				}
				for src, has := range k {
					known[src] = has
				}
			}
			err := s.upsertChunk(ctx, tx, chunk, known, now, &st, clients)
			chunk = chunk[:0]
			return err
		}
		for e, err := range entries {
			if err != nil {
				return errStream{err}
			}
			if err := checkImported(e); err != nil {
				return errStream{err}
			}
			sources[e.Source] = true
			chunk = append(chunk, e)
			n++
			if progress != nil && n%importProgress == 0 {
				progress(n)
			}
			if len(chunk) == upsertBatchSQLite {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		return s.auditImport(tx, st, sources)
	})
	if progress != nil {
		progress(n)
	}
	if err != nil {
		if se := streamErr(err); se != err {
			return ImportStats{}, se
		}
		return ImportStats{}, fmt.Errorf("store: import entries: %w", err)
	}
	return ImportStats{UpsertStats: st, Clients: sortedKeys(clients)}, nil
}

// auditImport records the import as UpsertEntries does, when it changed
// anything.
func (s *Store) auditImport(tx *gorm.DB, st UpsertStats, sources map[string]bool) error {
	if st.Inserted+st.Updated == 0 {
		return nil
	}
	slices.Sort(st.ChangedAfterBilling)
	return s.auditChange(tx, SystemActor, "entries.upsert", "time_entries", strings.Join(sortedKeys(sources), ","), "", nil, st)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// importStaging is the staging table of a PostgreSQL import: dropped at
// the end of the transaction, seen by no other session.
const importStaging = `CREATE TEMPORARY TABLE import_entries (
	seq bigint NOT NULL, source text NOT NULL, external_id text NOT NULL, project_id bigint NOT NULL,
	project text NOT NULL, harvest_client_id bigint NOT NULL, client text NOT NULL, task text NOT NULL,
	user_name text NOT NULL, spent_date date NOT NULL, hours bigint NOT NULL, rate bigint NOT NULL,
	currency text NOT NULL, notes text NOT NULL, billable boolean NOT NULL, running boolean NOT NULL,
	approved boolean NOT NULL, approved_at timestamptz, billed_elsewhere boolean NOT NULL, user_id bigint NOT NULL
) ON COMMIT DROP`

var importStagingCols = []string{"seq", "source", "external_id", "project_id", "project", "harvest_client_id", "client",
	"task", "user_name", "spent_date", "hours", "rate", "currency", "notes", "billable", "running", "approved",
	"approved_at", "billed_elsewhere", "user_id"}

// importChanged is true when stored row t differs from staged row b in a
// stored field, or t is deleted; approved_at only moves with approved (the
// first approval time stands, see normalizeEntry).
func importChanged(t, b string) string {
	cols := []string{"project_id", "project", "harvest_client_id", "client", "task", "user_name", "spent_date",
		"hours", "rate", "currency", "notes", "billable", "running", "approved", "billed_elsewhere", "user_id"}
	tl, bl := make([]string, len(cols)), make([]string, len(cols))
	for i, c := range cols {
		tl[i], bl[i] = t+"."+c, b+"."+c
	}
	return t + ".deleted_at IS NOT NULL OR (" + strings.Join(tl, ", ") + ") IS DISTINCT FROM (" + strings.Join(bl, ", ") + ")"
}

// importMerge merges the staged rows with seq in ($1, $2] into
// time_entries at time $3, and reports what it did: rows inserted and
// updated, the clients of changed rows before and after, and the billed
// entries whose billable facts changed. j pairs the staged rows with the
// stored ones in one hash join; only the new and changed rows go on to the
// INSERT, so an unchanged row costs no index probe and no write. The CTEs
// share one snapshot, so j reads the rows as they were before the insert;
// the conflict clause's own test still guards against a writer that got
// in between.
var importMerge = `WITH b AS MATERIALIZED (SELECT * FROM import_entries WHERE seq > $1 AND seq <= $2),
j AS MATERIALIZED (
	SELECT b.seq, t.id, t.client, ` + importChanged("t", "b") + ` AS changed,
		(t.hours, t.rate, t.spent_date, t.project_id, t.project, t.task) IS DISTINCT FROM
		(b.hours, b.rate, b.spent_date, b.project_id, b.project, b.task) AS billable_changed
	FROM b JOIN time_entries t ON t.source = b.source AND t.external_id = b.external_id
),
up AS (
	INSERT INTO time_entries (` + entryCols + `, first_seen_at, synced_at, deleted_at)
	SELECT source, external_id, project_id, project, harvest_client_id, client, task, user_name, spent_date,
		hours, rate, currency, notes, billable, running, approved,
		CASE WHEN approved THEN COALESCE(approved_at, $3::timestamptz) END, billed_elsewhere, user_id,
		$3::timestamptz, $3::timestamptz, NULL::timestamptz
	FROM b WHERE NOT EXISTS (SELECT 1 FROM j WHERE j.seq = b.seq AND NOT j.changed)
	ON CONFLICT (source, external_id) DO UPDATE SET
		project_id = excluded.project_id, project = excluded.project, harvest_client_id = excluded.harvest_client_id,
		client = excluded.client, task = excluded.task, user_name = excluded.user_name, spent_date = excluded.spent_date,
		hours = excluded.hours, rate = excluded.rate, currency = excluded.currency, notes = excluded.notes,
		billable = excluded.billable, running = excluded.running, approved = excluded.approved,
		approved_at = CASE WHEN excluded.approved THEN COALESCE(time_entries.approved_at, excluded.approved_at) END,
		billed_elsewhere = excluded.billed_elsewhere, user_id = excluded.user_id,
		synced_at = excluded.synced_at, deleted_at = NULL
	WHERE ` + importChanged("time_entries", "excluded") + `
	RETURNING client, xmax = 0 AS inserted
)
SELECT (SELECT count(*) FROM up WHERE inserted), (SELECT count(*) FROM up WHERE NOT inserted),
	ARRAY(SELECT client FROM up UNION SELECT client FROM j WHERE changed),
	ARRAY(SELECT j.id FROM j WHERE j.changed AND j.billable_changed AND EXISTS (
		SELECT 1 FROM allocations a WHERE a.entry_id = j.id AND a.active AND a.invoice_line_id IS NOT NULL) ORDER BY j.id)`

func (s *Store) importPostgres(ctx context.Context, entries iter.Seq2[billing.TimeEntry, error], now time.Time, progress func(n int)) (ImportStats, error) {
	conn, err := s.sqlDB.Conn(ctx)
	if err != nil {
		return ImportStats{}, fmt.Errorf("store: import entries: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return ImportStats{}, fmt.Errorf("store: import entries: %w", err)
	}
	defer func() { _ = tx.Rollback() }()

	var (
		st      UpsertStats
		clients = map[string]bool{}
		sources = map[string]bool{}
		n       int64
	)
	// The merge joins a batch of staged rows with the stored ones: enough
	// memory keeps the hash join off disk, and JIT compilation of these
	// expressions costs seconds for nothing on a statement run once.
	if _, err := tx.ExecContext(ctx, "SET LOCAL work_mem = '64MB'; SET LOCAL jit = off"); err != nil {
		return ImportStats{}, fmt.Errorf("store: import entries: %w", err)
	}
	if _, err := tx.ExecContext(ctx, importStaging); err != nil {
		return ImportStats{}, fmt.Errorf("store: import entries: staging table: %w", err)
	}
	// The stream is read (a CSV file parsed) in a goroutine of its own,
	// a few thousand entries ahead, while this one digests, encodes and
	// sends them: two cores, not one taking turns.
	next, stop := pipeline.Pull2(entries, importAheadBatch, importAheadDepth)
	defer stop()
	// A first import of a source (no rows of it yet) has nothing to merge
	// with: its rows are copied straight into time_entries, in the same
	// transaction. That takes the source of the first entry; an entry of
	// another source then fails the import.
	first, firstErr, gotFirst := next()
	direct := false
	if gotFirst && firstErr == nil && first.Source != "" {
		var has bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM time_entries WHERE source = $1)", first.Source).Scan(&has); err != nil {
			return ImportStats{}, fmt.Errorf("store: import entries: %w", err)
		}
		direct = !has
	}
	// A re-import sends on only the rows it does not find unchanged among
	// the source's stored ones (see entryDigest): an unchanged row costs
	// the server nothing but its digest.
	var stored map[digest]struct{}
	if gotFirst && firstErr == nil && first.Source != "" && !direct {
		if stored, err = importDigests(ctx, conn, first.Source); err != nil {
			return ImportStats{}, fmt.Errorf("store: import entries: read digests: %w", err)
		}
	}
	pending := gotFirst
	var (
		yielded error
		staged  int64 // rows sent to the server
		dg      digester
	)
	cols := importStagingCols
	table := pgx.Identifier{"import_entries"}
	if direct {
		cols = append(strings.Split(strings.Join(strings.Fields(entryCols), ""), ","), "first_seen_at", "synced_at")
		table = pgx.Identifier{"time_entries"}
	}
	row := make([]any, len(cols))
	src := func() ([]any, error) {
		var (
			e   billing.TimeEntry
			err error
			ok  bool
		)
		for {
			if pending {
				e, err, ok, pending = first, firstErr, true, false
			} else {
				e, err, ok = next()
			}
			if !ok {
				return nil, nil
			}
			if err == nil {
				err = checkImported(e)
			}
			if err == nil && direct && e.Source != first.Source {
				err = fmt.Errorf("store: import entries: entry %q is of source %q, the import's is %q", e.ExternalID, e.Source, first.Source)
			}
			if err != nil {
				yielded = err
				return nil, err
			}
			n++
			if progress != nil && n%importProgress == 0 {
				progress(int(n))
			}
			sources[e.Source] = true
			if stored == nil || e.Source != first.Source {
				break
			}
			if _, same := stored[dg.entry(e)]; !same {
				break
			}
		}
		staged++
		var approvedAt any
		if e.Approved && !e.ApprovedAt.IsZero() {
			approvedAt = e.ApprovedAt.UTC().Truncate(time.Microsecond)
		}
		if direct {
			if e.Approved && approvedAt == nil {
				approvedAt = now // as normalizeEntry does for a new entry
			}
			clients[e.Client] = true
			row[0], row[1], row[2], row[3], row[4], row[5], row[6] = e.Source, e.ExternalID, e.ProjectID, e.Project, e.ClientID, e.Client, e.Task
			row[7], row[8], row[9], row[10], row[11], row[12] = e.User, e.SpentDate, int64(e.Hours), int64(e.Rate), string(e.Currency), e.Notes
			row[13], row[14], row[15], row[16], row[17], row[18] = e.Billable, e.Running, e.Approved, approvedAt, e.BilledElsewhere, e.UserID
			row[19], row[20] = now, now
			return row, nil
		}
		row[0], row[1], row[2], row[3], row[4], row[5], row[6] = staged, e.Source, e.ExternalID, e.ProjectID, e.Project, e.ClientID, e.Client
		row[7], row[8], row[9], row[10], row[11], row[12] = e.Task, e.User, e.SpentDate, int64(e.Hours), int64(e.Rate), string(e.Currency)
		row[13], row[14], row[15], row[16], row[17], row[18], row[19] = e.Notes, e.Billable, e.Running, e.Approved, approvedAt, e.BilledElsewhere, e.UserID
		return row, nil
	}
	// The COPY runs on the transaction's connection, through pgx:
	// database/sql has no COPY.
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("driver connection is a %T, not pgx", dc)
		}
		quoted := make([]string, len(cols))
		for i, c := range cols {
			quoted[i] = pgx.Identifier{c}.Sanitize()
		}
		_, err := c.Conn().PgConn().CopyFrom(ctx, &copyRows{next: src},
			"COPY "+table.Sanitize()+" ("+strings.Join(quoted, ", ")+") FROM STDIN (FORMAT binary)")
		return err
	})
	if progress != nil {
		progress(int(n))
	}
	if yielded != nil {
		return ImportStats{}, yielded
	}
	if err != nil {
		return ImportStats{}, fmt.Errorf("store: import entries: copy: %w", err)
	}
	merged := int64(0)
	if direct {
		st.Inserted, merged = int(n), staged // nothing to merge
	}
	types := pgtype.NewMap()
	for lo := merged; lo < staged; lo += importMergeBatch {
		var (
			ins, upd int
			cl       []string
			cab      []int64
		)
		if err := tx.QueryRowContext(ctx, importMerge, lo, lo+importMergeBatch, now).Scan(&ins, &upd, types.SQLScanner(&cl), types.SQLScanner(&cab)); err != nil {
			return ImportStats{}, fmt.Errorf("store: import entries: merge: %w", err)
		}
		st.Inserted += ins
		st.Updated += upd
		st.ChangedAfterBilling = append(st.ChangedAfterBilling, cab...)
		for _, c := range cl {
			clients[c] = true
		}
	}
	st.Unchanged = int(n) - st.Inserted - st.Updated
	g := s.db.WithContext(ctx).Session(&gorm.Session{})
	g.Statement.ConnPool = tx
	if err := s.auditImport(g, st, sources); err != nil {
		return ImportStats{}, err
	}
	if err := tx.Commit(); err != nil {
		return ImportStats{}, fmt.Errorf("store: import entries: commit: %w", err)
	}
	return ImportStats{UpsertStats: st, Clients: sortedKeys(clients)}, nil
}

// importDigests reads the digests of source's live rows (see digester),
// on the transaction's connection.
func importDigests(ctx context.Context, conn *sql.Conn, source string) (map[digest]struct{}, error) {
	var out map[digest]struct{}
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("driver connection is a %T, not pgx", dc)
		}
		// The planner's row count of the table sizes the set, which then
		// need not grow row by row.
		var estimate float64
		if err := c.Conn().QueryRow(ctx, "SELECT reltuples FROM pg_class WHERE oid = 'time_entries'::regclass").Scan(&estimate); err != nil {
			return err
		}
		out = make(map[digest]struct{}, int(min(max(estimate, 0), 20_000_000)))
		rows, err := c.Conn().Query(ctx, "SELECT "+digestCols+" FROM time_entries WHERE source = $1 AND deleted_at IS NULL", source)
		if err != nil {
			return err
		}
		defer rows.Close()
		var d digester
		for rows.Next() {
			var (
				projectID, clientID, hours, rate, userID     int64
				spent                                        pgtype.Date
				billable, running, approved, billedElsewhere bool
			)
			// The text columns (nil here) are hashed as their raw bytes.
			if err := rows.Scan(nil, nil, &projectID, nil, &clientID, nil, nil, nil, &spent, &hours, &rate, nil, nil,
				&billable, &running, &approved, &billedElsewhere, &userID); err != nil {
				return err
			}
			raw := rows.RawValues()
			days := int64(math.MinInt64) // ±infinity: never an imported entry's
			if spent.Valid && spent.InfinityModifier == pgtype.Finite {
				days = int64(digestEpoch.DaysUntil(billing.DateOf(spent.Time.UTC())))
			}
			d.text(raw[0])
			d.text(raw[1])
			d.int(projectID)
			d.text(raw[3])
			d.int(clientID)
			d.text(raw[5])
			d.text(raw[6])
			d.text(raw[7])
			d.int(days)
			d.int(hours)
			d.int(rate)
			d.text(raw[11])
			d.text(raw[12])
			d.flag(billable)
			d.flag(running)
			d.flag(approved)
			d.flag(billedElsewhere)
			d.int(userID)
			out[d.sum()] = struct{}{}
		}
		return rows.Err()
	})
	return out, err
}
