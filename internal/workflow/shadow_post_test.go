package workflow_test

import (
	"strings"
	"testing"

	"billbot/internal/config"
	"billbot/store"
	"billbot/store/storetest"
)

// withModes re-imports the test firm with firm.mode and some clients'
// modes set.
func (e *env) withModes(firmMode string, clients map[string]string) {
	e.t.Helper()
	y := strings.Replace(firmYAML, "  home_currency: USD\n", "  home_currency: USD\n  mode: "+firmMode+"\n", 1)
	for name, mode := range clients {
		at := "  - name: " + name + "\n"
		i := strings.Index(y, at)
		if i < 0 {
			e.t.Fatalf("no client %s", name)
		}
		y = y[:i+len(at)] + "    mode: " + mode + "\n" + y[i+len(at):]
	}
	parsed, err := config.ParseFirm("test firm", []byte(y))
	if err != nil {
		e.t.Fatal(err)
	}
	_, cs, engs := parsed.Billing()
	if err := e.store.SaveConfig(e.t.Context(), []byte(y), cs, engs, "test"); err != nil {
		e.t.Fatal(err)
	}
}

// TestDraftCycleModes: a live firm drafts its live clients, compares its
// shadow clients and posts that report to the billing channel once per
// cycle, and leaves clients that are off alone.
func TestDraftCycleModes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		plantShadowCycle(t, e) // Acme, Birch, Cedar, Granite have October time
		e.withModes("live", map[string]string{birch: "shadow", cedar: "off", granite: "off"})
		run, err := e.wf.DraftCycle(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if run.Draft == nil || len(run.Draft.Invoices) != 1 || run.Draft.Invoices[0].Client != acme {
			t.Fatalf("draft = %+v, want Acme's invoice only", run.Draft)
		}
		if run.Shadow == nil || !run.Posted {
			t.Fatalf("shadow = %+v, posted %v", run.Shadow, run.Posted)
		}
		var compared []string
		for _, c := range run.Shadow.Clients {
			compared = append(compared, c.Client)
		}
		if len(compared) != 1 || compared[0] != birch {
			t.Errorf("compared %v, want Birch only", compared)
		}
		posts := e.slack.Messages(billingChannel)
		shadowPosts := 0
		for _, m := range posts {
			if strings.HasPrefix(m.Text, "Shadow mode, cycle ending Oct 31, 2026") {
				shadowPosts++
			}
		}
		if shadowPosts != 1 {
			t.Errorf("shadow reports posted = %d, want 1", shadowPosts)
		}
		// The next day's run finds the cycle compared: no second report.
		again, err := e.wf.DraftCycle(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if again.Shadow != nil || again.Posted {
			t.Errorf("second run compared again: %+v", again.Shadow)
		}
		if inv := e.invoices(); len(inv) != 1 {
			t.Errorf("stored invoices = %d, want Acme's", len(inv))
		}
	})
}

// TestDraftCycleShadowFirm: under firm.mode: shadow the draft job writes
// nothing to QuickBooks and drafts nothing; it posts the comparison.
func TestDraftCycleShadowFirm(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	plantShadowCycle(t, e)
	e.withModes("shadow", nil)
	run, err := e.wf.DraftCycle(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if run.Draft != nil {
		t.Errorf("drafted under firm.mode shadow: %+v", run.Draft)
	}
	if run.Shadow == nil || !run.Posted || run.Shadow.InvoicesCompared != 5 {
		t.Fatalf("shadow = %+v, posted %v", run.Shadow, run.Posted)
	}
	if w := e.qbo.Writes(); w != 0 {
		t.Errorf("QBO writes = %d (%v)", w, e.qbo.Calls())
	}
	msgs := e.slack.Messages(billingChannel)
	if len(msgs) != 1 || !strings.Contains(string(msgs[0].Blocks), "Clients that differ") {
		t.Errorf("billing channel got %d messages: %+v", len(msgs), msgs)
	}
	if inv := e.invoices(); len(inv) != 0 {
		t.Errorf("stored invoices = %d, want none", len(inv))
	}
}
