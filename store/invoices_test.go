package store_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5/pgconn"

	"billbot/internal/billing"
	"billbot/store"
	"billbot/store/storetest"
)

// rebind turns "?" placeholders into PostgreSQL's $n for raw SQL in tests.
func rebind(s *store.Store, q string) string {
	if s.Dialect() != store.DialectPostgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + string(rune('0'+n)))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isDBUniqueViolation recognises the driver's own unique-violation error.
func isDBUniqueViolation(s *store.Store, err error) bool {
	if err == nil {
		return false
	}
	if s.Dialect() == store.DialectPostgres {
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func TestSaveDraft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := seedEntries(t, s, 2)
		in := draft("acme-2026-10", ids...)
		inv, created, err := s.SaveDraft(ctx, in, "billbot")
		if err != nil || !created {
			t.Fatalf("SaveDraft = %v, %v; want created", created, err)
		}
		if inv.State != store.StateDraft || inv.Version != 1 || inv.ID == 0 {
			t.Errorf("new draft: state %s version %d id %d", inv.State, inv.Version, inv.ID)
		}
		if diff := cmp.Diff(in, inv.Billing()); diff != "" {
			t.Errorf("stored draft (-want +got):\n%s", diff)
		}
		again, created, err := s.SaveDraft(ctx, in, "billbot")
		if err != nil || created || again.ID != inv.ID {
			t.Errorf("SaveDraft of an existing key = id %d, created %v, %v; want id %d, false, nil", again.ID, created, err, inv.ID)
		}
		for name, get := range map[string]func() (store.Invoice, error){
			"Invoice":      func() (store.Invoice, error) { return s.Invoice(ctx, inv.ID) },
			"InvoiceByKey": func() (store.Invoice, error) { return s.InvoiceByKey(ctx, in.Key) },
		} {
			got, err := get()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if diff := cmp.Diff(inv, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", name, diff)
			}
		}
		if _, err := s.Invoice(ctx, 424242); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Invoice(unknown) = %v, want ErrNotFound", err)
		}
		if _, err := s.InvoiceByQBOID(ctx, "130"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("InvoiceByQBOID(unknown) = %v, want ErrNotFound", err)
		}
		if left, _ := s.UnallocatedEntries(ctx); len(left) != 0 {
			t.Errorf("billed entries still unallocated: %v", left)
		}
		if evs, _ := s.AuditEvents(ctx, "invoice", itoa(inv.ID)); len(evs) != 1 || evs[0].Action != "invoice.draft" || evs[0].Before != nil || evs[0].After == nil {
			t.Errorf("audit of the draft = %+v, want one invoice.draft with after only", evs)
		}
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func TestSecondBillingOfAnEntryFailsInTheDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := seedEntries(t, s, 2)
		first, _, err := s.SaveDraft(ctx, draft("acme-2026-10", ids[0]), "billbot")
		if err != nil {
			t.Fatal(err)
		}
		// Through the API: a second invoice with the same entry.
		_, _, err = s.SaveDraft(ctx, draft("acme-2026-10-supplemental", ids[1], ids[0]), "billbot")
		if !errors.Is(err, store.ErrAlreadyBilled) {
			t.Fatalf("second SaveDraft of a billed entry = %v, want ErrAlreadyBilled", err)
		}
		if _, err := s.InvoiceByKey(ctx, "acme-2026-10-supplemental"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("refused draft was partly saved: %v", err)
		}
		// Around the API: a raw INSERT, skipping every Go check, still fails.
		_, err = s.DB().ExecContext(ctx, rebind(s, `INSERT INTO allocations (entry_id, invoice_line_id, exception_id, active, created_at)
			SELECT ?, id, NULL, TRUE, created_at FROM allocations WHERE entry_id = ?`), ids[0], ids[0])
		if !isDBUniqueViolation(s, err) {
			t.Fatalf("raw second allocation = %v, want the database's unique violation", err)
		}
		// The same entry in two lines of one new draft is refused too.
		two := draft("acme-2026-10-dup", ids[1])
		two.Lines = append(two.Lines, two.Lines[0])
		if _, _, err := s.SaveDraft(ctx, two, "billbot"); !errors.Is(err, store.ErrAlreadyBilled) {
			t.Errorf("entry on two lines = %v, want ErrAlreadyBilled", err)
		}
		// Once voided, the entry can be billed again.
		if _, err := s.Transition(ctx, first.ID, []store.InvoiceState{store.StateDraft}, store.StateVoided, "U0PARTNER1", "duplicate", nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SaveDraft(ctx, draft("acme-2026-10-rebill", ids[0]), "billbot"); err != nil {
			t.Errorf("billing a voided invoice's entry: %v", err)
		}
	})
}

func TestEntryHeldByOpenExceptionCannotBeBilled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := seedEntries(t, s, 2)
		ex, created, err := s.OpenException(ctx, billing.Problem{
			Code: billing.ExRateMismatch, Engagement: "acme-2026", Client: "Acme Corp",
			EntryIDs: []int64{ids[0]}, Message: "rate 150.00, letter 195.00", Holds: true,
		}, t0)
		if err != nil || !created {
			t.Fatalf("OpenException = %v, %v", created, err)
		}
		if _, _, err := s.SaveDraft(ctx, draft("acme-2026-10", ids...), "billbot"); !errors.Is(err, store.ErrAlreadyBilled) {
			t.Fatalf("drafting a held entry = %v, want ErrAlreadyBilled", err)
		}
		left, err := s.UnallocatedEntries(ctx)
		if err != nil || len(left) != 1 || left[0].ID != ids[1] {
			t.Errorf("unallocated = %v, %v; want only the free entry", left, err)
		}
		if err := s.ResolveException(ctx, ex.ID, "U0MANAGER1", "rate fixed in Harvest", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SaveDraft(ctx, draft("acme-2026-10", ids...), "billbot"); err != nil {
			t.Errorf("drafting after the exception was resolved: %v", err)
		}
	})
}

func TestInvoicesFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := seedEntries(t, s, 3)
		var invs []store.Invoice
		for i, key := range []string{"a", "b", "c"} {
			d := draft(key, ids[i])
			if i == 2 {
				d.Client, d.Managers = "Globex", []string{"U0MANAGER_2"}
			}
			inv, _, err := s.SaveDraft(ctx, d, "billbot")
			if err != nil {
				t.Fatal(err)
			}
			invs = append(invs, inv)
		}
		if _, err := s.Transition(ctx, invs[1].ID, []store.InvoiceState{store.StateDraft}, store.StatePending, "billbot", "", nil); err != nil {
			t.Fatal(err)
		}
		for name, tc := range map[string]struct {
			f    store.InvoiceFilter
			want []string
		}{
			"all":           {store.InvoiceFilter{}, []string{"a", "b", "c"}},
			"state":         {store.InvoiceFilter{States: []store.InvoiceState{store.StatePending}}, []string{"b"}},
			"client":        {store.InvoiceFilter{Client: "acme corp"}, []string{"a", "b"}},
			"manager":       {store.InvoiceFilter{Manager: "U0MANAGER1"}, []string{"a", "b"}},
			"manager exact": {store.InvoiceFilter{Manager: "U0MANAGERX2"}, nil},
			"manager _":     {store.InvoiceFilter{Manager: "U0MANAGER_2"}, []string{"c"}},
			"limit":         {store.InvoiceFilter{Limit: 2}, []string{"a", "b"}},
		} {
			got, err := s.Invoices(ctx, tc.f)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var keys []string
			for _, inv := range got {
				keys = append(keys, inv.Key)
			}
			if diff := cmp.Diff(tc.want, keys, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", name, diff)
			}
		}
	})
}
