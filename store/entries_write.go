package store

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"gorm.io/gorm"

	"billbot/internal/billing"
)

// upsertEntrySQL is the insert's column list and conflict clause; a re-seen
// entry is updated in place and undeleted, keeping its id and first_seen_at.
const (
	upsertEntryInsert = `INSERT INTO time_entries (` + entryCols + `, first_seen_at, synced_at, deleted_at) `
	upsertEntryUpdate = ` ON CONFLICT (source, external_id) DO UPDATE SET
	project_id = excluded.project_id, project = excluded.project, harvest_client_id = excluded.harvest_client_id,
	client = excluded.client, task = excluded.task, user_name = excluded.user_name, spent_date = excluded.spent_date,
	hours = excluded.hours, rate = excluded.rate, currency = excluded.currency, notes = excluded.notes,
	billable = excluded.billable, running = excluded.running, approved = excluded.approved,
	approved_at = excluded.approved_at, billed_elsewhere = excluded.billed_elsewhere, user_id = excluded.user_id,
	synced_at = excluded.synced_at, deleted_at = NULL`
)

// upsertEntryUnnest feeds the insert from one array per column, so a batch
// of any size is a single statement with 20 parameters; writeEntries adds
// the conflict clause where rows may exist. The arrays are unnested in the
// select list, where equal-length arrays advance in lockstep and stream into
// the insert (in FROM, a multi-array unnest is first materialised).
const upsertEntryUnnest = upsertEntryInsert + `
SELECT unnest($1::text[]), unnest($2::text[]), unnest($3::bigint[]), unnest($4::text[]), unnest($5::bigint[]),
	unnest($6::text[]), unnest($7::text[]), unnest($8::text[]), unnest($9::date[]), unnest($10::bigint[]),
	unnest($11::bigint[]), unnest($12::text[]), unnest($13::text[]), unnest($14::boolean[]), unnest($15::boolean[]),
	unnest($16::boolean[]), unnest($17::timestamptz[]), unnest($18::boolean[]), unnest($19::bigint[]),
	$20::timestamptz, $20::timestamptz, NULL::timestamptz`

func (s *Store) writeEntries(ctx context.Context, tx *gorm.DB, es []billing.TimeEntry, now time.Time, upsert bool) error {
	if len(es) == 0 {
		return nil
	}
	if s.dialect == DialectPostgres {
		q := upsertEntryUnnest
		if upsert {
			q += upsertEntryUpdate
		}
		return s.writeEntriesUnnest(ctx, tx, q, es, now)
	}
	return s.writeEntriesValues(ctx, tx, es, now)
}

func (s *Store) writeEntriesUnnest(ctx context.Context, tx *gorm.DB, q string, es []billing.TimeEntry, now time.Time) error {
	n := len(es)
	var (
		source, extID, project, client, task, user, cur, notes = make([]string, n), make([]string, n),
			make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n),
			make([]string, n)
		spent                                  = make([]time.Time, n)
		projectID, clientID, hours, rate       = make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		userID                                 = make([]int64, n)
		billable, running, approved, elsewhere = make([]bool, n), make([]bool, n), make([]bool, n), make([]bool, n)
		approvedAt                             = make([]pgtype.Timestamptz, n)
	)
	for i, e := range es {
		source[i], extID[i], project[i], client[i], task[i], user[i] = e.Source, e.ExternalID, e.Project, e.Client, e.Task, e.User
		spent[i], cur[i], notes[i] = e.SpentDate.Time(time.UTC), string(e.Currency), e.Notes
		projectID[i], clientID[i], hours[i], rate[i] = e.ProjectID, e.ClientID, int64(e.Hours), int64(e.Rate)
		billable[i], running[i], approved[i], elsewhere[i] = e.Billable, e.Running, e.Approved, e.BilledElsewhere
		approvedAt[i], userID[i] = tstz(e.ApprovedAt), e.UserID
	}
	_, err := tx.Statement.ConnPool.ExecContext(ctx, q,
		source, extID, projectID, project, clientID, client, task, user,
		spent, hours, rate, cur, notes, billable, running, approved,
		approvedAt, elsewhere, userID, now)
	return err
}

// tstz is an instant for a timestamptz[] element, NULL for the zero time.
// A value, not a pointer: one heap allocation less per timestamp.
func tstz(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}

func (s *Store) writeEntriesValues(ctx context.Context, tx *gorm.DB, es []billing.TimeEntry, now time.Time) error {
	const row = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL)"
	var b strings.Builder
	b.WriteString(upsertEntryInsert + "VALUES ")
	args := make([]any, 0, len(es)*21)
	for i, e := range es {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
		args = append(args, e.Source, e.ExternalID, e.ProjectID, e.Project, e.ClientID, e.Client, e.Task, e.User,
			date(e.SpentDate), int64(e.Hours), int64(e.Rate), string(e.Currency), e.Notes, e.Billable, e.Running,
			e.Approved, s.ts(e.ApprovedAt), e.BilledElsewhere, e.UserID, s.ts(now), s.ts(now))
	}
	b.WriteString(upsertEntryUpdate)
	// Straight to the driver: SQLite takes "?" natively and gorm's
	// placeholder parsing would only cost time here.
	_, err := tx.Statement.ConnPool.ExecContext(ctx, b.String(), args...)
	return err
}
