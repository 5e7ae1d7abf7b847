package setup

import (
	"strings"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/money"
)

// sampleInput is a small firm: clients whose names differ from QBO's in
// the normalisable ways, one unmatched, projects billed by project, task,
// person, a fixed fee, a monthly retainer budget and one with no rate.
func sampleInput() Input {
	d := billing.MustDate
	return Input{
		FirmName:     "Example CPA",
		HomeCurrency: "USD",
		Clients: []Client{
			{ID: 1, Name: "Acme Corp", Currency: "USD", Active: true},
			{ID: 2, Name: "Smith and Jones", Currency: "USD", Active: true},
			{ID: 3, Name: "brown holdings ltd", Currency: "CAD", Active: true},
			{ID: 4, Name: "Nobody Ventures", Currency: "USD", Active: true},
			{ID: 5, Name: "Old Client", Currency: "USD", Active: false},
		},
		Projects: []Project{
			{ID: 11, ClientID: 1, Name: "Tax 2026", Active: true, Billable: true, BillBy: "Project", HourlyRate: "195.0", StartsOn: d("2026-01-01"), CreatedOn: d("2025-12-01"),
				Tasks:  []TaskAssignment{{Task: "Tax Prep", Billable: true, Active: true}, {Task: "Admin", Active: true}},
				People: []UserAssignment{{UserID: 100, Name: "Pat Partner", Manager: true, Active: true, HourlyRate: "300.0"}}},
			{ID: 21, ClientID: 2, Name: "Bookkeeping", Active: true, Billable: true, BillBy: "Tasks", CreatedOn: d("2025-06-01"),
				Tasks: []TaskAssignment{{Task: "Bookkeeping", Billable: true, Active: true, HourlyRate: "95.0"}, {Task: "Payroll", Billable: true, Active: true, HourlyRate: "110.0"}}},
			{ID: 31, ClientID: 3, Name: "Advisory", Active: true, Billable: true, BillBy: "People", StartsOn: d("2026-02-01"),
				People: []UserAssignment{{UserID: 100, Name: "Pat Partner", Active: true, HourlyRate: "250.0"}, {UserID: 101, Name: "Sam Staff", Active: true, HourlyRate: "150.0"}, {UserID: 102, Name: "Kim Staff", Active: true, UseDefaultRates: true, HourlyRate: "150.0"}}},
			{ID: 32, ClientID: 3, Name: "Audit", Active: true, Billable: true, FixedFee: true, Fee: "12000.0", StartsOn: d("2026-01-01"), EndsOn: d("2026-12-31")},
			{ID: 41, ClientID: 4, Name: "Monthly", Active: true, Billable: true, BillBy: "Project", HourlyRate: "180.0", Budget: "20.0", BudgetBy: "project", BudgetIsMonthly: true, StartsOn: d("2026-03-01")},
			{ID: 42, ClientID: 4, Name: "No rate", Active: true, Billable: true, BillBy: "Project", StartsOn: d("2026-03-01")},
			{ID: 43, ClientID: 4, Name: "Internal", Active: true, Billable: false, BillBy: "none"},
			{ID: 51, ClientID: 5, Name: "Old", Active: false, Billable: true, BillBy: "Project"},
		},
		Users: []User{
			{ID: 100, Name: "Pat Partner", Email: "pat@firm.example", Active: true, Admin: true},
			{ID: 101, Name: "Sam Staff", Email: "sam@firm.example", Active: true},
			{ID: 102, Name: "Kim Staff", Active: true, Rate: "140.0"},
		},
		Customers: []Customer{
			{ID: "58", Name: "Acme Corp", Currency: "USD", Email: "ap@acme.example", Active: true, TermID: "3"},
			{ID: "59", Name: "Smith & Jones, LLC", Currency: "USD", Active: true},
			{ID: "60", Name: "Brown Holdings", Currency: "CAD", Email: "ap@brown.example", Active: true},
		},
		Items:     []Item{{ID: "1", Name: "Services", Type: "Service", Active: true}, {ID: "2", Name: "Tax-Prep", Active: true}, {ID: "3", Name: "tax prep", Active: true}, {ID: "4", Name: "BOOKKEEPING", Active: true}},
		Terms:     []Term{{ID: "3", Name: "Net 15", DueDays: 15, Active: true}, {ID: "4", Name: "Net 30", DueDays: 30, Active: true}},
		Slack:     map[string]string{"pat@firm.example": "U0PAT"},
		BooksRead: true, SlackRead: true,
	}
}

func TestBuildGoLive(t *testing.T) {
	t.Parallel()
	in := sampleInput()
	in.GoLive = billing.MustDate("2026-11-01")
	in.History = History{Entries: 12, Hours: money.MustHours("37.5")}
	res, err := Render(Build(in), nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := config.ParseFirm("setup.yml", res.YAML)
	if err != nil {
		t.Fatal(err)
	}
	if f.GoLive != in.GoLive || !strings.Contains(string(res.YAML), "DECIDE: firm.go_live 2026-11-01 leaves out 37.50 hours of unbilled billable time in 12 Harvest entries") {
		t.Errorf("go_live %s; file:\n%s", f.GoLive, res.YAML)
	}
}

func TestBuildWithoutBooksOrSlack(t *testing.T) {
	t.Parallel()
	in := sampleInput()
	in.BooksRead, in.SlackRead = false, false
	in.Customers, in.Items, in.Terms, in.Slack = nil, nil, nil, nil
	res, err := Render(Build(in), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := string(res.YAML)
	if _, err := config.ParseFirm("setup.yml", res.YAML); err != nil {
		t.Fatalf("config import rejects the file: %v\n%s", err, out)
	}
	for _, want := range []string{"DECIDE: QBO customer unknown: QuickBooks was not read", "DECIDE: Slack was not read", "partner: pat@firm.example", "approvers: [pat@firm.example]"} {
		if !strings.Contains(out, want) {
			t.Errorf("file lacks %q\n%s", want, out)
		}
	}
	for _, unwanted := range []string{"mode: off", "no QBO customer matches"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("file says %q though QuickBooks was not read", unwanted)
		}
	}
}

func TestBuildImports(t *testing.T) {
	t.Parallel()
	p := Build(sampleInput())
	res, err := Render(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := config.ParseFirm("setup.yml", res.YAML)
	if err != nil {
		t.Fatalf("config import rejects the file: %v\n%s", err, res.YAML)
	}
	if len(f.Clients) != 4 || len(f.Engagements) != 5 || len(f.Staff) != 3 || f.Mode != "shadow" || f.Engagements[2].PersonRates["Sam Staff"] != 15000 {
		t.Errorf("%d clients, %d engagements\n%s", len(f.Clients), len(f.Engagements), res.YAML)
	}
	t.Logf("\n%s", res.YAML)
	for _, want := range []string{
		"DECIDE: no QBO customer matches this name",
		`DECIDE: QBO customer "Smith & Jones, LLC" (id 59) matched by normalised name`,
		`DECIDE: QBO customer "Brown Holdings" (id 60) matched by normalised name`,
		"DECIDE: kind fixed_fee: Harvest's fee 12000.00 over 12 month(s) is written as 1000.00 a cycle",
		"DECIDE: kind retainer: guessed",
		`person_rates: {Pat Partner: "250.00", Sam Staff: "150.00", Kim Staff: "140.00"}`,
		"DECIDE: person_rates: Harvest bills this project by person",
		"mode: shadow",
		"- name: Nobody Ventures\n    harvest_client_id: 4\n    currency: USD\n    mode: off",
		"- harvest_user_id: 100\n      name: Pat Partner\n      slack: U0PAT\n    # DECIDE: Sam Staff (sam@firm.example) was not found in Slack by email; add slack: with their Slack user id, or leave it out\n    - harvest_user_id: 101\n      name: Sam Staff\n",
		"DECIDE: firm.go_live: not set",
		"DECIDE: rates missing: Harvest bills by project but has no project rate",
		"DECIDE: cycle: monthly is a guess",
		"DECIDE: partner: guessed as the Harvest project manager",
		"DECIDE: partner unknown",
		`DECIDE: task_items: task "Tax Prep" fits several QBO items`,
		"ledger_write: at_approval",
		"NOTE: project \"Internal\" (Harvest 43) of Nobody Ventures left out: not billable",
		"# - key: nobody-ventures-no-rate",
	} {
		if !strings.Contains(string(res.YAML), want) {
			t.Errorf("file lacks %q", want)
		}
	}
}
