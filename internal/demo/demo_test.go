package demo

import (
	"bytes"
	"strings"
	"testing"

	"billbot/store"
)

func TestDemoReconciles(t *testing.T) {
	var out bytes.Buffer
	sum, err := Run(t.Context(), Options{Out: &out, Dir: t.TempDir()})
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	if !sum.Reconciled {
		t.Fatalf("not reconciled: %v", sum.ReconcileErrors)
	}
	if sum.DuplicateQBO != 0 || sum.QBOMismatches != 0 {
		t.Errorf("duplicates %d, mismatches %d", sum.DuplicateQBO, sum.QBOMismatches)
	}
	if got := sum.ByState[store.StateHeld]; got != 1 {
		t.Errorf("held invoices = %d, want 1", got)
	}
	if sum.ByState[store.StatePaid] == 0 || sum.ByState[store.StateSent] == 0 {
		t.Errorf("want some paid and some unpaid invoices, got %v", sum.ByState)
	}
	text := out.String()
	for _, want := range []string{
		"the sync job pulls October's time from Harvest",
		"Orphaned entries", "Rate mismatches", "Retainers at 80 %", "Unapproved time", "Clients not in QuickBooks",
		"refused", "write-down: efficiency", "holds " + HeldClient, "supplemental invoice",
		"reminders sent through QuickBooks", "escalation DMs", "AR AGING", "✓ reconciled",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
}

func TestDemoIsReproducible(t *testing.T) {
	a, b := NewFirm(october(), 7), NewFirm(october(), 7)
	if !bytes.Equal(a.ConfigYAML, b.ConfigYAML) || len(a.Harvest.Entries) != len(b.Harvest.Entries) {
		t.Fatal("the same seed made different firms")
	}
	if len(clientNames) != 48 {
		t.Errorf("%d clients, want 48", len(clientNames))
	}
}
