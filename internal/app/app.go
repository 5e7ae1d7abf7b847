// Package app assembles billbot once: over a store and the vendors'
// clients it builds the workflows (the use cases), the Slack handlers and
// the scheduled jobs with their scheduler. The command line assembles it
// from the environment (Deployment); the demo, the load test and the
// reliability suite from the in-repo sandboxes (Assemble with their own
// Parts). Nothing else calls workflow.New.
package app

import (
	"billbot/internal/timesource/harvesttime"
	"context"
	"errors"
	"log/slog"
	"time"

	"billbot/bot"
	"billbot/commands"
	"billbot/interactions"
	"billbot/internal/answers"
	"billbot/internal/harvest"
	"billbot/internal/invoicedetail"
	"billbot/internal/notify"
	"billbot/internal/workflow"
	"billbot/jobs"
	"billbot/store"
)

// Parts are what a billbot is assembled from: the store and whichever
// vendors' clients are configured.
type Parts struct {
	Store *store.Store
	// QBO is QuickBooks; nil when not configured (see Deployment.LazyQBO for a company
	// connected while billbot runs).
	Ledger workflow.Ledger
	// Slack posts and DMs (through internal/notify); nil when no bot token is set.
	Slack notify.Messenger
	// Harvest returns the Harvest client for one sync run; nil when Harvest
	// is not configured (the sync job then re-assesses the stored entries).
	Harvest func() (*harvest.Client, error)
	// Now is the clock; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
	// Location overrides the firm configuration's time zone; nil keeps it.
	Location *time.Location
	// FailPoint, when set, is called at each of workflow.FailPoints.
	FailPoint func(point string)
	// Locker keeps processes from advancing invoices or running a job at
	// once; nil: none (one process).
	Locker jobs.Locker
	// DetailLinks signs links to the invoice detail page; nil: no links.
	DetailLinks *invoicedetail.Signer
	// Recompute, when set, remembers no answers: /ar aging, /billing
	// status and App Home compute from the invoices, and charts are drawn
	// and uploaded, on every request (the load benchmark's baseline).
	Recompute bool
	// RedrawCharts, when set, draws and uploads every chart anew instead of
	// re-using the Slack file of the same data (the baseline of the answer
	// cache's benchmark).
	RedrawCharts bool
}

// Billbot is one assembled billbot.
type Billbot struct {
	Store    *store.Store
	Workflow *workflow.Workflow
	// Answers remembers aging, status and App Home by ledger version and
	// day; nil with Parts.Recompute.
	Answers *answers.Ledger

	harvest func() (*harvest.Client, error)
	now     func() time.Time
	logger  *slog.Logger
	locker  jobs.Locker
	redraw  bool
}

// Assemble builds the workflows over p. It does no I/O.
func Assemble(p Parts) *Billbot {
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Logger == nil {
		p.Logger = slog.New(slog.DiscardHandler)
	}
	deps := workflow.Deps{Store: p.Store, Ledger: p.Ledger, Now: p.Now, Logger: p.Logger, Location: p.Location, FailPoint: p.FailPoint}
	if p.Slack != nil {
		deps.Notifier = notify.New(p.Slack, p.Logger)
	}
	if p.Locker != nil {
		deps.Locker = p.Locker
	}
	wf := workflow.New(deps)
	if p.DetailLinks != nil {
		wf = wf.WithDetailLinks(p.DetailLinks)
	}
	var led *answers.Ledger
	if !p.Recompute {
		// Answers derived from the invoices, per process, stamped by the
		// ledger version every replica's changes bump.
		led = answers.NewLedger(p.Store.LedgerVersion, answers.DefaultSize)
		wf = wf.WithAnswers(led)
	}
	if p.Locker == nil {
		p.Locker = &jobs.LocalLocker{} // the jobs' runs, in this process
	}
	return &Billbot{Store: p.Store, Workflow: wf, Answers: led, harvest: p.Harvest, now: p.Now, logger: p.Logger, locker: p.Locker, redraw: p.RedrawCharts}
}

// Slack is what answers Slack's requests.
type Slack struct {
	Commands     *commands.Handler
	Interactions *interactions.Handler
	Events       *interactions.Events
}

// Slack builds the handlers of slash commands, interactions and events;
// m posts, opens views, publishes App Home and uploads the charts that
// /ar aging and /billing kpis show.
func (b *Billbot) Slack(m *bot.Messenger) Slack {
	cmds := commands.New(b.Workflow, b.now, b.logger)
	if m != nil {
		cmds = cmds.WithCharts(m)
		if b.redraw {
			cmds = cmds.WithChartMemory(0)
		}
	}
	return Slack{
		Commands:     cmds,
		Interactions: interactions.New(b.Workflow, m, b.logger),
		Events:       interactions.NewEvents(b.Workflow, m),
	}
}

// Syncer builds the Harvest time source for one run; nil, nil when Harvest
// is not configured.
func (b *Billbot) Syncer(ctx context.Context) (workflow.TimeSource, error) {
	if b.harvest == nil {
		return nil, nil
	}
	client, err := b.harvest()
	if err != nil {
		return nil, err
	}
	src, err := harvesttime.New(ctx, b.Workflow, client)
	if err != nil {
		return nil, err // never a nil *Source in the interface
	}
	return src, nil
}

// Jobs are the scheduled jobs (jobs.Billing) over the workflows.
func (b *Billbot) Jobs() []jobs.Job {
	return jobs.Billing(b.Workflow, b.Syncer)
}

// Runner runs the jobs, recording each run in the store, under the
// Parts' Locker.
func (b *Billbot) Runner() *jobs.Runner {
	return &jobs.Runner{
		Store: b.Store, Locker: b.locker, Logger: b.logger.With("component", "jobs"), Now: b.now,
		AlreadyRan: func(err error) bool { return errors.Is(err, store.ErrAlreadyRan) },
	}
}

// Scheduler is serve's scheduler of set: built from the stored
// configuration and rebuilt whenever its schedules or time zone change.
func (b *Billbot) Scheduler(set []jobs.Job) *jobs.Watcher {
	st, wf := b.Store, b.Workflow
	return &jobs.Watcher{
		Version: func(ctx context.Context) (int64, error) {
			v, err := st.ConfigVersion(ctx)
			if errors.Is(err, store.ErrNotFound) {
				return -1, nil // the first configuration stored has version 0
			}
			return v, err
		},
		Load: func(ctx context.Context) (jobs.Plan, error) {
			firm, err := wf.LoadFirm(ctx)
			if errors.Is(err, workflow.ErrNoConfig) {
				b.logger.Warn("jobs: no firm configuration yet; scheduled jobs start once 'billbot config import' stores one (no restart needed)")
				return jobs.Plan{}, jobs.ErrNoPlan
			}
			if err != nil {
				return jobs.Plan{}, err
			}
			return jobs.Plan{Location: firm.Location(), Specs: firm.File.Schedules.ByJob()}, nil
		},
		Runner: b.Runner(),
		Jobs:   set,
		Logger: b.logger,
	}
}
