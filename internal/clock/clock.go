// Package clock gives simulations and tests a clock they move themselves:
// billbot's components take `now` and `sleep` functions, and a Fake supplies
// both, so a story can jump by days and every wait (Slack's pacing, retry
// backoff) passes at once instead of sleeping.
package clock

import (
	"context"
	"sync"
	"time"
)

// Fake is a settable clock, safe for concurrent use. Its Sleep advances the
// time by the duration asked for and returns at once.
type Fake struct {
	mu sync.Mutex
	t  time.Time
}

// NewFake returns a clock reading t.
func NewFake(t time.Time) *Fake { return &Fake{t: t} }

// Now returns the clock's time.
func (c *Fake) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Fake) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *Fake) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Sleep advances the clock by d; it fails only when ctx is done.
func (c *Fake) Sleep(ctx context.Context, d time.Duration) error {
	c.Advance(d)
	return ctx.Err()
}
