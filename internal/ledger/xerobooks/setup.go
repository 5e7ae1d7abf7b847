package xerobooks

import (
	"context"
	"fmt"
	"sort"

	firmsetup "billbot/internal/setup"
	"billbot/internal/xero"
)

var _ firmsetup.Ledger = (*Books)(nil)

// ReadLedger implements firmsetup.Ledger: Xero's contacts as customers (the
// ContactID is what the firm file's customer id holds), the sold items by
// name (lines name them by ItemCode; Items maps either), and the sales
// payment terms the contacts carry as terms. Xero has no list of terms:
// each contact may have its own PaymentTerms.Sales
// (developer.xero.com/documentation/api/accounting/types#payment-terms).
// Only "days after the invoice date" is a number of days billbot's
// terms_days can hold; a contact with a month-based rule gets no term, and
// setup asks for its terms as for a customer without any.
func (b *Books) ReadLedger(ctx context.Context) (firmsetup.LedgerListing, error) {
	var out firmsetup.LedgerListing
	contacts, err := b.client.Contacts(ctx)
	if err != nil {
		return out, err
	}
	items, err := b.client.Items(ctx)
	if err != nil {
		return out, err
	}
	// Contacts pages by 100 (a last, short page ends it); Items is one call.
	out.Requests = len(contacts)/100 + 1 + 1
	terms := map[int]bool{}
	for _, c := range contacts {
		cu := firmsetup.Customer{ID: c.ContactID, Name: c.Name, Currency: c.DefaultCurrency, Email: c.EmailAddress,
			Active: c.ContactStatus == "" || c.ContactStatus == "ACTIVE"}
		if pt := c.PaymentTerms; pt != nil && pt.Sales != nil && pt.Sales.Type == xero.TermDaysAfterBillDate {
			cu.TermID = termID(pt.Sales.Day)
			terms[pt.Sales.Day] = true
		}
		out.Customers = append(out.Customers, cu)
	}
	for _, it := range items {
		name := it.Name
		if name == "" {
			name = it.Code
		}
		out.Items = append(out.Items, firmsetup.Item{ID: it.Code, Name: name, Type: "Service", Active: it.IsSold})
	}
	days := make([]int, 0, len(terms))
	for d := range terms {
		days = append(days, d)
	}
	sort.Ints(days)
	for _, d := range days {
		out.Terms = append(out.Terms, firmsetup.Term{ID: termID(d), Name: fmt.Sprintf("Net %d", d), DueDays: d, Active: true})
	}
	return out, nil
}

func termID(days int) string { return fmt.Sprintf("%s:%d", xero.TermDaysAfterBillDate, days) }
