package jobs

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"hash/fnv"
	"sync"
	"time"
)

// unlockTimeout bounds releasing an advisory lock; it runs on a context of
// its own because the caller's may already be done.
const unlockTimeout = 10 * time.Second

// PGLocker is a Locker over PostgreSQL advisory locks taken at connection
// level (not transaction level), so replicas sharing a database exclude each
// other per job.
//
// Such a lock belongs to the server connection that took it and is released
// only by pg_advisory_unlock on that same connection, or when the connection
// ends. Source: PostgreSQL documentation, "Advisory Locks"
// (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS)
// and "Advisory Lock Functions"
// (https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS).
// So each held lock pins one *sql.Conn out of the pool until unlock (size
// the pool's idle connections for one per concurrently running job); if the
// replica dies, its connections close and the lock frees itself.
type PGLocker struct {
	db *sql.DB
}

var _ Locker = (*PGLocker)(nil)

// NewPGLocker returns a PGLocker on db. It does no I/O.
func NewPGLocker(db *sql.DB) *PGLocker { return &PGLocker{db: db} }

// scopedLock takes the advisory lock of a key within the connection's
// current schema and returns the bigint it locked.
const scopedLock = `SELECT k, pg_try_advisory_lock(k) FROM (SELECT $1::bigint # hashtextextended(current_schema(), 0) AS k) s`

// TryLock takes the advisory lock for key with pg_try_advisory_lock, which
// returns at once instead of waiting. On success it keeps a dedicated
// connection until unlock.
func (l *PGLocker) TryLock(ctx context.Context, key string) (func(), bool, error) {
	id := AdvisoryKey(key)
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("jobs: advisory lock %q: get connection: %w", key, err)
	}
	var ok bool
	// The key is scoped by the schema billbot runs in (current_schema), so
	// two billbots on one server in different schemas (a test per schema,
	// or staging beside production) never hold each other's locks; replicas
	// of one billbot share the schema and exclude each other as before.
	if err := conn.QueryRowContext(ctx, scopedLock, id).Scan(&id, &ok); err != nil {
		// The lock's state on this connection is unknown (the query may have
		// succeeded before ctx ended), so close it rather than pool it.
		discard(conn)
		return nil, false, fmt.Errorf("jobs: advisory lock %q: %w", key, err)
	}
	if !ok {
		_ = conn.Close()
		return nil, false, nil
	}
	var once sync.Once
	return func() { once.Do(func() { releaseAdvisory(conn, id) }) }, true, nil
}

// releaseAdvisory unlocks id on conn and returns conn to the pool. If the
// unlock fails, or reports that this connection did not hold the lock, the
// connection is discarded: closing it releases any lock it still holds, and
// a pooled connection must never keep one.
func releaseAdvisory(conn *sql.Conn, id int64) {
	ctx, cancel := context.WithTimeout(context.Background(), unlockTimeout)
	defer cancel()
	var released bool
	err := conn.QueryRowContext(ctx, "SELECT pg_advisory_unlock($1)", id).Scan(&released)
	if err != nil || !released {
		discard(conn)
		return
	}
	_ = conn.Close()
}

// discard closes conn's server connection instead of returning it to the
// pool: database/sql drops a connection when Raw's callback reports
// driver.ErrBadConn.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}

// AdvisoryKey maps a lock key to the bigint PostgreSQL advisory locks take:
// the 64-bit FNV-1a hash of the key, a stable stand-in for hashtext that
// every replica computes alike.
func AdvisoryKey(key string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(key))
	return int64(h.Sum64())
}
