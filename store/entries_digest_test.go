package store_test

import (
	"bytes"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
	"billbot/store/storetest"
)

// The digest an import computes in Go must be the one PostgreSQL computes
// of the stored row, or a re-import could not tell an unchanged row; and
// any change of a compared field must change it.
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
	rows, err := s.DB().QueryContext(ctx, "SELECT external_id, "+store.DigestSQL+" FROM time_entries")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	stored := map[string][]byte{}
	for rows.Next() {
		var (
			id string
			d  []byte
		)
		if err := rows.Scan(&id, &d); err != nil {
			t.Fatal(err)
		}
		stored[id] = d
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, e := range in {
		got := store.EntryDigest(e)
		if !bytes.Equal(got, stored[e.ExternalID]) {
			t.Errorf("%s: Go digest %x, PostgreSQL's %x", e.ExternalID, got, stored[e.ExternalID])
		}
		// The same row under another key digests differently, and so do
		// the variants among themselves.
		if other, dup := seen[string(got)]; dup {
			t.Errorf("%s and %s share a digest", e.ExternalID, other)
		}
		seen[string(got)] = e.ExternalID
	}
}
