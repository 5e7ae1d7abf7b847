package ratelimit

import "time"

// Log is the server's side of the limit Window keeps, as the vendors'
// sandboxes apply it: a request admitted at t occupies its slot until
// exactly t+window; a refused one does not count. The zero Log is empty.
// It is not safe for concurrent use: the server holds its own lock.
type Log struct {
	hits []time.Time // admission times, oldest first
}

// Admit admits a request received at now when fewer than n were admitted
// within the window before it; otherwise it returns how long until the
// oldest slot frees.
func (l *Log) Admit(now time.Time, n int, window time.Duration) (wait time.Duration, ok bool) {
	l.hits = prune(l.hits, now, window)
	if len(l.hits) >= n {
		return l.hits[0].Add(window).Sub(now), false
	}
	l.hits = append(l.hits, now)
	return 0, true
}

// Reset forgets every admitted request.
func (l *Log) Reset() { l.hits = nil }
