package loadtest

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/app"
	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
	"billbot/store/storetest"
)

// saveInvoice stores one invoice through the store's own writes: a draft,
// then a transition to state with its balance.
func saveInvoice(t *testing.T, st *store.Store, key, client string, cur money.Currency, state store.InvoiceState, invDate billing.Date, total, balance money.Amount) {
	t.Helper()
	inv := billing.Invoice{
		Key: key, Client: client, Currency: cur, InvoiceDate: invDate, DueDate: invDate.AddDays(30),
		Managers: []string{ManagerID(1)}, Subtotal: total, Total: total,
		Lines: []billing.Line{{Kind: billing.LineFixed, Description: "Fee", Qty: money.MustHours("1"), UnitPrice: total, Amount: total}},
	}
	saved, _, err := st.SaveDraft(t.Context(), inv, "U0TEST")
	if err != nil {
		t.Fatalf("SaveDraft %s: %v", key, err)
	}
	if state == store.StateDraft {
		return
	}
	if _, err := storetest.Move(t.Context(), st, saved.ID, state, "U0TEST",
		func(i *store.Invoice) { i.Balance, i.DocNumber = balance, key }); err != nil {
		t.Fatalf("Transition %s: %v", key, err)
	}
}

// TestAgingReadsWiderWindowsWhenNeeded proves on both databases that the
// workflow's aging equals the whole-invoice one when the receivables
// outlast three months of sales (USD: a year suffices) and when they
// outlast all of them (CAD: the whole history is read and the DSO is
// incomplete), and that status counts agree too.
func TestAgingReadsWiderWindowsWhenNeeded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		small := Size{Clients: 10, Managers: 2, Invoices: 10, Entries: 0}
		raw := FirmYAML(small)
		f, err := configBilling(raw)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SaveConfig(ctx, raw, f.clients, f.engs, "U0TEST"); err != nil {
			t.Fatal(err)
		}
		usd, cad := ClientName(1), ClientName(5) // client 5 bills in CAD
		for i := range 24 {
			d := billing.DateOf(time.Date(2024, time.December+time.Month(i), 1, 0, 0, 0, 0, time.UTC))
			saveInvoice(t, st, fmt.Sprintf("usd-%02d", i), usd, "USD", store.StatePaid, d, 100000, 0)
			saveInvoice(t, st, fmt.Sprintf("cad-%02d", i), cad, "CAD", store.StatePaid, d, 10000, 0)
		}
		// Six months of USD sales open: more than three months cover.
		for i := range 6 {
			d := billing.DateOf(time.Date(2026, time.June+time.Month(i), 15, 0, 0, 0, 0, time.UTC))
			saveInvoice(t, st, fmt.Sprintf("usd-open-%d", i), usd, "USD", store.StateSent, d, 300000, 300000-money.Amount(i)*1000)
		}
		// More CAD open than two years of CAD sales: an invoice dated after
		// the as-of day is receivable but not yet a sale.
		saveInvoice(t, st, "cad-open", cad, "CAD", store.StateSent, billing.MustDate("2026-12-05"), 900000, 900000)
		saveInvoice(t, st, "cad-held", cad, "CAD", store.StateHeld, billing.MustDate("2026-11-05"), 7000, 0)
		saveInvoice(t, st, "usd-pending", usd, "USD", store.StatePending, billing.MustDate("2026-11-05"), 8000, 0)

		now := time.Date(2026, 11, 20, 20, 0, 0, 0, time.UTC)
		wf := app.Assemble(app.Parts{Store: st, Now: func() time.Time { return now }}).Workflow
		asOf := billing.MustDate("2026-11-20")
		for _, tc := range []struct{ client, manager string }{{"", ""}, {usd, ""}, {cad, ""}, {"", ManagerID(1)}} {
			got, err := wf.Aging(ctx, asOf, tc.client, tc.manager)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(slowAging(t, st, tc.client, tc.manager, asOf), got); diff != "" {
				t.Errorf("Aging(%q, %q) differs (-whole invoices +fast):\n%s", tc.client, tc.manager, diff)
			}
		}
		all, err := wf.Aging(ctx, asOf, "", "")
		if err != nil {
			t.Fatal(err)
		}
		// USD's DSO spans more than three months (so the year was read),
		// CAD's runs out of history.
		want := map[money.Currency]bool{"CAD": false, "USD": true}
		for _, d := range all.DSO {
			if d.Complete != want[d.Currency] {
				t.Errorf("DSO %s complete = %v, want %v", d.Currency, d.Complete, want[d.Currency])
			}
			if d.Currency == "USD" && (d.Tenths <= 10*(20+31+30) || d.Tenths > 10*366) {
				t.Errorf("DSO USD = %d tenths, want more than three months and less than a year", d.Tenths)
			}
		}
		for _, client := range []string{"", usd, cad} {
			got, err := wf.Status(ctx, client)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(slowStatus(t, st, client, billing.DateIn(now, mustLocation(t, "America/New_York"))), got); diff != "" {
				t.Errorf("Status(%q) differs (-whole invoices +fast):\n%s", client, diff)
			}
		}
	})
}
