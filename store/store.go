// Package store is billbot's persistence: firm configuration, time entries,
// invoices and their allocations, exceptions, retainers, audit events,
// secrets and once-only job records, on PostgreSQL or on an embedded SQLite
// file. The schema comes from numbered SQL migrations (see migrate.go); gorm
// runs queries only. The invariants that matter for money live in the schema
// itself (unique and check constraints), so no code path can bill a time
// entry twice.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names returned by Store.Dialect.
const (
	DialectPostgres = "postgres"
	DialectSQLite   = "sqlite"
)

// SQLiteFile is the name of the embedded database file inside the data
// directory.
const SQLiteFile = "billbot.db"

// Store is billbot's repository. It is safe for concurrent use.
type Store struct {
	db      *gorm.DB
	sqlDB   *sql.DB
	dialect string
	logger  *slog.Logger
	now     func() time.Time
	// writeMu queues SQLite write transactions in this process. SQLite has
	// one writer at a time; waiting here is fair and needs no busy-timeout
	// polling, which under load can starve a writer past its timeout.
	// Readers are not queued (WAL lets them run beside the writer).
	writeMu *sync.Mutex
	// maxConns is the pool's cap on open connections.
	maxConns int
}

// Open opens PostgreSQL when databaseURL is set, else the SQLite file
// dataDir/billbot.db (creating dataDir when missing), with a bounded
// connection pool (see MaxConns and pool.go). It does not ping or migrate:
// call Ping, Migrate or CheckSchema for that.
func Open(_ context.Context, databaseURL, dataDir string, logger *slog.Logger, opts ...Option) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	o := options{maxConns: DefaultMaxConns()}
	for _, opt := range opts {
		opt(&o)
	}
	if o.maxConns < 1 {
		return nil, fmt.Errorf("store: at most %d database connections: want at least 1", o.maxConns)
	}
	var (
		dialector gorm.Dialector
		dialect   string
	)
	if databaseURL != "" {
		dialect = DialectPostgres
		dialector = postgres.New(postgres.Config{DSN: databaseURL})
	} else {
		if dataDir == "" {
			dataDir = "."
		}
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("store: create data directory: %w", err)
		}
		dialect = DialectSQLite
		dialector = sqlite.Open(sqliteDSN(filepath.Join(dataDir, SQLiteFile)))
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		Logger:                 gormLogger(logger),
		SkipDefaultTransaction: true,
		DisableAutomaticPing:   true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("store: open %s database: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: open %s database: %w", dialect, err)
	}
	configurePool(sqlDB, dialect, o.maxConns)
	return &Store{
		db:       db,
		sqlDB:    sqlDB,
		dialect:  dialect,
		logger:   logger.With("component", "store", "dialect", dialect),
		now:      time.Now,
		writeMu:  &sync.Mutex{},
		maxConns: o.maxConns,
	}, nil
}

// sqliteDSN enables foreign keys (off by default in SQLite), write-ahead
// logging so readers never block the writer, a busy timeout instead of
// immediate SQLITE_BUSY, and BEGIN IMMEDIATE so a transaction takes the write
// lock up front and never fails upgrading a read lock.
func sqliteDSN(path string) string {
	return path + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_txlock=immediate"
}

// gormLogger routes gorm's messages to slog at debug level only, without
// the values bound to queries, so no data or secret reaches the logs.
func gormLogger(l *slog.Logger) logger.Interface {
	if !l.Enabled(context.Background(), slog.LevelDebug) {
		return logger.Discard
	}
	return logger.NewSlogLogger(slog.New(debugOnly{l.Handler()}), logger.Config{
		LogLevel:                  logger.Info,
		ParameterizedQueries:      true,
		IgnoreRecordNotFoundError: true,
	})
}

// debugOnly lowers every record to debug level.
type debugOnly struct{ slog.Handler }

func (h debugOnly) Enabled(ctx context.Context, _ slog.Level) bool {
	return h.Handler.Enabled(ctx, slog.LevelDebug)
}

func (h debugOnly) Handle(ctx context.Context, r slog.Record) error {
	r.Level = slog.LevelDebug
	return h.Handler.Handle(ctx, r)
}

func (h debugOnly) WithAttrs(as []slog.Attr) slog.Handler { return debugOnly{h.Handler.WithAttrs(as)} }
func (h debugOnly) WithGroup(n string) slog.Handler       { return debugOnly{h.Handler.WithGroup(n)} }

// WithClock returns a copy of s that reads the time from now wherever a
// method takes no time argument (audit timestamps, updated_at). Tests use it
// for reproducible records.
func (s *Store) WithClock(now func() time.Time) *Store {
	c := *s
	c.now = now
	return &c
}

// Close closes the connection pool.
func (s *Store) Close() error {
	if err := s.sqlDB.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Dialect reports "postgres" or "sqlite".
func (s *Store) Dialect() string { return s.dialect }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping %s: %w", s.dialect, err)
	}
	return nil
}

// DB returns the underlying connection pool for diagnostics and tests. Writes
// through it bypass every rule the store keeps in Go; only the schema's
// constraints still apply.
func (s *Store) DB() *sql.DB { return s.sqlDB }

// tx runs fn in one database transaction. Every write goes through it.
func (s *Store) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if s.dialect == DialectSQLite {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	return s.db.WithContext(ctx).Transaction(fn)
}

// exec runs one write statement in its own transaction (see tx) and returns
// the rows it affected.
func (s *Store) exec(ctx context.Context, q string, args ...any) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec(q, args...)
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}

// q returns a handle for reads outside a transaction.
func (s *Store) q(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// clock returns the current time in UTC at the schema's precision.
func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// forUpdate is the row-locking suffix of a SELECT inside a transaction.
// SQLite has none and needs none: BEGIN IMMEDIATE already serialises writers.
func (s *Store) forUpdate() string {
	if s.dialect == DialectPostgres {
		return " FOR UPDATE"
	}
	return ""
}

// scanRow scans a single-row result; found is false when there was no row.
func scanRow(row *sql.Row, dest ...any) (found bool, err error) {
	if err := row.Scan(dest...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}
