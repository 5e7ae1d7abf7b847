package billing

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestAssessInvoiceHeader(t *testing.T) {
	t.Parallel()
	in := testInput(
		te(1, 100, "Tax Prep", "2026-10-02", "1.5"),
		te(2, 101, "Review", "2026-10-03", "2"),
	)
	r := Assess(in)
	if len(r.Invoices) != 1 {
		t.Fatalf("got %d invoices, want 1", len(r.Invoices))
	}
	got := r.Invoices[0]
	got.Lines, got.Notes = nil, nil
	want := Invoice{
		Key:         "acme-corp/2026-10-31",
		Client:      "Acme Corp",
		Currency:    "USD",
		Period:      Period{MustDate("2026-10-01"), MustDate("2026-10-31")},
		InvoiceDate: MustDate("2026-10-31"),
		DueDate:     MustDate("2026-11-15"), // the shorter of 30 and 15 days
		Engagements: []string{"acme-2026", "acme-ff"},
		Partners:    []string{"UP1", "UP2"},
		Managers:    []string{"UM1"},
		Subtotal:    usd("1792.50"), // 1.5 × 195.00 + 1500.00
		Total:       usd("1792.50"),
		Hours:       hrs("1.5"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("invoice (-want +got):\n%s", diff)
	}
	if d := r.Invoices[0].Lines[0].Description; d != "Tax Prep — 2026-10-01 to 2026-10-31 (1 entry)" {
		t.Errorf("description = %q", d)
	}
}

func TestAssessRetainerUsage(t *testing.T) {
	t.Parallel()
	in := testInput(te(1, 200, "Advice", "2026-10-01", "33"))
	r := Assess(in)
	want := map[string]RetainerUsage{"globex-ret": {Engagement: "globex-ret", BlockHours: hrs("40"), UsedHours: hrs("33"), Blocks: 1}}
	if diff := cmp.Diff(want, r.Retainers); diff != "" {
		t.Errorf("retainers (-want +got):\n%s", diff)
	}
	var block *Invoice
	for i := range r.Invoices {
		if r.Invoices[i].Replenish {
			block = &r.Invoices[i]
		}
	}
	if block == nil || block.Key != "globex/retainer/globex-ret/block-2" || block.Total != usd("7800.00") || block.DueDate != MustDate("2026-11-30") {
		t.Errorf("replenishment invoice = %+v", block)
	}
	var msg string
	for _, p := range r.Problems {
		if p.Code == ExRetainerThreshold {
			msg = p.Message
		}
	}
	if !strings.Contains(msg, "82.5 %") {
		t.Errorf("threshold message %q does not say 82.5 %%", msg)
	}
}

func TestSupplemental(t *testing.T) {
	t.Parallel()
	entries := []TimeEntry{
		te(1, 100, "Tax Prep", "2026-09-20", "1", approvedAt("2026-10-05T15:00:00Z")),
		te(2, 100, "Tax Prep", "2026-10-10", "2"),
		te(3, 101, "Review", "2026-09-15", "1", approvedAt("2026-10-05T15:00:00Z")),
		te(4, 200, "Advice", "2026-09-15", "1", approvedAt("2026-10-05T15:00:00Z")),
	}
	in := testInput(entries...)
	r := Supplemental(in, []int64{3, 1, 99})
	wantKey := "acme-corp/2026-10-31/supplemental-" + idsHash([]int64{1, 3})
	want := []lineSum{
		{wantKey, LineHourly, "acme-2026", "Tax Prep", "Tax Preparation", "1.00", "195.00", "195.00", []int64{1}, true},
		{wantKey, LineFixed, "acme-ff", "", "Fixed fee", "1.00", "0.00", "0.00", []int64{3}, true},
	}
	if diff := cmp.Diff(want, lineSums(r), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if len(r.Invoices) != 1 || !r.Invoices[0].Supplemental || r.Invoices[0].Total != usd("195.00") {
		t.Fatalf("invoices = %+v", r.Invoices)
	}
	checkInvariants(t, []TimeEntry{entries[0], entries[2]}, r)
	if other := Supplemental(in, []int64{1}); other.Invoices[0].Key == wantKey {
		t.Errorf("different entries gave the same key %s", wantKey)
	}
	if again := Supplemental(in, []int64{1, 3}); again.Invoices[0].Key != wantKey {
		t.Errorf("key not deterministic: %s vs %s", again.Invoices[0].Key, wantKey)
	}
}

func TestSlug(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Acme Corp":         "acme-corp",
		"  O'Brien & Sons ": "o-brien-sons",
		"Müller GmbH":       "m-ller-gmbh",
		"ACME--Corp 2026":   "acme-corp-2026",
		"":                  "client",
		"株式会社":              "client",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRateMismatchMessageNamesBothRates(t *testing.T) {
	t.Parallel()
	r := Assess(testInput(te(1, 100, "Tax Prep", "2026-10-05", "1", rate("180.00"))))
	for _, p := range r.Problems {
		if p.Code == ExRateMismatch && !(strings.Contains(p.Message, "180.00") && strings.Contains(p.Message, "195.00")) {
			t.Errorf("message %q does not name both rates", p.Message)
		}
	}
}
