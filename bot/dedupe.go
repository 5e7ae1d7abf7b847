package bot

import (
	"context"
	"sync"
	"time"
)

// MemoryDeduper is an in-process Deduper for a single instance and for
// tests; a persistent one (the store) survives restarts and is shared
// between instances.
type MemoryDeduper struct {
	ttl  time.Duration
	mu   sync.Mutex
	seen map[string]time.Time
}

// NewMemoryDeduper remembers keys for ttl: Slack's last Events API retry
// comes about 5 minutes after the first delivery (docs/vendors.md §1.2), so an
// hour is ample.
func NewMemoryDeduper(ttl time.Duration) *MemoryDeduper {
	return &MemoryDeduper{ttl: ttl, seen: map[string]time.Time{}}
}

// ClaimOnce reports whether key is new, and remembers it.
func (m *MemoryDeduper) ClaimOnce(_ context.Context, key string, now time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, at := range m.seen {
		if now.Sub(at) > m.ttl {
			delete(m.seen, k)
		}
	}
	if _, ok := m.seen[key]; ok {
		return false, nil
	}
	m.seen[key] = now
	return true, nil
}
