package workflow_test

import (
	"strings"
	"testing"

	"billbot/internal/config"
	"billbot/internal/qbo/qbosandbox"
	"billbot/internal/slacksandbox"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// goLiveYAML is the test firm going live on 2026-10-15, with Birch in
// shadow mode, Cedar off, and Hollow Co off too (billed in CAD, its QBO
// customer in USD: a live client would raise a currency mismatch).
func goLiveYAML(t *testing.T) string {
	t.Helper()
	y := strings.Replace(firmYAML, "  home_currency: USD\n", "  home_currency: USD\n  go_live: 2026-10-15\n", 1)
	y = strings.Replace(y, "    email: ap@birch.example\n", "    email: ap@birch.example\n    mode: shadow\n", 1)
	y = strings.Replace(y, "    email: ap@cedar.example\n", "    email: ap@cedar.example\n    mode: off\n", 1)
	y = strings.Replace(y, "engagements:\n", "  - name: Hollow Co\n    harvest_client_id: 190\n    currency: CAD\n    mode: off\nengagements:\n", 1)
	return y
}

// TestDraftGoingLive: the live draft bills only live clients' time spent
// from go_live on; time before it, shadow and off clients raise no
// exceptions and reach neither the store nor QBO.
func TestDraftGoingLive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnvYAML(t, s, goLiveYAML(t))
		e.qbo.SeedCustomer(qbosandbox.Customer{DisplayName: "Hollow Co", CompanyName: "Hollow Co", Currency: "USD"})
		e.october() // a1 (Oct 6) is before go_live; a2, a3 after; b1 is Birch's (shadow)
		e.upsert(
			e.entry("a0", acmeProject, "Advisory", "2026-10-07", "1", "999.00"), // rate mismatch, before go_live
			e.entry("c1", 203, "Advisory", "2026-10-20", "2", "999.00"),         // Cedar is off
		)
		invs := e.draft()
		acmeInv, ok := invs[acme]
		if !ok || len(invs) != 1 {
			t.Fatalf("invoices = %v, want Acme's only", keys(invs))
		}
		if got := acmeInv.Hours; got.String() != "8.50" {
			t.Errorf("Acme hours = %s, want 8.50 (a2 + a3; a0 and a1 precede go_live)", got)
		}
		exs, err := e.store.Exceptions(t.Context(), store.ExceptionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, ex := range exs {
			t.Errorf("unexpected exception %s for %s: %s", ex.Code, ex.Client, ex.Message)
		}
		if n := e.qbo.InvoiceCount(); n != 1 {
			t.Errorf("QBO holds %d invoices, want 1", n)
		}
	})
}

func keys(m map[string]store.Invoice) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestCutOverHistory counts the synced billable time before go_live.
func TestCutOverHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnvYAML(t, s, goLiveYAML(t))
		e.october() // a1 (Oct 6, 6 h) and b1 (Oct 13, 8 h) precede go_live
		c, err := e.wf.CutOverHistory(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if c.Entries != 2 || c.Hours.String() != "14.00" || c.GoLive.String() != "2026-10-15" {
			t.Errorf("CutOverHistory = %+v, want 2 entries, 14 h before 2026-10-15", c)
		}
		if got, want := c.String(), "go_live 2026-10-15 leave out 2 entries (14.00 h) of billable history: never billed, held or flagged"; got != want {
			t.Errorf("String = %q, want %q", got, want)
		}
	})
}

// TestResolveEmails: emails standing for Slack ids are looked up once with
// users.lookupByEmail and cached; later loads make no Slack call.
func TestResolveEmails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		y := strings.Replace(firmYAML, "approvers: [U0APPROVER]", "approvers: [U0APPROVER, Boss@Firm.example]", 1)
		y = strings.Replace(y, "    partner: U0PARTNERB\n", "    partner: pat@firm.example\n", 1)
		e := newEnvYAML(t, s, y)
		ctx := t.Context()
		e.slack.AddUser(slacksandbox.User{ID: "U0BOSS", Email: "boss@firm.example"})
		e.slack.AddUser(slacksandbox.User{ID: "U0PAT", Email: "pat@firm.example"})
		lookups := func() int {
			n := 0
			for _, c := range e.slack.Calls() {
				if c.Method == "users.lookupByEmail" {
					n++
				}
			}
			return n
		}
		firm, err := e.wf.LoadFirm(ctx)
		if err != nil {
			t.Fatal(err)
		}
		birchEng, _ := firm.Engagement("birch-2026")
		if got := firm.Rules.Approvers; len(got) != 2 || got[1] != "U0BOSS" || birchEng.Partner != "U0PAT" {
			t.Errorf("approvers %q, Birch partner %q: emails not resolved", got, birchEng.Partner)
		}
		if n := lookups(); n != 2 {
			t.Errorf("%d users.lookupByEmail calls, want 2", n)
		}
		// A later load (a new process: no Slack at all) uses the cache.
		cfg, err := e.store.ConfigYAML(ctx)
		if err != nil {
			t.Fatal(err)
		}
		f, err := config.ParseFirm("stored", cfg)
		if err != nil {
			t.Fatal(err)
		}
		left, err := workflow.ResolveEmails(ctx, e.store, nil, f)
		if err != nil || len(left) != 0 || f.Approvers[1] != "U0BOSS" {
			t.Errorf("from the cache: left %v, err %v, approvers %q", left, err, f.Approvers)
		}
		if n := lookups(); n != 2 {
			t.Errorf("%d users.lookupByEmail calls after a cached load, want still 2", n)
		}
		// An address Slack does not know is an error naming it.
		f.BillingManager = "ghost@firm.example"
		if _, err := workflow.ResolveEmails(ctx, e.store, e.msgr, f); err == nil || !strings.Contains(err.Error(), "ghost@firm.example") {
			t.Errorf("unknown address: err = %v", err)
		}
	})
}
