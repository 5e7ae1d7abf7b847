package jobs

import (
	"context"
	"errors"

	"billbot/internal/config"
	"billbot/internal/workflow"
)

// Collections is the collections job: pending invoices advanced, payments
// refreshed, reminders and escalations sent, approval and hold nudges, and
// the monthly figures DMed to the billing manager.
func Collections(wf *workflow.Workflow) Job {
	return Func(config.JobCollections, func(ctx context.Context, _ Tick) (Outcome, error) {
		if err := wf.Advance(ctx); err != nil {
			return Outcome{}, err
		}
		rep, err := wf.Collect(ctx)
		nudges, nerr := wf.Nudge(ctx)
		kpis, kerr := wf.MonthlyKPIs(ctx)
		nerr = errors.Join(nerr, kerr)
		kpiDMs := 0
		if kpis {
			kpiDMs = 1
		}
		return Outcome{Counts: map[string]int{
			"kpi_dms":   kpiDMs,
			"refreshed": rep.Refreshed, "paid": rep.Paid, "reminders": rep.Reminders, "escalations": rep.Escalations, "resent": rep.Resent,
			"approval_nudges": nudges.Approval, "hold_nudges": nudges.Hold,
		}}, errors.Join(err, nerr)
	})
}
