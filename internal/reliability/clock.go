// Package reliability proves billbot's promises under crashes, vendor
// faults and a long run: no duplicate QuickBooks invoice, no duplicate
// Slack message, no lost or twice-billed time entry, and billbot's totals
// equal QuickBooks' TotalAmt to the cent. It builds the whole world in
// process — the Harvest, QuickBooks and Slack sandboxes, billbot's store
// and workflows — and restarts billbot over the same database and
// sandboxes the way a process restarts after SIGKILL.
package reliability

import (
	"time"

	"billbot/internal/clock"
)

// Clock is simulated time shared by billbot and the sandboxes. Every wait
// of billbot's (Slack pacing, retry backoff, Retry-After) advances it
// instead of sleeping, so runs are fast and repeatable.
type Clock = clock.Fake

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return clock.NewFake(t) }
