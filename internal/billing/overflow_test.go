package billing

import (
	"slices"
	"testing"

	"billbot/internal/money"
)

// TestDraftRefusesAmountsBeyondBound: time whose amount would go beyond
// money.MaxAmount on a line or an invoice — or wrap int64 on the way — is
// held by an amount_out_of_range problem naming its entries, never drafted
// and never a panic; the client's other engagements still draft.
func TestDraftRefusesAmountsBeyondBound(t *testing.T) {
	t.Parallel()
	many := func(first int64, n int, hours string) []TimeEntry {
		var out []TimeEntry
		for i := range n {
			out = append(out, te(first+int64(i), 100, "Tax Prep", "2026-10-02", hours))
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		entries []TimeEntry
	}{
		// 99,999,999 h × 195.00 = USD 19,499,999,805.00: beyond 10^12 cents.
		{"one line beyond the bound", many(1, 1, "99999999")},
		// Ten entries of 99,999,999,999,999 h: the hours alone wrap int64.
		{"hours wrap", many(1, 10, "99999999999999")},
		// Lines each within the bound whose sum is not.
		{"invoice beyond the bound", []TimeEntry{
			te(1, 100, "Tax Prep", "2026-10-02", "30000000"),
			te(2, 100, "Review", "2026-10-02", "30000000"),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := testInput(tc.entries...)
			var r Result
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("drafting panicked: %v", p)
					}
				}()
				r = Assess(in)
			}()
			var held []int64
			for _, p := range r.Problems {
				if p.Code == ExAmountRange {
					if !p.Holds || p.Engagement != "acme-2026" {
						t.Errorf("problem %+v: want a holding problem of acme-2026", p)
					}
					held = append(held, p.EntryIDs...)
				}
			}
			var want []int64
			for _, e := range tc.entries {
				want = append(want, e.ID)
			}
			if !slices.Equal(held, want) {
				t.Errorf("held entries %v, want %v (problems %+v)", held, want, r.Problems)
			}
			for _, inv := range r.Invoices {
				for _, l := range inv.Lines {
					if l.Engagement == "acme-2026" {
						t.Errorf("invoice %s bills acme-2026 anyway: %+v", inv.Key, l)
					}
					if _, err := money.Bounded(l.Amount); err != nil {
						t.Errorf("invoice %s line %+v beyond the bound", inv.Key, l)
					}
				}
				if _, err := money.Bounded(inv.Total); err != nil {
					t.Errorf("invoice %s total %d beyond the bound", inv.Key, inv.Total)
				}
			}
			if err := CheckConservation(in.Entries, r); err != nil {
				t.Error(err)
			}
		})
	}
}
