package workflow

import (
	"context"
	"fmt"
	"time"

	"billbot/internal/billing"
	"billbot/internal/harvest"
	"billbot/internal/money"
	"billbot/store"
)

// SyncReport tells what a sync did.
type SyncReport struct {
	Harvest  harvest.SyncReport
	Opened   int // exceptions opened by the assessment after the sync
	Resolved int // exceptions resolved
	Alerts   int // retainer alerts sent
}

// SyncOptions steers Sync.
type SyncOptions struct {
	Since    time.Time // forces Harvest's updated_since; zero: the stored cursor
	Progress func(done, total int)
}

// NewHarvestSyncer returns a Harvest syncer writing to the workflow's store,
// with each Harvest client's currency from the firm configuration.
func (w *Workflow) NewHarvestSyncer(ctx context.Context, client *harvest.Client) (*harvest.Syncer, error) {
	currency := map[int64]money.Currency{}
	firm, err := w.LoadFirm(ctx)
	if err != nil && err != ErrNoConfig {
		return nil, err
	}
	home := money.Currency("USD")
	if firm != nil {
		home = firm.Rules.HomeCurrency
		for _, c := range firm.Clients {
			currency[c.HarvestClientID] = c.Currency
		}
	}
	return harvest.NewSyncer(client, HarvestStore{w.store}, harvest.SyncerConfig{
		CurrencyOf: func(id int64) money.Currency {
			if c, ok := currency[id]; ok {
				return c
			}
			return home
		},
		Now:    w.now,
		Logger: w.logger,
	}), nil
}

// Sync pulls time from Harvest, flags entries changed or deleted after
// billing, re-assesses exceptions and sends retainer alerts.
func (w *Workflow) Sync(ctx context.Context, syncer *harvest.Syncer, opts SyncOptions) (SyncReport, error) {
	var rep SyncReport
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return rep, err
	}
	today := firm.Today(w.now())
	rep.Harvest, err = syncer.Run(ctx, harvest.SyncOptions{Since: opts.Since, Window: openWindow(firm.Engagements, today), Progress: opts.Progress})
	if err != nil {
		return rep, fmt.Errorf("harvest sync: %w", err)
	}
	changed := append(append([]int64(nil), rep.Harvest.ChangedAfterBilling...), rep.Harvest.Flagged...)
	if len(changed) > 0 {
		_, _, err := w.store.OpenException(ctx, billing.ChangedAfterBilling(changed), w.now())
		if err != nil {
			return rep, err
		}
	}
	if rep.Opened, rep.Resolved, err = w.Detect(ctx); err != nil {
		return rep, err
	}
	if rep.Alerts, err = w.AlertRetainers(ctx); err != nil {
		w.logger.Warn("retainer alerts", "error", err)
	}
	return rep, nil
}

// openWindow is the span of days whose entries may still be billed: from
// the start of the earliest last-closed cycle to today.
func openWindow(engs []billing.Engagement, today billing.Date) billing.Period {
	p := billing.Period{Start: today, End: today}
	for _, e := range engs {
		c := billing.LastClosedCycle(e.Cycle, e.StartsOn, today)
		if c.Start.Before(p.Start) {
			p.Start = c.Start
		}
	}
	return p
}

// HarvestStore adapts the store to the Harvest syncer.
type HarvestStore struct{ S *store.Store }

// UpsertEntries implements harvest.Store.
func (h HarvestStore) UpsertEntries(ctx context.Context, entries []billing.TimeEntry, now time.Time) (harvest.UpsertStats, error) {
	st, err := h.S.UpsertEntries(ctx, entries, now)
	return harvest.UpsertStats{Inserted: st.Inserted, Updated: st.Updated, Unchanged: st.Unchanged, ChangedAfterBilling: st.ChangedAfterBilling}, err
}

// RemoveMissing implements harvest.Store.
func (h HarvestStore) RemoveMissing(ctx context.Context, source string, window billing.Period, seen []string, now time.Time) (harvest.RemoveStats, error) {
	st, err := h.S.RemoveMissing(ctx, source, window, seen, now)
	return harvest.RemoveStats{Removed: st.Removed, Flagged: st.Flagged}, err
}

// Cursor implements harvest.Store.
func (h HarvestStore) Cursor(ctx context.Context, name string) (string, error) {
	return h.S.Cursor(ctx, name)
}

// SetCursor implements harvest.Store.
func (h HarvestStore) SetCursor(ctx context.Context, name, value string) error {
	return h.S.SetCursor(ctx, name, value)
}

var _ harvest.Store = HarvestStore{}
