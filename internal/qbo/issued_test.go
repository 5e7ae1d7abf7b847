package qbo

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"billbot/internal/qbo/qbosandbox"
)

// TestIssuedInvoices plants invoices for 150 customers on three dates and
// reads back those of 120 customers in a two-day window: customers in IN
// lists of 100, every page followed, nothing written.
func TestIssuedInvoices(t *testing.T) {
	t.Parallel()
	srv := newSandbox(t, qbosandbox.Options{})
	item := srv.SeedItem(qbosandbox.Item{Name: "Services"})
	var custs []string
	for i := range 150 {
		custs = append(custs, srv.SeedCustomer(qbosandbox.Customer{DisplayName: fmt.Sprintf("Client %03d", i)}))
	}
	want := map[string]bool{}
	for i, cust := range custs {
		for _, day := range []string{"2026-10-30", "2026-10-31", "2026-11-06", "2026-11-07"} {
			inv := Invoice{
				DocNumber: fmt.Sprintf("F-%d-%s", i, day), TxnDate: day, CustomerRef: &Ref{Value: cust},
				Line: []Line{{Amount: "100.00", DetailType: SalesItemLine, Description: "Advisory",
					SalesItemLineDetail: &SalesItemLineDetail{ItemRef: &Ref{Value: item}, Qty: "1", UnitPrice: "100.00"}}},
			}
			if _, err := srv.SeedInvoice(inv); err != nil {
				t.Fatal(err)
			}
			if i >= 10 && i < 130 && day >= "2026-10-31" && day <= "2026-11-06" {
				want[inv.DocNumber] = true
			}
		}
	}
	c := sandboxClient(t, srv, 5*time.Second, WithPageSize(50))
	got, err := c.IssuedInvoices(t.Context(), custs[10:130], "2026-10-31", "2026-11-06")
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, inv := range got {
		if !want[inv.DocNumber] {
			t.Errorf("unexpected invoice %s (customer %s, %s)", inv.DocNumber, inv.CustomerRef.Value, inv.TxnDate)
		}
		docs = append(docs, inv.DocNumber)
	}
	sort.Strings(docs)
	if len(docs) != len(want) {
		t.Errorf("got %d invoices, want %d", len(docs), len(want))
	}
	// 100 customers → 200 invoices: 4 full pages and an empty one; 20
	// customers → 40 invoices: a page of 40.
	if q := srv.Calls()["GET query"]; q != 6 {
		t.Errorf("queries = %d, want 6", q)
	}
	if w := srv.Writes(); w != 0 {
		t.Errorf("writes = %d, want 0", w)
	}
}
