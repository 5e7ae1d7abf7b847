package workflow

import (
	"testing"

	"billbot/internal/billing"
	"billbot/store"
)

// namedLedger is a Ledger that says only its name.
type namedLedger struct {
	Ledger
	name string
}

func (n namedLedger) Name() string { return n.name }

// The exceptions are grouped under titles in the words of the firm's
// ledger: a Xero firm reads of Xero, a QuickBooks firm as it always has.
func TestGroupExceptionsNameTheLedger(t *testing.T) {
	exs := []store.Exception{
		{ID: 1, Problem: billing.Problem{Code: billing.ExClientUnmapped, Client: "Acme"}},
		{ID: 2, Problem: billing.Problem{Code: billing.ExItemUnmapped, Client: "Acme"}},
		{ID: 3, Problem: billing.Problem{Code: billing.ExTotalMismatch, Client: "Acme"}},
	}
	for _, tc := range []struct {
		ledger Ledger
		want   map[billing.ExceptionCode]string
	}{
		{nil, map[billing.ExceptionCode]string{billing.ExClientUnmapped: "Clients not in QuickBooks",
			billing.ExItemUnmapped: "Tasks without a QuickBooks item", billing.ExTotalMismatch: "QuickBooks total mismatches"}},
		{namedLedger{name: "Xero"}, map[billing.ExceptionCode]string{billing.ExClientUnmapped: "Clients not in Xero",
			billing.ExItemUnmapped: "Tasks without a Xero item", billing.ExTotalMismatch: "Xero total mismatches"}},
	} {
		w := &Workflow{ledger: tc.ledger}
		groups := w.GroupExceptions(exs)
		if len(groups) != len(tc.want) {
			t.Fatalf("%d groups, want %d", len(groups), len(tc.want))
		}
		for _, g := range groups {
			if g.Title != tc.want[g.Code] {
				t.Errorf("%s: title %q, want %q", g.Code, g.Title, tc.want[g.Code])
			}
		}
	}
}
