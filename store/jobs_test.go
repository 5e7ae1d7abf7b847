package store_test

import (
	"bytes"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"billbot/store"
	"billbot/store/storetest"
)

// concurrently runs fn from n goroutines released together and counts the
// calls that report true.
func concurrently(t *testing.T, n int, fn func() (bool, error)) int {
	t.Helper()
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		won   atomic.Int64
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ok, err := fn()
			if err != nil {
				t.Error(err)
			}
			if ok {
				won.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	return int(won.Load())
}

func TestOnceOnlyEffects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		sched := time.Date(2026, 11, 1, 9, 0, 0, 0, time.FixedZone("EST", -5*3600))
		var runID atomic.Int64
		won := concurrently(t, 20, func() (bool, error) {
			id, err := s.StartRun(ctx, "collections", sched, t0)
			if errors.Is(err, store.ErrAlreadyRan) {
				return false, nil
			}
			runID.Store(id)
			return err == nil, err
		})
		if won != 1 {
			t.Errorf("StartRun won %d times, want 1", won)
		}
		// The same instant in another zone is the same schedule.
		if _, err := s.StartRun(ctx, "collections", sched.UTC(), t0); !errors.Is(err, store.ErrAlreadyRan) {
			t.Errorf("StartRun of the same instant in UTC = %v, want ErrAlreadyRan", err)
		}
		if err := s.FinishRun(ctx, runID.Load(), t0.Add(time.Minute), "ok", "3 reminders"); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishRun(ctx, 999999, t0, "ok", ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("FinishRun(unknown) = %v, want ErrNotFound", err)
		}
		if _, err := s.StartRun(ctx, "collections", sched.Add(24*time.Hour), t0.Add(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		runs, err := s.Runs(ctx, "collections", 10)
		if err != nil || len(runs) != 2 {
			t.Fatalf("Runs = %v, %v", runs, err)
		}
		if r := runs[1]; !r.ScheduledFor.Equal(sched) || r.Status != "ok" || r.Detail != "3 reminders" || !r.FinishedAt.Equal(t0.Add(time.Minute)) {
			t.Errorf("finished run = %+v", r)
		}
		if runs[0].Status != store.RunRunning || !runs[0].FinishedAt.IsZero() {
			t.Errorf("running run = %+v", runs[0])
		}

		ids := seedEntries(t, s, 1)
		inv, _, err := s.SaveDraft(ctx, draft("acme-2026-10", ids...), "billbot")
		if err != nil {
			t.Fatal(err)
		}
		claim := func(step string, at time.Time) (bool, error) {
			c, err := s.ClaimStep(ctx, inv.ID, step, at, time.Hour)
			return c != store.StepTaken, err
		}
		if won := concurrently(t, 20, func() (bool, error) { return claim("reminder_25", t0) }); won != 1 {
			t.Errorf("ClaimStep won %d times, want 1", won)
		}
		if ok, err := claim("escalation_35", t0); !ok || err != nil {
			t.Errorf("another step = %v, %v; want claimed", ok, err)
		}
		// Unconfirmed: the claim is held for its lease, then taken again by
		// one of many.
		if ok, _ := claim("reminder_25", t0.Add(59*time.Minute)); ok {
			t.Error("an unconfirmed step was claimed again within its lease")
		}
		if won := concurrently(t, 20, func() (bool, error) { return claim("reminder_25", t0.Add(61*time.Minute)) }); won != 1 {
			t.Errorf("expired claim won %d times, want 1", won)
		}
		if c, _ := s.ClaimStep(ctx, inv.ID, "escalation_35", t0.Add(2*time.Hour), time.Hour); c != store.StepRetry {
			t.Errorf("expired claim = %v, want StepRetry", c)
		}
		// Confirmed: never again. Released: at once.
		if err := s.ConfirmStep(ctx, inv.ID, "reminder_25", t0); err != nil {
			t.Fatal(err)
		}
		if ok, _ := claim("reminder_25", t0.Add(48*time.Hour)); ok {
			t.Error("a confirmed step was claimed again")
		}
		if err := s.ReleaseStep(ctx, inv.ID, "escalation_35"); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.ClaimStep(ctx, inv.ID, "escalation_35", t0.Add(2*time.Hour), time.Hour); c != store.StepRetry {
			t.Errorf("released step = %v, want StepRetry (the effect may have happened in part)", c)
		}
		if won := concurrently(t, 20, func() (bool, error) { return s.ClaimOnce(ctx, "slack:Ev0123", t0) }); won != 1 {
			t.Errorf("ClaimOnce won %d times, want 1", won)
		}
	})
}

func TestSecrets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if _, err := s.Secret(ctx, "qbo.refresh_token"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unset secret = %v, want ErrNotFound", err)
		}
		for _, ct := range [][]byte{{0, 1, 2, 0xff}, []byte("rotated")} {
			if err := s.PutSecret(ctx, "qbo.refresh_token", ct); err != nil {
				t.Fatal(err)
			}
			got, err := s.Secret(ctx, "qbo.refresh_token")
			if err != nil || !bytes.Equal(got, ct) {
				t.Errorf("Secret = %x, %v; want %x", got, err, ct)
			}
		}
		evs, err := s.AuditEvents(ctx, "secret", "qbo.refresh_token")
		if err != nil || len(evs) != 2 || evs[0].Before != nil || evs[0].After != nil {
			t.Errorf("secret audit = %+v, %v; want two events without content", evs, err)
		}
	})
}

func TestAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ev := store.AuditEvent{At: t0, Actor: "U0PARTNER1", Action: "invoice.viewed", SubjectType: "invoice", SubjectID: "7",
			Before: []byte(`{"viewed":false}`), After: []byte(`{"viewed":true}`)}
		if err := s.Audit(ctx, ev); err != nil {
			t.Fatal(err)
		}
		if err := s.Audit(ctx, store.AuditEvent{Action: "x", After: []byte("{not json")}); err == nil {
			t.Error("invalid JSON audited")
		}
		got, err := s.AuditEvents(ctx, "invoice", "7")
		if err != nil || len(got) != 1 {
			t.Fatalf("AuditEvents = %v, %v", got, err)
		}
		ev.ID = got[0].ID
		if got[0].ID == 0 || !got[0].At.Equal(t0) || string(got[0].Before) != string(ev.Before) || string(got[0].After) != string(ev.After) || got[0].Actor != ev.Actor {
			t.Errorf("event = %+v", got[0])
		}
	})
}
