package xero

import "context"

type backgroundKey struct{}

// Background marks ctx's calls as background work (webhook refreshes,
// polling): they run one at a time and within the Limits' background share
// of the per-minute rate, so that a partner's Approve finds at most one
// background call queued before it.
func Background(ctx context.Context) context.Context {
	return context.WithValue(ctx, backgroundKey{}, true)
}

func isBackground(ctx context.Context) bool {
	b, _ := ctx.Value(backgroundKey{}).(bool)
	return b
}

// admitBackground waits for the background slot and rate; release frees
// the slot after the call.
func (c *Client) admitBackground(ctx context.Context) (release func(), err error) {
	select {
	case c.bgSem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err := c.bgLim.Wait(ctx); err != nil {
		<-c.bgSem
		return nil, err
	}
	return func() { <-c.bgSem }, nil
}
