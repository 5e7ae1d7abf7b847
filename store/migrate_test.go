package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"billbot/store"
	"billbot/store/storetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		// storetest already migrated: a second and third run apply nothing.
		for range 2 {
			n, err := s.Migrate(ctx)
			if err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			if n != 0 {
				t.Errorf("Migrate applied %d migrations on a migrated database, want 0", n)
			}
		}
		if err := s.CheckSchema(ctx); err != nil {
			t.Errorf("CheckSchema after Migrate: %v", err)
		}
		want, err := store.MigrationCount(s.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		var rows int
		if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if rows != want {
			t.Errorf("schema_migrations has %d rows, want %d", rows, want)
		}
	})
}

func TestCheckSchemaRefusesOldAndNewer(t *testing.T) {
	ctx := t.Context()
	t.Run("outdated", func(t *testing.T) {
		s, err := store.Open(ctx, "", t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaOutdated) {
			t.Errorf("CheckSchema on an empty database = %v, want ErrSchemaOutdated", err)
		}
		n, err := s.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := store.MigrationCount(store.DialectSQLite); n != want {
			t.Errorf("Migrate on an empty database applied %d, want %d", n, want)
		}
	})
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		v, _ := store.SchemaVersion(s.Dialect())
		if _, err := s.DB().ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", v+1, "2026-01-01T00:00:00.000000Z"); err != nil {
			t.Fatal(err)
		}
		if err := s.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaNewer) {
			t.Errorf("CheckSchema with version %d = %v, want ErrSchemaNewer", v+1, err)
		}
	})
}

// TestSchemasMatch proves both dialects' migrations build the same tables,
// columns (with nullability), primary keys and unique indexes (with whether
// they are partial).
func TestSchemasMatch(t *testing.T) {
	ctx := t.Context()
	lite := describeSQLite(ctx, t, storetest.SQLite(t).DB())
	pg := describePostgres(ctx, t, storetest.Postgres(t).DB())
	if diff := cmp.Diff(lite, pg); diff != "" {
		t.Errorf("schemas differ (-sqlite +postgres):\n%s", diff)
	}
	for _, want := range []string{
		"unique allocations(entry_id) partial",
		"unique exceptions(fingerprint) partial",
		"unique time_entries(source,external_id)",
		"unique invoices(key)",
		"unique retainer_blocks(invoice_id) partial",
		"unique job_runs(job,scheduled_for)",
		"unique collection_steps(invoice_id,step)",
		"pk idempotency_keys(key)",
		"pk secrets(name)",
	} {
		if !slices.Contains(lite, want) {
			t.Errorf("schema lacks %q", want)
		}
	}
}

func queryStrings(ctx context.Context, t *testing.T, db *sql.DB, q string, args ...any) [][]string {
	t.Helper()
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			row[i] = fmt.Sprint(v)
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func describeSQLite(ctx context.Context, t *testing.T, db *sql.DB) []string {
	var out []string
	for _, tr := range queryStrings(ctx, t, db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name") {
		table := tr[0]
		var pk []string
		for _, c := range queryStrings(ctx, t, db, "SELECT name, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid", table) {
			null := "null"
			if c[1] == "1" {
				null = "not null"
			}
			out = append(out, fmt.Sprintf("column %s.%s %s", table, c[0], null))
			if c[2] != "0" {
				pk = append(pk, c[0])
			}
		}
		out = append(out, fmt.Sprintf("pk %s(%s)", table, strings.Join(pk, ",")))
		for _, ix := range queryStrings(ctx, t, db, "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)", table) {
			if ix[1] != "1" || ix[2] == "pk" {
				continue
			}
			var cols []string
			for _, c := range queryStrings(ctx, t, db, "SELECT name FROM pragma_index_info(?) ORDER BY seqno", ix[0]) {
				cols = append(cols, c[0])
			}
			partial := ""
			if ix[3] == "1" {
				partial = " partial"
			}
			out = append(out, fmt.Sprintf("unique %s(%s)%s", table, strings.Join(cols, ","), partial))
		}
	}
	slices.Sort(out)
	return out
}

func describePostgres(ctx context.Context, t *testing.T, db *sql.DB) []string {
	var out []string
	for _, c := range queryStrings(ctx, t, db, `SELECT table_name, column_name, is_nullable FROM information_schema.columns
		WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`) {
		null := "null"
		if c[2] == "NO" {
			null = "not null"
		}
		out = append(out, fmt.Sprintf("column %s.%s %s", c[0], c[1], null))
	}
	// pg_indexes lists the schema's indexes; pg_index gives each one's
	// columns in order, uniqueness, primary-ness and predicate.
	for _, ix := range queryStrings(ctx, t, db, `SELECT pi.tablename, i.indisprimary, i.indpred IS NOT NULL,
			array_to_string(ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(n, o)
				JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o), ',')
		FROM pg_indexes pi
		JOIN pg_index i ON i.indexrelid = format('%I.%I', pi.schemaname, pi.indexname)::regclass
		WHERE pi.schemaname = current_schema() AND i.indisunique`) {
		switch {
		case ix[1] == "true":
			out = append(out, fmt.Sprintf("pk %s(%s)", ix[0], ix[3]))
		case ix[2] == "true":
			out = append(out, fmt.Sprintf("unique %s(%s) partial", ix[0], ix[3]))
		default:
			out = append(out, fmt.Sprintf("unique %s(%s)", ix[0], ix[3]))
		}
	}
	slices.Sort(out)
	return out
}

// TestCheckSchemaRefusesAMissingMiddleMigration: versions may have gaps
// (branches are given their own numbers), so a database is checked for
// every migration, not for its highest version.
func TestCheckSchemaRefusesAMissingMiddleMigration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if _, err := s.DB().ExecContext(ctx, "DELETE FROM schema_migrations WHERE version = 2"); err != nil {
			t.Fatal(err)
		}
		if err := s.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaOutdated) {
			t.Errorf("CheckSchema without migration 2 = %v, want ErrSchemaOutdated", err)
		}
	})
}
