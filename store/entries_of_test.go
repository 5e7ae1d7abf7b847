package store_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/store"
	"billbot/store/storetest"
)

// UnallocatedEntriesOf is UnallocatedEntries cut to some clients, field
// for field and in the same order (spent date, then id): held and deleted
// entries left out, approval times kept; UnallocatedClients counts them.
func TestUnallocatedEntriesOfAgreesWithUnallocatedEntries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		var in []billing.TimeEntry
		for i := range 30 {
			e := entry(fmt.Sprintf("u%d", i))
			e.Client = []string{"Acme Corp", "Globex", "Initech", "acme corp"}[i%4]
			e.SpentDate = billing.MustDate("2026-10-01").AddDays((30 - i) % 7)
			e.Approved = i%3 != 0
			if e.Approved && i%2 == 0 {
				e.ApprovedAt = t0.Add(-time.Duration(i) * time.Hour)
			}
			e.Notes = fmt.Sprintf("note %d", i)
			in = append(in, e)
		}
		if _, err := s.UpsertEntries(ctx, in, t0); err != nil {
			t.Fatal(err)
		}
		all, err := s.UnallocatedEntries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// One entry held by an exception, one deleted upstream.
		if _, _, err := s.OpenException(ctx, billing.Problem{Code: billing.ExceptionCode("rate_mismatch"), Message: "held",
			Client: all[0].Client, EntryIDs: []int64{all[0].ID}, Holds: true}, t0); err != nil {
			t.Fatal(err)
		}
		var seen []string
		for _, e := range in[1:] {
			seen = append(seen, e.ExternalID)
		}
		if _, err := s.RemoveMissing(ctx, "harvest", october, seen, t0); err != nil {
			t.Fatal(err)
		}
		all, err = s.UnallocatedEntries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		clients := []string{"Acme Corp", "Initech"}
		var want []billing.TimeEntry
		for _, e := range all {
			if slices.Contains(clients, e.Client) {
				want = append(want, e)
			}
		}
		if len(want) < 10 || len(all) != 28 {
			t.Fatalf("fixture: %d unallocated, %d of %v", len(all), len(want), clients)
		}
		// UnallocatedClients counts what UnallocatedEntriesOf loads, by
		// spelling: not the held entry, not the deleted one.
		counts, err := s.UnallocatedClients(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantCounts := map[string]int{}
		for _, e := range all {
			wantCounts[e.Client]++
		}
		if !reflect.DeepEqual(counts, wantCounts) {
			t.Errorf("UnallocatedClients = %v, want %v", counts, wantCounts)
		}
		got, err := s.UnallocatedEntriesOf(ctx, clients, len(clients))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("UnallocatedEntriesOf(%v):\n got %+v\nwant %+v", clients, got, want)
		}
	})
}
