package xerobooks

import (
	"context"
	"fmt"
	"strings"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/shadow"
	"billbot/internal/workflow"
	"billbot/internal/xero"
)

var _ workflow.IssuedLedger = (*Books)(nil)

// IssuedInvoices implements workflow.IssuedLedger for `billbot shadow`: the
// sales invoices (ACCREC) of the given contacts dated from through to that
// the firm issued — AUTHORISED or PAID; drafts were never sent and voided
// or deleted ones no longer count (xero.Client.IssuedInvoices). Lines map
// as qbobooks maps QBO's: a line with no item and a negative amount is a
// discount (negative), any other line keeps its quantity and unit amount;
// items name lines by ItemCode, read back through items into the item's
// name.
func (b *Books) IssuedInvoices(ctx context.Context, customerIDs []string, from, to billing.Date, items map[string]string) ([]workflow.Issued, error) {
	invs, err := b.client.IssuedInvoices(priority(ctx), customerIDs, from.String(), to.String())
	if err != nil {
		return nil, err
	}
	names := itemNames(items)
	want := map[string]bool{}
	for _, id := range customerIDs {
		want[strings.ToLower(id)] = true
	}
	out := make([]workflow.Issued, 0, len(invs))
	for _, inv := range invs {
		// Filter again: the answer is trusted for nothing the caller asked.
		if inv.Type != xero.TypeACCREC || inv.Contact == nil || (inv.Status != xero.StatusAuthorised && inv.Status != xero.StatusPaid) {
			continue
		}
		if len(want) > 0 && !want[strings.ToLower(inv.Contact.ContactID)] {
			continue
		}
		li, err := b.ledgerInvoice(inv, names)
		if err != nil {
			return nil, err
		}
		if li.TxnDate.IsZero() || li.TxnDate.Before(from) || to.Before(li.TxnDate) {
			continue
		}
		out = append(out, workflow.Issued{CustomerID: inv.Contact.ContactID, Invoice: li})
	}
	return out, nil
}

// itemNames inverts Items' map (name and code → code) into code → name,
// preferring the item's name to its code.
func itemNames(items map[string]string) map[string]string {
	names := make(map[string]string, len(items))
	for name, code := range items {
		if prev, ok := names[code]; !ok || prev == code {
			names[code] = name
		}
	}
	return names
}

// ledgerInvoice maps a Xero invoice exactly into shadow's terms.
func (b *Books) ledgerInvoice(inv xero.Invoice, names map[string]string) (shadow.LedgerInvoice, error) {
	cur := money.Currency(inv.CurrencyCode)
	if cur == "" {
		cur = b.home
	}
	out := shadow.LedgerInvoice{ID: inv.InvoiceID, DocNumber: inv.InvoiceNumber, Currency: cur}
	if d, err := invoiceDate(inv); err == nil {
		out.TxnDate = d
	}
	lines, err := remoteLines(inv.LineItems, cur)
	if err != nil {
		return out, fmt.Errorf("xero invoice %s: %w", inv.InvoiceID, err)
	}
	one := money.Hours(money.HoursScale)
	for _, l := range lines {
		if l.Discount {
			out.Lines = append(out.Lines, shadow.LedgerLine{Description: l.Description, Discount: true, Qty: one, UnitPrice: -l.Amount, Amount: -l.Amount})
			continue
		}
		item := names[l.ItemID]
		if item == "" {
			item = l.ItemID
		}
		ll := shadow.LedgerLine{Item: item, Description: l.Description, Qty: l.Qty, UnitPrice: l.UnitPrice, Amount: l.Amount}
		if ll.Qty == 0 {
			ll.Qty, ll.UnitPrice = one, l.Amount
		}
		out.Lines = append(out.Lines, ll)
	}
	return out, nil
}

// invoiceDate reads an answer's date: DateString ("2026-11-30T00:00:00")
// when given, else Date ("/Date(…)/" or "YYYY-MM-DD").
func invoiceDate(inv xero.Invoice) (billing.Date, error) {
	if s := inv.DateString; len(s) >= 10 {
		return billing.ParseDate(s[:10])
	}
	if d, err := billing.ParseDate(inv.Date); err == nil {
		return d, nil
	}
	t, err := xero.ParseTime(inv.Date)
	if err != nil {
		return billing.Date{}, err
	}
	return billing.ParseDate(t.UTC().Format(time.DateOnly))
}
