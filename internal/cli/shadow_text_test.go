package cli

import (
	"strings"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/shadow"
	"billbot/internal/workflow"
	"billbot/store"
)

// The shadow report speaks of the firm's ledger: a Xero firm's compares
// with Xero everywhere, a QuickBooks firm's reads as it always has.
func TestShadowTextNamesTheLedger(t *testing.T) {
	rep := workflow.ShadowReport{
		Report: shadow.Report{
			Summary: shadow.Summary{OnlyLedger: 1, InvoicesCompared: 1},
			Clients: []shadow.ClientResult{{Client: "Acme", Currency: "USD", Docs: []string{"1001"}, LedgerTotal: 50000,
				Lines: []shadow.LineResult{{Status: shadow.OnlyLedger, Doc: "1001",
					Ledger: &shadow.LedgerLine{Item: "Tax", Qty: 10000, UnitPrice: 50000, Amount: 50000}}}}},
		},
		PeriodEnds: []billing.Date{billing.MustDate("2026-10-31")},
		From:       billing.MustDate("2026-10-31"), To: billing.MustDate("2026-11-30"),
		History: []store.ShadowRun{{Summary: shadow.Summary{PeriodEnd: billing.MustDate("2026-10-31"), OnlyLedger: 1}, Runs: 1}},
	}
	for _, tc := range []struct {
		ledger string
		want   []string
	}{
		{"QuickBooks", []string{"in QuickBooks\n", "(nothing was written to QuickBooks,", "QuickBooks USD 500.00 (1001)", "only in QuickBooks\n", "    QuickBooks  ", "ONLY QUICKBOOKS", "1 only in QuickBooks\n"}},
		{"Xero", []string{"in Xero\n", "(nothing was written to Xero,", "Xero USD 500.00 (1001)", "only in Xero\n", "    Xero        ", "ONLY XERO", "1 only in Xero\n"}},
	} {
		var out strings.Builder
		printShadowText(&out, rep, tc.ledger)
		text := out.String()
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: output lacks %q:\n%s", tc.ledger, w, text)
			}
		}
		if tc.ledger == "Xero" && strings.Contains(strings.ToLower(text), "quickbooks") {
			t.Errorf("a Xero firm's shadow names QuickBooks:\n%s", text)
		}
	}
}
