package workflow_test

import (
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/store"
	"billbot/store/storetest"
)

// TestKPITrend drafts October and sends Acme's invoice (Birch stays
// pending), then reads the trend through November: the months before any
// invoice have no figures; October's realization, leakage and DSO are
// those of KPIs for October alone; the DSO of each month end is what was
// owed then.
func TestKPITrend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.october()
		invs := e.draft()
		e.clock.Set(e.clock.Now().Add(26 * time.Hour))
		e.approve(invs["Acme Corp"].ID, "U0PARTNERA")
		e.clock.Set(time.Date(2026, 12, 20, 9, 0, 0, 0, e.loc))
		ctx := t.Context()
		through := billing.MustDate("2026-11-30")
		tr, err := e.wf.KPITrend(ctx, through, 12)
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Points) != 12 || tr.Points[0].Month != billing.MustDate("2025-12-01") || tr.Points[11].AsOf != through || tr.Currency != "USD" {
			t.Fatalf("trend = %+v", tr)
		}
		for _, p := range tr.Points[:10] {
			if p.DSOOK || p.RealizationOK || p.PaidWithinTermsOK {
				t.Errorf("%s: figures before any invoice: %+v", p.Month, p)
			}
		}
		oct, err := e.wf.KPIs(ctx, billing.MustDate("2026-10-01"), billing.MustDate("2026-10-31"))
		if err != nil {
			t.Fatal(err)
		}
		p := tr.Points[10]
		if want, _ := oct.ByClient[0].Realization(); !p.RealizationOK || p.Realization != want {
			t.Errorf("October realization %v, want KPIs' %v", p.Realization, want)
		}
		if want, _ := oct.Leakage.Share(); !p.LeakageOK || p.Leakage != want {
			t.Errorf("October leakage %v, want KPIs' %v", p.Leakage, want)
		}
		if len(oct.DSO) != 1 || !p.DSOOK || p.DSOTenths != oct.DSO[0].Tenths {
			t.Errorf("October DSO %d (ok %v), want KPIs' %+v", p.DSOTenths, p.DSOOK, oct.DSO)
		}
		if len(oct.DSOTrend) != 12 || oct.DSOTrend[11].AsOf != billing.MustDate("2026-10-31") {
			t.Errorf("KPIs' DSO trend = %+v", oct.DSOTrend)
		}
		// Acme's invoice, dated Oct 31 and unpaid, is all October sold:
		// 31 days on Oct 31; on Nov 30, nothing sold in November: 61 days.
		if p.DSOTenths != 310 || tr.Points[11].DSOTenths != 610 {
			t.Errorf("DSO Oct %d, Nov %d tenths, want 310 and 610", p.DSOTenths, tr.Points[11].DSOTenths)
		}
		// Staff realization adds up to realization by client.
		var std, billed int64
		for _, r := range oct.ByStaff {
			std, billed = std+int64(r.Standard), billed+int64(r.Billed)
		}
		if c := oct.ByClient[0]; std != int64(c.Standard) || billed != int64(c.Billed) || len(oct.ByStaff) == 0 {
			t.Errorf("by staff %+v sums to %d of %d, want by client's %+v", oct.ByStaff, billed, std, c)
		}
		if _, err := e.wf.KPITrend(ctx, through, 0); err == nil {
			t.Error("a trend of 0 months: no error")
		}
		if inv, _ := s.Invoice(ctx, invs["Acme Corp"].ID); inv.State != store.StateSent {
			t.Errorf("Acme is %s, want sent", inv.State)
		}
	})
}
