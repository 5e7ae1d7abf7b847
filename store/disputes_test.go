package store_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"billbot/store"
	"billbot/store/storetest"
)

// sentInvoice saves a draft and moves it to sent with a DocNumber.
func sentInvoice(t *testing.T, s *store.Store, key, doc string, ids ...int64) store.Invoice {
	t.Helper()
	ctx := t.Context()
	inv, _, err := s.SaveDraft(ctx, draft(key, ids...), "billbot")
	if err != nil {
		t.Fatal(err)
	}
	inv, err = storetest.Move(ctx, s, inv.ID, store.StateSent, "U0PARTNER1", func(i *store.Invoice) {
		i.DocNumber, i.LedgerID = doc, "q"+doc
	})
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// TestDisputeIsGuardedAndAudited: a dispute needs a sent invoice and a
// reason; of fifty simultaneous marks one wins; it resolves once with an
// outcome, after which it can be disputed again; both are audited.
func TestDisputeIsGuardedAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := seedEntries(t, s, 2)
		drafted, _, err := s.SaveDraft(ctx, draft("draft-only", ids[1]), "billbot")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.OpenDispute(ctx, drafted.ID, "U1", "why"); !errors.Is(err, store.ErrConflict) {
			t.Errorf("dispute of a draft = %v, want ErrConflict", err)
		}
		inv := sentInvoice(t, s, "acme-2026-10", "1042", ids[0])
		if _, err := s.OpenDispute(ctx, inv.ID, "U1", "  "); err == nil {
			t.Error("dispute without a reason accepted")
		}
		if _, err := s.ResolveDispute(ctx, inv.ID, "U1", store.OutcomeUpheld, ""); !errors.Is(err, store.ErrNoDispute) {
			t.Errorf("resolve without a dispute = %v, want ErrNoDispute", err)
		}
		const n = 50
		var (
			wg   sync.WaitGroup
			errs = make([]error, n)
		)
		for i := range n {
			wg.Go(func() { _, errs[i] = s.OpenDispute(ctx, inv.ID, "U1", "hours on the 3rd are wrong") })
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, store.ErrConflict):
				t.Errorf("concurrent dispute: %v", err)
			}
		}
		if wins != 1 {
			t.Errorf("%d disputes won, want 1", wins)
		}
		open, err := s.OpenDisputes(ctx)
		if err != nil || open[inv.ID].Reason != "hours on the 3rd are wrong" {
			t.Fatalf("OpenDisputes = %v, %v", open, err)
		}
		if _, err := s.ResolveDispute(ctx, inv.ID, "U2", "maybe", ""); err == nil {
			t.Error("unknown outcome accepted")
		}
		d, err := s.ResolveDispute(ctx, inv.ID, "U2", store.OutcomeCredited, "credit memo 77")
		if err != nil || d.Open() || d.Outcome != store.OutcomeCredited || d.ResolvedBy != "U2" {
			t.Fatalf("ResolveDispute = %+v, %v", d, err)
		}
		if _, err := s.ResolveDispute(ctx, inv.ID, "U2", store.OutcomeCredited, ""); !errors.Is(err, store.ErrNoDispute) {
			t.Errorf("second resolve = %v, want ErrNoDispute", err)
		}
		if _, err := s.OpenDisputeOf(ctx, inv.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("OpenDisputeOf after resolve = %v, want ErrNotFound", err)
		}
		if _, err := s.OpenDispute(ctx, inv.ID, "U1", "again"); err != nil {
			t.Errorf("dispute after resolve: %v", err)
		}
		evs, err := s.AuditTrail(ctx, store.AuditFilter{InvoiceID: inv.ID})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, ev := range evs {
			actions = append(actions, ev.Action+"/"+ev.Actor+"/"+ev.Note)
		}
		want := []string{"invoice.draft/billbot/", "invoice.pending/U0PARTNER1/", "invoice.approved/U0PARTNER1/", "invoice.sent/U0PARTNER1/", "invoice.disputed/U1/hours on the 3rd are wrong",
			"invoice.dispute_resolved/U2/credited: credit memo 77", "invoice.disputed/U1/again"}
		if len(actions) != len(want) {
			t.Fatalf("audit = %q, want %q", actions, want)
		}
		for i := range want {
			if actions[i] != want[i] {
				t.Errorf("audit[%d] = %q, want %q", i, actions[i], want[i])
			}
		}
	})
}

// TestAuditTrailFilters: by invoice, since a time, by actor, latest N.
func TestAuditTrailFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		t0 := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
		for i, ev := range []store.AuditEvent{
			{At: t0, Actor: "U1", Action: "a", SubjectType: "invoice", SubjectID: "7"},
			{At: t0.Add(time.Hour), Actor: "U2", Action: "b", SubjectType: "invoice", SubjectID: "7"},
			{At: t0.Add(2 * time.Hour), Actor: "U1", Action: "c", SubjectType: "invoice", SubjectID: "8"},
			{At: t0.Add(3 * time.Hour), Actor: "U1", Action: "d", SubjectType: "config", SubjectID: "7"},
		} {
			if err := s.Audit(ctx, ev); err != nil {
				t.Fatal(i, err)
			}
		}
		for _, c := range []struct {
			f    store.AuditFilter
			want string
		}{
			{store.AuditFilter{}, "abcd"},
			{store.AuditFilter{InvoiceID: 7}, "ab"},
			{store.AuditFilter{Since: t0.Add(time.Hour)}, "bcd"},
			{store.AuditFilter{Actor: "U1"}, "acd"},
			{store.AuditFilter{Actor: "U1", Since: t0.Add(30 * time.Minute), InvoiceID: 8}, "c"},
			{store.AuditFilter{Limit: 2}, "cd"},
		} {
			evs, err := s.AuditTrail(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for _, ev := range evs {
				got += ev.Action
			}
			if got != c.want {
				t.Errorf("AuditTrail(%+v) = %q, want %q", c.f, got, c.want)
			}
		}
	})
}

// TestInvoiceByNumber: the QBO DocNumber first, else billbot's id.
func TestInvoiceByNumber(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		inv := sentInvoice(t, s, "acme-2026-10", "1042", seedEntries(t, s, 1)...)
		for _, n := range []string{"1042", " 1042 "} {
			got, err := s.InvoiceByNumber(ctx, n)
			if err != nil || got.ID != inv.ID {
				t.Errorf("InvoiceByNumber(%q) = %d, %v", n, got.ID, err)
			}
		}
		for _, n := range []string{"#1", "1", "acme-2026-10"} {
			got, err := s.InvoiceByNumber(ctx, n)
			if err != nil || got.ID != inv.ID || inv.ID != 1 {
				t.Errorf("InvoiceByNumber(%q) = %d, %v", n, got.ID, err)
			}
		}
		for _, n := range []string{"", "9999", "abc", "#x", "#1042"} {
			if _, err := s.InvoiceByNumber(ctx, n); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("InvoiceByNumber(%q) = %v, want ErrNotFound", n, err)
			}
		}
	})
}

// TestMigrationKeepsLegacyDisputes: an invoice marked disputed before
// disputes had a table (an audit "disputed" not followed by
// "dispute_cleared") is still disputed after migration 0016; a cleared one
// is not.
func TestMigrationKeepsLegacyDisputes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := seedEntries(t, s, 2)
		still := sentInvoice(t, s, "acme-2026-10", "1042", ids[0])
		cleared := sentInvoice(t, s, "acme-2026-11", "1043", ids[1])
		for _, db := range []string{
			"DROP TABLE invoice_disputes", "DROP INDEX invoices_doc_number_idx", "DROP INDEX audit_events_at_idx",
			"DROP INDEX audit_events_actor_idx", "DELETE FROM schema_migrations WHERE version = 16",
		} {
			if _, err := s.DB().ExecContext(ctx, db); err != nil {
				t.Fatal(db, err)
			}
		}
		for _, ev := range []store.AuditEvent{
			{Actor: "U1", Action: "disputed", SubjectType: "invoice", SubjectID: itoa(still.ID)},
			{Actor: "U1", Action: "disputed", SubjectType: "invoice", SubjectID: itoa(cleared.ID)},
			{Actor: "U1", Action: "dispute_cleared", SubjectType: "invoice", SubjectID: itoa(cleared.ID)},
		} {
			if err := s.Audit(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.Migrate(ctx); err != nil || n != 1 {
			t.Fatalf("Migrate applied %d, %v", n, err)
		}
		open, err := s.OpenDisputes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := open[still.ID]; !ok || len(open) != 1 {
			t.Errorf("open disputes after migration: %+v", open)
		}
	})
}
