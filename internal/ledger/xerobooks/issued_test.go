package xerobooks

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/shadow"
)

// TestIssuedInvoices: shadow reads the contact's authorised and paid sales
// invoices dated in the window, with lines as qbobooks reads QBO's — item
// names, quantities to 4 decimals, unit prices, a negative discount — and
// leaves out drafts, voided invoices, other contacts and other dates.
func TestIssuedInvoices(t *testing.T) {
	f := setup(t)
	ctx := t.Context()
	create := func(key, date string, c billing.Client, send, void bool) string {
		t.Helper()
		cur := c.Currency
		inv := invoice(key, cur,
			line(billing.LineHourly, "Tax Preparation", "1.3333", "195.00", cur),
			line(billing.LineHourly, "Bookkeeping", "7.25", "95.00", cur),
			discount("-20.00", cur))
		inv.InvoiceDate = billing.MustDate(date)
		r, err := f.books.CreateDraft(ctx, inv, c, f.items)
		if err != nil {
			t.Fatal(err)
		}
		if send {
			if _, err := f.books.Send(ctx, r.ID, c.Email, "send-"+key); err != nil {
				t.Fatal(err)
			}
		}
		if void {
			if _, err := f.books.Void(ctx, r.ID, "void-"+key); err != nil {
				t.Fatal(err)
			}
		}
		return r.ID
	}
	issued := create("acme-nov", "2026-11-30", f.acme, true, false)
	paid := create("acme-nov-2", "2026-12-02", f.acme, true, false)
	if _, err := f.srv.Pay(paid, 1); err != nil {
		t.Fatal(err)
	}
	create("acme-draft", "2026-11-30", f.acme, false, false)
	create("acme-void", "2026-11-30", f.acme, true, true)
	create("acme-before", "2026-11-29", f.acme, true, false)
	create("acme-after", "2026-12-07", f.acme, true, false)
	create("zeta-nov", "2026-11-30", f.euro, true, false)

	got, err := f.books.IssuedInvoices(ctx, []string{f.acme.LedgerCustomerID}, billing.MustDate("2026-11-30"), billing.MustDate("2026-12-06"), f.items)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Invoice.ID != issued || got[1].Invoice.ID != paid {
		t.Fatalf("issued %+v, want %s and %s", got, issued, paid)
	}
	usd := func(s string) money.Amount { return money.MustParse(s, "USD") }
	wantLines := []shadow.LedgerLine{
		{Item: "Tax Preparation", Description: "Tax Preparation work", Qty: money.MustHours("1.3333"), UnitPrice: usd("195.00"), Amount: usd("259.99")},
		{Item: "Bookkeeping", Description: "Bookkeeping work", Qty: money.MustHours("7.25"), UnitPrice: usd("95.00"), Amount: usd("688.75")},
		{Description: "Discount", Discount: true, Qty: money.HoursScale, UnitPrice: usd("-20.00"), Amount: usd("-20.00")},
	}
	g := got[0]
	if g.CustomerID != f.acme.LedgerCustomerID || g.Invoice.TxnDate != billing.MustDate("2026-11-30") || g.Invoice.Currency != "USD" || g.Invoice.DocNumber == "" {
		t.Errorf("invoice %+v", g)
	}
	if d := cmp.Diff(wantLines, g.Invoice.Lines); d != "" {
		t.Errorf("lines (-want +got):\n%s", d)
	}
	all, err := f.books.IssuedInvoices(ctx, nil, billing.MustDate("2026-11-30"), billing.MustDate("2026-11-30"), f.items)
	if err != nil || len(all) != 2 {
		t.Errorf("every contact's on 2026-11-30: %d, %v; want acme's and zeta's", len(all), err)
	}
}

// TestIssuedInvoicesManyContacts: a firm of more contacts than one call
// names is read 50 contacts a call, and every contact's invoice is found.
func TestIssuedInvoicesManyContacts(t *testing.T) {
	f := setup(t)
	ctx := t.Context()
	ids := []string{f.acme.LedgerCustomerID}
	for i := range 60 {
		ids = append(ids, f.srv.AddContact(fmt.Sprintf("Client %02d", i), fmt.Sprintf("ap%02d@example.com", i), "USD"))
	}
	var want []string
	for _, id := range []string{ids[0], ids[60]} {
		c := billing.Client{Name: "x", Currency: "USD", LedgerCustomerID: id}
		r, err := f.books.CreateDraft(ctx, invoice("k-"+id, "USD", line(billing.LineHourly, "Bookkeeping", "1", "95.00", "USD")), c, f.items)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.books.Send(ctx, r.ID, "", "s-"+id); err != nil {
			t.Fatal(err)
		}
		want = append(want, r.ID)
	}
	before := f.srv.Calls()["GET Invoices"]
	got, err := f.books.IssuedInvoices(ctx, ids, billing.MustDate("2026-11-01"), billing.MustDate("2026-11-30"), f.items)
	if err != nil {
		t.Fatal(err)
	}
	var gotIDs []string
	for _, g := range got {
		gotIDs = append(gotIDs, g.Invoice.ID)
	}
	if d := cmp.Diff(want, gotIDs); d != "" {
		t.Errorf("issued (-want +got):\n%s", d)
	}
	if n := f.srv.Calls()["GET Invoices"] - before; n != 2 {
		t.Errorf("%d calls for 61 contacts, want 2 (50 a call)", n)
	}
}
