package workflow_test

import (
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/store"
	"billbot/store/storetest"
)

// TestKPITrend computes twelve months, each as KPIs computes it alone:
// October's realization and leakage are October's report's, the months
// before it have nothing to divide by.
func TestKPITrend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.october()
		invs := e.draft()
		e.clock.Set(e.clock.Now().Add(26 * time.Hour))
		e.approve(invs["Acme Corp"].ID, "U0PARTNERA")
		e.clock.Set(time.Date(2026, 11, 20, 9, 0, 0, 0, e.loc))
		tr, err := e.wf.KPITrend(t.Context(), billing.MustDate("2026-10-01"))
		if err != nil {
			t.Fatal(err)
		}
		if tr.Currency != "USD" || len(tr.Months) != billing.TrendMonths {
			t.Fatalf("trend %s with %d months", tr.Currency, len(tr.Months))
		}
		if first, last := tr.Months[0], tr.Months[11]; first.From != billing.MustDate("2025-11-01") || last.To != billing.MustDate("2026-10-31") {
			t.Errorf("months %s..%s", first.From, last.To)
		}
		oct := tr.Months[11]
		rep, err := e.wf.KPIs(t.Context(), billing.MustDate("2026-10-01"), billing.MustDate("2026-10-31"))
		if err != nil {
			t.Fatal(err)
		}
		leak, _ := rep.Leakage.Share()
		if oct.Realization != (billing.Figure{Value: 10000, OK: true}) || oct.Leakage != (billing.Figure{Value: int64(leak), OK: true}) {
			t.Errorf("October %+v, want realization 100%% and leakage %v", oct, leak)
		}
		if sep := tr.Months[10]; sep.Realization.OK || sep.PaidWithinTerms.OK {
			t.Errorf("September without invoices: %+v", sep)
		}
	})
}
