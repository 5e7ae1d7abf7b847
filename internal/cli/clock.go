package cli

import (
	"context"
	"time"
)

// clockKey carries a clock in run's context. Tests of the whole command
// line play weeks of a firm's life through run on a clock they move; a
// real process never sets it and reads time.Now.
type clockKey struct{}

// withClock returns ctx carrying now as billbot's clock (tests only).
func withClock(ctx context.Context, now func() time.Time) context.Context {
	return context.WithValue(ctx, clockKey{}, now)
}

// clockFrom returns the clock ctx carries, nil when none.
func clockFrom(ctx context.Context) func() time.Time {
	now, _ := ctx.Value(clockKey{}).(func() time.Time)
	return now
}
