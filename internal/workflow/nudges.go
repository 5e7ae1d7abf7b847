package workflow

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"billbot/store"
)

// NudgeReport tells what a nudge run did.
type NudgeReport struct {
	Approval int // partner DMs about drafts waiting for approval
	Hold     int // billing-manager DMs about old holds
}

// Nudge DMs each partner about drafts waiting for approval longer than
// firm.approval_nudge_days, and the billing manager about holds older than
// firm.hold_nudge_days. Each nudge is a collection step ("nudge:approval:3",
// "nudge:hold:<held at>:14"), so it happens once per draft (per hold) and
// threshold, across runs and replicas (see steps.go). 0 days turns a nudge
// off.
func (w *Workflow) Nudge(ctx context.Context) (NudgeReport, error) {
	var rep NudgeReport
	if w.notify == nil {
		return rep, nil
	}
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return rep, err
	}
	invs, err := w.store.Invoices(ctx, store.InvoiceFilter{States: []store.InvoiceState{store.StatePending, store.StateFlagged, store.StateHeld}})
	if err != nil {
		return rep, err
	}
	today := firm.Today(w.now())
	var errs []error
	for _, inv := range invs {
		since := inv.ActedAt // the transition that put it where it waits
		if since.IsZero() {
			since = inv.CreatedAt
		}
		waited := firm.Today(since).DaysUntil(today)
		days, to := firm.File.ApprovalNudgeDays, inv.Partners
		step := fmt.Sprintf("nudge:approval:%d", days)
		if inv.State == store.StateHeld {
			days, to = firm.File.HoldNudgeDays, []string{firm.File.BillingManager}
			step = fmt.Sprintf("nudge:hold:%s:%d", since.UTC().Format(time.RFC3339), days)
		}
		if days <= 0 || waited < days || len(to) == 0 || to[0] == "" {
			continue
		}
		done, err := w.runStep(ctx, inv, step, func(retry bool) error {
			var errs []error
			for _, user := range to {
				if err := w.notify.Nudge(ctx, inv, step, user, waited, since, retry); err != nil {
					errs = append(errs, fmt.Errorf("nudge %s about invoice %s: %w", user, inv.Key, err))
				}
			}
			return errors.Join(errs...)
		})
		switch {
		case err != nil:
			errs = append(errs, err)
		case done && inv.State == store.StateHeld:
			rep.Hold++
		case done:
			rep.Approval++
		}
		if done {
			if err := w.store.Audit(ctx, store.AuditEvent{At: w.now(), Actor: "billbot", Action: "nudged", Note: step, SubjectType: "invoice", SubjectID: strconv.FormatInt(inv.ID, 10)}); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return rep, errors.Join(errs...)
}
