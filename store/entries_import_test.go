package store_test

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
	"billbot/store/storetest"
)

// seqOf yields es, then err when it is not nil.
func seqOf(es []billing.TimeEntry, err error) iter.Seq2[billing.TimeEntry, error] {
	return func(yield func(billing.TimeEntry, error) bool) {
		for _, e := range es {
			if !yield(e, nil) {
				return
			}
		}
		if err != nil {
			yield(billing.TimeEntry{}, err)
		}
	}
}

func csvEntries(n int) []billing.TimeEntry {
	es := make([]billing.TimeEntry, n)
	for i := range es {
		e := entry(fmt.Sprintf("row-%d", i))
		e.Source, e.ProjectID, e.ClientID, e.UserID = "harvest-csv", 0, 0, 0
		e.Client = []string{"Acme Corp", "Globex", "Initech"}[i%3]
		e.Approved = i%2 == 0
		es[i] = e
	}
	return es
}

// syncedAt reads every entry's synced_at, by external id.
func syncedAt(t *testing.T, s *store.Store) map[string]string {
	t.Helper()
	rows, err := s.DB().QueryContext(t.Context(), "SELECT external_id, CAST(synced_at AS TEXT) FROM time_entries")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, at string
		if err := rows.Scan(&id, &at); err != nil {
			t.Fatal(err)
		}
		out[id] = at
	}
	return out
}

func TestImportEntriesUnchangedReimportWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		in := csvEntries(1200)
		var calls []int
		st, err := s.ImportEntries(ctx, seqOf(in, nil), t0, func(n int) { calls = append(calls, n) })
		if err != nil {
			t.Fatal(err)
		}
		if st.Inserted != 1200 || st.Updated != 0 || st.Unchanged != 0 {
			t.Fatalf("first import = %+v", st.UpsertStats)
		}
		if want := []string{"Acme Corp", "Globex", "Initech"}; !slices.Equal(st.Clients, want) {
			t.Errorf("clients = %v, want %v", st.Clients, want)
		}
		if len(calls) == 0 || calls[len(calls)-1] != 1200 {
			t.Errorf("progress calls = %v, want ending at 1200", calls)
		}
		before := syncedAt(t, s)
		trail, err := s.AuditEvents(ctx, "time_entries", "harvest-csv")
		if err != nil {
			t.Fatal(err)
		}

		st, err = s.ImportEntries(ctx, seqOf(in, nil), t0.Add(time.Hour), nil)
		if err != nil {
			t.Fatal(err)
		}
		if st.Inserted != 0 || st.Updated != 0 || st.Unchanged != 1200 || len(st.Clients) != 0 {
			t.Fatalf("unchanged re-import = %+v", st)
		}
		if after := syncedAt(t, s); !mapsEqual(before, after) {
			t.Error("an unchanged re-import rewrote rows (synced_at moved)")
		}
		again, err := s.AuditEvents(ctx, "time_entries", "harvest-csv")
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != len(trail) {
			t.Errorf("audit events %d → %d after an unchanged re-import", len(trail), len(again))
		}

		// One row moves to another client, one gets approved: both clients
		// of the moved row, and the approved row's, are touched.
		in[1].Client = "Umbrella"                                // was Globex
		in[3].Approved, in[3].Hours = true, money.MustHours("2") // Acme Corp
		st, err = s.ImportEntries(ctx, seqOf(in, nil), t0.Add(2*time.Hour), nil)
		if err != nil {
			t.Fatal(err)
		}
		if st.Inserted != 0 || st.Updated != 2 || st.Unchanged != 1198 {
			t.Fatalf("re-import of 2 changed rows = %+v", st.UpsertStats)
		}
		if want := []string{"Acme Corp", "Globex", "Umbrella"}; !slices.Equal(st.Clients, want) {
			t.Errorf("clients = %v, want %v", st.Clients, want)
		}
		after := syncedAt(t, s)
		var moved []string
		for id, at := range after {
			if at != before[id] {
				moved = append(moved, id)
			}
		}
		slices.Sort(moved)
		if !slices.Equal(moved, []string{"row-1", "row-3"}) {
			t.Errorf("rows rewritten = %v, want row-1 and row-3", moved)
		}
		got, err := s.UnallocatedEntries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range got {
			if e.ExternalID == "row-3" && (!e.Approved || !e.ApprovedAt.Equal(t0.Add(2*time.Hour)) || e.Hours != money.MustHours("2")) {
				t.Errorf("row-3 = %+v, want approved at the import time with 2 h", e)
			}
			if e.ExternalID == "row-0" && !e.ApprovedAt.Equal(t0) {
				t.Errorf("row-0 approved at %v, want the first import's %v", e.ApprovedAt, t0)
			}
		}
	})
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestImportEntriesBrokenLastRowStoresNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		broken := errors.New("line 20002: bad row")
		_, err := s.ImportEntries(ctx, seqOf(csvEntries(20_000), broken), t0, nil)
		if !errors.Is(err, broken) {
			t.Fatalf("err = %v, want the stream's error", err)
		}
		got, err := s.UnallocatedEntries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Fatalf("%d entries stored from a rejected stream", len(got))
		}
		// The store is usable afterwards, on the same connections.
		st, err := s.ImportEntries(ctx, seqOf(csvEntries(10), nil), t0, nil)
		if err != nil || st.Inserted != 10 {
			t.Fatalf("import after a rejected one = %+v, %v", st, err)
		}
	})
}

func TestImportEntriesAgreesWithUpsert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		in := csvEntries(30)
		in[4].ApprovedAt = t0.Add(-48 * time.Hour) // approved before, per the file
		if _, err := s.UpsertEntries(ctx, in[:10], t0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RemoveMissing(ctx, "harvest-csv", october, []string{"row-0", "row-1"}, t0); err != nil {
			t.Fatalf("RemoveMissing: %v", err)
		}
		st, err := s.ImportEntries(ctx, seqOf(in, nil), t0.Add(time.Hour), nil)
		if err != nil {
			t.Fatal(err)
		}
		// 20 new, 8 deleted by RemoveMissing come back, 2 unchanged.
		if st.Inserted != 20 || st.Updated != 8 || st.Unchanged != 2 {
			t.Fatalf("import = %+v", st.UpsertStats)
		}
		got, err := s.UnallocatedEntries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 30 {
			t.Fatalf("%d live entries, want 30", len(got))
		}
		for _, e := range got {
			if e.ExternalID == "row-4" && !e.ApprovedAt.Equal(t0.Add(-48*time.Hour)) {
				t.Errorf("row-4 approved at %v, want the file's time", e.ApprovedAt)
			}
			if e.ExternalID == "row-12" && !e.ApprovedAt.Equal(t0.Add(time.Hour)) {
				t.Errorf("row-12 approved at %v, want the import time", e.ApprovedAt)
			}
			if e.ExternalID == "row-13" && !e.ApprovedAt.IsZero() {
				t.Errorf("row-13 (not approved) approved at %v", e.ApprovedAt)
			}
		}
	})
}
