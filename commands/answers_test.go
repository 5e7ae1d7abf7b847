package commands_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"billbot/commands"
	"billbot/internal/answers"
	"billbot/internal/chat"
	"billbot/internal/config"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// countingUploader records the charts uploaded and gives each a new id.
type countingUploader struct {
	mu    sync.Mutex
	files []string // titles, in upload order
}

func (u *countingUploader) UploadFile(_ context.Context, _, _, title string, data []byte) (string, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(data) == 0 {
		return "", fmt.Errorf("empty chart")
	}
	u.files = append(u.files, title)
	return fmt.Sprintf("F%03d", len(u.files)), nil
}

func (u *countingUploader) count() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.files)
}

// cachedFixture is newFixture with a clock the test moves and the ledger
// cache and chart uploader it inspects.
type cachedFixture struct {
	*fixture
	ledger *answers.Ledger
	files  *countingUploader
	clock  atomic.Pointer[time.Time]
}

func newCachedFixture(t *testing.T, s *store.Store) *cachedFixture {
	t.Helper()
	c := &cachedFixture{files: &countingUploader{}}
	n := now()
	c.clock.Store(&n)
	clock := func() time.Time { return *c.clock.Load() }
	s = s.WithClock(clock)
	parsed, err := config.ParseFirm("test firm", []byte(firmYAML))
	if err != nil {
		t.Fatal(err)
	}
	_, clients, engs := parsed.Billing()
	if err := s.SaveConfig(t.Context(), []byte(firmYAML), clients, engs, "test"); err != nil {
		t.Fatal(err)
	}
	c.ledger = answers.NewLedger(s.LedgerVersion, 0)
	wf := workflow.New(workflow.Deps{Store: s, Now: clock}).WithAnswers(c.ledger)
	c.fixture = &fixture{t: t, store: s, h: commands.New(wf, clock, nil).WithCharts(c.files)}
	return c
}

// TestRepeatedAgingIsComputedOnce: fifty identical /ar aging requests at
// once cost one aging computation and one chart drawn and uploaded, and
// all show the same figures and file; /billing status likewise.
func TestRepeatedAgingIsComputedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newCachedFixture(t, s)
		f.sent("Acme Corp", managerA, "2026-09-30", "1000.00")
		f.sent("Birch & Daughters", managerB, "2026-11-30", "500.00")

		const n = 50
		replies := make([]chat.Reply, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				replies[i], errs[i] = f.h.HandleCommand(t.Context(), chat.Command{TeamID: "T1", ChannelID: "C1", UserID: viewer, Command: commands.AR, Text: "aging"})
				replies[i] = shown(t.Context(), replies[i])
			})
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if replies[i].Text != "AR for all clients: USD 1,500.00" || blocks(replies[i]) != blocks(replies[0]) {
				t.Fatalf("reply %d differs: %q\n%s", i, replies[i].Text, blocks(replies[i]))
			}
		}
		if ids := imageFileIDs(t, replies[0]); len(ids) != 1 || ids[0] != "F001" {
			t.Errorf("chart files %v, want [F001]", ids)
		}
		if st := f.ledger.Stats(); st.Computed != 1 || st.Hits != n-1 {
			t.Errorf("aging computed %d times (%d remembered), want once", st.Computed, st.Hits)
		}
		if up := f.files.count(); up != 1 {
			t.Errorf("%d charts uploaded, want 1", up)
		}
		if st := f.h.ChartStats(); st.Computed != 1 {
			t.Errorf("%d charts drawn, want 1", st.Computed)
		}

		for range 3 {
			if r := f.do(viewer, commands.Billing, "status"); r.Text != "Billing status for all clients: 0 awaiting approval, 0 held, 2 sent and unpaid, 1 overdue" {
				t.Errorf("status: %q", r.Text)
			}
		}
		if st := f.ledger.Stats(); st.Computed != 2 {
			t.Errorf("after three /billing status: %d computations, want 2 (aging, status)", st.Computed)
		}
	})
}

// TestInvoiceChangeIsSeenAtOnce: after a payment, a new invoice, a void or
// the day rolling over, the next request answers with the new figures and
// draws the new chart; unchanged figures re-use the uploaded one.
func TestInvoiceChangeIsSeenAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newCachedFixture(t, s)
		ctx := t.Context()
		acme := f.sent("Acme Corp", managerA, "2026-09-30", "1000.00")
		ask := func(want string) chat.Reply {
			t.Helper()
			r := f.do(viewer, commands.AR, "aging")
			if r.Text != want {
				t.Errorf("aging: %q, want %q", r.Text, want)
			}
			return r
		}
		status := func(want string) {
			t.Helper()
			if r := f.do(viewer, commands.Billing, "status"); r.Text != want {
				t.Errorf("status: %q, want %q", r.Text, want)
			}
		}
		ask("AR for all clients: USD 1,000.00")
		status("Billing status for all clients: 0 awaiting approval, 0 held, 1 sent and unpaid, 1 overdue")

		// A payment recorded (as the QBO webhook's refresh does).
		if _, err := f.store.UpdateInvoice(ctx, acme.ID, "qbo", "invoice.payment", func(i *store.Invoice) error {
			i.Balance = 40000
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		ask("AR for all clients: USD 400.00")

		// A new invoice.
		f.sent("Birch & Daughters", managerB, "2026-11-30", "500.00")
		ask("AR for all clients: USD 900.00")
		status("Billing status for all clients: 0 awaiting approval, 0 held, 2 sent and unpaid, 1 overdue")

		// Asked again unchanged: no new chart.
		before := f.files.count()
		ask("AR for all clients: USD 900.00")
		if f.files.count() != before {
			t.Error("a chart of unchanged figures was uploaded again")
		}

		// Voided in QuickBooks.
		if _, err := f.store.Transition(ctx, acme.ID, []store.InvoiceState{store.StateSent}, store.StateVoided, "qbo", "voided", func(i *store.Invoice) { i.Balance = 0 }); err != nil {
			t.Fatal(err)
		}
		ask("AR for all clients: USD 500.00")
		status("Billing status for all clients: 0 awaiting approval, 0 held, 1 sent and unpaid, 0 overdue")

		// Birch's invoice is due December 30: on the 31st it is overdue
		// with nothing else changed.
		later := now().AddDate(0, 0, 16)
		f.clock.Store(&later)
		status("Billing status for all clients: 0 awaiting approval, 0 held, 1 sent and unpaid, 1 overdue")
		r := ask("AR for all clients: USD 500.00")
		if b := blocks(r); !strings.Contains(b, "1 day past due") {
			t.Errorf("aging the next day:\n%s", b)
		}
		if f.files.count() != before+2 {
			t.Errorf("%d charts uploaded, want %d (after the void, and the new day's title)", f.files.count(), before+2)
		}
	})
}

// TestChartMemoryIsBounded: a handler remembers at most the charts it was
// told to; the least recently shown is drawn again.
func TestChartMemoryIsBounded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newCachedFixture(t, s)
		f.h.WithChartMemory(2)
		f.sent("Acme Corp", managerA, "2026-09-30", "1000.00")
		f.sent("Acme Holdings", managerA, "2026-10-31", "250.00")
		f.sent("Birch & Daughters", managerB, "2026-11-30", "500.00")
		for _, c := range []string{"Acme Corp", "Acme Holdings", "Acme Corp", "Birch &amp; Daughters", "Acme Corp", "Acme Holdings"} {
			f.do(viewer, commands.AR, "aging "+c)
		}
		// Corp, Holdings, (Corp remembered), Birch evicts Holdings, (Corp
		// remembered), Holdings drawn again.
		if got := f.files.count(); got != 4 {
			t.Errorf("%d charts uploaded, want 4", got)
		}
		if st := f.h.ChartStats(); st.Computed != 4 || st.Hits != 2 {
			t.Errorf("chart stats %+v, want 4 drawn, 2 re-used", st)
		}
	})
}

// TestTwoReplicasShareTheLedgerVersion: two `serve` processes over one
// PostgreSQL, each with its own cache; a payment recorded by one is in the
// other's next answer.
func TestTwoReplicasShareTheLedgerVersion(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	open := func() *store.Store {
		s, err := store.Open(t.Context(), dsn, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		if _, err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		return s
	}
	a := newCachedFixture(t, open())
	b := newCachedFixture(t, open())
	inv := a.sent("Acme Corp", managerA, "2026-09-30", "1000.00")
	for range 3 {
		if r := a.do(viewer, commands.AR, "aging"); r.Text != "AR for all clients: USD 1,000.00" {
			t.Fatalf("replica A: %q", r.Text)
		}
	}
	if _, err := b.store.UpdateInvoice(t.Context(), inv.ID, "qbo", "invoice.payment", func(i *store.Invoice) error {
		i.Balance = 25000
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if r := a.do(viewer, commands.AR, "aging"); r.Text != "AR for all clients: USD 250.00" {
		t.Errorf("replica A after replica B recorded a payment: %q", r.Text)
	}
	if st := a.ledger.Stats(); st.Computed != 2 {
		t.Errorf("replica A computed %d times, want 2", st.Computed)
	}
}
