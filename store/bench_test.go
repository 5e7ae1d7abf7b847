package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
	"billbot/store/storetest"
)

const benchRows = 100_000

func benchEntries(n int) []billing.TimeEntry {
	es := make([]billing.TimeEntry, n)
	for i := range es {
		e := entry(strconv.Itoa(3_000_000_000 + i))
		e.SpentDate = billing.MustDate("2026-10-01").AddDays(i % 31)
		e.Hours = money.Hours(2500 * (1 + i%16))
		e.Task = []string{"Tax Prep", "Bookkeeping", "Advisory"}[i%3]
		e.User = "user " + strconv.Itoa(i%40)
		e.Notes = "entry " + strconv.Itoa(i)
		e.Approved = i%5 != 0
		es[i] = e
	}
	return es
}

// BenchmarkUpsertVsCopy compares UpsertEntries into an empty table with
// PostgreSQL's COPY of the same rows into an identical empty table, and
// reports both rates and their ratio (upsert/COPY).
func BenchmarkUpsertVsCopy(b *testing.B) {
	dsn := storetest.PostgresURL(b)
	ctx := context.Background()
	s, err := store.Open(ctx, dsn, "", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE TABLE time_entries_copy (LIKE time_entries INCLUDING ALL)"); err != nil {
		b.Fatal(err)
	}
	entries := benchEntries(benchRows)
	now := t0
	cols := []string{"source", "external_id", "project_id", "project", "harvest_client_id", "client", "task", "user_name",
		"spent_date", "hours", "rate", "currency", "notes", "billable", "running", "approved", "approved_at",
		"billed_elsewhere", "first_seen_at", "synced_at"}
	rows := make([][]any, len(entries))
	for i, e := range entries {
		var approvedAt any
		if e.Approved {
			approvedAt = now
		}
		rows[i] = []any{e.Source, e.ExternalID, e.ProjectID, e.Project, e.ClientID, e.Client, e.Task, e.User,
			e.SpentDate.Time(time.UTC), int64(e.Hours), int64(e.Rate), string(e.Currency), e.Notes, e.Billable, e.Running,
			e.Approved, approvedAt, e.BilledElsewhere, now, now}
	}

	var upsert, copying time.Duration
	for b.Loop() {
		b.StopTimer()
		if _, err := conn.Exec(ctx, "TRUNCATE time_entries, time_entries_copy CASCADE"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()

		start := time.Now()
		st, err := s.UpsertEntries(ctx, entries, now)
		if err != nil {
			b.Fatal(err)
		}
		upsert += time.Since(start)
		if st.Inserted != benchRows {
			b.Fatalf("upsert inserted %d, want %d", st.Inserted, benchRows)
		}

		start = time.Now()
		n, err := conn.CopyFrom(ctx, pgx.Identifier{"time_entries_copy"}, cols, pgx.CopyFromRows(rows))
		if err != nil {
			b.Fatal(err)
		}
		copying += time.Since(start)
		if n != benchRows {
			b.Fatalf("copy wrote %d rows, want %d", n, benchRows)
		}
	}
	upsertRate := float64(benchRows*b.N) / upsert.Seconds()
	copyRate := float64(benchRows*b.N) / copying.Seconds()
	b.ReportMetric(upsertRate, "upsert_rows/s")
	b.ReportMetric(copyRate, "copy_rows/s")
	b.ReportMetric(upsertRate/copyRate, "upsert/copy")
}
