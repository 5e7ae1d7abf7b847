package workflow_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"billbot/internal/notify"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// failingReminders fails the first fail QBO reminder sends before they
// reach QBO.
type failingReminders struct {
	workflow.Ledger
	mu   sync.Mutex
	fail int
}

func (f *failingReminders) Send(ctx context.Context, qboID, to, key string) (workflow.Remote, error) {
	f.mu.Lock()
	failing := strings.HasPrefix(key, "reminder:") && f.fail > 0
	if failing {
		f.fail--
	}
	f.mu.Unlock()
	if failing {
		return workflow.Remote{}, errors.New("connection reset by peer")
	}
	return f.Ledger.Send(ctx, qboID, to, key)
}

// crashAt is a fail point that panics once at the first point with prefix,
// as a process killed there would stop.
type crashAt struct {
	prefix  string
	crashed bool
}

type crash struct{}

func (c *crashAt) point(p string) {
	if !c.crashed && strings.HasPrefix(p, c.prefix) {
		c.crashed = true
		panic(crash{})
	}
}

// collect runs Collect, turning a fail point's crash into crashed.
func collect(t *testing.T, wf *workflow.Workflow) (rep workflow.CollectReport, err error, crashed bool) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(crash); !ok {
				panic(r)
			}
			crashed = true
		}
	}()
	rep, err = wf.Collect(t.Context())
	return rep, err, false
}

// sentAcme approves only Acme's October invoice and returns it, sent.
func sentAcme(t *testing.T, e *env) store.Invoice {
	t.Helper()
	e.october()
	invs := e.draft()
	inv := e.approve(invs[acme].ID, partnerA)
	if inv.State != store.StateSent {
		t.Fatalf("Acme after approval: %s", inv.State)
	}
	return inv
}

// TestReminderRetriedAfterFailedSend: the day-25 reminder's send fails; the
// next run sends it, and the one after does nothing.
func TestReminderRetriedAfterFailedSend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		e.wf = workflow.New(workflow.Deps{Store: e.store, Ledger: &failingReminders{Ledger: e.books, fail: 1}, Notifier: notify.New(e.msgr, nil), Now: e.clock.Now})
		inv := sentAcme(t, e)
		sent := e.clock.Now()
		steps := []struct {
			day       int
			reminders int
			fails     bool
			emails    int
		}{{25, 0, true, 1}, {26, 1, false, 2}, {27, 0, false, 2}}
		for _, st := range steps {
			e.clock.Set(sent.Add(time.Duration(st.day) * 24 * time.Hour))
			rep, err, _ := collect(t, e.wf)
			if (err != nil) != st.fails || rep.Reminders != st.reminders {
				t.Errorf("day %d: %d reminders, error %v; want %d, failing %v", st.day, rep.Reminders, err, st.reminders, st.fails)
			}
			if n := e.qbo.Emailed(inv.LedgerID); n != st.emails {
				t.Errorf("day %d: invoice emailed %d times, want %d (the first send and one reminder)", st.day, n, st.emails)
			}
		}
		if got := e.invoice(inv.ID); got.LastRemindedAt.IsZero() {
			t.Error("reminder not recorded on the invoice")
		}
	})
}

// TestReminderCrashAfterSend: the process dies after QBO emailed the
// reminder and before the step was confirmed. Within the claim's lease
// nothing runs it again; after, a run retries with the same requestid, QBO
// replays the first send, and the client got one reminder.
func TestReminderCrashAfterSend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		c := &crashAt{prefix: "collect:before_confirm:reminder:"}
		e.wf = workflow.New(workflow.Deps{Store: e.store, Ledger: e.books, Notifier: notify.New(e.msgr, nil), Now: e.clock.Now, FailPoint: c.point})
		inv := sentAcme(t, e)
		e.clock.Set(e.clock.Now().Add(25 * 24 * time.Hour))
		if _, _, crashed := collect(t, e.wf); !crashed {
			t.Fatal("no crash at the fail point")
		}
		if n := e.qbo.Emailed(inv.LedgerID); n != 2 {
			t.Fatalf("emailed %d times after the crash, want 2", n)
		}
		e.clock.Set(e.clock.Now().Add(time.Minute))
		if rep, err, _ := collect(t, e.wf); err != nil || rep.Reminders != 0 {
			t.Errorf("run within the lease: %+v, %v; want nothing", rep, err)
		}
		e.clock.Set(e.clock.Now().Add(time.Hour))
		if rep, err, _ := collect(t, e.wf); err != nil || rep.Reminders != 1 {
			t.Errorf("run after the lease: %+v, %v; want the reminder retried", rep, err)
		}
		if n := e.qbo.Emailed(inv.LedgerID); n != 2 {
			t.Errorf("emailed %d times, want 2: the retry must be replayed by QBO, not sent", n)
		}
		e.clock.Set(e.clock.Now().Add(24 * time.Hour))
		if rep, _, _ := collect(t, e.wf); rep.Reminders != 0 {
			t.Errorf("next day: %d reminders, want 0 (done)", rep.Reminders)
		}
	})
}

// TestEscalationRetriedAfterFailedDM: Slack refuses the day-35 DM; the
// next run posts it, once.
func TestEscalationRetriedAfterFailedDM(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		inv := sentAcme(t, e)
		manager := inv.Managers[0]
		sent := e.clock.Now()
		e.clock.Set(sent.Add(35 * 24 * time.Hour))
		e.slack.FailNext("chat.postMessage", "fatal_error")
		if rep, err, _ := collect(t, e.wf); err == nil || rep.Escalations != 0 {
			t.Errorf("day 35: %+v, %v; want the DM to fail", rep, err)
		}
		for _, day := range []int{36, 37} {
			e.clock.Set(sent.Add(time.Duration(day) * 24 * time.Hour))
			rep, err, _ := collect(t, e.wf)
			if want := map[int]int{36: 1, 37: 0}[day]; err != nil || rep.Escalations != want {
				t.Errorf("day %d: %+v, %v; want %d escalations", day, rep, err, want)
			}
		}
		if n := len(e.dms(manager)); n != 1 {
			t.Errorf("%d escalation DMs to %s, want 1", n, manager)
		}
	})
}

// TestEscalationCrashAfterDM: the process dies after the DM was posted and
// before the step was confirmed; the retry finds the DM (its message
// metadata) and posts no second one.
func TestEscalationCrashAfterDM(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		c := &crashAt{prefix: "collect:before_confirm:escalation:"}
		e.wf = workflow.New(workflow.Deps{Store: e.store, Ledger: e.books, Notifier: notify.New(e.msgr, nil), Now: e.clock.Now, FailPoint: c.point})
		inv := sentAcme(t, e)
		manager := inv.Managers[0]
		e.clock.Set(e.clock.Now().Add(35 * 24 * time.Hour))
		if _, _, crashed := collect(t, e.wf); !crashed {
			t.Fatal("no crash at the fail point")
		}
		if n := len(e.dms(manager)); n != 1 {
			t.Fatalf("%d DMs after the crash, want 1", n)
		}
		e.clock.Set(e.clock.Now().Add(time.Hour))
		if rep, err, _ := collect(t, e.wf); err != nil || rep.Escalations != 1 {
			t.Errorf("run after the lease: %+v, %v; want the step retried", rep, err)
		}
		e.clock.Set(e.clock.Now().Add(24 * time.Hour))
		if rep, _, _ := collect(t, e.wf); rep.Escalations != 0 {
			t.Errorf("next day: %d escalations, want 0", rep.Escalations)
		}
		if n := len(e.dms(manager)); n != 1 {
			t.Errorf("%d escalation DMs to %s, want 1", n, manager)
		}
	})
}
