package slackui

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestDraftNamesTheLedger: a Xero firm's draft says Xero wherever a
// QuickBooks firm's says QuickBooks, and never QuickBooks.
func TestDraftNamesTheLedger(t *testing.T) {
	d := bigDraft(40)
	d.QBOURL = "https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=1"
	d.Changes = []string{"Line 1: amount 10.00 → 12.00"}
	for _, tc := range []struct{ ledger, want, not string }{
		{"", "Open in QuickBooks", "Xero"},
		{"Xero", "Open in Xero", "QuickBooks"},
	} {
		d.Ledger = tc.ledger
		_, blocks := DraftMessage(d, time.UTC)
		raw, err := json.Marshal(blocks)
		if err != nil {
			t.Fatal(err)
		}
		got := string(raw)
		if !strings.Contains(got, tc.want) || !strings.Contains(got, "Changed in "+ledgerName(tc.ledger)) || strings.Contains(got, tc.not) {
			t.Errorf("ledger %q: want %q and no %q in\n%s", tc.ledger, tc.want, tc.not, got)
		}
	}
}
