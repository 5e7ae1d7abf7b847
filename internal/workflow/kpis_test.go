package workflow_test

import (
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
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
