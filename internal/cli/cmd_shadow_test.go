package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/shadow"
	"billbot/internal/workflow"
	"billbot/store"
)

// -update rewrites testdata golden files; registered here only when no
// other test file of the package has registered it.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite testdata golden files")
	}
}

func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if updateGolden() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test . -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// shadowFixture is a shadow run over three clients: one agreeing, one at
// another rate with an entry left off, one only in QuickBooks, plus a
// retainer credit the firm forgot.
func shadowFixture() workflow.ShadowReport {
	usd := money.Currency("USD")
	amt := func(s string) money.Amount { return money.MustParse(s, usd) }
	line := func(item, desc, hours, rate string, ids ...int64) billing.Line {
		q, p := money.MustHours(hours), amt(rate)
		return billing.Line{Kind: billing.LineHourly, Item: item, Description: desc, Qty: q, UnitPrice: p, Amount: money.LineAmount(q, p), EntryIDs: ids}
	}
	ledger := func(item, desc, hours, rate string) shadow.LedgerLine {
		q, p := money.MustHours(hours), amt(rate)
		return shadow.LedgerLine{Item: item, Description: desc, Qty: q, UnitPrice: p, Amount: money.LineAmount(q, p)}
	}
	inv := func(client string, lines ...billing.Line) billing.Invoice {
		i := billing.Invoice{Key: strings.ToLower(strings.Fields(client)[0]) + "-2026/2026-10-31", Client: client, Currency: usd, Lines: lines}
		for _, l := range lines {
			i.Total += l.Amount
		}
		return i
	}
	entry := func(id int64, ext, day, hours, notes string) billing.TimeEntry {
		return billing.TimeEntry{ID: id, ExternalID: ext, SpentDate: billing.MustDate(day), User: "Sam Patel", Hours: money.MustHours(hours), Notes: notes}
	}
	credit := billing.Line{Kind: billing.LineRetainerCredit, Item: "Retainer", Description: "Prepaid retainer hours applied",
		Qty: money.MustHours("1"), UnitPrice: amt("-1950.00"), Amount: amt("-1950.00")}
	end := billing.MustDate("2026-10-31")
	rep := shadow.Compare(shadow.Input{
		PeriodEnd: end, HomeCurrency: usd,
		Billbot: []billing.Invoice{
			inv("Acme Corp", line("Services", "Advisory", "10", "200.00", 1, 2)),
			inv("Cedar Books", line("Services", "Advisory, October", "5", "100.00", 3, 4)),
			inv("Granite Dental", line("Services", "Advisory", "10", "195.00", 5), credit),
		},
		Ledger: []shadow.LedgerInvoice{
			{DocNumber: "F-1001", Client: "Acme Corp", Currency: usd, Lines: []shadow.LedgerLine{ledger("Services", "Advisory", "10", "200.00")}},
			{DocNumber: "F-1003", Client: "Cedar Books", Currency: usd, Lines: []shadow.LedgerLine{ledger("Services", "Advisory, October", "3", "90.00")}},
			{DocNumber: "F-1004", Client: "Granite Dental", Currency: usd, Lines: []shadow.LedgerLine{ledger("Services", "Advisory", "10", "195.00")}},
			{DocNumber: "F-1005", Client: "Fern Gallery", Currency: usd, Lines: []shadow.LedgerLine{ledger("Services", "Gallery appraisal", "2.5", "100.00")}},
		},
		Entries: map[int64]billing.TimeEntry{
			1: entry(1, "a1", "2026-10-06", "6", "Advisory work"), 2: entry(2, "a2", "2026-10-20", "4", "Advisory work"),
			3: entry(3, "c1", "2026-10-08", "3", "Year-end planning"), 4: entry(4, "c2", "2026-10-22", "2", "Call with the \"CFO\""),
			5: entry(5, "g1", "2026-10-12", "10", "Advisory work"),
		},
	})
	at := time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)
	sep := shadow.Summary{PeriodEnd: billing.MustDate("2026-09-30"), Currency: usd, AmountAgreed: amt("9000.00"), AmountCompared: amt("10000.00"),
		InvoicesAgreed: 3, InvoicesCompared: 4, Same: 9, Differs: 1}
	return workflow.ShadowReport{
		Report: rep, PeriodEnds: []billing.Date{end}, From: end, To: end.AddDays(workflow.LedgerWindowDays),
		Problems: []billing.Problem{{Code: billing.ExUnapproved, Message: "Entry h9 is unapproved."}},
		History:  []store.ShadowRun{{Summary: rep.Summary, RanAt: at, Actor: "cli", Runs: 2}, {Summary: sep, RanAt: at.AddDate(0, -1, 0), Actor: "scheduler", Runs: 1}},
	}
}

func TestShadowTextGolden(t *testing.T) {
	var b bytes.Buffer
	printShadowText(&b, shadowFixture(), "QuickBooks")
	golden(t, "shadow.golden.txt", b.Bytes())
}

func TestShadowCSVGolden(t *testing.T) {
	var b bytes.Buffer
	if err := printShadowCSV(&b, shadowFixture()); err != nil {
		t.Fatal(err)
	}
	golden(t, "shadow.golden.csv", b.Bytes())
}

// TestCLIShadowBadInput: bad flags are usage errors (exit 2); without
// QuickBooks the command says what to do and stores nothing.
func TestCLIShadowBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"shadow", "--format", "xml"},
		{"shadow", "--period-end", "31/10/2026"},
		{"shadow", "october"},
	} {
		_, _, err := runCLI(t, dir, nil, args...)
		if err == nil || exitCode(err) != 2 {
			t.Errorf("%v: want a usage error (exit 2), got %v", args, err)
		}
	}
	if _, _, err := runCLI(t, dir, nil, "config", "import", filepath.Join("..", "..", "examples", "firm.yml")); err != nil {
		t.Fatal(err)
	}
	_, _, err := runCLI(t, dir, nil, "shadow", "--period-end", "2026-10-31")
	if err == nil || !strings.Contains(err.Error(), "QuickBooks") || !strings.Contains(err.Error(), "qbo connect") {
		t.Errorf("shadow without QuickBooks: %v", err)
	}
}
