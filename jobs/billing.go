package jobs

import (
	"context"

	"billbot/internal/workflow"
)

// Billing is billbot's scheduled jobs, in the order `billbot jobs list`
// shows them. syncer is Sync's.
func Billing(wf *workflow.Workflow, syncer func(ctx context.Context) (workflow.TimeSource, error)) []Job {
	return []Job{Sync(wf, syncer), Draft(wf), Collections(wf), Approvals(wf)}
}
