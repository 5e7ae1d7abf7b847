package xero

import (
	"context"

	"billbot/internal/priority"
)

// Background marks ctx's calls as background work (webhook refreshes,
// polling): they run one at a time and within the Limits' background share
// of the per-minute rate, so that a partner's Approve finds at most one
// background call queued before it.
func Background(ctx context.Context) context.Context {
	return priority.Background(ctx)
}

func isBackground(ctx context.Context) bool {
	return priority.IsBackground(ctx)
}

// admitBackground waits for the background slot and rate; release frees
// the slot after the call.
func (c *Client) admitBackground(ctx context.Context) (release func(), err error) {
	return priority.Admit(ctx, c.bgSem, c.bgLim)
}
