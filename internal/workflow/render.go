package workflow

import (
	"context"
	"fmt"

	"billbot/internal/billing"
	"billbot/internal/view"
	"billbot/store"
)

// draftView maps a stored invoice to its Slack message's view.
func (w *Workflow) draftView(firm *Firm, inv store.Invoice) view.Draft {
	d := view.Draft{
		InvoiceID:    inv.ID,
		Key:          inv.Key,
		Client:       inv.Client,
		Engagements:  inv.Engagements,
		Period:       inv.Period,
		DocNumber:    inv.DocNumber,
		Currency:     inv.Currency,
		Total:        inv.Total,
		Subtotal:     inv.Subtotal,
		Discount:     inv.Discount,
		Credit:       inv.Credit,
		Hours:        inv.Hours,
		InvoiceDate:  inv.InvoiceDate,
		DueDate:      inv.DueDate,
		Notes:        inv.Notes,
		State:        string(inv.State),
		ActedBy:      inv.ActedBy,
		ActedAt:      inv.ActedAt,
		HoldReason:   inv.HoldReason,
		Supplemental: inv.Supplemental,
		Replenish:    inv.Replenish,
	}
	// The Edit modal offers the invoice's discount when its engagements
	// share one; otherwise the field starts empty and keeps each.
	if p, ok := billing.CommonDiscount(inv.Billing(), discounts(firm, inv)); ok {
		d.DiscountPercent = p
	}
	if inv.State == store.StateFlagged {
		d.FlagReason = billing.TotalMismatchNote(w.ledgerTerms(), inv.Currency, inv.LedgerTotal, inv.Total)
	}
	if inv.State == store.StateSent || inv.State == store.StatePaid {
		if c, ok := firm.Client(inv.Client); ok {
			d.SentTo = c.Email
		}
	}
	if inv.State == store.StatePending || inv.State == store.StateFlagged {
		d.Version = Version(inv)
	}
	d.Ledger = w.viewLedger()
	if w.ledger != nil && inv.LedgerID != "" {
		d.QBOURL = w.ledger.InvoiceURL(inv.LedgerID)
	}
	for _, l := range inv.Lines {
		d.Lines = append(d.Lines, view.Line{
			Kind: l.Kind, Description: l.Description, Qty: l.Qty,
			UnitPrice: l.UnitPrice, Amount: l.Amount, Late: l.Late,
		})
	}
	return d
}

// draftChannel is where a draft is posted: the billing channel, else the
// first partner's DM.
func draftChannel(firm *Firm, inv store.Invoice) (channel string, dm bool) {
	if firm.File.BillingChannel != "" {
		return firm.File.BillingChannel, false
	}
	if len(inv.Partners) > 0 {
		return inv.Partners[0], true
	}
	return firm.File.BillingManager, true
}

// postDraft posts a pending (or flagged) invoice for approval and records
// where, so that a re-run updates that message instead of posting again:
// the notifier records the channel first (through remember) when it can
// find its posts again, and a re-run of an invoice with a channel but no ts
// looks there before posting (see Notifier.PostDraft).
func (w *Workflow) postDraft(ctx context.Context, firm *Firm, inv store.Invoice) error {
	target, dm := draftChannel(firm, inv)
	if target == "" {
		return fmt.Errorf("invoice %s: no billing channel, partner or billing manager to post to", inv.Key)
	}
	remember := func(channel string) error {
		if _, err := w.store.UpdateInvoice(ctx, inv.ID, "billbot", "slack_posting", func(i *store.Invoice) error {
			i.SlackChannel = channel
			return nil
		}); err != nil {
			return fmt.Errorf("record Slack channel of invoice %s: %w", inv.Key, err)
		}
		return nil
	}
	channel, ts, posted, err := w.notify.PostDraft(ctx, inv, w.draftView(firm, inv), firm.Location(), target, dm,
		remember, func() { w.failPoint("slack:before_post") })
	if err != nil {
		return err
	}
	if posted {
		w.failPoint("slack:after_post")
	}
	return w.recordPost(ctx, inv, channel, ts)
}

// recordPost stores where the invoice's message is.
func (w *Workflow) recordPost(ctx context.Context, inv store.Invoice, channel, ts string) error {
	_, err := w.store.UpdateInvoice(ctx, inv.ID, "billbot", "slack_posted", func(i *store.Invoice) error {
		i.SlackChannel, i.SlackTS = channel, ts
		return nil
	})
	if err != nil {
		return fmt.Errorf("record Slack message of invoice %s: %w", inv.Key, err)
	}
	return nil
}

// refreshMessage re-renders an invoice's Slack message in place after a
// change of state.
func (w *Workflow) refreshMessage(ctx context.Context, firm *Firm, inv store.Invoice) error {
	return w.refreshMessageWith(ctx, firm, inv, nil)
}

// refreshMessageWith re-renders the message listing changes made in
// QuickBooks (old → new) above the buttons.
func (w *Workflow) refreshMessageWith(ctx context.Context, firm *Firm, inv store.Invoice, changes []string) error {
	if w.notify == nil || inv.SlackTS == "" {
		return nil
	}
	d := w.draftView(firm, inv)
	d.Changes = changes
	if err := w.notify.UpdateDraft(ctx, inv.SlackChannel, inv.SlackTS, d, firm.Location()); err != nil {
		return fmt.Errorf("update Slack message of invoice %s: %w", inv.Key, err)
	}
	return nil
}
