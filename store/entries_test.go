package store_test

import (
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
	"billbot/store/storetest"
)

func TestUpsertEntriesIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		in := []billing.TimeEntry{entry("1"), entry("2"), entry("3")}
		in[2].Approved = false
		st, err := s.UpsertEntries(ctx, in, t0)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(store.UpsertStats{Inserted: 3}, st); diff != "" {
			t.Errorf("first run (-want +got):\n%s", diff)
		}
		st, err = s.UpsertEntries(ctx, in, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(store.UpsertStats{Unchanged: 3}, st); diff != "" {
			t.Errorf("second run (-want +got):\n%s", diff)
		}
		got, err := s.UnallocatedEntries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]billing.TimeEntry, len(in))
		for i, e := range in {
			e.ID = got[i].ID
			if e.Approved {
				e.ApprovedAt = t0 // first seen approved at t0, kept on the second run
			}
			want[i] = e
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("stored entries (-want +got):\n%s", diff)
		}
	})
}

func TestUpsertEntriesApprovedAt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		explicit := time.Date(2026, 10, 20, 9, 30, 0, 123456000, time.FixedZone("EST", -5*3600))
		a, b := entry("a"), entry("b")
		a.Approved = false
		b.ApprovedAt = explicit
		if _, err := s.UpsertEntries(ctx, []billing.TimeEntry{a, b}, t0); err != nil {
			t.Fatal(err)
		}
		a.Approved = true // approved later: stamped with that run's now
		st, err := s.UpsertEntries(ctx, []billing.TimeEntry{a, b}, t0.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(store.UpsertStats{Updated: 1, Unchanged: 1}, st); diff != "" {
			t.Errorf("stats (-want +got):\n%s", diff)
		}
		got := entriesByExt(t, s)
		if want := t0.Add(2 * time.Hour); !got["a"].ApprovedAt.Equal(want) {
			t.Errorf("a.ApprovedAt = %v, want %v (the run that first saw it approved)", got["a"].ApprovedAt, want)
		}
		if !got["b"].ApprovedAt.Equal(explicit) {
			t.Errorf("b.ApprovedAt = %v, want the explicit %v", got["b"].ApprovedAt, explicit)
		}
		a.Approved = false // reopened upstream: no longer approved
		if _, err := s.UpsertEntries(ctx, []billing.TimeEntry{a}, t0.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if at := entriesByExt(t, s)["a"].ApprovedAt; !at.IsZero() {
			t.Errorf("unapproved entry keeps ApprovedAt %v", at)
		}
	})
}

func entriesByExt(t *testing.T, s *store.Store) map[string]billing.TimeEntry {
	t.Helper()
	es, err := s.UnallocatedEntries(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]billing.TimeEntry{}
	for _, e := range es {
		out[e.ExternalID] = e
	}
	return out
}

func TestUpsertEntriesReportsChangesAfterBilling(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := seedEntries(t, s, 3)
		if _, _, err := s.SaveDraft(ctx, draft("acme-2026-10", ids[0], ids[1]), "billbot"); err != nil {
			t.Fatal(err)
		}
		e1, e2, e3 := entry("e1"), entry("e2"), entry("e3")
		e1.Hours = money.MustHours("2") // billed, billable fact changed
		e2.Notes = "reworded"           // billed, only the notes changed
		e3.Hours = money.MustHours("3") // not billed
		st, err := s.UpsertEntries(ctx, []billing.TimeEntry{e1, e2, e3}, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want := store.UpsertStats{Updated: 3, ChangedAfterBilling: []int64{ids[0]}}
		if diff := cmp.Diff(want, st); diff != "" {
			t.Errorf("stats (-want +got):\n%s", diff)
		}
		got, err := s.Entries(ctx, []int64{ids[0]})
		if err != nil {
			t.Fatal(err)
		}
		if got[0].Hours != money.MustHours("2") {
			t.Errorf("entry not updated: hours %v", got[0].Hours)
		}
	})
}

func TestEntriesUnknownID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ids := seedEntries(t, s, 1)
		if _, err := s.Entries(t.Context(), []int64{ids[0], 999999}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Entries with an unknown id = %v, want ErrNotFound", err)
		}
		got, err := s.Entries(t.Context(), []int64{ids[0], ids[0]})
		if err != nil || len(got) != 1 {
			t.Errorf("Entries(dup ids) = %d entries, %v; want 1, nil", len(got), err)
		}
	})
}

func TestRemoveMissing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := seedEntries(t, s, 4)
		outside := entry("november")
		outside.SpentDate = billing.MustDate("2026-11-02")
		other := entry("csv-1")
		other.Source = "harvest-csv"
		if _, err := s.UpsertEntries(ctx, []billing.TimeEntry{outside, other}, t0); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SaveDraft(ctx, draft("acme-2026-10", ids[1]), "billbot"); err != nil {
			t.Fatal(err)
		}
		// e1 still upstream; e2 (billed), e3, e4 gone; November and the CSV
		// source are outside the reconciliation.
		st, err := s.RemoveMissing(ctx, "harvest", october, []string{"e1"}, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(store.RemoveStats{Removed: 2, Flagged: []int64{ids[1]}}, st); diff != "" {
			t.Errorf("stats (-want +got):\n%s", diff)
		}
		left := entriesByExt(t, s)
		if diff := cmp.Diff([]string{"csv-1", "e1", "november"}, keys(left), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
			t.Errorf("unallocated after removal (-want +got):\n%s", diff)
		}
		// Seen again upstream: back, as an update.
		st2, err := s.UpsertEntries(ctx, []billing.TimeEntry{entry("e3")}, t0.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if st2.Updated != 1 {
			t.Errorf("re-seen deleted entry: %+v, want Updated 1", st2)
		}
		if _, ok := entriesByExt(t, s)["e3"]; !ok {
			t.Error("re-seen entry still deleted")
		}
		evs, err := s.AuditEvents(ctx, "time_entries", "harvest")
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 || evs[len(evs)-1].Action != "entries.upsert" {
			t.Errorf("audit events = %+v, want upserts and a removal", evs)
		}
	})
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestCursors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if v, err := s.Cursor(ctx, "harvest.updated_since"); err != nil || v != "" {
			t.Errorf("unset cursor = %q, %v; want \"\", nil", v, err)
		}
		for _, v := range []string{"2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z"} {
			if err := s.SetCursor(ctx, "harvest.updated_since", v); err != nil {
				t.Fatal(err)
			}
			if got, err := s.Cursor(ctx, "harvest.updated_since"); err != nil || got != v {
				t.Errorf("cursor = %q, %v; want %q", got, err, v)
			}
		}
	})
}

func TestConcurrentUpsertsOfNewEntries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		var in []billing.TimeEntry
		for i := range 200 {
			in = append(in, entry(strconv.Itoa(i)))
		}
		var (
			mu    sync.Mutex
			total store.UpsertStats
		)
		concurrently(t, 4, func() (bool, error) {
			st, err := s.UpsertEntries(ctx, in, t0)
			mu.Lock()
			defer mu.Unlock()
			total.Inserted += st.Inserted
			total.Updated += st.Updated
			total.Unchanged += st.Unchanged
			return err == nil, err
		})
		if total.Inserted != len(in) || total.Updated != 0 || total.Inserted+total.Unchanged != 4*len(in) {
			t.Errorf("4 concurrent upserts of %d new entries: %+v; want each inserted once, then unchanged", len(in), total)
		}
		if got := entriesByExt(t, s); len(got) != len(in) {
			t.Errorf("%d entries stored, want %d", len(got), len(in))
		}
	})
}
