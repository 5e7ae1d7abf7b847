package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Lifetimes of pooled PostgreSQL connections. A connection is recycled
// after connMaxLifetime so a failover or a server-side setting change
// reaches every connection within that time, and closed after
// connMaxIdleTime unused so a quiet process gives its sessions back.
const (
	connMaxLifetime = 30 * time.Minute
	connMaxIdleTime = 5 * time.Minute
)

// DefaultMaxConns is the pool size when none is given: twice the CPUs Go
// may use, at least 4. Queries are short; more connections than that only
// make PostgreSQL switch between sessions, and every process of billbot
// takes this many from the server's max_connections.
func DefaultMaxConns() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// Option configures Open.
type Option func(*options)

type options struct{ maxConns int }

// MaxConns caps the open connections of the pool at n (DATABASE_MAX_CONNS).
// Past n, a query waits for a connection to be given back, as long as its
// context allows, instead of opening one more session. n < 1 makes Open
// fail.
func MaxConns(n int) Option { return func(o *options) { o.maxConns = n } }

// configurePool bounds the pool. Every connection may stay idle (up to the
// cap), so a burst reuses sessions instead of opening and closing one per
// query. On SQLite, readers run beside the one writer (WAL) and writers
// queue on writeMu before they take a connection, so the same cap holds
// there; its connections are file handles and are kept.
func configurePool(db *sql.DB, dialect string, maxConns int) {
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	if dialect == DialectPostgres {
		db.SetConnMaxLifetime(connMaxLifetime)
		db.SetConnMaxIdleTime(connMaxIdleTime)
	}
}

// MaxConns reports the pool's cap on open connections.
func (s *Store) MaxConns() int { return s.maxConns }

// PoolStats returns the connection pool's statistics.
func (s *Store) PoolStats() sql.DBStats { return s.sqlDB.Stats() }

// Available waits, as long as ctx allows, until the pool can hand out a
// connection, and gives it straight back. Callers that must answer quickly
// (Slack's 3-second ack) use it with a short deadline to tell "busy" from
// "slow"; a connection free now may still be taken by someone else before
// the caller's query runs, so it is a gauge, not a reservation.
func (s *Store) Available(ctx context.Context) error {
	c, err := s.sqlDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: no %s connection free: %w", s.dialect, err)
	}
	return c.Close()
}

// PostgreSQL's SQLSTATE too_many_connections ("sorry, too many clients
// already"). Source: https://www.postgresql.org/docs/current/errcodes-appendix.html
const pgTooManyConnections = "53300"

// sqliteBusy is SQLite's primary result code SQLITE_BUSY; extended codes
// keep it in their low byte. Source: https://www.sqlite.org/rescode.html
const sqliteBusy = 5

// IsBusy reports whether err means the database was too busy to serve
// rather than that the request was wrong: PostgreSQL refusing one more
// session (several billbot processes, or other clients, over its
// max_connections), or SQLite's write lock not freed within the busy
// timeout.
func IsBusy(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == pgTooManyConnections {
		return true
	}
	var coded interface{ Code() int }
	if errors.As(err, &coded) && coded.Code()&0xff == sqliteBusy {
		return true
	}
	return false
}
