package cli

import (
	"context"
	"errors"
	"time"

	"billbot/internal/workflow"
	"billbot/jobs"
	"billbot/store"
)

// configPoll is how often serve reads the stored configuration's version to
// pick up a `config import` (schedules and time zone included) without a
// restart; one small query.
const configPoll = 15 * time.Second

// jobWatcher builds serve's scheduler from the stored configuration and
// rebuilds it whenever that configuration's schedules or zone change.
func (c *cli) jobWatcher(st *store.Store, wf *workflow.Workflow, set []jobs.Job) (*jobs.Watcher, error) {
	r, err := c.runner(st)
	if err != nil {
		return nil, err
	}
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
				c.logger.Warn("jobs: no firm configuration yet; scheduled jobs start once 'billbot config import' stores one (no restart needed)")
				return jobs.Plan{}, jobs.ErrNoPlan
			}
			if err != nil {
				return jobs.Plan{}, err
			}
			return jobs.Plan{Location: firm.Location(), Specs: firm.File.Schedules.ByJob()}, nil
		},
		Runner: r,
		Jobs:   set,
		Logger: c.logger,
	}, nil
}
