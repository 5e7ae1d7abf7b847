package workflow_test

import (
	"context"
	"log/slog"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/notify"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// busyLocker is a lock another process holds.
type busyLocker struct{}

func (busyLocker) TryLock(context.Context, string) (func(), bool, error) { return nil, false, nil }

// TestAdvanceLeavesWorkToTheLockHolder: while another process advances
// invoices, a draft run stores its drafts but neither creates nor posts
// them — the holder (or the next run) does, once.
func TestAdvanceLeavesWorkToTheLockHolder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.october()
		other := workflow.New(workflow.Deps{
			Store: e.store, Ledger: e.books, Notifier: notify.New(e.msgr, nil), Now: e.clock.Now,
			Logger: slog.New(slog.DiscardHandler), Locker: busyLocker{},
		})
		if _, err := other.Draft(t.Context(), workflow.DraftOptions{PeriodEnd: billing.MustDate("2026-10-31"), Actor: "test"}); err != nil {
			t.Fatal(err)
		}
		for _, inv := range e.invoices() {
			if inv.State != store.StateDraft || inv.LedgerID != "" || inv.SlackTS != "" {
				t.Fatalf("%s advanced while another process held the lock: %s %q %q", inv.Key, inv.State, inv.LedgerID, inv.SlackTS)
			}
		}
		if err := e.wf.Advance(t.Context()); err != nil {
			t.Fatal(err)
		}
		for _, inv := range e.invoices() {
			if inv.State != store.StatePending || inv.SlackTS == "" {
				t.Errorf("%s after the holder's Advance: %s, ts %q", inv.Key, inv.State, inv.SlackTS)
			}
		}
	})
}
