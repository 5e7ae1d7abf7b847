package demo

import (
	"context"
	"log/slog"
	"strings"

	"billbot/internal/clock"
	"billbot/internal/config"
	"billbot/internal/harvest"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/setup"
	"billbot/internal/timesource/harvesttime"
	"billbot/internal/workflow"
)

// timeWorld is the demo firm's time source: its sandbox holding the
// firm's time, billbot's adapter over it, and what setup reads of it.
// Every source holds the same people, clients, projects and entries, so
// the story bills the same invoices whichever the firm uses.
type timeWorld interface {
	// Approve approves, at the source, the entry the story approves after
	// its cycle closed (Firm.LateEntryID).
	Approve(id int64) error
	// Source is billbot's adapter over the sandbox, writing to wf's store.
	Source(ctx context.Context, wf *workflow.Workflow) (workflow.TimeSource, error)
	// Setup is what `billbot setup` reads of the source.
	Setup() setup.Sources
	Close()
}

// newTimeWorld starts the sandbox of firm.Source seeded with the firm's
// time.
func newTimeWorld(firm Firm, clk *clock.Fake, logger *slog.Logger) (timeWorld, error) {
	switch firm.Source.Effective() {
	default:
		return newHarvestWorld(firm, clk, logger)
	}
}

// harvestWorld is the demo firm on Harvest.
type harvestWorld struct {
	srv    *harvestsandbox.Server
	client *harvest.Client
}

func newHarvestWorld(firm Firm, clk *clock.Fake, logger *slog.Logger) (*harvestWorld, error) {
	srv := harvestsandbox.New(harvestsandbox.Options{AccountID: harvestAcct, Token: harvestToken, Now: clk.Now})
	srv.Seed(firm.Harvest)
	srv.Start()
	client, err := harvest.NewClient(srv.URL(), harvestAcct, harvestToken, harvest.WithLogger(logger), harvest.WithSleep(clk.Sleep), harvest.WithClock(clk.Now))
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

func (w *harvestWorld) Close() { w.srv.Close() }

// OnSource returns the firm keeping its time in source: the same firm,
// its configuration saying firm.time_source and naming projects, clients
// and people by the source-neutral keys.
func (f Firm) OnSource(source config.TimeSource) Firm {
	if source.Effective() == config.SourceHarvest {
		return f
	}
	f.Source = source
	yml := string(f.ConfigYAML)
	yml = strings.Replace(yml, "  home_currency: USD\n", "  home_currency: USD\n  time_source: "+string(source)+"\n", 1)
	if source == config.SourceToggl {
		// The demo firm reviews its time before each cycle closes and
		// approves it in Toggl's timesheets.
		yml = strings.Replace(yml, "  time_source: toggl\n", "  time_source: toggl\n  toggl: {approval: timesheets}\n", 1)
	}
	for _, k := range []string{"project", "client", "user"} {
		yml = strings.ReplaceAll(yml, "harvest_"+k+"_id:", "source_"+k+"_id:")
	}
	f.ConfigYAML = []byte(yml)
	return f
}
