package workflow

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"billbot/internal/billing"
	"billbot/internal/view"
	"billbot/store"
)

// stepLease is how long a claimed collection step is held before a later
// run may take it again, when its run neither confirmed nor released it
// (the process died between the effect and the confirmation).
const stepLease = 15 * time.Minute

// Collection steps are claim → effect → confirm. The claim (a unique row)
// keeps two runs from acting at once; a failed effect releases it, so the
// next run tries again; a run that dies after the effect leaves an
// unconfirmed claim that the next run after stepLease takes again. A
// retry, either way, knows an earlier attempt may have had its effect.
// Each effect is idempotent, so that retry does nothing twice:
//   - the reminder's QBO send carries a requestid derived from the invoice
//     and the step, which QBO answers by replaying the first send (Intuit
//     developer blog, "Request ID update for QuickBooks Online
//     integration", blogs.intuit.com/2015/04/06/15346);
//   - an escalation DM carries Slack message metadata naming the invoice,
//     step and manager (docs.slack.dev/messaging/message-metadata), and a
//     retry looks for it in the manager's DM channel before posting, as
//     drafts do (see Notifier.Escalate and Notifier.PostDraft).

// runStep claims step, runs effect and confirms it, or releases the claim
// when effect fails. retry tells effect that an earlier attempt may have
// had its effect already. done reports whether the step happened now.
func (w *Workflow) runStep(ctx context.Context, inv store.Invoice, step string, effect func(retry bool) error) (done bool, err error) {
	claim, err := w.store.ClaimStep(ctx, inv.ID, step, w.now(), stepLease)
	if err != nil || claim == store.StepTaken {
		return false, err
	}
	if err := effect(claim == store.StepRetry); err != nil {
		if rerr := w.store.ReleaseStep(context.WithoutCancel(ctx), inv.ID, step); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return false, err
	}
	w.failPoint("collect:before_confirm:" + step)
	return true, w.store.ConfirmStep(ctx, inv.ID, step, w.now())
}

// remind has QBO email the invoice again, once per reminder day.
func (w *Workflow) remind(ctx context.Context, firm *Firm, inv store.Invoice, day int) (bool, error) {
	step := billing.ReminderStep(day)
	if !w.ledgerReady(ctx) {
		return false, nil
	}
	return w.runStep(ctx, inv, step, func(bool) error {
		client, _ := firm.Client(inv.Client)
		// The same key on every attempt: QBO replays, never re-sends.
		if _, err := w.ledger.Send(ctx, inv.LedgerID, client.Email, step+":"+inv.Key); err != nil {
			return fmt.Errorf("reminder for invoice %s: %w", inv.Key, err)
		}
		now := w.now()
		_, err := w.store.UpdateInvoice(ctx, inv.ID, "billbot", "reminder_sent", func(i *store.Invoice) error {
			i.LastRemindedAt = now
			return nil
		})
		return err
	})
}

// escalate DMs the engagement managers about an invoice unpaid for days
// days, once per step and manager.
func (w *Workflow) escalate(ctx context.Context, firm *Firm, inv store.Invoice, step string, days int, clientBalance outstandingBalance) (bool, error) {
	if w.notify == nil {
		return false, nil
	}
	managers := inv.Managers
	if len(managers) == 0 && firm.File.BillingManager != "" {
		managers = []string{firm.File.BillingManager}
	}
	done, err := w.runStep(ctx, inv, step, func(retry bool) error {
		var errs []error
		for _, m := range managers {
			esc := view.Escalation{
				InvoiceID: inv.ID, Client: inv.Client, DocNumber: inv.DocNumber, ManagerID: m,
				Currency: inv.Currency, AmountDue: inv.Balance, ClientOutstanding: clientBalance.amount,
				ClientOpenInvoices: clientBalance.count, DaysOutstanding: days, DueDate: inv.DueDate,
			}
			esc.Ledger = w.viewLedger()
			if w.ledgerReady(ctx) && inv.LedgerID != "" {
				esc.QBOURL = w.ledger.InvoiceURL(inv.LedgerID)
			}
			if err := w.notify.Escalate(ctx, inv, step, esc, retry); err != nil {
				errs = append(errs, fmt.Errorf("escalation DM for invoice %s to %s: %w", inv.Key, m, err))
			}
		}
		return errors.Join(errs...)
	})
	if err != nil || !done {
		return done, err
	}
	return true, w.store.Audit(ctx, store.AuditEvent{At: w.now(), Actor: "billbot", Action: "escalated", SubjectType: "invoice", SubjectID: strconv.FormatInt(inv.ID, 10)})
}
