package cli

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/chart"
	"billbot/internal/money"
	"billbot/internal/workflow"
	"billbot/store"
)

func kpiFixture() workflow.KPIReport {
	h := money.MustHours
	return workflow.KPIReport{
		From: billing.MustDate("2026-10-01"), To: billing.MustDate("2026-10-31"),
		ByPartner: []billing.RealizationRow{{Key: "U0PARTNER1", Currency: "USD", Standard: 4825000, Billed: 4512550}},
		ByClient: []billing.RealizationRow{
			{Key: "Acme Corp", Currency: "USD", Standard: 1950000, Billed: 1780000},
			{Key: "Birch & Daughters", Currency: "USD", Standard: 2875000, Billed: 2732550},
		},
		ByStaff: []billing.RealizationRow{
			{Key: "", Currency: "USD", Standard: 450000, Billed: 450000},
			{Key: "Ann Lee", Currency: "USD", Standard: 2600000, Billed: 2380000},
			{Key: "Sam Patel", Currency: "USD", Standard: 1775000, Billed: 1682550},
		},
		WriteDowns: []store.WriteDownReason{{Reason: "first-year client", Currency: "USD", Lines: 2, Amount: 170000}, {Currency: "USD", Lines: 1, Amount: 142450}},
		Utilization: []billing.UtilizationRow{
			{Staff: "Ann Lee", Billable: h("131.5"), Capacity: billing.Capacity(h("40"), 31)},
			{Staff: "Sam Patel", Billable: h("96.25"), Capacity: billing.Capacity(h("40"), 31)},
		},
		Leakage: billing.Leakage{Logged: h("227.75"), Unbilled: h("6.5")}, LeakageThrough: billing.MustDate("2026-10-31"),
		Collections: billing.Collections{Sent: 12, Corrected: 1, Paid: 9, PaidInTerms: 7,
			BillingLag: billing.Durations{2, 2, 3, 3, 3, 4, 5, 6, 9, 14, 2, 3}, ApprovalDelay: billing.Durations{5, 20, 26, 49, 3, 70, 4, 8, 22, 30, 2, 1}},
		DSO: []billing.DSO{{Currency: "USD", Receivables: 3120000, Tenths: 384, Complete: true}},
		DSOTrend: []billing.DSOPoint{
			{Month: billing.MustDate("2026-08-01"), AsOf: billing.MustDate("2026-08-31")},
			{Month: billing.MustDate("2026-09-01"), AsOf: billing.MustDate("2026-09-30"), DSO: []billing.DSO{{Currency: "USD", Receivables: 2900000, Tenths: 412, Complete: true}}},
			{Month: billing.MustDate("2026-10-01"), AsOf: billing.MustDate("2026-10-31"), DSO: []billing.DSO{{Currency: "USD", Receivables: 3120000, Tenths: 384, Complete: true}}},
		},
	}
}

// TestReportText pins `billbot report kpis` as an operator reads it.
func TestReportText(t *testing.T) {
	var text, csv bytes.Buffer
	writeKPIText(&text, kpiFixture(), "kpis")
	golden(t, "kpis.golden.txt", text.Bytes())
	if err := writeKPICSV(&csv, kpiFixture(), "kpis"); err != nil {
		t.Fatal(err)
	}
	golden(t, "kpis.golden.csv", csv.Bytes())
	var one bytes.Buffer
	writeKPIText(&one, kpiFixture(), "utilization")
	if s := one.String(); !strings.Contains(s, "utilization") || strings.Contains(s, "realization") {
		t.Errorf("report utilization printed other sections:\n%s", s)
	}
}

// TestCLIReport runs the report over the embedded database, and refuses
// bad input with a usage message.
func TestCLIReport(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runCLI(t, dir, nil, "config", "import", filepath.Join("..", "..", "examples", "firm.yml")); err != nil {
		t.Fatalf("config import: %v", err)
	}
	out, _, err := runCLI(t, dir, nil, "report", "kpis", "--from", "2026-10-01", "--to", "2026-10-31")
	if err != nil || !strings.Contains(out, "billing figures 2026-10-01 to 2026-10-31") || !strings.Contains(out, "paid within terms") {
		t.Errorf("report kpis: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, dir, nil, "report", "collections", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "csv")
	if err != nil || !strings.HasPrefix(out, "section,key,currency,value,numerator,denominator\n") {
		t.Errorf("report collections csv: %v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"report"}, {"report", "profits"}, {"report", "kpis", "--from", "2026-13-01"},
		{"report", "kpis", "--from", "2026-10-31", "--to", "2026-10-01"}, {"report", "kpis", "--format", "pdf"},
	} {
		if _, _, err := runCLI(t, dir, nil, args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// TestCLICharts: `report kpis --chart` and `ar aging --chart` write PNGs
// of the charts' size; a name that is not .png is refused before any work.
func TestCLICharts(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runCLI(t, dir, nil, "config", "import", filepath.Join("..", "..", "examples", "firm.yml")); err != nil {
		t.Fatalf("config import: %v", err)
	}
	seedSentInvoice(t, dir)
	check := func(file string) {
		t.Helper()
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s is not a PNG: %v", file, err)
		}
		if got := img.Bounds().Size(); got != image.Pt(chart.Width, chart.Height) {
			t.Errorf("%s is %v", file, got)
		}
	}
	kpis := filepath.Join(dir, "kpis.png")
	out, _, err := runCLI(t, dir, nil, "report", "kpis", "--from", "2026-10-01", "--to", "2026-10-31", "--chart", kpis)
	if err != nil || !strings.Contains(out, "billing figures 2026-10-01 to 2026-10-31") {
		t.Fatalf("report kpis --chart: %v\n%s", err, out)
	}
	check(kpis)
	aging := filepath.Join(dir, "aging.png")
	out, _, err = runCLI(t, dir, nil, "ar", "aging", "--as-of", "2026-12-15", "--chart", aging)
	if err != nil || !strings.Contains(out, "AR aging as of 2026-12-15") {
		t.Fatalf("ar aging --chart: %v\n%s", err, out)
	}
	check(aging)
	for _, args := range [][]string{
		{"report", "kpis", "--chart", filepath.Join(dir, "k.pdf")},
		{"ar", "aging", "--chart", filepath.Join(dir, "a.jpg")},
		{"report", "collections", "--chart", filepath.Join(dir, "c.png")}, // only report kpis draws
	} {
		if _, _, err := runCLI(t, dir, nil, args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	for _, f := range []string{"k.pdf", "a.jpg", "c.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s written", f)
		}
	}
	empty := t.TempDir()
	if _, _, err := runCLI(t, empty, nil, "config", "import", filepath.Join("..", "..", "examples", "firm.yml")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, empty, nil, "ar", "aging", "--chart", filepath.Join(empty, "none.png")); err == nil || !strings.Contains(err.Error(), "nothing outstanding") {
		t.Errorf("ar aging --chart with nothing outstanding: %v", err)
	}
}
