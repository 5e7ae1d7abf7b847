// Package harvesttime is billbot's Harvest adapter: it implements the time
// source the use cases declare (workflow.TimeSource) over the Harvest client
// and syncer of internal/harvest, writing Harvest's time entries to the
// store in billbot's terms. Another time source is another package like it.
package harvesttime

import (
	"context"

	"billbot/internal/harvest"
	"billbot/internal/money"
	"billbot/internal/timesource/syncstore"
	"billbot/internal/workflow"
)

// Source pulls Harvest's time entries into the store.
type Source struct {
	syncer *harvest.Syncer
}

var _ workflow.TimeSource = (*Source)(nil)

// New returns the Harvest time source of wf: entries go to wf's store, each
// Harvest client's in its currency from the firm configuration (others in
// the home currency; USD before a configuration is stored).
func New(ctx context.Context, wf *workflow.Workflow, client *harvest.Client) (*Source, error) {
	deps, err := wf.SourceDeps(ctx)
	if err != nil {
		return nil, err
	}
	currency, home := deps.ClientCurrencies()
	return &Source{syncer: harvest.NewSyncer(client, syncstore.Store{S: deps.Store}, harvest.SyncerConfig{
		CurrencyOf: func(id int64) money.Currency {
			if c, ok := currency[id]; ok {
				return c
			}
			return home
		},
		Now:    deps.Now,
		Logger: deps.Logger,
	})}, nil
}

// Pull implements workflow.TimeSource with one incremental Harvest sync
// (harvest.Syncer.Run).
func (s *Source) Pull(ctx context.Context, opts workflow.PullOptions) (workflow.SourceReport, error) {
	return s.syncer.Run(ctx, harvest.SyncOptions{Since: opts.Since, Window: opts.Window, Progress: opts.Progress})
}
