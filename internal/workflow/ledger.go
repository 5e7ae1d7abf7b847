package workflow

import (
	"context"
	"fmt"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/store"
)

// atApproval reports whether the firm writes invoices to QBO only when they
// are approved (firm.ledger_write: at_approval). QuickBooks has no draft
// state: an invoice created there is in the firm's receivables at once.
func atApproval(firm *Firm) bool {
	return firm.File != nil && firm.File.LedgerWrite.Effective() == config.LedgerAtApproval
}

// readyForApproval moves the stored drafts to pending without writing them
// to QBO (firm.ledger_write: at_approval): the Slack message shows billbot's
// own invoice and total, and Approve creates the QBO invoice. It returns the
// drafts whose QBO create had already begun (a batch intent recorded before
// the setting changed): those finish as at_draft, so that the batch's replay
// records the invoice QBO made instead of Approve making a second one.
func (w *Workflow) readyForApproval(ctx context.Context, drafts []store.Invoice) (begun []store.Invoice, errs []error) {
	for _, inv := range drafts {
		batchKey, err := w.store.Cursor(ctx, cursorBatchOf+inv.Key)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if batchKey != "" || inv.LedgerID != "" {
			begun = append(begun, inv)
			continue
		}
		_, err = w.store.Transition(ctx, inv.ID, []store.InvoiceState{store.StateDraft}, store.StatePending, "billbot", "drafted; written to "+w.ledgerShort()+" on approval (firm.ledger_write: at_approval)", nil)
		if err := ignoreConflict(err); err != nil {
			errs = append(errs, fmt.Errorf("ready invoice %s for approval: %w", inv.Key, err))
		}
	}
	return begun, errs
}

// createOnApproval creates in QBO a pending invoice that is not there yet
// (firm.ledger_write: at_approval), just before it is approved. The create
// carries the requestid derived from the invoice key, as at drafting, so a
// retry after a crash or a lost response replays the first create rather
// than making a second invoice. QBO's TotalAmt must equal billbot's total to
// the cent: otherwise the invoice is flagged and nothing is approved. It
// returns the invoice with QBO's identifiers and QBO's copy as created.
func (w *Workflow) createOnApproval(ctx context.Context, firm *Firm, inv store.Invoice) (store.Invoice, *Remote, error) {
	if !w.ledgerReady(ctx) {
		return inv, nil, userErrorf("%s is not connected, so the %s invoice cannot be created there; nothing was approved. Approve it again once %s is connected.", w.LedgerName(), inv.Client, w.LedgerName())
	}
	client, items, err := w.clientAndItems(ctx, firm, inv)
	if err != nil {
		return inv, nil, err
	}
	w.failPoint("qbo:before_create")
	remote, err := w.ledger.CreateDraft(ctx, inv.Billing(), client, items)
	if err != nil {
		return inv, nil, fmt.Errorf("create invoice %s in %s on approval: %w", inv.Key, w.ledgerShort(), err)
	}
	w.failPoint("qbo:after_create")
	inv, err = w.store.UpdateInvoice(ctx, inv.ID, "billbot", "qbo_created", func(i *store.Invoice) error {
		i.LedgerID, i.SyncToken, i.DocNumber = remote.ID, remote.SyncToken, remote.DocNumber
		i.LedgerTotal, i.Balance, i.EmailStatus = remote.Total, remote.Balance, remote.EmailStatus
		return nil
	})
	if err != nil {
		return inv, nil, fmt.Errorf("record %s invoice of %s: %w", w.ledgerShort(), inv.Key, err)
	}
	if inv.LedgerTotal != inv.Total {
		if err := w.checkTotal(ctx, inv, []store.InvoiceState{store.StatePending}); err != nil {
			return inv, nil, err
		}
		cur, err := w.store.Invoice(ctx, inv.ID)
		if err != nil {
			return inv, nil, err
		}
		if err := w.refreshMessage(ctx, firm, cur); err != nil {
			w.logger.Warn("refresh draft message", "invoice_id", cur.ID, "error", err)
		}
		return cur, nil, userErrorf("%s's total for the %s invoice (%s) differs from billbot's (%s); nothing was sent. The invoice is flagged: edit it first.", w.ledgerShort(), cur.Client, cur.LedgerTotal.Display(cur.Currency), cur.Total.Display(cur.Currency))
	}
	return inv, &remote, nil
}

// clientAndItems returns the configured client inv bills and QuickBooks'
// items, what turning inv's lines into QuickBooks lines needs.
func (w *Workflow) clientAndItems(ctx context.Context, firm *Firm, inv store.Invoice) (billing.Client, map[string]string, error) {
	client, err := firm.InvoiceClient(inv)
	if err != nil {
		return client, nil, err
	}
	items, err := w.ledger.Items(ctx)
	if err != nil {
		return client, nil, fmt.Errorf("list %s items: %w", w.ledgerShort(), err)
	}
	return client, items, nil
}
