package workflow_test

import (
	"testing"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// TestEditInvoiceDiscount: a discount set in an edit reaches the store and
// QuickBooks with its line — added where there was none, its text naming
// the percent charged — and QBO's total agrees, so the invoice stays
// pending. A held invoice is not edited.
func TestEditInvoiceDiscount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.october()
		invs := e.draft()
		ctx := t.Context()
		percent := func(s string) *money.Percent {
			p, err := money.ParsePercent(s)
			if err != nil {
				t.Fatal(err)
			}
			return &p
		}
		for _, tc := range []struct {
			name, client, partner string
			edit                  workflow.Edit
			text                  string // the discount line's; "" for none
			off                   string // percent off the undiscounted total
		}{
			{"typed where there was none", acme, partnerA, workflow.Edit{DiscountPercent: percent("10")}, "Discount 10 %", "10"},
			{"lowered from the letter's 10 %", birch, partnerB, workflow.Edit{DiscountPercent: percent("5")}, "Discount 5 %", "5"},
			{"kept when not named", birch, partnerB, workflow.Edit{Memo: "Thank you"}, "Discount 5 %", "5"},
		} {
			inv, err := e.store.Invoice(ctx, invs[tc.client].ID)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.wf.EditInvoice(ctx, inv.ID, tc.partner, tc.edit)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			var text string
			for _, l := range got.Lines {
				if l.Kind == billing.LineDiscount {
					text = l.Description
				}
			}
			want := got.Subtotal - money.PercentOf(got.Subtotal, *percent(tc.off))
			if text != tc.text || got.Total != want || got.LedgerTotal != got.Total || got.State != store.StatePending {
				t.Errorf("%s: discount line %q, total %s (QBO %s), state %s; want %q, %s, pending",
					tc.name, text, got.Total.Format("USD"), got.LedgerTotal.Format("USD"), got.State, tc.text, want.Format("USD"))
			}
		}
		// Held: released first.
		inv := invs[acme]
		if _, err := e.wf.Hold(ctx, inv.ID, partnerA, "client call"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.wf.EditInvoice(ctx, inv.ID, partnerA, workflow.Edit{DiscountPercent: percent("20")}); !isUserError(err) {
			t.Errorf("edit of a held invoice: %v, want a UserError", err)
		}
	})
}
