package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// migrationFiles holds one folder of numbered SQL files per dialect. A new
// migration is a new file NNNN_name.sql in both folders; files are never
// edited once released.
//
//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrationFiles embed.FS

// migration is one numbered SQL file.
type migration struct {
	Version int
	Name    string
	SQL     string
}

// migrationsFor returns the dialect's migrations in version order.
func migrationsFor(dialect string) ([]migration, error) {
	dir := "migrations/" + dialect
	names, err := fs.Glob(migrationFiles, dir+"/*.sql")
	if err != nil {
		return nil, fmt.Errorf("store: list migrations: %w", err)
	}
	var ms []migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration %s: name must start with a positive number and '_'", name)
		}
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("store: read migration %s: %w", name, err)
		}
		ms = append(ms, migration{Version: v, Name: base, SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	// Versions rise strictly; gaps are allowed, because parallel branches
	// are each given their own numbers and may merge in any order (each
	// applied version has its own row in schema_migrations).
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("store: migrations %s and %s share a version", ms[i-1].Name, ms[i].Name)
		}
	}
	return ms, nil
}

// SchemaVersion returns the schema version this binary expects.
func SchemaVersion(dialect string) (int, error) {
	ms, err := migrationsFor(dialect)
	if err != nil {
		return 0, err
	}
	if len(ms) == 0 {
		return 0, nil
	}
	return ms[len(ms)-1].Version, nil
}

// schema_migrations is created outside the numbered files: Migrate needs it
// to know which files to run.
const (
	createMigrationsTablePostgres = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER     NOT NULL PRIMARY KEY,
	applied_at TIMESTAMPTZ NOT NULL
)`
	createMigrationsTableSQLite = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER NOT NULL PRIMARY KEY,
	applied_at TEXT    NOT NULL
)`
)

// migrateLock serialises concurrent Migrate calls on one PostgreSQL schema
// (two `serve` processes starting together) without blocking other schemas;
// SQLite's BEGIN IMMEDIATE already serialises them.
const migrateLock = "SELECT pg_advisory_xact_lock(hashtext('billbot.migrate.' || current_schema()))"

// Migrate applies the migrations the database lacks, each in its own
// transaction together with its row in schema_migrations, and returns how
// many it applied. Running it again applies nothing.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	ms, err := migrationsFor(s.dialect)
	if err != nil {
		return 0, err
	}
	if _, err := s.exec(ctx, s.migrationsTableDDL()); err != nil {
		return 0, fmt.Errorf("store: create schema_migrations: %w", err)
	}
	applied := 0
	for _, m := range ms {
		done := false
		err := s.tx(ctx, func(tx *gorm.DB) error {
			if s.dialect == DialectPostgres {
				if err := tx.Exec(migrateLock).Error; err != nil {
					return fmt.Errorf("lock: %w", err)
				}
			}
			var n int64
			if err := tx.Raw("SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.Version).Row().Scan(&n); err != nil {
				return fmt.Errorf("read version: %w", err)
			}
			if n > 0 {
				done = true
				return nil
			}
			// Straight to the driver: gorm would read "?" and "@" in the SQL
			// text as placeholders. Without arguments, both drivers run
			// every statement of the file.
			if _, err := tx.Statement.ConnPool.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			return tx.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
				m.Version, s.ts(s.clock())).Error
		})
		if err != nil {
			return applied, fmt.Errorf("store: migration %s: %w", m.Name, err)
		}
		if !done {
			applied++
			s.logger.InfoContext(ctx, "applied migration", "version", m.Version, "name", m.Name)
		}
	}
	return applied, nil
}

func (s *Store) migrationsTableDDL() string {
	if s.dialect == DialectPostgres {
		return createMigrationsTablePostgres
	}
	return createMigrationsTableSQLite
}

// CurrentVersion returns the highest applied migration, 0 for an empty
// database.
func (s *Store) CurrentVersion(ctx context.Context) (int, error) {
	var exists int64
	q := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
	if s.dialect == DialectPostgres {
		q = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
	}
	if err := s.q(ctx).Raw(q).Row().Scan(&exists); err != nil {
		return 0, fmt.Errorf("store: read schema version: %w", err)
	}
	if exists == 0 {
		return 0, nil
	}
	var v *int64
	if err := s.q(ctx).Raw("SELECT MAX(version) FROM schema_migrations").Row().Scan(&v); err != nil {
		return 0, fmt.Errorf("store: read schema version: %w", err)
	}
	if v == nil {
		return 0, nil
	}
	return int(*v), nil
}

// MigrationCount returns how many migrations this binary has for dialect.
func MigrationCount(dialect string) (int, error) {
	ms, err := migrationsFor(dialect)
	return len(ms), err
}

// CheckSchema refuses a database that lacks one of this binary's migrations
// (ErrSchemaOutdated) or has one it does not know (ErrSchemaNewer).
func (s *Store) CheckSchema(ctx context.Context) error {
	ms, err := migrationsFor(s.dialect)
	if err != nil {
		return err
	}
	got, err := s.CurrentVersion(ctx)
	if err != nil {
		return err
	}
	applied := map[int]bool{}
	if got > 0 {
		rows, err := s.q(ctx).Raw("SELECT version FROM schema_migrations").Rows()
		if err != nil {
			return fmt.Errorf("store: read schema versions: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				return fmt.Errorf("store: read schema versions: %w", err)
			}
			applied[v] = true
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: read schema versions: %w", err)
		}
	}
	for _, m := range ms {
		if !applied[m.Version] {
			return fmt.Errorf("schema lacks migration %s: %w", m.Name, ErrSchemaOutdated)
		}
		delete(applied, m.Version)
	}
	for v := range applied {
		return fmt.Errorf("schema has migration %d, unknown to this binary: %w", v, ErrSchemaNewer)
	}
	return nil
}
