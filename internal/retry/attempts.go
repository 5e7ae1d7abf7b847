package retry

import (
	"context"
	"time"
)

// Attempts is how a vendor client whose policy decides each wait sends one
// call again: at most Max attempts in all, a failure's wait given by the
// client's policy (Backoff's for an outcome it does not know), spent with
// Sleep.
type Attempts struct {
	Max int
	// Base and Cap bound the exponential backoff (Backoff).
	Base, Cap time.Duration
	// Sleep waits, returning ctx's error when ctx ends first.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter spreads a backoff's wait.
	Jitter func(d time.Duration) time.Duration
}

// DefaultAttempts are six attempts, backing off from half a second to at
// most 30 s, with Sleep and Jitter.
func DefaultAttempts() Attempts {
	return Attempts{Max: 6, Base: 500 * time.Millisecond, Cap: 30 * time.Second, Sleep: Sleep, Jitter: Jitter}
}

// Set changes the maximum attempts and the backoff's bounds; a value of
// zero or less keeps the one set before.
func (a *Attempts) Set(maxAttempts int, base, most time.Duration) {
	if maxAttempts > 0 {
		a.Max = maxAttempts
	}
	if base > 0 {
		a.Base = base
	}
	if most > 0 {
		a.Cap = most
	}
}

// Backoff is the jittered wait after failed attempt n (1-based).
func (a Attempts) Backoff(n int) time.Duration {
	return a.Jitter(Backoff(a.Base, a.Cap, n))
}

// Do calls once until it succeeds, policy refuses another attempt, or Max
// attempts were made; between attempts it tells onRetry and sleeps the
// wait policy gave. It returns nil, once's last error, ctx's error when
// ctx ended with a failed attempt, or Sleep's.
func (a Attempts) Do(ctx context.Context, once func() error, policy func(err error, attempt int) (time.Duration, bool), onRetry func(attempt int, wait time.Duration, err error)) error {
	for attempt := 1; ; attempt++ {
		err := once()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		wait, again := policy(err, attempt)
		if !again || attempt >= a.Max {
			return err
		}
		onRetry(attempt, wait, err)
		if serr := a.Sleep(ctx, wait); serr != nil {
			return serr
		}
	}
}
