package store_test

import (
	"context"
	"testing"

	"billbot/internal/billing"
	"billbot/store"
	"billbot/store/storetest"
)

// TestLedgerVersionBumpsOnEveryInvoiceChange: each store method that
// changes an invoice (its state, fields, balance, lines or dispute) bumps
// the ledger version exactly once, in its transaction; the read-only ones,
// a refused change and writes of anything else leave it alone.
func TestLedgerVersionBumpsOnEveryInvoiceChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		saveTestConfig(t, s)
		ids := seedEntries(t, s, 4)
		inv := sentInvoice(t, s, "acme-2026-10", "1042", ids[0])
		pending, _, err := s.SaveDraft(ctx, draft("acme-2026-10-b", ids[1]), "billbot")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Transition(ctx, pending.ID, []store.InvoiceState{store.StateDraft}, store.StatePending, "billbot", "", nil); err != nil {
			t.Fatal(err)
		}
		today := billing.MustDate("2026-12-15")

		cases := []struct {
			name  string
			op    func(ctx context.Context) error
			bumps bool
		}{
			{"SaveDraft", func(ctx context.Context) error {
				_, _, err := s.SaveDraft(ctx, draft("acme-2026-10-c", ids[2]), "billbot")
				return err
			}, true},
			{"SaveDraft of an existing key", func(ctx context.Context) error {
				_, _, err := s.SaveDraft(ctx, draft("acme-2026-10-c", ids[2]), "billbot")
				return err
			}, false},
			{"ReplaceLines", func(ctx context.Context) error { // while pending: held invoices are not editable
				d := draft("x", ids[1], ids[3])
				_, err := s.ReplaceLines(ctx, pending.ID, d.Lines, d, "U0PARTNER1", "added the 4th")
				return err
			}, true},
			{"Transition", func(ctx context.Context) error {
				_, err := s.Transition(ctx, pending.ID, []store.InvoiceState{store.StatePending}, store.StateHeld, "U0PARTNER1", "why", nil)
				return err
			}, true},
			{"Transition refused", func(ctx context.Context) error {
				_, err := s.Transition(ctx, pending.ID, []store.InvoiceState{store.StateSent}, store.StatePaid, "U0PARTNER1", "", nil)
				if err == nil {
					t.Error("a transition from the wrong state was accepted")
				}
				return nil
			}, false},
			{"UpdateInvoice (a payment)", func(ctx context.Context) error {
				_, err := s.UpdateInvoice(ctx, inv.ID, "qbo", "invoice.payment", func(i *store.Invoice) error {
					i.Balance = i.Total / 2
					return nil
				})
				return err
			}, true},
			{"OpenDispute", func(ctx context.Context) error {
				_, err := s.OpenDispute(ctx, inv.ID, "U1", "hours are wrong")
				return err
			}, true},
			{"ResolveDispute", func(ctx context.Context) error {
				_, err := s.ResolveDispute(ctx, inv.ID, "U1", store.OutcomeUpheld, "")
				return err
			}, true},
			{"Transition to voided", func(ctx context.Context) error {
				_, err := s.Transition(ctx, inv.ID, []store.InvoiceState{store.StateSent}, store.StateVoided, "qbo", "voided", func(i *store.Invoice) { i.Balance = 0 })
				return err
			}, true},

			// Reads.
			{"Invoice", func(ctx context.Context) error { _, err := s.Invoice(ctx, inv.ID); return err }, false},
			{"Invoices", func(ctx context.Context) error { _, err := s.Invoices(ctx, store.InvoiceFilter{}); return err }, false},
			{"InvoiceByKey", func(ctx context.Context) error { _, err := s.InvoiceByKey(ctx, inv.Key); return err }, false},
			{"InvoiceByNumber", func(ctx context.Context) error { _, err := s.InvoiceByNumber(ctx, "1042"); return err }, false},
			{"OpenBalances", func(ctx context.Context) error { _, err := s.OpenBalances(ctx, store.ReportFilter{}); return err }, false},
			{"MonthlySales", func(ctx context.Context) error {
				_, err := s.MonthlySales(ctx, store.ReportFilter{}, billing.Date{}, today)
				return err
			}, false},
			{"StatusCounts", func(ctx context.Context) error { _, err := s.StatusCounts(ctx, "", today); return err }, false},
			{"Disputes", func(ctx context.Context) error { _, err := s.Disputes(ctx, inv.ID); return err }, false},
			{"OpenDisputes", func(ctx context.Context) error { _, err := s.OpenDisputes(ctx); return err }, false},

			// Writes of other things.
			{"SaveConfig", func(ctx context.Context) error {
				return s.SaveConfig(ctx, []byte(testYAML), testClients(), testEngagements(), "U0ADMIN")
			}, false},
			{"UpsertEntries", func(ctx context.Context) error {
				_, err := s.UpsertEntries(ctx, []billing.TimeEntry{entry("e99")}, t0)
				return err
			}, false},
			{"Audit", func(ctx context.Context) error {
				return s.Audit(ctx, store.AuditEvent{Actor: "U1", Action: "note", SubjectType: "invoice", SubjectID: "1"})
			}, false},
		}
		for _, c := range cases {
			before, err := s.LedgerVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.op(ctx); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			after, err := s.LedgerVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := before
			if c.bumps {
				want++
			}
			if after != want {
				t.Errorf("%s: ledger version %d → %d, want %d", c.name, before, after, want)
			}
		}
	})
}
