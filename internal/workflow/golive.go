package workflow

import (
	"context"
	"fmt"

	"billbot/internal/billing"
)

// CutOver is what the firm's cut-over leaves out of the synced time.
type CutOver struct {
	GoLive    billing.Date // the firm's go_live; zero when none
	BillFroms int          // engagements with a bill_from of their own
	billing.History
}

// Set reports whether any cut-over is configured.
func (c CutOver) Set() bool { return !c.GoLive.IsZero() || c.BillFroms > 0 }

// String is doctor's (and setup's) one line about it.
func (c CutOver) String() string {
	var rule string
	switch {
	case !c.GoLive.IsZero() && c.BillFroms > 0:
		rule = fmt.Sprintf("go_live %s and %d engagement bill_from", c.GoLive, c.BillFroms)
	case !c.GoLive.IsZero():
		rule = "go_live " + c.GoLive.String()
	case c.BillFroms > 0:
		rule = fmt.Sprintf("%d engagement bill_from", c.BillFroms)
	default:
		return "no go_live or bill_from: all synced billable time may be billed"
	}
	n := "entries"
	if c.Entries == 1 {
		n = "entry"
	}
	return fmt.Sprintf("%s leave out %d %s (%s h) of billable history: never billed, held or flagged", rule, c.Entries, n, c.Hours)
}

// CutOverHistory counts the synced billable time that go_live and the
// engagements' bill_from leave out (billing.BeforeCutOver over every entry
// not yet on an invoice or held).
func (w *Workflow) CutOverHistory(ctx context.Context) (CutOver, error) {
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return CutOver{}, err
	}
	c := CutOver{GoLive: firm.Rules.GoLive}
	for _, e := range firm.Engagements {
		if !e.BillFrom.IsZero() {
			c.BillFroms++
		}
	}
	if !c.Set() {
		return c, nil
	}
	entries, err := w.store.UnallocatedEntries(ctx)
	if err != nil {
		return c, fmt.Errorf("load entries: %w", err)
	}
	c.History = billing.BeforeCutOver(firm.Rules, firm.Engagements, entries)
	return c, nil
}
