package store_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
	"billbot/store/storetest"
)

// TestEachBillable reads only the unallocated entries a run can act on:
// eligible ones, plus (with a day) billable ones awaiting approval spent
// before it; never billed, held, deleted, running, non-billable, billed
// elsewhere or empty entries.
func TestEachBillable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mods := map[string]func(*billing.TimeEntry){
			"ok":        func(*billing.TimeEntry) {},
			"onInvoice": func(*billing.TimeEntry) {},
			"held":      func(*billing.TimeEntry) {},
			"deleted":   func(e *billing.TimeEntry) { e.SpentDate = billing.MustDate("2026-09-01") },
			"running":   func(e *billing.TimeEntry) { e.Running = true },
			"nonbill":   func(e *billing.TimeEntry) { e.Billable = false },
			"elsewhere": func(e *billing.TimeEntry) { e.BilledElsewhere = true },
			"empty":     func(e *billing.TimeEntry) { e.Hours = 0 },
			"oldWait":   func(e *billing.TimeEntry) { e.Approved, e.SpentDate = false, billing.MustDate("2026-10-01") },
			"newWait":   func(e *billing.TimeEntry) { e.Approved, e.SpentDate = false, billing.MustDate("2026-10-20") },
			"otherUser": func(e *billing.TimeEntry) { e.User, e.UserID, e.Task, e.Rate = "Bob", 42, "Advisory", 21000 },
		}
		var in []billing.TimeEntry
		for ext, mod := range mods {
			e := entry(ext)
			mod(&e)
			in = append(in, e)
		}
		if _, err := s.UpsertEntries(ctx, in, t0); err != nil {
			t.Fatal(err)
		}
		all, err := s.UnallocatedEntries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byExt := map[string]billing.TimeEntry{}
		for _, e := range all {
			byExt[e.ExternalID] = e
		}
		if _, _, err := s.SaveDraft(ctx, draft("acme/2026-10-31", byExt["onInvoice"].ID), "cli"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.OpenException(ctx, billing.Problem{Code: billing.ExNoRate, Engagement: "acme-2026", Client: "Acme Corp",
			EntryIDs: []int64{byExt["held"].ID}, Message: "no rate", Fix: "add one", Holds: true}, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RemoveMissing(ctx, "harvest", billing.Period{Start: billing.MustDate("2026-09-01"), End: billing.MustDate("2026-09-30")}, nil, t0); err != nil {
			t.Fatal(err)
		}

		read := func(before billing.Date) []billing.TimeEntry {
			t.Helper()
			var got []billing.TimeEntry
			err := s.EachBillable(ctx, before, func(e *billing.TimeEntry) error {
				got = append(got, *e)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			slices.SortFunc(got, func(a, b billing.TimeEntry) int { return int(a.ID - b.ID) })
			return got
		}
		want := func(exts ...string) []billing.TimeEntry {
			var out []billing.TimeEntry
			for _, ext := range exts {
				e := byExt[ext]
				e.Source, e.ExternalID, e.Notes = "", "", ""
				out = append(out, e)
			}
			slices.SortFunc(out, func(a, b billing.TimeEntry) int { return int(a.ID - b.ID) })
			return out
		}
		if diff := cmp.Diff(want("ok", "otherUser"), read(billing.Date{})); diff != "" {
			t.Errorf("eligible only (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want("ok", "otherUser", "oldWait"), read(billing.MustDate("2026-10-10"))); diff != "" {
			t.Errorf("with entries awaiting approval before 2026-10-10 (-want +got):\n%s", diff)
		}

		stop := errors.New("stop")
		n := 0
		if err := s.EachBillable(ctx, billing.Date{}, func(*billing.TimeEntry) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
			t.Errorf("fn's error: got %v after %d rows, want stop after 1", err, n)
		}
	})
}

// TestEachEntry reads entries by id, deleted ones included, and fails on
// an unknown id.
func TestEachEntry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := seedEntries(t, s, 3)
		var got []int64
		var hours money.Hours
		err := s.EachEntry(ctx, []int64{ids[2], ids[0], ids[2]}, func(e *billing.TimeEntry) error {
			got = append(got, e.ID)
			hours += e.Hours
			if e.Client != "Acme Corp" || e.Task != "Tax Prep" || e.SpentDate != billing.MustDate("2026-10-05") {
				t.Errorf("entry %d read as %+v", e.ID, *e)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int64{ids[0], ids[2]}, got); diff != "" || hours != money.MustHours("3") {
			t.Errorf("ids (-want +got):\n%s; hours %s", diff, hours)
		}
		err = s.EachEntry(ctx, []int64{ids[1], ids[2] + 100}, func(*billing.TimeEntry) error { return nil })
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown id: got %v, want ErrNotFound", err)
		}
	})
}

// TestCountCycleInvoices counts the cycle's regular invoices in SQL: not
// voided ones, supplemental or replenishment invoices, or other cycles.
func TestCountCycleInvoices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := seedEntries(t, s, 5)
		save := func(inv billing.Invoice) store.Invoice {
			t.Helper()
			got, _, err := s.SaveDraft(ctx, inv, "cli")
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		save(draft("a/2026-10-31", ids[0]))
		voided := save(draft("b/2026-10-31", ids[1]))
		if _, err := s.Transition(ctx, voided.ID, []store.InvoiceState{store.StateDraft}, store.StateVoided, "U0PARTNER1", "", nil); err != nil {
			t.Fatal(err)
		}
		sup := draft("a/2026-10-31/supplemental-1", ids[2])
		sup.Supplemental = true
		save(sup)
		rep := draft("a/retainer/x/block-2", ids[3])
		rep.Replenish = true
		save(rep)
		nov := draft("a/2026-11-30", ids[4])
		nov.Period = billing.Period{Start: billing.MustDate("2026-11-01"), End: billing.MustDate("2026-11-30")}
		save(nov)
		for _, tc := range []struct {
			ends []billing.Date
			want int
		}{
			{nil, 0},
			{[]billing.Date{october.End}, 1},
			{[]billing.Date{october.End, nov.Period.End}, 2},
			{[]billing.Date{billing.MustDate("2026-09-30")}, 0},
		} {
			got, err := s.CountCycleInvoices(ctx, tc.ends)
			if err != nil || got != tc.want {
				t.Errorf("CountCycleInvoices(%v) = %d, %v; want %d", tc.ends, got, err, tc.want)
			}
		}
	})
}
