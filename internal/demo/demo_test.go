package demo

import (
	"bytes"
	"flag"
	"image/png"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/config"
	"billbot/store"
)

func TestDemoReconciles(t *testing.T) {
	var out bytes.Buffer
	charts := t.TempDir()
	sum, err := Run(t.Context(), Options{Out: &out, Dir: t.TempDir(), ChartDir: charts})
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	// The closing /billing kpis reply's chart is saved where asked: a
	// 900×500 PNG.
	b, err := os.ReadFile(filepath.Join(charts, ChartFile))
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(b)); err != nil || cfg.Width != 900 || cfg.Height != 500 {
		t.Errorf("saved chart: %+v %v, want a 900×500 PNG", cfg, err)
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
	golden(t, "transcript.golden.txt", text[:strings.LastIndex(text, "\nThe database is kept in")])
	for _, want := range []string{
		"billbot setup --out firm.yml", "one shadow cycle", "differs (rate, amount)", "Prepaid retainer hours applied",
		"go-live: the cut-over moves to October",
		"the sync job pulls October's time from Harvest",
		"Orphaned entries", "Rate mismatches", "Retainers at 80 %", "Unapproved time", "Clients not in QuickBooks",
		"refused", "write-down: efficiency", "holds " + HeldClient, "supplemental invoice",
		"reminders sent through QuickBooks", "escalation DMs", "AR AGING", "✓ reconciled",
		"/billing invoice", "clicks Mark disputed on the detail", "Disputed — collections paused",
		"it is disputed, so collections skip it", "chooses withdrawn", "collections resumed",
		"/billing kpis 2026-10", "BILLING FIGURES · OCTOBER 2026", "Staff ", "DSO trend USD",
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

var update = flag.Bool("update", false, "rewrite testdata golden files")

// golden compares got with testdata/name; -update rewrites it. The
// transcript is reproducible (seed 42, the story's own clock): review its
// diff like code.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./internal/demo -update)", err)
	}
	if string(want) != got {
		t.Errorf("transcript differs from %s (go test ./internal/demo -update, then review the diff):\n%s", path, got)
	}
}

// TestDemoOnXero: the same firm keeping its books in Xero tells the same
// story — setup and shadow read Xero, payments arrive through Xero's
// signed webhook — reconciles (every invoice's total is Xero's Total), and
// bills each client what the QuickBooks run bills it.
func TestDemoOnXero(t *testing.T) {
	runs := map[config.Ledger]Summary{}
	texts := map[config.Ledger]string{}
	for _, l := range []config.Ledger{config.LedgerQuickBooks, config.LedgerXero} {
		var out bytes.Buffer
		sum, err := Run(t.Context(), Options{Out: &out, Ledger: l})
		if err != nil {
			t.Fatalf("demo on %s: %v\n%s", l, err, out.String())
		}
		if !sum.Reconciled || sum.QBOMismatches != 0 || sum.DuplicateQBO != 0 {
			t.Fatalf("on %s: reconciled %v, mismatches %d, duplicates %d: %v", l, sum.Reconciled, sum.QBOMismatches, sum.DuplicateQBO, sum.ReconcileErrors)
		}
		runs[l], texts[l] = sum, out.String()
	}
	q, x := runs[config.LedgerQuickBooks], runs[config.LedgerXero]
	if x.Ledger != config.LedgerXero {
		t.Errorf("summary's ledger %q", x.Ledger)
	}
	if len(x.ByClient) == 0 {
		t.Fatal("no invoices on Xero")
	}
	if d := cmp.Diff(q.ByClient, x.ByClient); d != "" {
		t.Errorf("invoice totals by client, QuickBooks (-) vs Xero (+):\n%s", d)
	}
	if d := cmp.Diff(q.ByState, x.ByState); d != "" {
		t.Errorf("invoices by state, QuickBooks (-) vs Xero (+):\n%s", d)
	}
	if d := cmp.Diff(q.Totals, x.Totals); d != "" {
		t.Errorf("invoiced, QuickBooks (-) vs Xero (+):\n%s", d)
	}
	if d := cmp.Diff(q.Collected, x.Collected); d != "" {
		t.Errorf("collected, QuickBooks (-) vs Xero (+):\n%s", d)
	}
	text := texts[config.LedgerXero]
	for _, want := range []string{
		"billbot setup reads Harvest, Xero and Slack", "one shadow cycle", "differs (rate, amount)",
		"payments arrive in Xero; Xero's webhook tells billbot", "the signed webhook (HTTP 200)", "reminders sent through Xero", "✓ reconciled",
		"every invoice equals Xero's Total",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("Xero transcript lacks %q", want)
		}
	}
	if strings.Contains(text, "QuickBooks") && t.Failed() {
		t.Logf("\n%s", text)
	}
}

// TestDemoOnEachSource: the same story on every time source bills the same
// invoices, holds the same exceptions and reconciles, through one code
// path (timeworld's sandboxes and each source's adapter).
func TestDemoOnEachSource(t *testing.T) {
	want, err := Run(t.Context(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, source := range demoSources[1:] {
		t.Run(string(source), func(t *testing.T) {
			var out bytes.Buffer
			got, err := Run(t.Context(), Options{Out: &out, Source: source})
			if err != nil {
				t.Fatalf("demo: %v\n%s", err, out.String())
			}
			if !got.Reconciled {
				t.Fatalf("not reconciled: %v", got.ReconcileErrors)
			}
			if got.Entries != want.Entries || got.HoursBilled != want.HoursBilled || got.Invoices != want.Invoices ||
				!maps.Equal(got.Totals, want.Totals) || !maps.Equal(got.Outstanding, want.Outstanding) ||
				!maps.Equal(got.ByState, want.ByState) || !maps.Equal(got.OpenExceptions, want.OpenExceptions) {
				t.Errorf("on %s: %+v\non Harvest: %+v", source, got, want)
			}
			text := out.String()
			for _, s := range []string{"the sync job pulls October's time from " + source.Label(), "going live: billbot setup reads " + source.Label(), "time entries in " + source.Label()} {
				if !strings.Contains(text, s) {
					t.Errorf("transcript lacks %q", s)
				}
			}
			if strings.Contains(text, "Harvest") {
				t.Errorf("the %s story names Harvest:\n%s", source, text)
			}
		})
	}
}

// demoSources are the time sources the demo tells its story on, Harvest
// first.
var demoSources = config.TimeSources
