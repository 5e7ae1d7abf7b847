package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"billbot/internal/slacksandbox"
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

// TestConfigImportResolvesEmails: without Slack, import keeps the emails
// and says they will be resolved; with Slack, users.lookupByEmail resolves
// them, and an address nobody has stops the import.
func TestConfigImportResolvesEmails(t *testing.T) {
	dir := t.TempDir()
	firm := filepath.Join(dir, "firm.yml")
	yaml := `firm:
  name: Email CPA
  approvers: [boss@firm.example]
clients:
  - name: Acme Corp
engagements:
  - key: acme
    client: Acme Corp
    harvest_project_id: 1
    kind: hourly
    starts_on: 2026-01-01
    partner: PAT@firm.example
    rates: { "*": "195.00" }
`
	if err := os.WriteFile(firm, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, dir, nil, "config", "import", firm)
	if err != nil {
		t.Fatalf("config import: %v", err)
	}
	if !strings.Contains(out, "2 of 2 email addresses stand for Slack user ids (boss@firm.example, pat@firm.example): they will be resolved with users.lookupByEmail once SLACK_BOT_TOKEN is set") {
		t.Errorf("import without Slack says:\n%s", out)
	}

	sb := slacksandbox.New(slacksandbox.Options{})
	t.Cleanup(sb.Close)
	sb.AddUser(slacksandbox.User{ID: "U0BOSS", Email: "boss@firm.example"})
	slackEnv := map[string]string{"SLACK_BOT_TOKEN": slacksandbox.DefaultToken, "SLACK_API_URL": sb.APIURL(), "SLACK_SIGNING_SECRET": "s3cret-of-16-chars-or-more"}
	_, _, err = runCLI(t, dir, slackEnv, "config", "import", firm)
	if err == nil || !strings.Contains(err.Error(), "pat@firm.example: no Slack member has this email address") || !strings.Contains(err.Error(), "nothing imported") {
		t.Fatalf("import with an unknown address: %v", err)
	}
	sb.AddUser(slacksandbox.User{ID: "U0PAT", Email: "pat@firm.example"})
	out, _, err = runCLI(t, dir, slackEnv, "config", "import", firm)
	if err != nil || !strings.Contains(out, "resolved 2 email addresses to Slack user ids") {
		t.Errorf("import with Slack: %v\n%s", err, out)
	}
}
