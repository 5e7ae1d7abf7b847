package workflow_test

import (
	"strings"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/notify"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// TestNudges DMs the partner once about a draft waiting three days, and the
// billing manager once about a hold fourteen days old, however often the
// job runs and from however many workflows (replicas) over one store.
func TestNudges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		ctx := t.Context()
		e.october()
		invs := e.draft()
		acme, birch := invs["Acme Corp"], invs["Birch & Daughters"]
		if _, err := e.wf.Hold(ctx, birch.ID, "U0PARTNERB", "client asked to wait"); err != nil {
			t.Fatal(err)
		}
		replica := workflow.New(workflow.Deps{Store: e.store, Ledger: e.books, Notifier: notify.New(e.msgr, nil), Now: e.clock.Now})
		count := func(user, word string) int {
			n := 0
			for _, m := range e.dms(user) {
				if strings.Contains(m.Text, word) {
					n++
				}
			}
			return n
		}
		for day := 0; day <= 20; day++ {
			for _, wf := range []*workflow.Workflow{e.wf, replica, e.wf} {
				if _, err := wf.Nudge(ctx); err != nil {
					t.Fatalf("day %d: %v", day, err)
				}
			}
			switch day {
			case 2:
				if n := count("U0PARTNERA", "waited"); n != 0 {
					t.Fatalf("day 2: %d approval nudges, want none yet", n)
				}
			case 13:
				if n := count("U0BILLMGR", "on hold"); n != 0 {
					t.Fatalf("day 13: %d hold nudges, want none yet", n)
				}
			}
			e.clock.Set(e.clock.Now().Add(24 * time.Hour))
		}
		if n := count("U0PARTNERA", "Acme Corp invoice"); n != 1 {
			t.Errorf("partner got %d approval nudges about Acme, want 1", n)
		}
		if n := count("U0BILLMGR", "Birch & Daughters invoice"); n != 1 {
			t.Errorf("billing manager got %d hold nudges, want 1", n)
		}
		if n := count("U0PARTNERB", "waited"); n != 0 {
			t.Errorf("held invoice's partner got %d approval nudges, want 0", n)
		}
		_ = acme
	})
}

// TestZeroTotalSkip approves a 0.00 invoice into the records, closed as
// paid, without QBO emailing it (firm.zero_total defaults to skip).
func TestZeroTotalSkip(t *testing.T) {
	for _, tt := range []struct {
		setting   string
		wantSends int
		wantState store.InvoiceState
	}{{"", 0, store.StatePaid}, {"  zero_total: statement\n", 1, store.StatePaid}, {"  zero_total: send\n", 1, store.StateSent}} {
		t.Run(strings.TrimSpace(tt.setting), func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				yaml := strings.Replace(firmYAML, `rates: { "*": "100.00" }`, `rates: { "*": "0.00" }`, 1)
				yaml = strings.Replace(yaml, "  default_item: Services\n", "  default_item: Services\n"+tt.setting, 1)
				e := newEnvYAML(t, s, yaml)
				e.upsert(e.entry("c1", 203, "Advisory", "2026-10-15", "3", "100.00"))
				if _, err := e.wf.Draft(t.Context(), workflow.DraftOptions{PeriodEnd: billing.MustDate("2026-10-31"), Actor: "test"}); err != nil {
					t.Fatal(err)
				}
				cedar := e.invoices()["Cedar Books"]
				if cedar.ID == 0 || cedar.Total != 0 {
					t.Fatalf("Cedar invoice %+v, want a 0.00 draft", cedar)
				}
				got := e.approve(cedar.ID, "U0PARTNERA")
				if got.State != tt.wantState || e.sends() != tt.wantSends {
					t.Errorf("state %s with %d sends, want %s with %d", got.State, e.sends(), tt.wantState, tt.wantSends)
				}
			})
		})
	}
}
