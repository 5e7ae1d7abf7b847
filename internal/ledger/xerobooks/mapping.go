package xerobooks

import (
	"fmt"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/workflow"
	"billbot/internal/xero"
)

// invoiceOf maps a billbot draft to Xero's invoice fields: the contact,
// dates, currency, Reference (the draft key), LineAmountTypes NoTax (billbot
// bills professional fees without tax lines, so Total is the sum of the
// lines), and one line per billing line with Quantity (hours, at most 4
// decimals), UnitAmount and LineAmount exact to the cent:
//
//   - LineAmount is billbot's money.LineAmount(Qty, UnitPrice), rounded half
//     away from zero, and Xero rounds Quantity × UnitAmount to 2 decimals
//     (docs/vendors.md §6.5). The two agree except, possibly, on an exact
//     half cent, whose rounding Xero does not document: such a line is sent
//     as Quantity 1 at its amount, with the hours and rate in the
//     description, so Xero has nothing to round.
//   - A discount is a line of Quantity 1 at the (negative) discount amount
//     on the sales account, with no item.
func (b *Books) invoiceOf(inv billing.Invoice, c billing.Client, items map[string]string) (xero.Invoice, error) {
	if c.LedgerCustomerID == "" {
		return xero.Invoice{}, fmt.Errorf("xero: draft %s: no Xero contact id", inv.Key)
	}
	if len(inv.Lines) == 0 {
		return xero.Invoice{}, fmt.Errorf("xero: draft %s: no lines", inv.Key)
	}
	cur := inv.Currency
	if cur == "" {
		cur = b.home
	}
	x := xero.Invoice{
		Contact: &xero.Contact{ContactID: c.LedgerCustomerID}, Date: inv.InvoiceDate.String(), DueDate: inv.DueDate.String(),
		LineAmountTypes: xero.NoTax, CurrencyCode: string(cur), Reference: truncate(inv.Key, 255),
	}
	var sum money.Amount
	for i, l := range inv.Lines {
		var err error
		if sum, err = money.Add(sum, l.Amount); err != nil {
			return xero.Invoice{}, fmt.Errorf("xero: draft %s: %w", inv.Key, err)
		}
		desc := truncate(l.Description, maxText)
		if l.Kind == billing.LineDiscount {
			x.LineItems = append(x.LineItems, xero.LineItem{Description: desc, Quantity: "1",
				UnitAmount: xero.AmountDecimal(l.Amount, cur), LineAmount: xero.AmountDecimal(l.Amount, cur), AccountCode: b.account})
			continue
		}
		want, err := money.Mul(l.Qty, l.UnitPrice)
		if err != nil {
			return xero.Invoice{}, fmt.Errorf("xero: draft %s line %d: %w", inv.Key, i+1, err)
		}
		if want != l.Amount {
			return xero.Invoice{}, fmt.Errorf("xero: draft %s line %d: amount %s is not qty × price %s", inv.Key, i+1, l.Amount.Format(cur), want.Format(cur))
		}
		name := l.Item
		if (l.Kind == billing.LineRetainerCredit || l.Kind == billing.LineRetainerBlock) && items[name] == "" {
			name = workflow.RetainerItem
		}
		code, ok := items[name]
		if !ok || code == "" {
			return xero.Invoice{}, fmt.Errorf("xero: draft %s line %d: no Xero item %q; items: %v", inv.Key, i+1, name, sortedKeys(items))
		}
		li := xero.LineItem{Description: desc, ItemCode: code, AccountCode: b.account,
			Quantity: xero.HoursDecimal(l.Qty), UnitAmount: xero.AmountDecimal(l.UnitPrice, cur), LineAmount: xero.AmountDecimal(l.Amount, cur)}
		if halfCent(l.Qty, l.UnitPrice) {
			li.Quantity, li.UnitAmount = "1", li.LineAmount
			li.Description = truncate(fmt.Sprintf("%s (%s h × %s)", desc, l.Qty, l.UnitPrice.Format(cur)), maxText)
		}
		x.LineItems = append(x.LineItems, li)
	}
	if sum != inv.Total {
		return xero.Invoice{}, fmt.Errorf("xero: draft %s: lines sum to %s but total is %s", inv.Key, sum.Format(cur), inv.Total.Format(cur))
	}
	return x, nil
}

// halfCent reports whether qty × price falls exactly on half a minor unit.
func halfCent(qty money.Hours, price money.Amount) bool {
	// (q·p) mod S from the residues, so that nothing overflows.
	a, b := abs(int64(qty))%money.HoursScale, abs(int64(price))%money.HoursScale
	return a*b%money.HoursScale == money.HoursScale/2
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// remoteOf reads Xero's invoice exactly into billbot's terms.
func remoteOf(inv xero.Invoice, cur money.Currency) (workflow.Remote, error) {
	if inv.CurrencyCode != "" {
		cur = money.Currency(inv.CurrencyCode)
	}
	if cur == "" {
		cur = "USD"
	}
	r := workflow.Remote{ID: inv.InvoiceID, DocNumber: inv.InvoiceNumber, Currency: cur, EmailStatus: "NotSet",
		Voided: inv.Status == xero.StatusVoided || inv.Status == xero.StatusDeleted}
	var err error
	if r.Total, err = inv.Total.Amount(cur); err != nil {
		return r, fmt.Errorf("xero invoice %s Total: %w", inv.InvoiceID, err)
	}
	if r.Balance, err = inv.AmountDue.Amount(cur); err != nil {
		return r, fmt.Errorf("xero invoice %s AmountDue: %w", inv.InvoiceID, err)
	}
	if inv.SentToContact != nil && *inv.SentToContact {
		r.EmailStatus = workflow.EmailSent
	}
	if inv.UpdatedDateUTC != "" {
		if r.Updated, err = xero.ParseTime(inv.UpdatedDateUTC); err != nil {
			return r, err
		}
		r.SyncToken = fmt.Sprint(r.Updated.UnixMilli())
	}
	if r.Lines, err = remoteLines(inv.LineItems, cur); err != nil {
		return r, fmt.Errorf("xero invoice %s: %w", inv.InvoiceID, err)
	}
	return r, nil
}

// remoteLines reads Xero lines exactly. A line with no item and a negative
// amount is a discount, held (as workflow.RemoteLine says) with a positive
// Amount.
func remoteLines(lines []xero.LineItem, cur money.Currency) ([]workflow.RemoteLine, error) {
	var out []workflow.RemoteLine
	for i, l := range lines {
		amt, err := l.LineAmount.Amount(cur)
		if err != nil {
			return nil, fmt.Errorf("line %d LineAmount: %w", i+1, err)
		}
		if l.ItemCode == "" && amt < 0 {
			out = append(out, workflow.RemoteLine{Discount: true, Amount: -amt, Description: l.Description})
			continue
		}
		r := workflow.RemoteLine{ItemID: l.ItemCode, Amount: amt, Description: l.Description}
		if r.Qty, err = l.Quantity.Hours(); err != nil {
			return nil, fmt.Errorf("line %d Quantity: %w", i+1, err)
		}
		if r.UnitPrice, err = l.UnitAmount.Amount(cur); err != nil {
			return nil, fmt.Errorf("line %d UnitAmount: %w", i+1, err)
		}
		out = append(out, r)
	}
	return out, nil
}
