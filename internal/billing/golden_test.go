package billing

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json")

// golden compares v, as indented JSON, with testdata/<test name>.golden.json.
func golden(t *testing.T, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", t.Name()+".golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("update golden: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// TestAssessGolden drafts a month with every kind of engagement and
// exception, so a review of the golden file shows invoices as a partner
// would see them.
func TestAssessGolden(t *testing.T) {
	in := testInput(
		te(1, 100, "Tax Prep", "2026-10-02", "1.33", rate("180.00")),
		te(2, 100, "Tax Prep", "2026-10-15", "0.25"),
		te(3, 100, "Bookkeeping", "2026-10-20", "7.5"),
		te(4, 100, "Tax Prep", "2026-09-20", "1", approvedAt("2026-10-05T15:00:00Z")),
		te(5, 101, "Review", "2026-10-03", "2"),
		te(6, 200, "Advice", "2026-10-01", "6"),
		te(7, 200, "Advice", "2026-10-09", "3.5"),
		te(8, 300, "Consulting", "2026-10-07", "0.33"),
		te(9, 300, "Consulting", "2026-10-08", "0.67"),
		te(10, 400, "Audit", "2026-10-08", "3"),
		te(11, 999, "Audit", "2026-10-08", "3", func(e *TimeEntry) { e.Client = "Wayne Ent"; e.Project = "Wayne 2026" }),
		te(12, 100, "Tax Prep", "2026-10-12", "2", unapproved),
		te(13, 100, "Tax Prep", "2026-11-01", "2"),
		te(14, 500, "Audit", "2026-10-12", "2.25", currency("EUR")),
	)
	in.Retainers = map[string]RetainerUsage{"globex-ret": {BlockHours: hrs("40"), UsedHours: hrs("24"), Blocks: 1}}
	r := Assess(in)
	checkInvariants(t, in.Entries, r)
	golden(t, r)
}
