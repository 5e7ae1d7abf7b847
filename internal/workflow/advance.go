package workflow

import (
	"context"
	"errors"
	"fmt"

	"billbot/internal/billing"
	"billbot/store"
)

// Advance moves every invoice as far as it goes without a person: a stored
// draft is created in QBO and checked against QBO's total, then posted to
// Slack for approval. It is safe to run again at any time — after a crash,
// a 429, or on every scheduler tick — because each step is keyed: the QBO
// create by the invoice key (requestid), the state change by a guarded
// transition, the Slack post by the stored message ts.
func (w *Workflow) Advance(ctx context.Context) error {
	if w.locker != nil {
		unlock, ok, err := w.locker.TryLock(ctx, "billbot.advance")
		if err != nil {
			return fmt.Errorf("advance: lock: %w", err)
		}
		if !ok {
			// Another process is advancing: it does the same work, and two
			// at once could post one draft twice.
			w.logger.Info("advance: another process is advancing invoices; leaving it to it")
			return nil
		}
		defer unlock()
	}
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return err
	}
	var errs []error
	if at := atApproval(firm); at || w.ledgerReady(ctx) {
		drafts, err := w.store.Invoices(ctx, store.InvoiceFilter{States: []store.InvoiceState{store.StateDraft}})
		if err != nil {
			return fmt.Errorf("list drafts: %w", err)
		}
		if at {
			var rerrs []error
			drafts, rerrs = w.readyForApproval(ctx, drafts)
			errs = append(errs, rerrs...)
		}
		if len(drafts) > 0 && !w.ledgerReady(ctx) {
			drafts = nil // a create begun in QBO finishes once it is connected
		}
		var items map[string]string
		if len(drafts) > 0 {
			if items, err = w.ledger.Items(ctx); err != nil {
				return fmt.Errorf("list QBO items: %w", err)
			}
		}
		if bc, ok := w.ledger.(BatchCreator); ok {
			errs = append(errs, w.createInBatches(ctx, firm, bc, drafts, items)...)
		} else {
			for _, inv := range drafts {
				if err := w.createInQBO(ctx, firm, inv, items); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	if w.notify != nil {
		waiting, err := w.store.Invoices(ctx, store.InvoiceFilter{States: []store.InvoiceState{store.StatePending, store.StateFlagged}})
		if err != nil {
			return fmt.Errorf("list invoices awaiting approval: %w", err)
		}
		outside := map[string]int{} // channels the bot is not in: drafts left
		for _, inv := range waiting {
			if inv.SlackTS != "" {
				continue
			}
			if ch, _ := draftChannel(firm, inv); outside[ch] > 0 {
				outside[ch]++
				continue
			}
			if err := w.postDraft(ctx, firm, inv); err != nil {
				if w.notify.IsNotInChannel(err) {
					ch, _ := draftChannel(firm, inv)
					outside[ch]++
					continue
				}
				errs = append(errs, err)
			}
		}
		for ch, n := range outside {
			errs = append(errs, w.notInChannel(ctx, firm, ch, n))
		}
	}
	return errors.Join(errs...)
}

// createInQBO creates one stored draft in QBO, records QBO's identifiers and
// total, and moves it to pending — or to flagged when QBO's TotalAmt is not
// billbot's total to the cent.
func (w *Workflow) createInQBO(ctx context.Context, firm *Firm, inv store.Invoice, items map[string]string) error {
	client, err := firm.InvoiceClient(inv)
	if err != nil {
		return err
	}
	w.failPoint("qbo:before_create")
	remote, err := w.ledger.CreateDraft(ctx, inv.Billing(), client, items)
	if err != nil {
		return fmt.Errorf("create invoice %s in QBO: %w", inv.Key, err)
	}
	w.failPoint("qbo:after_create")
	return w.recordCreated(ctx, inv, remote)
}

// recordCreated records QBO's identifiers and total of a created invoice
// and moves it on from draft.
func (w *Workflow) recordCreated(ctx context.Context, inv store.Invoice, remote Remote) error {
	inv, err := w.store.UpdateInvoice(ctx, inv.ID, "billbot", "qbo_created", func(i *store.Invoice) error {
		i.LedgerID, i.SyncToken, i.DocNumber = remote.ID, remote.SyncToken, remote.DocNumber
		i.LedgerTotal, i.Balance, i.EmailStatus = remote.Total, remote.Balance, remote.EmailStatus
		return nil
	})
	if err != nil {
		return fmt.Errorf("record QBO invoice of %s: %w", inv.Key, err)
	}
	return w.checkTotal(ctx, inv, []store.InvoiceState{store.StateDraft})
}

// checkTotal moves inv from one of from to pending when QBO's total equals
// billbot's, else to flagged with an exception naming both totals.
func (w *Workflow) checkTotal(ctx context.Context, inv store.Invoice, from []store.InvoiceState) error {
	if inv.LedgerTotal == inv.Total {
		_, err := w.store.Transition(ctx, inv.ID, from, store.StatePending, "billbot", "created in "+w.ledgerShort()+"; total matches", nil)
		return ignoreConflict(err)
	}
	note := billing.TotalMismatchNote(w.ledgerTerms(), inv.Currency, inv.LedgerTotal, inv.Total)
	if _, err := w.store.Transition(ctx, inv.ID, from, store.StateFlagged, "billbot", note, nil); ignoreConflict(err) != nil {
		return err
	}
	_, _, err := w.store.OpenException(ctx, billing.TotalMismatch(w.ledgerTerms(), inv.Key, inv.Client, note), w.now())
	return err
}

// ignoreConflict treats a lost guarded transition as done: someone else
// already moved the invoice on.
func ignoreConflict(err error) error {
	if errors.Is(err, store.ErrConflict) {
		return nil
	}
	return err
}
