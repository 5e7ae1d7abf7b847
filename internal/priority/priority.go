// Package priority lets a ledger client put background work (webhook
// refreshes, polling) behind a partner's clicks: a context marks its calls
// as background, and such calls run one at a time within their own, smaller
// share of the vendor's rate, so that an interactive call finds at most one
// background call queued before it.
package priority

import (
	"context"

	"golang.org/x/time/rate"
)

type backgroundKey struct{}

// Background marks ctx's calls as background work.
func Background(ctx context.Context) context.Context {
	return context.WithValue(ctx, backgroundKey{}, true)
}

// IsBackground reports whether Background marked ctx.
func IsBackground(ctx context.Context) bool {
	b, _ := ctx.Value(backgroundKey{}).(bool)
	return b
}

// Admit waits for the background slot (sem, a channel of capacity one) and
// for the background rate lim; the returned release frees the slot after
// the call.
func Admit(ctx context.Context, sem chan struct{}, lim *rate.Limiter) (release func(), err error) {
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err := lim.Wait(ctx); err != nil {
		<-sem
		return nil, err
	}
	return func() { <-sem }, nil
}
