package workflow

import (
	"context"
	"errors"
	"fmt"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
)

// The edit of a draft — its types and arithmetic — is billing's: one
// discount rule for drafting and editing (billing.ApplyEdit).
type (
	Edit       = billing.Edit
	LineEdit   = billing.LineEdit
	FieldError = billing.FieldError
)

// WriteDownReasons are the reasons a partner may give for billing less than
// the time recorded; they feed realization reporting.
var WriteDownReasons = billing.WriteDownReasons

// discounts returns the discount percent of each engagement of inv before
// an edit (see billing.DiscountsOf).
func discounts(firm *Firm, inv store.Invoice) map[string]money.Percent {
	configured := map[string]money.Percent{}
	for _, key := range inv.Engagements {
		if eng, ok := firm.Engagement(key); ok && eng.DiscountPercent != 0 {
			configured[key] = eng.DiscountPercent
		}
	}
	return billing.DiscountsOf(inv.Billing(), configured)
}

// CheckEdit validates e against invoice id as EditInvoice will apply it,
// without changing anything: a *FieldError names the input at fault.
func (w *Workflow) CheckEdit(ctx context.Context, id int64, e Edit) error {
	firm, err := w.LoadFirm(ctx)
	if err != nil {
		return err
	}
	inv, err := w.store.Invoice(ctx, id)
	if err != nil {
		return err
	}
	_, _, err = billing.ApplyEdit(inv.Billing(), discounts(firm, inv), e)
	return err
}

// EditInvoice applies a partner's edit: QBO first (a sparse update), then
// the store, then the Slack message. Only an invoice awaiting approval can
// be edited (billing.Editable): not a held one, nor one approved or sent.
func (w *Workflow) EditInvoice(ctx context.Context, invoiceID int64, user string, e Edit) (store.Invoice, error) {
	defer w.locks.lock(invoiceID)()
	firm, inv, err := w.authorize(ctx, invoiceID, user, "edit")
	if err != nil {
		return inv, err
	}
	if !billing.Editable(inv.State) {
		return inv, userErrorf("The %s invoice is %s and can no longer be edited here.", inv.Client, inv.State)
	}
	edited, _, err := billing.ApplyEdit(inv.Billing(), discounts(firm, inv), e)
	if err != nil {
		return inv, err
	}
	reason := e.WriteDownReason
	if e.WriteDownNote != "" {
		reason += ": " + e.WriteDownNote
	}
	if w.ledgerReady(ctx) && inv.LedgerID != "" {
		client, _ := firm.Client(inv.Client)
		items, err := w.ledger.Items(ctx)
		if err != nil {
			return inv, fmt.Errorf("list QBO items: %w", err)
		}
		remote, err := w.ledger.ReplaceDraft(ctx, inv.LedgerID, edited, client, items, e.Memo)
		if err != nil {
			return inv, fmt.Errorf("update invoice %s in QBO: %w", inv.Key, err)
		}
		if inv, err = w.store.ReplaceLines(ctx, invoiceID, edited.Lines, edited, user, reason); err != nil {
			return inv, err
		}
		inv, err = w.store.UpdateInvoice(ctx, invoiceID, user, "qbo_updated", func(i *store.Invoice) error {
			i.SyncToken, i.LedgerTotal, i.Balance, i.DueDate = remote.SyncToken, remote.Total, remote.Balance, edited.DueDate
			return nil
		})
		if err != nil {
			return inv, err
		}
	} else if inv, err = w.store.ReplaceLines(ctx, invoiceID, edited.Lines, edited, user, reason); err != nil {
		return inv, err
	}
	to := store.StatePending
	if inv.LedgerTotal != inv.Total && inv.LedgerID != "" {
		to = store.StateFlagged
	}
	if inv.State != to {
		inv, err = w.store.Transition(ctx, invoiceID, []store.InvoiceState{inv.State}, to, user, "edited", nil)
		if err != nil && !errors.Is(err, store.ErrConflict) {
			return inv, err
		}
	}
	now := w.now()
	inv, err = w.store.UpdateInvoice(ctx, invoiceID, user, "edited", func(i *store.Invoice) error {
		i.ActedBy, i.ActedAt = user, now
		return nil
	})
	if err != nil {
		return inv, err
	}
	return inv, w.refreshMessage(ctx, firm, inv)
}
