package store_test

import (
	"testing"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
	"billbot/store/storetest"
)

// The digest of an entry must be the digest of its stored row, or a
// re-import could not tell an unchanged row; and any change of a compared
// field must change it.
func TestEntryDigestAgreesWithPostgres(t *testing.T) {
	s := storetest.Postgres(t)
	ctx := t.Context()
	base := entry("d0")
	variants := []func(e *billing.TimeEntry){
		func(e *billing.TimeEntry) {},
		func(e *billing.TimeEntry) { e.Notes = "" },
		func(e *billing.TimeEntry) { e.Notes = "Zürich; 東京: 1:2;3 — \"quoted\"\nnext line" },
		func(e *billing.TimeEntry) { e.Project, e.Client = "a;b", "c" },
		func(e *billing.TimeEntry) { e.Project, e.Client = "a", "b;c" },
		func(e *billing.TimeEntry) { e.Rate = -12345 },
		func(e *billing.TimeEntry) { e.Rate = 0 },
		func(e *billing.TimeEntry) { e.Hours = money.MustHours("0.0001") },
		func(e *billing.TimeEntry) { e.SpentDate = billing.MustDate("1999-12-31") },
		func(e *billing.TimeEntry) { e.SpentDate = billing.MustDate("2000-01-01") },
		func(e *billing.TimeEntry) { e.SpentDate = billing.MustDate("2104-02-29") },
		func(e *billing.TimeEntry) {
			e.Billable, e.Running, e.Approved, e.BilledElsewhere = false, true, false, true
		},
		func(e *billing.TimeEntry) { e.ProjectID, e.ClientID, e.UserID = 0, -1, 9007199254740993 },
		func(e *billing.TimeEntry) { e.Currency, e.Task, e.User = "EUR", "", "Ann O'Neil" },
	}
	var in []billing.TimeEntry
	for i, v := range variants {
		e := base
		e.ExternalID = "d" + string(rune('a'+i))
		v(&e)
		in = append(in, e)
	}
	if _, err := s.ImportEntries(ctx, seqOf(in, nil), t0, nil); err != nil {
		t.Fatal(err)
	}
	stored, err := store.StoredDigests(ctx, s, base.Source)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(in) {
		t.Errorf("%d stored digests of %d rows: two rows share one", len(stored), len(in))
	}
	for _, e := range in {
		if _, ok := stored[store.EntryDigest(e)]; !ok {
			t.Errorf("%s: the digest of the entry is not the digest of its stored row", e.ExternalID)
		}
	}
	// A deleted row has no digest: a re-import must bring it back.
	var seen []string
	for _, e := range in[1:] {
		seen = append(seen, e.ExternalID)
	}
	if _, err := s.RemoveMissing(ctx, base.Source, billing.Period{Start: billing.MustDate("1999-01-01"), End: billing.MustDate("2200-01-01")}, seen, t0); err != nil {
		t.Fatal(err)
	}
	if stored, err = store.StoredDigests(ctx, s, base.Source); err != nil {
		t.Fatal(err)
	}
	if _, ok := stored[store.EntryDigest(in[0])]; ok || len(stored) != len(in)-1 {
		t.Errorf("after deleting %s: %d digests, its own among them: %v", in[0].ExternalID, len(stored), ok)
	}
}
