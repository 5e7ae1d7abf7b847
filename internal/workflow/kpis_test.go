package workflow_test

import (
	"strings"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/notify"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// TestKPIsOfACycle drafts October, approves and sends Acme (Birch stays
// pending), and reads October's figures: realization of what was sent,
// utilization over a 40-hour week, Birch's time as leakage, the lags.
func TestKPIsOfACycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.october()
		invs := e.draft()
		e.clock.Set(e.clock.Now().Add(26 * time.Hour))
		e.approve(invs["Acme Corp"].ID, "U0PARTNERA")
		e.clock.Set(time.Date(2026, 11, 20, 9, 0, 0, 0, e.loc))
		rep, err := e.wf.KPIs(t.Context(), billing.MustDate("2026-10-01"), billing.MustDate("2026-10-31"))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.ByClient) != 1 || rep.ByClient[0].Key != "Acme Corp" || rep.ByClient[0].Billed != 245000 || rep.ByClient[0].Standard != 245000 {
			t.Errorf("realization by client = %+v, want Acme 2,450.00 of 2,450.00", rep.ByClient)
		}
		if len(rep.Utilization) != 1 || rep.Utilization[0].Billable != money.MustHours("22.5") {
			t.Fatalf("utilization = %+v", rep.Utilization)
		}
		if bp, _ := rep.Utilization[0].Utilization(); bp != 1270 { // 22.5 h of 177.1429 h
			t.Errorf("utilization = %v, want 12.70%%", bp)
		}
		if rep.LeakageThrough != billing.MustDate("2026-10-31") || rep.Leakage.Unbilled != money.MustHours("8") || rep.Leakage.Logged != money.MustHours("22.5") {
			t.Errorf("leakage = %+v through %s, want Birch's 8 of 22.5 h", rep.Leakage, rep.LeakageThrough)
		}
		c := rep.Collections
		if c.Sent != 1 || len(c.BillingLag) != 1 || c.BillingLag[0] != 3 {
			t.Errorf("collections = %+v, want one invoice sent 3 days after close", c)
		}
		if len(c.ApprovalDelay) != 1 || c.ApprovalDelay[0] != 26 {
			t.Errorf("approval latency = %v, want [26] hours", c.ApprovalDelay)
		}
	})
}

// TestMonthlyKPIs DMs the billing manager last month's figures once a
// month, from the 15th, however often the job runs on however many replicas.
func TestMonthlyKPIs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.october()
		e.draft()
		replica := workflow.New(workflow.Deps{Store: e.store, Ledger: e.books, Notifier: notify.New(e.msgr, nil), Now: e.clock.Now})
		sent := 0
		for day := 2; day <= 46; day++ { // 2026-11-02 … 2026-12-16
			e.clock.Set(time.Date(2026, 11, day, 9, 0, 0, 0, e.loc))
			for _, wf := range []*workflow.Workflow{e.wf, replica} {
				ok, err := wf.MonthlyKPIs(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if ok {
					sent++
				}
			}
			if day == 14 && sent != 0 {
				t.Fatalf("sent %d before the 15th", sent)
			}
		}
		dms := e.dms("U0BILLMGR")
		var titles []string
		for _, m := range dms {
			if strings.HasPrefix(m.Text, "Billing figures") {
				titles = append(titles, m.Text)
			}
		}
		if sent != 2 || len(titles) != 2 || titles[0] != "Billing figures · October 2026" || titles[1] != "Billing figures · November 2026" {
			t.Errorf("sent %d, DMs %q; want October's then November's", sent, titles)
		}
	})
}
