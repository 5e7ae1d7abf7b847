package jobs

import (
	"context"
	"fmt"

	"billbot/internal/config"
	"billbot/internal/workflow"
)

// Draft is the draft job: live clients are drafted and the billing manager
// told; clients in shadow mode are compared with the firm's own invoices
// and the report posted instead.
func Draft(wf *workflow.Workflow) Job {
	return Func(config.JobDraft, func(ctx context.Context, _ Tick) (Outcome, error) {
		run, err := wf.DraftCycle(ctx)
		if err != nil {
			return Outcome{}, err
		}
		counts := map[string]int{}
		if rep := run.Draft; rep != nil {
			if err := wf.NotifyDraftsReady(ctx, *rep); err != nil {
				return Outcome{}, fmt.Errorf("notify billing manager: %w", err)
			}
			counts["drafted"], counts["existing"], counts["exceptions"] = len(rep.Invoices), rep.Existing, len(rep.Problems)
		}
		if run.Shadow != nil {
			counts["shadow_compared"], counts["shadow_posted"] = run.Shadow.InvoicesCompared, 0
			if run.Posted {
				counts["shadow_posted"] = 1
			}
		}
		return Outcome{Counts: counts}, nil
	})
}
