package workflow_test

import (
	"strconv"
	"strings"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/store"
	"billbot/store/storetest"
)

// mixedYAML makes Acme a mixed engagement (a 500.00 fee plus hours) whose
// letter, when broken, has a rate for Bookkeeping only: its Advisory hours
// raise no_rate and are held.
func mixedYAML(t *testing.T, broken bool) string {
	t.Helper()
	y := strings.Replace(firmYAML, "    harvest_project_id: 201\n    kind: hourly\n", "    harvest_project_id: 201\n    kind: mixed\n    fixed_fee: \"500.00\"\n", 1)
	if broken {
		y = strings.Replace(y, `rates: { "*": "200.00", Bookkeeping: "100.00" }`, `rates: { Bookkeeping: "100.00" }`, 1)
	}
	return y
}

// TestDraftAfterFixBillsEverything follows an exception's fix text: the
// configuration is fixed, then the draft runs again. The draft re-checks
// the open exceptions first, so the no_rate exception closes (with an
// audit event) and its hours go on the cycle's invoice with the fee,
// instead of slipping a cycle.
func TestDraftAfterFixBillsEverything(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		e := newEnvYAML(t, s, mixedYAML(t, true))
		e.october()
		if _, _, err := e.wf.Detect(ctx); err != nil {
			t.Fatal(err)
		}
		open, err := e.store.Exceptions(ctx, store.ExceptionFilter{OpenOnly: true, Codes: []billing.ExceptionCode{billing.ExNoRate}})
		if err != nil || len(open) != 1 {
			t.Fatalf("open no_rate exceptions = %v (%v), want 1", open, err)
		}
		fixed := mixedYAML(t, false)
		parsed, err := config.ParseFirm("fixed", []byte(fixed))
		if err != nil {
			t.Fatal(err)
		}
		_, clients, engs := parsed.Billing()
		if err := e.store.SaveConfig(ctx, []byte(fixed), clients, engs, "test"); err != nil {
			t.Fatal(err)
		}

		invs := e.draft()
		if got := invs[acme].Hours.String(); got != "14.50" {
			t.Errorf("Acme hours = %s, want 14.50 (the held Advisory hours billed with the fee)", got)
		}
		still, err := e.store.Exceptions(ctx, store.ExceptionFilter{OpenOnly: true, Codes: []billing.ExceptionCode{billing.ExNoRate}})
		if err != nil {
			t.Fatal(err)
		}
		if len(still) != 0 {
			t.Errorf("no_rate exceptions still open: %v", still)
		}
		events, err := e.store.AuditEvents(ctx, "exception", strconv.FormatInt(open[0].ID, 10))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, ev := range events {
			found = found || ev.Action == "exception.resolve"
		}
		if !found {
			t.Errorf("no audit event resolves exception %d", open[0].ID)
		}
	})
}

// TestRedraftAfterFixBillsHeldHours: the cycle's invoice was drafted with
// the fee only while the hours were held; after the fix the draft runs
// again and bills those hours now, on a supplemental invoice of the cycle
// (the regular one exists), without billing the fee twice.
func TestRedraftAfterFixBillsHeldHours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		e := newEnvYAML(t, s, mixedYAML(t, true))
		e.october()
		first := e.draft()
		if got := first[acme].Hours.String(); got != "4.50" {
			t.Fatalf("first draft: Acme hours = %s, want 4.50 (Advisory held)", got)
		}
		fixed := mixedYAML(t, false)
		parsed, err := config.ParseFirm("fixed", []byte(fixed))
		if err != nil {
			t.Fatal(err)
		}
		_, clients, engs := parsed.Billing()
		if err := e.store.SaveConfig(ctx, []byte(fixed), clients, engs, "test"); err != nil {
			t.Fatal(err)
		}
		again := e.draft()
		sup, ok := again[acme+" supplemental"]
		if !ok || sup.Hours.String() != "10.00" {
			t.Fatalf("after the fix: Acme supplemental = %+v (ok %v), want 10.00 h", sup.Hours, ok)
		}
		for _, l := range sup.Lines {
			if l.Kind == billing.LineFixed {
				t.Errorf("the supplemental bills the fee again: %+v", l)
			}
		}
		// Drafting once more makes nothing new.
		before := len(e.invoices())
		e.draft()
		if n := len(e.invoices()); n != before {
			t.Errorf("a third draft changed the invoices: %d, want %d", n, before)
		}
	})
}
