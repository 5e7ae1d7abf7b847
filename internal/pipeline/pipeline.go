// Package pipeline overlaps producing items with consuming them: a
// paginated fetch runs ahead of the database writes that store its pages,
// a bounded number of pages at most, so memory stays bounded.
package pipeline

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// Ahead runs produce and consume concurrently. produce calls emit with each
// item in order; consume sees the items one at a time, in that order. While
// consume handles item n, items n+1 … n+depth (depth at least 1) may
// already be made, depth−1 of them waiting in a channel and one held by
// emit, which then blocks until consume takes the next.
//
// The first error of either side cancels the context the other side sees
// (produce's ctx, and emit returns that context's error) and is returned;
// after an error of either side, no further item reaches consume. Ahead
// returns only once both sides have stopped.
func Ahead[T any](ctx context.Context, depth int, produce func(ctx context.Context, emit func(T) error) error, consume func(T) error) error {
	if depth < 1 {
		depth = 1
	}
	g, gctx := errgroup.WithContext(ctx)
	items := make(chan T, depth-1)
	g.Go(func() error {
		defer close(items)
		return produce(gctx, func(v T) error {
			select {
			case items <- v:
				return nil
			case <-gctx.Done():
				return gctx.Err()
			}
		})
	})
	g.Go(func() error {
		for v := range items {
			if err := gctx.Err(); err != nil {
				return err
			}
			if err := consume(v); err != nil {
				return err
			}
		}
		return nil
	})
	return g.Wait()
}
