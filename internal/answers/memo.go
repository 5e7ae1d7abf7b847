package answers

import (
	"context"
	"fmt"
	"sync/atomic"

	"golang.org/x/sync/singleflight"
)

// Memo computes a value once per key and remembers the last keys (a bounded number)'
// values. Errors are not remembered: the next call computes again.
type Memo[K comparable, V any] struct {
	lru      *LRU[K, V]
	group    singleflight.Group
	computed atomic.Int64
	hits     atomic.Int64
}

// NewMemo returns a Memo remembering at most size values.
func NewMemo[K comparable, V any](size int) *Memo[K, V] {
	return &Memo[K, V]{lru: NewLRU[K, V](size)}
}

// Stats counts a Memo's answers: computed, and served from memory.
type Stats struct {
	Computed, Hits int64
}

// Stats returns the counts so far.
func (m *Memo[K, V]) Stats() Stats {
	if m == nil {
		return Stats{}
	}
	return Stats{Computed: m.computed.Load(), Hits: m.hits.Load()}
}

// Len returns how many values the Memo holds.
func (m *Memo[K, V]) Len() int {
	if m == nil {
		return 0
	}
	return m.lru.Len()
}

// Get returns k's value when the Memo holds it, counting a hit; a nil
// Memo holds nothing.
func (m *Memo[K, V]) Get(k K) (V, bool) {
	if m == nil {
		var zero V
		return zero, false
	}
	v, ok := m.lru.Get(k)
	if ok {
		m.hits.Add(1)
	}
	return v, ok
}

// Do returns k's value, computing it with compute when missing. Callers
// asking for the same missing key at once share one computation (run with
// the first caller's context). A nil Memo computes every time.
func (m *Memo[K, V]) Do(ctx context.Context, k K, compute func(context.Context) (V, error)) (V, error) {
	if m == nil {
		return compute(ctx)
	}
	if v, ok := m.lru.Get(k); ok {
		m.hits.Add(1)
		return v, nil
	}
	var fresh bool
	out, err, _ := m.group.Do(fmt.Sprintf("%#v", k), func() (any, error) {
		// A caller that finished while this one waited may have left it.
		if v, ok := m.lru.Get(k); ok {
			return v, nil
		}
		v, err := compute(ctx)
		if err != nil {
			return v, err
		}
		fresh = true
		m.computed.Add(1)
		m.lru.Add(k, v)
		return v, nil
	})
	if err != nil {
		var zero V
		return zero, err
	}
	if !fresh {
		m.hits.Add(1)
	}
	return out.(V), nil
}
