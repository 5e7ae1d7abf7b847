package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// importFirm is a one-client firm billing monthly since January 2026.
const importFirm = `firm:
  name: Import CPA
clients:
  - name: Acme Corp
    qbo_customer_id: "1"
engagements:
  - key: acme
    client: Acme Corp
    harvest_project_id: 1
    kind: hourly
    starts_on: 2026-01-01
    partner: U0PARTNER
    rates: { "*": "195.00" }
`

// writeFile writes s to dir/name and returns its path.
func writeFile(t *testing.T, dir, name, s string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestImportAfterCloseIsNotLate: an export of a closed cycle imported now
// is not flagged as approved late, unless --approved-at-import says the
// approvals happened at import.
func TestImportAfterCloseIsNotLate(t *testing.T) {
	const csv = "Date,Client,Project,Task,Hours,Billable?,Approved?,First Name,Last Name,Billable Rate\n" +
		"2026-03-02,Acme Corp,Acme,Tax Prep,1.5,Yes,Yes,Kim,Allen,195.00\n"
	for _, tc := range []struct {
		flags    []string
		wantLate bool
	}{
		{nil, false},
		{[]string{"--approved-at-import"}, true},
	} {
		dir := t.TempDir()
		if _, _, err := runCLI(t, dir, nil, "config", "import", writeFile(t, dir, "firm.yml", importFirm)); err != nil {
			t.Fatalf("config import: %v", err)
		}
		args := append(append([]string{"import", "harvest-csv"}, tc.flags...), writeFile(t, dir, "time.csv", csv))
		if _, stderr, err := runCLI(t, dir, nil, args...); err != nil {
			t.Fatalf("%v: %v %s", args, err, stderr)
		}
		out, _, err := runCLI(t, dir, nil, "exceptions")
		if err != nil {
			t.Fatal(err)
		}
		if late := strings.Contains(out, "late_approval"); late != tc.wantLate {
			t.Errorf("%v: late approval flagged = %v, want %v:\n%s", tc.flags, late, tc.wantLate, out)
		}
	}
}

// TestImportErrorsNameFlags: refusing an export without an Approved?
// column names the flag a person types, not a Go field.
func TestImportErrorsNameFlags(t *testing.T) {
	dir := t.TempDir()
	csv := writeFile(t, dir, "time.csv", "Date,Client,Project,Task,Hours,Billable?,First Name,Last Name,Billable Rate\n"+
		"2026-03-02,Acme Corp,Acme,Tax Prep,1.5,Yes,Kim,Allen,195.00\n")
	_, _, err := runCLI(t, dir, nil, "import", "harvest-csv", csv)
	if err == nil || !strings.Contains(err.Error(), "--assume-approved") || strings.Contains(err.Error(), "AssumeApproved") {
		t.Errorf("err = %v, want one naming --assume-approved (and no Go field)", err)
	}
}

// TestImportHelpExplainsApprovalTimes: --help says where approval times
// come from and names the flag that changes it.
func TestImportHelpExplainsApprovalTimes(t *testing.T) {
	out, _, err := runCLI(t, t.TempDir(), nil, "import", "harvest-csv", "--help")
	if exitCode(err) != 0 || !strings.Contains(out, "Approved At") || !strings.Contains(out, "--approved-at-import") {
		t.Errorf("help (%v):\n%s", err, out)
	}
}

// TestSyncRefusesAnotherSource: `sync harvest` on a firm whose time is in
// Toggl Track brings nothing in and says which command to run; a source
// without credentials says which settings to set.
func TestSyncRefusesAnotherSource(t *testing.T) {
	dir := t.TempDir()
	toggl := strings.Replace(strings.Replace(importFirm, "harvest_project_id", "source_project_id", 1), "  name: Import CPA\n", "  name: Import CPA\n  time_source: toggl\n", 1)
	if _, _, err := runCLI(t, dir, nil, "config", "import", writeFile(t, dir, "firm.yml", toggl)); err != nil {
		t.Fatalf("config import: %v", err)
	}
	env := map[string]string{"HARVEST_ACCOUNT_ID": "1", "HARVEST_ACCESS_TOKEN": "t", "HARVEST_API_URL": "http://127.0.0.1:1/v2/"}
	_, _, err := runCLI(t, dir, env, "sync", "harvest")
	if err == nil || !strings.Contains(err.Error(), "sync harvest: the firm's time source is Toggl Track (firm.time_source: toggl), not Harvest: run 'billbot sync toggl'") {
		t.Fatalf("sync harvest on a Toggl firm: %v", err)
	}
	_, _, err = runCLI(t, t.TempDir(), nil, "sync", "harvest")
	if err == nil || !strings.Contains(err.Error(), "set HARVEST_ACCOUNT_ID and HARVEST_ACCESS_TOKEN") {
		t.Fatalf("sync harvest without credentials: %v", err)
	}
}
