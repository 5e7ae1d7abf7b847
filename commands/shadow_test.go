package commands_test

import (
	"strings"
	"testing"

	"billbot/commands"
	"billbot/internal/billing"
	"billbot/internal/shadow"
	"billbot/store"
	"billbot/store/storetest"
)

func TestShadow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, true)
		if r := f.do(approver, commands.Billing, "shadow"); !strings.Contains(r.Text, "No shadow cycle has been compared yet") {
			t.Errorf("no runs: %q", r.Text)
		}
		for _, sum := range []shadow.Summary{
			{PeriodEnd: billing.MustDate("2026-10-31"), Currency: "USD", AmountAgreed: 90, AmountCompared: 100, InvoicesAgreed: 2, InvoicesCompared: 3, Same: 5, Differs: 1},
			{PeriodEnd: billing.MustDate("2026-11-30"), Currency: "USD", AmountAgreed: 99, AmountCompared: 100, InvoicesAgreed: 3, InvoicesCompared: 3, Same: 6},
		} {
			if err := s.SaveShadowRun(t.Context(), sum, "cli", now()); err != nil {
				t.Fatal(err)
			}
		}
		before := f.state()
		r := f.do(approver, commands.Billing, "shadow")
		if r.Text != "Shadow mode, cycle ending Nov 30, 2026: 99.0 % agreement by amount, 100.0 % by invoice." {
			t.Errorf("latest: %q", r.Text)
		}
		if b := blocks(r); !strings.Contains(b, "Oct 31, 2026 — 90.0 % by amount, 66.7 % by invoice") {
			t.Errorf("earlier cycle missing: %s", b)
		}
		if r := f.do(approver, commands.Billing, "shadow now"); !strings.Contains(r.Text, "Nothing was changed") {
			t.Errorf("shadow with an argument: %q", r.Text)
		}
		if f.state() != before {
			t.Error("/billing shadow changed invoices or exceptions")
		}
	})
}
