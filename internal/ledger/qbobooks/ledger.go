package qbobooks

import (
	"context"
	"fmt"
	"strings"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/qbo"
	"billbot/internal/shadow"
	"billbot/internal/workflow"
)

var _ workflow.IssuedLedger = (*Books)(nil)

// IssuedInvoices implements workflow.IssuedLedger with the query language
// (qbo.Client.IssuedInvoices). Voided invoices are left out; discount
// lines become negative lines; subtotal and description-only lines carry no
// amount of their own and are dropped.
func (b *Books) IssuedInvoices(ctx context.Context, customerIDs []string, from, to billing.Date, items map[string]string) ([]workflow.Issued, error) {
	invs, err := b.client.IssuedInvoices(ctx, customerIDs, from.String(), to.String())
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(items))
	for name, id := range items {
		names[id] = name
	}
	out := make([]workflow.Issued, 0, len(invs))
	for _, inv := range invs {
		r, err := remoteOf(inv, b.home)
		if err != nil {
			return nil, err
		}
		if r.Voided || inv.CustomerRef == nil {
			continue
		}
		li, err := ledgerInvoice(inv, r.Currency, names)
		if err != nil {
			return nil, err
		}
		out = append(out, workflow.Issued{CustomerID: inv.CustomerRef.Value, Invoice: li})
	}
	return out, nil
}

// ledgerInvoice maps a QBO invoice exactly into shadow's terms; names maps
// item ids to names for references that carry no name.
func ledgerInvoice(inv qbo.Invoice, cur money.Currency, names map[string]string) (shadow.LedgerInvoice, error) {
	out := shadow.LedgerInvoice{ID: inv.ID, DocNumber: inv.DocNumber, Currency: cur}
	if d, err := billing.ParseDate(inv.TxnDate); err == nil {
		out.TxnDate = d
	}
	one := money.Hours(money.HoursScale)
	for i, l := range inv.Line {
		amount, err := l.Amount.Amount(cur)
		if err != nil {
			return out, fmt.Errorf("qbo invoice %s line %d amount: %w", inv.ID, i+1, err)
		}
		switch l.DetailType {
		case qbo.DiscountLine:
			out.Lines = append(out.Lines, shadow.LedgerLine{Description: l.Description, Discount: true, Qty: one, UnitPrice: -amount, Amount: -amount})
		case qbo.SalesItemLine:
			ll := shadow.LedgerLine{Description: l.Description, Amount: amount, Qty: one, UnitPrice: amount}
			if d := l.SalesItemLineDetail; d != nil {
				if d.ItemRef != nil {
					ll.Item = d.ItemRef.Name
					if strings.TrimSpace(ll.Item) == "" {
						ll.Item = names[d.ItemRef.Value]
					}
				}
				if d.Qty != "" {
					if ll.Qty, err = d.Qty.Hours(); err != nil {
						return out, fmt.Errorf("qbo invoice %s line %d qty: %w", inv.ID, i+1, err)
					}
				}
				if d.UnitPrice != "" {
					if ll.UnitPrice, err = d.UnitPrice.Amount(cur); err != nil {
						return out, fmt.Errorf("qbo invoice %s line %d unit price: %w", inv.ID, i+1, err)
					}
				}
			}
			out.Lines = append(out.Lines, ll)
		}
	}
	return out, nil
}
