package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/money"
	"billbot/internal/qbo/qbosandbox"
	"billbot/internal/setup/setuptest"
	"billbot/internal/slacksandbox"
)

// TestCLISetup runs `billbot setup --out FILE` against the sandboxes,
// imports the file unchanged with `config import`, then changes Harvest,
// edits the file by hand and runs setup again: the edit stays, the new
// client is added with its decisions, and the changes are printed.
func TestCLISetup(t *testing.T) {
	dir := t.TempDir()
	f := setuptest.Small()
	h := harvestsandbox.New(harvestsandbox.Options{})
	h.Start()
	t.Cleanup(h.Close)
	q := qbosandbox.New(qbosandbox.Options{RealmID: "9130", ClientID: "qbo-id", ClientSecret: "qbo-secret"})
	t.Cleanup(q.Close)
	s := slacksandbox.New(slacksandbox.Options{Token: "xoxb-cli"})
	t.Cleanup(s.Close)
	f.Seed(h, q, s)
	_, refresh := q.MintTokens()
	env := map[string]string{
		"HARVEST_ACCOUNT_ID": h.AccountID(), "HARVEST_ACCESS_TOKEN": h.Token(), "HARVEST_API_URL": h.URL(),
		"SLACK_BOT_TOKEN": "xoxb-cli", "SLACK_API_URL": s.APIURL(),
		"QBO_CLIENT_ID": "qbo-id", "QBO_CLIENT_SECRET": "qbo-secret", "QBO_REDIRECT_URL": "http://127.0.0.1/cb",
		"QBO_API_URL": q.URL(), "QBO_AUTH_URL": q.AuthURL(), "QBO_TOKEN_URL": q.TokenURL(),
		"QBO_REALM_ID": "9130", "QBO_REFRESH_TOKEN": refresh,
		"BILLBOT_ENCRYPTION_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
	}
	file := filepath.Join(dir, "firm.yml")

	// Unbilled time before go_live: 2.5 billable hours; the billed and the
	// non-billable entries do not count, nor time after go_live.
	for i, e := range []struct {
		day      string
		hours    string
		billable bool
		billed   bool
	}{{"2026-10-05", "1.5", true, false}, {"2026-10-30", "1.0", true, false}, {"2026-10-06", "4.0", true, true}, {"2026-10-07", "3.0", false, false}, {"2026-11-02", "2.0", true, false}} {
		f.Harvest.Entries = append(f.Harvest.Entries, harvestsandbox.Entry{ID: int64(900 + i), SpentDate: billing.MustDate(e.day), UserID: 7001, ClientID: 5001, ProjectID: 14001, TaskID: 9001,
			Hours: money.MustHours(e.hours), Billable: e.billable, IsBilled: e.billed, BillableRate: money.MustParse("195.00", "USD"), CreatedAt: time.Now(), UpdatedAt: time.Now()})
	}
	h.Seed(f.Harvest)

	out, stderr, err := runCLI(t, dir, env, "setup", "--out", file, "--go-live", "2026-11-01")
	if err != nil {
		t.Fatalf("setup: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "setup: go_live 2026-11-01 leaves out 2.50 unbilled billable hours (2 Harvest entries) before it") {
		t.Errorf("setup output lacks the hours go_live leaves out: %q", out)
	}
	if !strings.Contains(out, "setup: 4 clients, 5 engagements, 0 to finish by hand") || !strings.Contains(out, "setup: read 4 Harvest clients, 5 projects, 3 users (7 calls); 3 QuickBooks customers, 3 items, 2 terms; 3 Slack lookups, 2 found") {
		t.Errorf("setup output = %q (stderr %q)", out, stderr)
	}
	written, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DECIDE: no QBO customer matches this name", `qbo_customer_id: "7"`, "partner: U0DANA", "DECIDE: person_rates", "mode: shadow", "go_live: \"2026-11-01\""} {
		if !strings.Contains(string(written), want) {
			t.Errorf("file lacks %q:\n%s", want, written)
		}
	}
	if out, stderr, err := runCLI(t, dir, env, "config", "import", file); err != nil || !strings.Contains(out, "4 clients, 5 engagements") {
		t.Fatalf("config import of setup's file: %v %q %q", err, out, stderr)
	}

	// A person sets Acme's rate; Harvest raises it and gains a client.
	edited := strings.Replace(string(written), `rates: {'*': "195.00"}`, `rates: {'*': "210.00"}`, 1)
	if err := os.WriteFile(file, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	f.Harvest.Projects[0].HourlyRate = money.MustParse("205.00", "USD")
	f.Harvest.Clients = append(f.Harvest.Clients, harvestsandbox.Client{ID: 5005, Name: "Zeta Labs", Currency: "USD", IsActive: true})
	f.Harvest.Projects = append(f.Harvest.Projects, harvestsandbox.Project{ID: 14006, ClientID: 5005, Name: "Books", IsActive: true, IsBillable: true, BillBy: "Project", HourlyRate: money.MustParse("120.00", "USD"), StartsOn: f.Harvest.Projects[0].StartsOn, UpdatedAt: f.Harvest.Projects[0].UpdatedAt})
	h.Seed(f.Harvest)

	out, stderr, err = runCLI(t, dir, env, "setup", "--out", file)
	if err != nil {
		t.Fatalf("setup re-run: %v\n%s", err, stderr)
	}
	for _, want := range []string{
		`changed: engagement acme-corp-acme-tax (Harvest project 14001, "Tax 2026"): rates: the file keeps {*: 210.00}; setup now reads {*: 205.00}`,
		"new: client Zeta Labs (Harvest 5005), 1 decision(s)",
		"new: engagement zeta-labs-books (Harvest project 14006",
		"kept from the existing file",
		"setup: go_live 2026-11-01 leaves out 2.50", // the file's go_live, without the flag
	} {
		if !strings.Contains(out, want) {
			t.Errorf("re-run output lacks %q:\n%s", want, out)
		}
	}
	again, _ := os.ReadFile(file)
	if !strings.Contains(string(again), `rates: {'*': "210.00"}`) || !strings.Contains(string(again), "DECIDE: no QBO customer matches this name; create the customer in QuickBooks or set qbo_customer_id, then remove mode: off\n  - name: Zeta Labs") {
		t.Errorf("re-run file lost the hand edit or the new client's decision:\n%s", again)
	}
	if out, stderr, err := runCLI(t, dir, env, "config", "import", file); err != nil || !strings.Contains(out, "5 clients, 6 engagements") {
		t.Fatalf("config import of the re-run file: %v %q %q", err, out, stderr)
	}
}
