// Package toggltime is billbot's Toggl Track adapter: it implements the
// time source the use cases declare (workflow.TimeSource) over the Toggl
// client and syncer of internal/toggl, writing a workspace's time entries
// to the store in billbot's terms, and setup's Catalog over the same
// client.
package toggltime

import (
	"context"
	"time"

	"billbot/internal/money"
	"billbot/internal/timesource/syncstore"
	"billbot/internal/toggl"
	"billbot/internal/toggl/togglcsv"
	"billbot/internal/workflow"
)

// Source names of the entries Toggl gives billbot: the API's, and the
// detailed report CSV's (internal/toggl/togglcsv).
const (
	SourceName    = toggl.Source    // "toggl"
	SourceNameCSV = togglcsv.Source // "toggl-csv"
)

// Approval modes (Options.Approval): what makes a Toggl entry approved.
const (
	// ApprovalTimesheets: the entry lies in its member's approved
	// timesheet (Toggl's timesheet approvals). The default.
	ApprovalTimesheets = toggl.ApprovalTimesheets // "approvals"
	// ApprovalAll: every stopped entry counts as approved.
	ApprovalAll = toggl.ApprovalAll // "all"
	// ApprovalLockedPeriods: entries started on or before the workspace's
	// lock date count as approved.
	ApprovalLockedPeriods = toggl.ApprovalLockedPeriods // "locked_periods"
)

// Options steer a Source.
type Options struct {
	// Approval is one of the Approval constants; empty is
	// ApprovalTimesheets.
	Approval string
	// Lookback is how far before the stored cursor each pull re-reads
	// (Toggl's detailed search has no "changed since" filter); zero is
	// toggl.DefaultLookback (35 days).
	Lookback time.Duration
	// FullFrom is the first day a pull without a cursor reads; zero is a
	// year before now.
	FullFrom time.Time
	// PageSize overrides toggl.DefaultPageSize.
	PageSize int
}

// Source pulls a Toggl workspace's time entries into the store.
type Source struct {
	syncer   *toggl.Syncer
	pageSize int
}

var _ workflow.TimeSource = (*Source)(nil)

// New returns the Toggl time source of wf: entries go to wf's store, in
// the currency Toggl reports for each (the project's, else the
// workspace's); an entry without one takes the firm's home currency (USD
// before a configuration is stored).
func New(ctx context.Context, wf *workflow.Workflow, client *toggl.Client, opts Options) (*Source, error) {
	deps, err := wf.SourceDeps(ctx)
	if err != nil {
		return nil, err
	}
	home := money.Currency("USD")
	if deps.Firm != nil && deps.Firm.Rules.HomeCurrency != "" {
		home = deps.Firm.Rules.HomeCurrency
	}
	sy, err := toggl.NewSyncer(client, syncstore.Store{S: deps.Store}, toggl.SyncerConfig{
		Approval:   opts.Approval,
		CurrencyOf: func(int64) money.Currency { return home },
		Lookback:   opts.Lookback,
		FullFrom:   opts.FullFrom,
		Now:        deps.Now,
		Logger:     deps.Logger,
	})
	if err != nil {
		return nil, err
	}
	return &Source{syncer: sy, pageSize: opts.PageSize}, nil
}

// Pull implements workflow.TimeSource with one Toggl sync
// (toggl.Syncer.Run).
func (s *Source) Pull(ctx context.Context, opts workflow.PullOptions) (workflow.SourceReport, error) {
	return s.syncer.Run(ctx, toggl.SyncOptions{Since: opts.Since, Window: opts.Window, Progress: opts.Progress, PageSize: s.pageSize})
}
