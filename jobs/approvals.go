package jobs

import (
	"context"

	"billbot/internal/config"
	"billbot/internal/workflow"
)

// Approvals is the approvals job: each firm approver is DMed the time
// entries left unapproved longer than the firm's alert days.
func Approvals(wf *workflow.Workflow) Job {
	return Func(config.JobApprovals, func(ctx context.Context, _ Tick) (Outcome, error) {
		n, err := wf.ApprovalDigest(ctx)
		return Outcome{Counts: map[string]int{"digests": n}}, err
	})
}
