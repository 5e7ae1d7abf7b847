package store_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/shadow"
	"billbot/store"
	"billbot/store/storetest"
)

func TestShadowRunsKeepOneRowPerCycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		at := time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)
		sep := shadow.Summary{PeriodEnd: billing.MustDate("2026-09-30"), Currency: "USD",
			AmountAgreed: 90000, AmountCompared: 100000, InvoicesAgreed: 3, InvoicesCompared: 4, Same: 9, Differs: 1}
		oct := shadow.Summary{PeriodEnd: billing.MustDate("2026-10-31"), Currency: "USD",
			AmountAgreed: 5000, AmountCompared: 10000, InvoicesAgreed: 1, InvoicesCompared: 5, Same: 2, Differs: 1, OnlyBillbot: 1, OnlyLedger: 1}
		for _, sum := range []shadow.Summary{sep, {PeriodEnd: oct.PeriodEnd, Currency: "USD"}, oct} {
			if err := s.SaveShadowRun(ctx, sum, "cli", at); err != nil {
				t.Fatal(err)
			}
		}
		runs, err := s.ShadowRuns(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.ShadowRun{
			{Summary: oct, RanAt: at, Actor: "cli", Runs: 2},
			{Summary: sep, RanAt: at, Actor: "cli", Runs: 1},
		}
		if d := cmp.Diff(want, runs); d != "" {
			t.Errorf("runs (-want +got):\n%s", d)
		}
		if got := runs[1].ByAmount(); got != money.Percent(90*money.PercentScale) {
			t.Errorf("September by amount = %s", got)
		}
		latest, err := s.ShadowRuns(ctx, 1)
		if err != nil || len(latest) != 1 || latest[0].PeriodEnd != oct.PeriodEnd {
			t.Errorf("latest = %+v, %v", latest, err)
		}
	})
}
