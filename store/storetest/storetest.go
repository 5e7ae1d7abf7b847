// Package storetest gives tests a migrated, private store.Store on SQLite
// and on PostgreSQL. Every package's tests that touch the database use it,
// so each behaviour is proven on both dialects.
//
// PostgreSQL comes from TEST_DATABASE_URL. When it is unset the PostgreSQL
// half is skipped on a developer's machine but fails when CI is set: CI must
// never pass by skipping.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"billbot/store"
)

// EnvDatabaseURL names the variable holding the test PostgreSQL's URL.
const EnvDatabaseURL = "TEST_DATABASE_URL"

// Each runs fn as the subtests "sqlite" and "postgres", each with its own
// freshly migrated store.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run(store.DialectSQLite, func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run(store.DialectPostgres, func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated store on a new database file in t.TempDir(),
// opened with opts and closed when the test ends.
func SQLite(t testing.TB, opts ...store.Option) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), "", t.TempDir(), discard(), opts...)
	if err != nil {
		t.Fatalf("storetest: open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	migrate(t, s)
	return s
}

// Postgres returns a migrated store in a schema of its own, opened with
// opts; the schema is dropped when the test ends.
func Postgres(t testing.TB, opts ...store.Option) *store.Store {
	t.Helper()
	dsn := PostgresURL(t)
	s, err := store.Open(context.Background(), dsn, "", discard(), opts...)
	if err != nil {
		t.Fatalf("storetest: open postgres: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	migrate(t, s)
	return s
}

// PostgresURL creates an empty schema test_<random> and returns a URL whose
// search_path selects it on every pooled connection. The schema is dropped
// in t.Cleanup. Without TEST_DATABASE_URL it skips, or fails under CI.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvDatabaseURL)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("storetest: %s is unset under CI; PostgreSQL tests must run (scripts/test starts one)", EnvDatabaseURL)
		}
		t.Skipf("storetest: %s unset; skipping PostgreSQL (set it, or run scripts/test)", EnvDatabaseURL)
	}
	schema := "test_" + randomHex(t, 8)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: parse %s: %v", EnvDatabaseURL, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("storetest: connect to %s: %v", EnvDatabaseURL, err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("storetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("storetest: drop schema %s: %v", schema, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("storetest: drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func migrate(t testing.TB, s *store.Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate %s: %v", s.Dialect(), err)
	}
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("storetest: random schema name: %v", err)
	}
	return hex.EncodeToString(b)
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
