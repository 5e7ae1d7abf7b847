package workflow

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/timesync"
	"billbot/store"
)

// TimeSource is where billbot's time entries come from (Harvest, through
// internal/timesource/harvesttime). Pull copies into the store the entries
// changed since the last pull (or since opts.Since) and removes those gone
// from opts.Window; pulling twice in a row changes nothing the second time.
type TimeSource interface {
	Pull(ctx context.Context, opts PullOptions) (SourceReport, error)
}

// PullOptions steers one Pull.
type PullOptions struct {
	// Since forces the source's changed-since point instead of its stored
	// cursor; zero uses the cursor, and no cursor means a full pull.
	Since time.Time
	// Window is the open billing window re-read to notice entries deleted
	// at the source. Zero skips it.
	Window billing.Period
	// Progress, if set, is called with the entries done so far and the
	// total the source announced.
	Progress func(done, total int)
}

// SourceReport counts what one Pull did: the report every time tracker's
// syncer makes (UpdatedSince is the changed-since point used, zero for a
// full pull).
type SourceReport = timesync.Report

// SourceDeps are what a time source built for the workflows writes to and
// knows of the firm.
type SourceDeps struct {
	Store *store.Store
	// Firm is the stored firm configuration; nil before one is stored.
	Firm   *Firm
	Now    func() time.Time
	Logger *slog.Logger
}

// SourceDeps returns the time source's dependencies: the workflows' store,
// clock and logger and the firm configuration stored now.
func (w *Workflow) SourceDeps(ctx context.Context) (SourceDeps, error) {
	firm, err := w.LoadFirm(ctx)
	if err != nil && err != ErrNoConfig {
		return SourceDeps{}, err
	}
	return SourceDeps{Store: w.store, Firm: firm, Now: w.now, Logger: w.logger}, nil
}

// SyncReport tells what a sync did.
type SyncReport struct {
	Source   SourceReport // what the time source pulled
	Opened   int          // exceptions opened by the assessment after the sync
	Resolved int          // exceptions resolved
	Alerts   int          // retainer alerts sent
}

// SyncOptions steers Sync.
type SyncOptions struct {
	Since    time.Time // forces the source's changed-since point; zero: the stored cursor
	Progress func(done, total int)
}

// Sync pulls time from the source (Harvest), flags entries changed or
// deleted after billing, re-assesses exceptions and sends retainer alerts.
func (w *Workflow) Sync(ctx context.Context, src TimeSource, opts SyncOptions) (SyncReport, error) {
	var rep SyncReport
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return rep, err
	}
	today := firm.Today(w.now())
	rep.Source, err = src.Pull(ctx, PullOptions{Since: opts.Since, Window: openWindow(firm.Engagements, today), Progress: opts.Progress})
	if err != nil {
		return rep, fmt.Errorf("%s sync: %w", firm.Rules.SourceName(), err)
	}
	changed := append(append([]int64(nil), rep.Source.ChangedAfterBilling...), rep.Source.Flagged...)
	if len(changed) > 0 {
		_, _, err := w.store.OpenException(ctx, billing.ChangedAfterBilling(w.ledgerTerms(), firm.Rules.SourceName(), changed), w.now())
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

// ClientCurrencies returns each client's currency by its id in the time
// source (SourceClientID) and the firm's home currency; with no firm
// stored (deps.Firm nil) no clients and USD.
func (d SourceDeps) ClientCurrencies() (map[int64]money.Currency, money.Currency) {
	currency := map[int64]money.Currency{}
	home := money.Currency("USD")
	if d.Firm != nil {
		home = d.Firm.Rules.HomeCurrency
		for _, c := range d.Firm.Clients {
			currency[c.SourceClientID] = c.Currency
		}
	}
	return currency, home
}
