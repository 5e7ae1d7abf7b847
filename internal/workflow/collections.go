package workflow

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"billbot/internal/answers"
	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
)

// CollectReport tells what a collections run did.
type CollectReport struct {
	Refreshed   int
	Paid        int
	Reminders   int
	Escalations int
	Resent      int
}

// cursorQBOChanges is the store cursor of QBO change-data-capture polling.
const cursorQBOChanges = "qbo:cdc"

// Collect refreshes payment status from QBO, then sends each due reminder
// (QBO emails the invoice again) and each due escalation (a DM to the
// engagement manager with the client's whole outstanding balance) of the
// firm's billing.CollectionSchedule (days 25 and 35 by default). A step happens once per invoice, at least once and
// without duplicates (see steps.go), and never once the invoice is paid,
// held, voided or disputed.
func (w *Workflow) Collect(ctx context.Context) (CollectReport, error) {
	var rep CollectReport
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return rep, err
	}
	if w.ledgerReady(ctx) {
		if rep.Resent, err = w.SendApproved(ctx); err != nil {
			w.logger.Warn("retry sends", "error", err)
		}
		if rep.Refreshed, rep.Paid, err = w.RefreshPayments(ctx); err != nil {
			return rep, err
		}
	}
	open, err := w.store.Invoices(ctx, store.InvoiceFilter{States: []store.InvoiceState{store.StateSent}})
	if err != nil {
		return rep, err
	}
	outstanding := map[string]outstandingBalance{} // client|currency → balance
	for _, inv := range open {
		if inv.Balance > 0 {
			o := outstanding[inv.Client+"|"+string(inv.Currency)]
			o.amount += inv.Balance
			o.count++
			outstanding[inv.Client+"|"+string(inv.Currency)] = o
		}
	}
	today := firm.Today(w.now())
	var errs []error
	for _, inv := range open {
		if inv.Balance <= 0 || inv.SentAt.IsZero() {
			continue
		}
		flags, err := w.collectionFlags(ctx, inv.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if flags.disputed {
			continue
		}
		days := firm.Today(inv.SentAt).DaysUntil(today)
		sched := firm.Collections()
		for _, d := range sched.DueReminders(days) {
			ok, err := w.remind(ctx, firm, inv, d)
			if err != nil {
				errs = append(errs, err)
			} else if ok {
				rep.Reminders++
			}
		}
		steps := sched.DueEscalations(days, flags.snoozedAt, w.now())
		for _, step := range steps {
			ok, err := w.escalate(ctx, firm, inv, step, days, outstanding[inv.Client+"|"+string(inv.Currency)])
			if err != nil {
				errs = append(errs, err)
			} else if ok {
				rep.Escalations++
			}
		}
	}
	return rep, errors.Join(errs...)
}

type collectionFlags struct {
	disputed  bool
	snoozedAt time.Time // the latest snooze; zero when none
}

// collectionFlags reads whether an invoice has an open dispute (the
// store's disputes) and its snooze marks (its audit trail, where the
// Snooze button records them).
func (w *Workflow) collectionFlags(ctx context.Context, invoiceID int64) (collectionFlags, error) {
	var f collectionFlags
	switch _, err := w.store.OpenDisputeOf(ctx, invoiceID); {
	case err == nil:
		f.disputed = true
	case !errors.Is(err, store.ErrNotFound):
		return f, err
	}
	evs, err := w.store.AuditEvents(ctx, "invoice", strconv.FormatInt(invoiceID, 10))
	if err != nil {
		return f, err
	}
	for _, ev := range evs {
		switch ev.Action {
		case "snoozed":
			if ev.At.After(f.snoozedAt) {
				f.snoozedAt = ev.At
			}
		}
	}
	return f, nil
}

// RefreshPayments reads what changed in QBO since the last poll (change data
// capture) and records balances, email status and payment. It is the poll
// half of payment tracking; webhooks call RefreshInvoices for the other.
func (w *Workflow) RefreshPayments(ctx context.Context) (refreshed, paid int, err error) {
	// QBO change data capture looks back at most 30 days (docs/vendors.md §2.10): a
	// first poll asks for 29, leaving room for the clocks of both sides.
	since := w.now().Add(-29 * 24 * time.Hour)
	if c, err := w.store.Cursor(ctx, cursorQBOChanges); err == nil && c != "" {
		if t, perr := time.Parse(time.RFC3339, c); perr == nil && t.After(since) {
			since = t
		}
	}
	started := w.now()
	changed, err := w.ledger.ChangedInvoices(ctx, since)
	if err != nil {
		return 0, 0, fmt.Errorf("QBO changes since %s: %w", since.Format(time.RFC3339), err)
	}
	refreshed, paid, err = w.applyRemote(ctx, changed)
	if err != nil {
		return refreshed, paid, err
	}
	return refreshed, paid, w.store.SetCursor(ctx, cursorQBOChanges, started.Add(-time.Minute).UTC().Format(time.RFC3339))
}

// RefreshInvoices re-reads the named QBO invoices (from a webhook) and
// records what changed.
func (w *Workflow) RefreshInvoices(ctx context.Context, qboIDs []string) (refreshed, paid int, err error) {
	if !w.ledgerReady(ctx) {
		return 0, 0, nil
	}
	remotes, err := w.readInvoices(ctx, qboIDs)
	if err != nil {
		return 0, 0, err
	}
	return w.applyRemote(ctx, remotes)
}

func (w *Workflow) applyRemote(ctx context.Context, remotes []Remote) (refreshed, paid int, err error) {
	var firm *Firm
	for _, r := range remotes {
		inv, err := w.store.InvoiceByQBOID(ctx, r.ID)
		if errors.Is(err, store.ErrNotFound) {
			continue // not one of billbot's
		}
		if err != nil {
			return refreshed, paid, err
		}
		if r.Voided {
			if err := w.voided(ctx, inv); err != nil {
				return refreshed, paid, err
			}
			refreshed++
			continue
		}
		if inv.State == store.StatePending || inv.State == store.StateFlagged {
			// A draft edited in QuickBooks: show the partner what QBO would
			// email before anyone approves it.
			if firm == nil {
				if firm, err = w.LoadFirm(ctx); err != nil {
					return refreshed, paid, err
				}
			}
			_, changes, err := w.reconcileWithQBO(ctx, firm, inv, r)
			if err != nil {
				// One draft that cannot be compared (an item gone from QBO)
				// must not stop the refresh of the others; Approve compares
				// again and refuses to send what it cannot check.
				w.logger.Warn("compare draft with QBO", "invoice_id", inv.ID, "error", err)
			}
			if len(changes) > 0 {
				refreshed++
				continue
			}
		}
		if inv.Balance != r.Balance || inv.EmailStatus != r.EmailStatus || inv.SyncToken != r.SyncToken {
			inv, err = w.store.UpdateInvoice(ctx, inv.ID, "qbo", "qbo_changed", func(i *store.Invoice) error {
				i.Balance, i.EmailStatus, i.SyncToken = r.Balance, r.EmailStatus, r.SyncToken
				return nil
			})
			if err != nil {
				return refreshed, paid, err
			}
			refreshed++
		}
		if inv.State == store.StateSent && r.Balance == 0 && !r.Voided {
			now := w.now()
			_, err := w.store.Transition(ctx, inv.ID, []store.InvoiceState{store.StateSent}, store.StatePaid, "qbo", "paid in full", func(i *store.Invoice) {
				i.PaidAt = now
			})
			if ignoreConflict(err) != nil {
				return refreshed, paid, err
			}
			if err == nil {
				paid++
			}
		}
	}
	return refreshed, paid, nil
}

// voidableStates are the states an invoice voided (or deleted) in QBO leaves
// for voided. A paid invoice stays paid: QBO voids one only after its
// payment is removed, which a later change reports.
var voidableStates = billing.Sources(store.StateVoided)

// voided records that someone voided or deleted inv in QBO: no reminder,
// escalation or aging counts it any more, and its entries are released to
// be billed again. Its Slack message, if any, says so.
func (w *Workflow) voided(ctx context.Context, inv store.Invoice) error {
	if inv.State == store.StateVoided {
		return nil
	}
	out, err := w.store.Transition(ctx, inv.ID, voidableStates, store.StateVoided, "qbo", "voided in "+w.LedgerName(), func(i *store.Invoice) {
		i.Balance = 0
	})
	if err != nil {
		return ignoreConflict(err)
	}
	if firm, err := w.LoadFirm(ctx); err == nil {
		if err := w.refreshMessage(ctx, firm, out); err != nil {
			w.logger.Warn("refresh voided invoice message", "invoice_id", out.ID, "error", err)
		}
	}
	return nil
}

// Aging computes AR aging and DSO as of a day, for all clients, one client or
// one manager's engagements (remembered: see WithAnswers).
func (w *Workflow) Aging(ctx context.Context, asOf billing.Date, client, manager string) (billing.Aging, error) {
	return answers.Get(ctx, w.answers, "aging\x00"+client+"\x00"+manager, asOf, func(ctx context.Context) (billing.Aging, error) {
		return w.aging(ctx, asOf, client, manager)
	})
}

func (w *Workflow) aging(ctx context.Context, asOf billing.Date, client, manager string) (billing.Aging, error) {
	// The store answers with open balances and monthly sales, not whole
	// invoices: the report stays fast with years of history.
	f := store.ReportFilter{Client: client, Manager: manager}
	open, err := w.store.OpenBalances(ctx, f)
	if err != nil {
		return billing.Aging{}, err
	}
	// DSO counts back from asOf only until the receivables are covered:
	// when the sales of a window of recent months cover them, the DSO is
	// the same as from the whole history, and the window is all that is
	// read. Three months cover a firm collecting within 90 days; a year,
	// nearly any other; else the whole history is read.
	var a billing.Aging
windows:
	for _, months := range []int{3, 12, 0} {
		var since billing.Date
		if months > 0 {
			since = billing.DateOf(time.Date(asOf.Year, asOf.Month-time.Month(months-1), 1, 0, 0, 0, 0, time.UTC))
		}
		sales, err := w.store.MonthlySales(ctx, f, since, asOf)
		if err != nil {
			return billing.Aging{}, err
		}
		a = billing.Age(open, sales, asOf)
		for _, d := range a.DSO {
			if !d.Complete {
				continue windows
			}
		}
		break
	}
	return a, nil
}

// outstandingBalance is what a client owes in one currency across its open
// invoices.
type outstandingBalance struct {
	amount money.Amount
	count  int
}
