package workflow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
)

// Version fingerprints what a partner is shown of an invoice and approves:
// every line's kind, item, quantity, unit price, amount and description,
// and the total. The Approve button carries it, so that a click on a
// message rendered before the invoice changed sends nothing.
func Version(inv store.Invoice) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%d|%d\n", inv.Currency, inv.Total, len(inv.Lines))
	for _, l := range inv.Lines {
		fmt.Fprintf(h, "%s|%q|%d|%d|%d|%q\n", l.Kind, l.Item, l.Qty, l.UnitPrice, l.Amount, l.Description)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// qboChanges compares what billbot stored and showed of inv with what QBO
// holds now (r): the differences, one human-readable line each (old → new),
// per line and for the total; none when QBO holds what the partner saw or
// when r carries no lines to compare.
func qboChanges(inv store.Invoice, r Remote, want []RemoteLine) []string {
	if r.Lines == nil {
		return nil
	}
	cur := inv.Currency
	var out []string
	for i := range max(len(want), len(r.Lines)) {
		switch {
		case i >= len(r.Lines):
			out = append(out, fmt.Sprintf("Line %d removed: %s", i+1, lineText(want[i], cur)))
		case i >= len(want):
			out = append(out, fmt.Sprintf("Line %d added: %s", i+1, lineText(r.Lines[i], cur)))
		default:
			if d := lineDiff(want[i], r.Lines[i], cur); d != "" {
				out = append(out, fmt.Sprintf("Line %d: %s", i+1, d))
			}
		}
	}
	if r.Total != inv.Total {
		out = append(out, fmt.Sprintf("Total: %s → %s", inv.Total.Display(cur), r.Total.Display(cur)))
	}
	return out
}

func lineText(l RemoteLine, cur money.Currency) string {
	if l.Discount {
		return fmt.Sprintf("discount %q %s", l.Description, l.Amount.Display(cur))
	}
	return fmt.Sprintf("%q %s × %s = %s", l.Description, l.Qty, l.UnitPrice.Display(cur), l.Amount.Display(cur))
}

func lineDiff(a, b RemoteLine, cur money.Currency) string {
	var parts []string
	if a.Discount != b.Discount || a.ItemID != b.ItemID {
		parts = append(parts, fmt.Sprintf("item %s → %s", itemName(a), itemName(b)))
	}
	if a.Description != b.Description {
		parts = append(parts, fmt.Sprintf("description %q → %q", a.Description, b.Description))
	}
	if a.Qty != b.Qty {
		parts = append(parts, fmt.Sprintf("qty %s → %s", a.Qty, b.Qty))
	}
	if a.UnitPrice != b.UnitPrice {
		parts = append(parts, fmt.Sprintf("unit price %s → %s", a.UnitPrice.Display(cur), b.UnitPrice.Display(cur)))
	}
	if a.Amount != b.Amount {
		parts = append(parts, fmt.Sprintf("amount %s → %s", a.Amount.Display(cur), b.Amount.Display(cur)))
	}
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += ", "
		}
		s += p
	}
	return s
}

func itemName(l RemoteLine) string {
	switch {
	case l.Discount:
		return "discount"
	case l.Item != "":
		return l.Item
	}
	return "#" + l.ItemID
}

// adoptLines rewrites billbot's lines to what QBO holds, line by line: an
// unchanged line is kept as is; a changed one takes QBO's item, quantity,
// unit price, amount and description. Lines removed in QBO hand their
// time entries to the last remaining line, so that no entry is freed to be
// billed again by an edit made in QuickBooks.
func adoptLines(old []billing.Line, want, got []RemoteLine, itemNames map[string]string) []billing.Line {
	out := make([]billing.Line, 0, len(got))
	for i, r := range got {
		var l billing.Line
		if i < len(old) {
			l = old[i]
			l.EntryIDs = slices.Clone(l.EntryIDs)
			if i < len(want) && want[i] == r {
				out = append(out, l)
				continue
			}
		} else if len(old) > 0 {
			l = billing.Line{Kind: billing.LineFixed, Engagement: old[len(old)-1].Engagement, ServiceDate: old[len(old)-1].ServiceDate}
		}
		l.Description, l.Amount = r.Description, r.Amount
		if r.Discount {
			l.Kind, l.Item, l.Qty, l.UnitPrice, l.Amount = billing.LineDiscount, "", money.HoursScale, -r.Amount, -r.Amount
		} else {
			if l.Kind == billing.LineDiscount || l.Kind == "" {
				l.Kind = billing.LineFixed
			}
			l.Item, l.Qty, l.UnitPrice = r.Item, r.Qty, r.UnitPrice
			if n, ok := itemNames[r.ItemID]; ok {
				l.Item = n
			}
		}
		out = append(out, l)
	}
	if len(out) > 0 {
		last := &out[len(out)-1]
		for i := len(got); i < len(old); i++ {
			last.EntryIDs = append(last.EntryIDs, old[i].EntryIDs...)
		}
	}
	return out
}

// reconcileWithQBO compares a draft awaiting approval with QBO's copy r.
// When they differ — someone edited the draft in QuickBooks, or an edit
// reached QBO but not billbot's store — billbot takes QBO's version (it is
// what QBO would email), records the change, moves the invoice back to
// pending (or flagged, when the totals disagree) and refreshes its Slack
// message in place with the differences, so the partner approves what the
// client will get. It returns the differences; none means QBO holds what
// the partner saw.
func (w *Workflow) reconcileWithQBO(ctx context.Context, firm *Firm, inv store.Invoice, r Remote) (store.Invoice, []string, error) {
	if r.Lines == nil || inv.LedgerID == "" || !billing.Editable(inv.State) && inv.State != store.StateApproved {
		return inv, nil, nil
	}
	client, items, err := w.clientAndItems(ctx, firm, inv)
	if err != nil {
		return inv, nil, err
	}
	want, err := w.ledger.DraftLines(inv.Billing(), client, items)
	if err != nil {
		return inv, nil, fmt.Errorf("map invoice %s for comparison with %s: %w", inv.Key, w.ledgerShort(), err)
	}
	changes := qboChanges(inv, r, want)
	if len(changes) == 0 {
		return inv, nil, nil
	}
	if inv.State == store.StateApproved {
		// Approved but not emailed yet: the approval was of another version.
		if inv, err = w.store.Transition(ctx, inv.ID, []store.InvoiceState{store.StateApproved}, store.StatePending, "quickbooks", "changed in "+w.LedgerName()+" after approval; approve again", nil); err != nil {
			return inv, nil, err
		}
	}
	names := make(map[string]string, len(items))
	for name, id := range items {
		names[id] = name
	}
	edited := inv.Billing()
	edited.Lines = adoptLines(inv.Lines, want, r.Lines, names)
	if err := billing.Retotal(&edited); err != nil {
		return inv, nil, fmt.Errorf("invoice %s as changed in %s: %w", inv.Key, w.LedgerName(), err)
	}
	note := "changed in " + w.LedgerName()
	if inv, err = w.store.ReplaceLines(ctx, inv.ID, edited.Lines, edited, "quickbooks", note); err != nil {
		return inv, nil, err
	}
	if inv, err = w.store.UpdateInvoice(ctx, inv.ID, "quickbooks", "qbo_changed", func(i *store.Invoice) error {
		i.SyncToken, i.LedgerTotal, i.Balance, i.EmailStatus = r.SyncToken, r.Total, r.Balance, r.EmailStatus
		return nil
	}); err != nil {
		return inv, nil, err
	}
	to := store.StatePending
	if inv.LedgerTotal != inv.Total {
		to = store.StateFlagged
	}
	if inv.State != to {
		moved, err := w.store.Transition(ctx, inv.ID, []store.InvoiceState{inv.State}, to, "quickbooks", note, nil)
		if ignoreConflict(err) != nil {
			return inv, nil, err
		}
		if err == nil {
			inv = moved
		}
	}
	w.logger.Info("draft changed in "+w.LedgerName()+"; message refreshed for approval", "invoice_id", inv.ID, "changes", len(changes))
	if err := w.refreshMessageWith(ctx, firm, inv, changes); err != nil {
		w.logger.Warn("refresh draft message", "invoice_id", inv.ID, "error", err)
	}
	return inv, changes, nil
}
