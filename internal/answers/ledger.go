package answers

import (
	"context"
	"sync/atomic"

	"billbot/internal/billing"
)

// DefaultSize is how many answers a Ledger cache keeps: every scope asked
// for (all clients, each client, each manager) of the current ledger
// version and day, with room for the versions just before.
const DefaultSize = 512

// Ledger remembers answers derived from the invoices. Each is keyed by the
// ledger version (store.LedgerVersion: one row, bumped in the transaction
// of every invoice change, by any process sharing the database), the firm's
// day the answer is computed for (aging buckets and overdue counts move at
// midnight) and the question; so a change anywhere, or the day rolling
// over, makes the next caller compute afresh, and a burst of the same
// question between changes costs one computation. The cache is per
// process; the version is read on every call, which is what keeps two
// replicas correct.
type Ledger struct {
	version func(context.Context) (int64, error)
	memo    *Memo[ledgerKey, any]
	newest  atomic.Int64 // the newest version seen
}

type ledgerKey struct {
	version  int64
	day      billing.Date
	question string
}

// NewLedger returns a cache of at most size answers (DefaultSize when
// size <= 0) stamped by version.
func NewLedger(version func(context.Context) (int64, error), size int) *Ledger {
	if size <= 0 {
		size = DefaultSize
	}
	return &Ledger{version: version, memo: NewMemo[ledgerKey, any](size)}
}

// Stats returns how many answers were computed and how many served from
// memory.
func (l *Ledger) Stats() Stats { return l.memo.Stats() }

// Len returns how many answers the cache holds.
func (l *Ledger) Len() int { return l.memo.Len() }

// Get returns the answer to question for day at the current ledger
// version, computing it when missing. With l nil it always computes. The
// answer is shared between callers: they must not change it.
func Get[V any](ctx context.Context, l *Ledger, question string, day billing.Date, compute func(context.Context) (V, error)) (V, error) {
	if l == nil {
		return compute(ctx)
	}
	var zero V
	v, err := l.version(ctx)
	if err != nil {
		return zero, err
	}
	if old := l.newest.Load(); v > old && l.newest.CompareAndSwap(old, v) {
		// No caller asks for an older version's answers any more: the
		// firm-wide aging lists every open invoice, so they go now rather
		// than when the cache is full.
		l.memo.lru.DeleteFunc(func(k ledgerKey) bool { return k.version < v })
	}
	// The version is read before the answer is computed: a change that
	// commits in between is then in an answer filed under the older
	// version (the next caller, reading the newer one, computes again),
	// never missing from one filed under the newer.
	out, err := l.memo.Do(ctx, ledgerKey{v, day, question}, func(ctx context.Context) (any, error) {
		return compute(ctx)
	})
	if err != nil {
		return zero, err
	}
	return out.(V), nil
}
