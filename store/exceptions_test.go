package store_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/billing"
	"billbot/store"
	"billbot/store/storetest"
)

func TestOpenExceptionDedupes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := seedEntries(t, s, 2)
		p := billing.Problem{Code: billing.ExUnapproved, Engagement: "acme-2026", Client: "Acme Corp",
			EntryIDs: []int64{ids[1], ids[0]}, Message: "unapproved for 9 days", Fix: "approve in Harvest", Holds: true}
		first, created, err := s.OpenException(ctx, p, t0)
		if err != nil || !created {
			t.Fatalf("OpenException = %v, %v", created, err)
		}
		want := store.Exception{ID: first.ID, Problem: p, Status: store.ExceptionOpen, OpenedAt: t0}
		want.EntryIDs = []int64{ids[0], ids[1]}
		if diff := cmp.Diff(want, first); diff != "" {
			t.Errorf("opened (-want +got):\n%s", diff)
		}
		p.Message = "unapproved for 10 days" // reworded, same problem
		p.EntryIDs = []int64{ids[0], ids[1]}
		again, created, err := s.OpenException(ctx, p, t0.Add(24*time.Hour))
		if err != nil || created || again.ID != first.ID {
			t.Errorf("same problem again = id %d created %v %v; want id %d, false", again.ID, created, err, first.ID)
		}
		// A second holding problem over the same entries is recorded, but
		// the entries stay held by the first.
		other, created, err := s.OpenException(ctx, billing.Problem{Code: billing.ExRateMismatch, EntryIDs: ids[:1], Holds: true}, t0)
		if err != nil || !created {
			t.Fatalf("second problem = %v, %v", created, err)
		}
		if err := s.ResolveException(ctx, first.ID, "U0MANAGER1", "approved", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.ResolveException(ctx, first.ID, "U0MANAGER1", "approved", t0.Add(time.Hour)); err != nil {
			t.Errorf("resolving twice: %v", err)
		}
		// Re-asserting the open problem takes the hold it could not get.
		if _, created, err := s.OpenException(ctx, other.Problem, t0.Add(2*time.Hour)); err != nil || created {
			t.Fatalf("re-open = %v, %v", created, err)
		}
		left, err := s.UnallocatedEntries(ctx)
		if err != nil || len(left) != 1 || left[0].ID != ids[1] {
			t.Errorf("unallocated = %v, %v; want only %d", left, err, ids[1])
		}
		evs, err := s.AuditEvents(ctx, "exception", itoa(first.ID))
		if err != nil || len(evs) != 2 || evs[1].Action != "exception.resolve" || evs[1].Actor != "U0MANAGER1" || evs[1].Before == nil || evs[1].After == nil {
			t.Errorf("exception audit = %+v, %v", evs, err)
		}
	})
}

func TestReconcileExceptions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := seedEntries(t, s, 3)
		codes := []billing.ExceptionCode{billing.ExUnapproved, billing.ExRateMismatch}
		unapproved := func(id int64) billing.Problem {
			return billing.Problem{Code: billing.ExUnapproved, Client: "Acme Corp", EntryIDs: []int64{id}, Holds: true}
		}
		kept := billing.Problem{Code: billing.ExClientUnmapped, Client: "Globex"} // a code outside this reconcile
		if _, _, err := s.OpenException(ctx, kept, t0); err != nil {
			t.Fatal(err)
		}
		opened, resolved, err := s.ReconcileExceptions(ctx, codes, []billing.Problem{unapproved(ids[0]), unapproved(ids[1])}, t0)
		if err != nil || opened != 2 || resolved != 0 {
			t.Fatalf("first reconcile = %d opened, %d resolved, %v; want 2, 0", opened, resolved, err)
		}
		opened, resolved, err = s.ReconcileExceptions(ctx, codes, []billing.Problem{unapproved(ids[0]), unapproved(ids[1])}, t0)
		if err != nil || opened != 0 || resolved != 0 {
			t.Errorf("unchanged reconcile = %d opened, %d resolved, %v; want 0, 0", opened, resolved, err)
		}
		// ids[0] got approved; ids[2] became overdue.
		opened, resolved, err = s.ReconcileExceptions(ctx, codes, []billing.Problem{unapproved(ids[1]), unapproved(ids[2])}, t0.Add(time.Hour))
		if err != nil || opened != 1 || resolved != 1 {
			t.Errorf("changed reconcile = %d opened, %d resolved, %v; want 1, 1", opened, resolved, err)
		}
		open, err := s.Exceptions(ctx, store.ExceptionFilter{OpenOnly: true, Codes: codes})
		if err != nil {
			t.Fatal(err)
		}
		var held []int64
		for _, ex := range open {
			held = append(held, ex.EntryIDs...)
		}
		if diff := cmp.Diff([]int64{ids[1], ids[2]}, held); diff != "" {
			t.Errorf("open exceptions hold (-want +got):\n%s", diff)
		}
		all, err := s.Exceptions(ctx, store.ExceptionFilter{Client: "acme corp"})
		if err != nil || len(all) != 3 {
			t.Fatalf("all Acme exceptions = %d, %v; want 3", len(all), err)
		}
		if r := all[0]; r.Status != store.ExceptionResolved || r.ResolvedBy != store.SystemActor || r.Resolution != "no longer applies" || !r.ResolvedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("resolved exception = %+v", r)
		}
		left, _ := s.UnallocatedEntries(ctx)
		if len(left) != 1 || left[0].ID != ids[0] {
			t.Errorf("unallocated = %v; want the approved entry released", left)
		}
		if g, _ := s.Exceptions(ctx, store.ExceptionFilter{Client: "Globex", OpenOnly: true}); len(g) != 1 {
			t.Errorf("exception of another code was touched: %v", g)
		}
	})
}
