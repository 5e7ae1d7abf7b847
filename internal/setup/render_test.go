package setup

import (
	"strings"
	"testing"

	"billbot/internal/config"
)

func TestRerunKeepsHandEditsAndAddsNew(t *testing.T) {
	t.Parallel()
	in := sampleInput()
	first, err := Render(Build(in), nil)
	if err != nil {
		t.Fatal(err)
	}
	// A person decides: Acme's rate is 210, Brown's audit partner is U0SUE,
	// the client is renamed, and the pending engagement is left as it is.
	edited := strings.Replace(string(first.YAML), `rates: {'*': "195.00"}`, `rates: {'*': "210.00"}`, 1)
	edited = strings.Replace(edited, "- name: brown holdings ltd", "- name: Brown Holdings", 1)
	edited = strings.ReplaceAll(edited, "client: brown holdings ltd", "client: Brown Holdings")
	if edited == string(first.YAML) {
		t.Fatal("edit did not apply")
	}

	// Harvest changes: Acme's rate goes up, a client with a project is
	// added, Brown gets a new project, the Smith project is archived.
	in.Projects[0].HourlyRate = "205.0"
	in.Projects[1].Active = false
	in.Clients = append(in.Clients, Client{ID: 6, Name: "Zeta Labs, Inc.", Currency: "USD", Active: true})
	in.Projects = append(in.Projects,
		Project{ID: 61, ClientID: 6, Name: "Setup", Active: true, Billable: true, BillBy: "Project", HourlyRate: "120.0", StartsOn: in.Projects[0].StartsOn},
		Project{ID: 33, ClientID: 3, Name: "Tax", Active: true, Billable: true, BillBy: "Project", HourlyRate: "175.0", StartsOn: in.Projects[0].StartsOn})
	in.Customers = append(in.Customers, Customer{ID: "70", Name: "Zeta Labs", Currency: "USD", Active: true})

	second, err := Render(Build(in), []byte(edited))
	if err != nil {
		t.Fatal(err)
	}
	out := string(second.YAML)
	f, err := config.ParseFirm("setup.yml", second.YAML)
	if err != nil {
		t.Fatalf("config import rejects the re-run file: %v\n%s", err, out)
	}
	if len(f.Clients) != 5 || len(f.Engagements) != 7 {
		t.Errorf("%d clients, %d engagements, want 5 and 7\n%s", len(f.Clients), len(f.Engagements), out)
	}
	for _, want := range []string{
		`rates: {'*': "210.00"}`,                             // hand edit kept
		"- name: Brown Holdings",                             // renamed client kept
		"client: Brown Holdings\n    harvest_project_id: 33", // new engagement uses the file's client name
		`DECIDE: QBO customer "Zeta Labs" (id 70) matched by normalised name`,
		"# - key: nobody-ventures-no-rate",   // pending block written once
		"- key: smith-and-jones-bookkeeping", // archived in Harvest, kept
	} {
		if !strings.Contains(out, want) {
			t.Errorf("re-run file lacks %q\n%s", want, out)
		}
	}
	if n := strings.Count(out, pendingMarker); n != 1 {
		t.Errorf("pending block written %d times", n)
	}
	changes := strings.Join(second.Changes, "\n")
	for _, want := range []string{
		`changed: engagement acme-corp-tax-2026 (Harvest project 11, "Tax 2026"): rates: the file keeps {*: 210.00}; setup now reads {*: 205.00}`,
		`changed: client brown holdings ltd (Harvest 3): name: the file keeps Brown Holdings; setup now reads brown holdings ltd`,
		"new: client Zeta Labs, Inc. (Harvest 6)",
		"new: engagement brown-holdings-ltd-tax (Harvest project 33",
		"gone: engagement for Harvest project 21",
	} {
		if !strings.Contains(changes, want) {
			t.Errorf("changes lack %q:\n%s", want, changes)
		}
	}
	if strings.Contains(changes, "nobody-ventures-no-rate") {
		// still pending: reported as new again only as "to finish"
		if !strings.Contains(changes, "new, to finish (commented out): engagement nobody-ventures-no-rate") {
			t.Errorf("pending engagement reported oddly:\n%s", changes)
		}
	}

	// A third run over the second file changes nothing more.
	third, err := Render(Build(in), second.YAML)
	if err != nil {
		t.Fatal(err)
	}
	if string(third.YAML) != out {
		t.Errorf("a re-run over its own output is not stable:\n%s", third.YAML)
	}
}

func TestRenderRejectsNonYAML(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"firm: [unclosed", "- a\n- b\n"} {
		if _, err := Render(Build(sampleInput()), []byte(bad)); err == nil {
			t.Errorf("Render accepted %q", bad)
		}
	}
}

func TestRerunMatchesClientsWrittenByName(t *testing.T) {
	t.Parallel()
	first, err := Render(Build(sampleInput()), nil)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(first.YAML), "    harvest_client_id: 1\n", "", 1)
	second, err := Render(Build(sampleInput()), []byte(edited))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(second.YAML), "- name: Acme Corp"); n != 1 {
		t.Errorf("Acme Corp written %d times:\n%s", n, second.YAML)
	}
	if _, err := config.ParseFirm("setup.yml", second.YAML); err != nil {
		t.Fatal(err)
	}
}
