package jobs

import (
	"context"

	"billbot/internal/config"
	"billbot/internal/workflow"
)

// Sync is the sync job: Harvest's approved time into the store, then the
// exceptions re-assessed. syncer builds the Harvest syncer for a run, nil
// when Harvest is not configured (the stored entries are re-assessed alone).
func Sync(wf *workflow.Workflow, syncer func(ctx context.Context) (workflow.TimeSource, error)) Job {
	return Func(config.JobSync, func(ctx context.Context, _ Tick) (Outcome, error) {
		s, err := syncer(ctx)
		if err != nil {
			return Outcome{}, err
		}
		if s == nil {
			opened, resolved, err := wf.Detect(ctx)
			return Outcome{Counts: map[string]int{"opened": opened, "resolved": resolved}, Detail: "harvest not configured: re-assessed stored entries"}, err
		}
		rep, err := wf.Sync(ctx, s, workflow.SyncOptions{})
		return Outcome{Counts: map[string]int{
			"fetched": rep.Source.Fetched, "inserted": rep.Source.Inserted, "updated": rep.Source.Updated,
			"removed": rep.Source.Removed, "opened": rep.Opened, "resolved": rep.Resolved, "alerts": rep.Alerts,
		}}, err
	})
}
