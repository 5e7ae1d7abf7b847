package workflow_test

import (
	"errors"
	"fmt"
	"iter"
	"strings"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/harvest/csvimport"
	"billbot/store"
	"billbot/store/storetest"
)

func entriesOf(es ...billing.TimeEntry) iter.Seq2[billing.TimeEntry, error] {
	return func(yield func(billing.TimeEntry, error) bool) {
		for _, e := range es {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// openUnapproved lists the clients with an open unapproved-time exception.
func openUnapproved(t *testing.T, s *store.Store) map[string]bool {
	t.Helper()
	exs, err := s.Exceptions(t.Context(), store.ExceptionFilter{OpenOnly: true, Codes: []billing.ExceptionCode{billing.ExUnapproved}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, ex := range exs {
		out[ex.Client] = true
	}
	return out
}

// TestImportRechecksTouchedClientsOnly: after an import, the exceptions of
// the clients whose entries changed are brought in line, and no others —
// not even a stale one; an unchanged re-import re-checks nothing.
func TestImportRechecksTouchedClientsOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		ctx := t.Context()
		a := e.entry("a1", acmeProject, "Advisory", "2026-10-05", "2", "200.00")
		b := e.entry("b1", 202, "Advisory", "2026-10-05", "2", "200.00")
		a.Approved, b.Approved = false, false
		e.upsert(a, b)
		if _, _, err := e.wf.Detect(ctx); err != nil {
			t.Fatal(err)
		}
		if got := openUnapproved(t, e.store); !got[acme] || !got[birch] {
			t.Fatalf("unapproved exceptions open for %v, want %s and %s", got, acme, birch)
		}
		// Birch's time gets approved behind the import's back: its exception
		// is stale, but no import touches Birch.
		b.Approved = true
		e.upsert(b)

		a.Approved = true
		rep, err := e.wf.ImportEntries(ctx, entriesOf(a, b), nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Updated != 1 || rep.Unchanged != 1 || rep.Resolved != 1 || rep.Opened != 0 {
			t.Errorf("import = %+v, want 1 updated, 1 unchanged, 1 resolved", rep)
		}
		if got := openUnapproved(t, e.store); got[acme] || !got[birch] {
			t.Errorf("unapproved exceptions open for %v, want %s's only (untouched)", got, birch)
		}

		rep, err = e.wf.ImportEntries(ctx, entriesOf(a, b), nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Unchanged != 2 || len(rep.Clients) != 0 || rep.Opened+rep.Resolved != 0 {
			t.Errorf("unchanged re-import = %+v, want nothing touched", rep)
		}
		// A full check still finds Birch's.
		if _, resolved, err := e.wf.Detect(ctx); err != nil || resolved != 1 {
			t.Errorf("Detect resolved %d (%v), want Birch's", resolved, err)
		}
	})
}

// TestImportLargeFileBrokenLastRowStoresNothing: a CSV export whose last
// row is bad stores none of the rows before it, on both databases, and the
// error names the line.
func TestImportLargeFileBrokenLastRowStoresNothing(t *testing.T) {
	const rows = 30_000
	var b strings.Builder
	b.WriteString("Date,Client,Project,Task,Hours,Billable?,Approved?,First Name,Last Name,Billable Rate\r\n")
	for i := range rows {
		fmt.Fprintf(&b, "2026-10-%02d,%s,Acme,Tax Prep,%d.25,Yes,Yes,Kim,Allen,195.00\r\n", 1+i%28, acme, 1+i%7)
	}
	b.WriteString("2026-10-31,Acme Corp,Acme,Tax Prep,lots,Yes,Yes,Kim,Allen,195.00\r\n")
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		rd, err := csvimport.NewReader(strings.NewReader(b.String()), csvimport.Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.wf.ImportEntries(t.Context(), rd.All(), nil)
		var bad *csvimport.BadRowsError
		if !errors.As(err, &bad) || len(bad.Rows) != 1 || bad.Rows[0].Line != rows+2 {
			t.Fatalf("err = %v, want one bad row on line %d", err, rows+2)
		}
		got, err := e.store.UnallocatedEntries(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Fatalf("%d entries stored from a rejected file", len(got))
		}
	})
}
