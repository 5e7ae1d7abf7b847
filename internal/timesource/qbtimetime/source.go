// Package qbtimetime is billbot's QuickBooks Time adapter: it implements
// the time source the use cases declare (workflow.TimeSource) over the
// QuickBooks Time client and syncer of internal/qbtime, writing timesheets
// to the store in billbot's terms, and setup's Catalog over the same
// client.
//
// The jobcode tree maps onto billbot's terms as qbtime.Jobcodes.Place
// says: a top-level jobcode is the client (ClientID, and the firm file's
// harvest_client_id), its child the project an engagement names
// (ProjectID, harvest_project_id), anything deeper the task, named by its
// path below the project ("Fieldwork / Travel").
package qbtimetime

import (
	"context"

	"billbot/internal/money"
	"billbot/internal/qbtime"
	"billbot/internal/timesource/syncstore"
	"billbot/internal/workflow"
)

// Source pulls QuickBooks Time timesheets into the store.
type Source struct {
	syncer *qbtime.Syncer
}

var _ workflow.TimeSource = (*Source)(nil)

// New returns the QuickBooks Time source of wf: entries go to wf's store,
// each customer's in its currency from the firm configuration (a client
// whose harvest_client_id is the customer jobcode id), others in the home
// currency (USD before a configuration is stored).
func New(ctx context.Context, wf *workflow.Workflow, client *qbtime.Client) (*Source, error) {
	deps, err := wf.SourceDeps(ctx)
	if err != nil {
		return nil, err
	}
	currency, home := deps.ClientCurrencies()
	return &Source{syncer: qbtime.NewSyncer(client, syncstore.Store{S: deps.Store}, qbtime.SyncerConfig{
		CurrencyOf: func(id int64) money.Currency {
			if c, ok := currency[id]; ok && c != "" {
				return c
			}
			return home
		},
		Now:    deps.Now,
		Logger: deps.Logger,
	})}, nil
}

// Pull implements workflow.TimeSource with one incremental QuickBooks Time
// sync (qbtime.Syncer.Run).
func (s *Source) Pull(ctx context.Context, opts workflow.PullOptions) (workflow.SourceReport, error) {
	return s.syncer.Run(ctx, qbtime.SyncOptions{Since: opts.Since, Window: opts.Window, Progress: opts.Progress})
}
