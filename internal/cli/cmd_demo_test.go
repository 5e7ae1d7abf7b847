package cli

import (
	"testing"

	"billbot/internal/config"
)

// TestDemoLedgerFlag: demo --ledger takes quickbooks or xero, nothing else.
func TestDemoLedgerFlag(t *testing.T) {
	for _, c := range []struct {
		in   string
		want config.Ledger
		ok   bool
	}{
		{"quickbooks", config.LedgerQuickBooks, true},
		{"xero", config.LedgerXero, true},
		{"Xero", "", false},
		{"qbo", "", false},
		{"", "", false},
	} {
		got, err := demoLedger(c.in)
		if got != c.want || (err == nil) != c.ok {
			t.Errorf("demoLedger(%q) = %q, %v; want %q, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}
