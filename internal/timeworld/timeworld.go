// Package timeworld starts a firm's time source as an in-repo sandbox,
// seeded with the same firm whichever source it is (Harvest, Toggl Track,
// QuickBooks Time), with billbot's adapter over it: the demo and the
// end-to-end tests run one story over every source through it.
package timeworld

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"billbot/internal/config"
	"billbot/internal/harvest"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/setup"
	"billbot/internal/timesource/harvesttime"
	"billbot/internal/workflow"
)

// World is a firm's time source: its sandbox holding the firm's time,
// billbot's adapter over it, and what setup reads of it. Every source
// holds the same people, clients, projects and entries (those of a
// harvestsandbox.GeneratedFirm, under the same ids), so a story bills the
// same invoices whichever source the firm uses.
type World interface {
	// Approve approves, at the source, the entry of the firm with this id
	// (a late approval).
	Approve(id int64) error
	// Source is billbot's adapter over the sandbox, writing to wf's store.
	Source(ctx context.Context, wf *workflow.Workflow) (workflow.TimeSource, error)
	// Setup is what `billbot setup` reads of the source.
	Setup() setup.Sources
	// Env is the environment that points `billbot` at the sandbox.
	Env() map[string]string
	Close()
}

// Options are a World's clock and logger.
type Options struct {
	// Now and Sleep are the clock the sandbox and billbot's client keep;
	// nil: the real one.
	Now    func() time.Time
	Sleep  func(context.Context, time.Duration) error
	Logger *slog.Logger
}

// New starts the sandbox of source seeded with firm.
func New(source config.TimeSource, firm harvestsandbox.GeneratedFirm, opts Options) (World, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	switch source.Effective() {
	case config.SourceHarvest:
		return newHarvestWorld(firm, opts)
	case config.SourceToggl:
		return newTogglWorld(firm, opts)
	case config.SourceQuickBooksTime:
		return newQBTimeWorld(firm, opts)
	}
	return nil, fmt.Errorf("timeworld: no sandbox for time source %q", source)
}

// Sandbox credentials, never real ones.
const (
	harvestAcct  = "1234567"
	harvestToken = "demo-harvest-token"
)

// harvestWorld is the demo firm on Harvest.
type harvestWorld struct {
	srv    *harvestsandbox.Server
	client *harvest.Client
}

func newHarvestWorld(firm harvestsandbox.GeneratedFirm, opts Options) (*harvestWorld, error) {
	srv := harvestsandbox.New(harvestsandbox.Options{AccountID: harvestAcct, Token: harvestToken, Now: opts.Now})
	srv.Seed(firm)
	srv.Start()
	hopts := []harvest.Option{harvest.WithLogger(opts.Logger), harvest.WithClock(opts.Now)}
	if opts.Sleep != nil {
		hopts = append(hopts, harvest.WithSleep(opts.Sleep))
	}
	client, err := harvest.NewClient(srv.URL(), harvestAcct, harvestToken, hopts...)
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &harvestWorld{srv: srv, client: client}, nil
}

func (w *harvestWorld) Approve(id int64) error {
	return w.srv.Update(id, func(en *harvestsandbox.Entry) { en.IsClosed = true })
}

func (w *harvestWorld) Source(ctx context.Context, wf *workflow.Workflow) (workflow.TimeSource, error) {
	return harvesttime.New(ctx, wf, w.client)
}

func (w *harvestWorld) Setup() setup.Sources { return setup.Sources{Harvest: w.client} }

func (w *harvestWorld) Env() map[string]string {
	return map[string]string{"HARVEST_ACCOUNT_ID": harvestAcct, "HARVEST_ACCESS_TOKEN": harvestToken, "HARVEST_API_URL": w.srv.URL()}
}

func (w *harvestWorld) Close() { w.srv.Close() }

// FirmYAML rewrites a firm configuration written for Harvest (its firm
// block with a home_currency line, harvest_*_id keys) for source: it adds
// firm.time_source and names projects, clients and people by the
// source's keys. A Toggl Track firm approves in Toggl's timesheets.
func FirmYAML(yml []byte, source config.TimeSource) []byte {
	if source.Effective() == config.SourceHarvest {
		return yml
	}
	s := string(yml)
	add := "  time_source: " + string(source) + "\n"
	if source == config.SourceToggl {
		add += "  toggl: {approval: " + string(config.TogglTimesheets) + "}\n"
	}
	s = strings.Replace(s, "\n  home_currency: ", "\n"+add+"  home_currency: ", 1)
	for _, k := range []string{"project", "client", "user"} {
		s = strings.ReplaceAll(s, "harvest_"+k+"_id:", "source_"+k+"_id:")
	}
	return []byte(s)
}
