package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDoctorReportsCutOverHistory: doctor says how much synced billable
// time go_live leaves out, in one line.
func TestDoctorReportsCutOverHistory(t *testing.T) {
	dir := t.TempDir()
	firm := filepath.Join(dir, "firm.yml")
	csv := filepath.Join(dir, "time.csv")
	write := func(path, s string) {
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(firm, `firm:
  name: Cut-over CPA
  go_live: 2026-03-05
clients:
  - name: Acme Corp
engagements:
  - key: acme
    client: Acme Corp
    harvest_project_id: 1
    kind: hourly
    starts_on: 2026-01-01
    partner: U0PARTNER
    rates: { "*": "195.00" }
`)
	const head = "Date,Client,Project,Project Code,Task,Notes,Hours,Hours Rounded,Billable?,Invoiced?,Approved?,First Name,Last Name,Roles,Employee?,Billable Rate,Billable Amount,Cost Rate,Cost Amount,Currency,External Reference URL\n"
	write(csv, head+
		"2026-03-02,Acme Corp,Acme,AC,Tax Prep,a,1.5,1.5,Yes,No,Yes,Kim,Allen,,Yes,195.00,292.50,0,0,US Dollar - USD,\n"+
		"2026-03-04,Acme Corp,Acme,AC,Tax Prep,b,2,2,Yes,No,No,Kim,Allen,,Yes,195.00,390.00,0,0,US Dollar - USD,\n"+
		"2026-03-04,Acme Corp,Acme,AC,Admin,c,3,3,No,No,Yes,Kim,Allen,,Yes,0,0,0,0,US Dollar - USD,\n"+
		"2026-03-05,Acme Corp,Acme,AC,Tax Prep,d,1,1,Yes,No,Yes,Kim,Allen,,Yes,195.00,195.00,0,0,US Dollar - USD,\n")
	if _, _, err := runCLI(t, dir, nil, "config", "import", firm); err != nil {
		t.Fatalf("config import: %v", err)
	}
	if _, stderr, err := runCLI(t, dir, nil, "import", "harvest-csv", csv); err != nil {
		t.Fatalf("import harvest-csv: %v %s", err, stderr)
	}
	out, _, err := runCLI(t, dir, nil, "doctor")
	if err != nil {
		t.Fatalf("doctor: %v\n%s", err, out)
	}
	want := "ok    history    go_live 2026-03-05 leave out 2 entries (3.50 h) of billable history: never billed, held or flagged\n"
	if !strings.Contains(out, want) {
		t.Errorf("doctor output lacks %q:\n%s", want, out)
	}
}
