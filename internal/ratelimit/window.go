// Package ratelimit keeps a vendor client under a limit of n requests in
// any window of a given length, the shape of Harvest's and QuickBooks
// Time's documented limits, and applies the same limit on the server side
// of the vendors' sandboxes.
package ratelimit

import (
	"context"
	"sync"
	"time"
)

// Window keeps at most n requests in any window of the given length.
//
// It is a sliding log rather than a token bucket because the vendors count
// requests per fixed-length window: a bucket refilling at n/window would
// either allow bursts the server rejects or waste most of the window. A
// slot is stamped with the time its response arrived, not the time it was
// sent: the server saw the request somewhere in between, so counting from
// the later instant can never undercount on the server's side.
type Window struct {
	n      int
	window time.Duration
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error

	mu       sync.Mutex
	done     []time.Time // completion stamps of recent requests, oldest first
	inFlight int
}

// NewWindow returns a limiter of n requests per window that reads the time
// from now and waits with sleep (which must return ctx's error when ctx
// ends first).
func NewWindow(n int, window time.Duration, now func() time.Time, sleep func(context.Context, time.Duration) error) *Window {
	return &Window{n: n, window: window, now: now, sleep: sleep}
}

// Acquire waits for a free slot and returns the function that releases it
// once the response has arrived. It reports whether it had to wait.
func (l *Window) Acquire(ctx context.Context) (release func(), waited bool, err error) {
	for {
		l.mu.Lock()
		now := l.now()
		l.prune(now)
		if len(l.done)+l.inFlight < l.n {
			l.inFlight++
			l.mu.Unlock()
			return l.release, waited, nil
		}
		// Every slot is taken: wait for the oldest finished one to leave the
		// window, or for a share of the window when all are still in flight.
		wait := l.window / time.Duration(l.n)
		if len(l.done) > 0 {
			wait = l.done[0].Add(l.window).Sub(now)
		}
		l.mu.Unlock()
		if wait <= 0 {
			wait = time.Millisecond
		}
		waited = true
		if err := l.sleep(ctx, wait); err != nil {
			return nil, waited, err
		}
	}
}

func (l *Window) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight--
	l.done = append(l.done, l.now())
}

// prune drops stamps that have left the window: a request stamped t frees
// its slot at exactly t+window, the same rule the sandboxes apply.
func (l *Window) prune(now time.Time) {
	l.done = prune(l.done, now, l.window)
}

// prune drops the stamps, oldest first, that have left the window ending
// at now: a stamp t leaves it at exactly t+window.
func prune(stamps []time.Time, now time.Time, window time.Duration) []time.Time {
	cut := now.Add(-window)
	i := 0
	for i < len(stamps) && !stamps[i].After(cut) {
		i++
	}
	if i == 0 {
		return stamps
	}
	return append(stamps[:0], stamps[i:]...)
}
