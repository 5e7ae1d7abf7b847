package jobs

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRunOnce(t *testing.T) {
	t.Parallel()
	ny := mustZone(t, "America/New_York")
	scheduled := time.Date(2025, 3, 10, 6, 0, 0, 0, ny)
	start := scheduled.Add(250 * time.Millisecond)

	tests := []struct {
		name       string
		fn         func(ctx context.Context, tk Tick) (Outcome, error)
		timeout    time.Duration
		wantErr    string // substring; "" means nil
		wantStatus string
		wantDetail string
		wantLevel  slog.Level
	}{
		{
			name: "ok",
			fn: func(context.Context, Tick) (Outcome, error) {
				return Outcome{Counts: map[string]int{"drafted": 3, "held": 1}, Detail: "cycle 2025-03"}, nil
			},
			wantStatus: StatusOK,
			wantDetail: "drafted=3 held=1; cycle 2025-03",
			wantLevel:  slog.LevelInfo,
		},
		{
			name: "error keeps partial counts",
			fn: func(context.Context, Tick) (Outcome, error) {
				return Outcome{Counts: map[string]int{"synced": 2}}, errors.New("harvest: 503")
			},
			wantErr:    "harvest: 503",
			wantStatus: StatusFailed,
			wantDetail: "synced=2; error: harvest: 503",
			wantLevel:  slog.LevelError,
		},
		{
			name:       "panic",
			fn:         func(context.Context, Tick) (Outcome, error) { panic("nil rate card") },
			wantErr:    "panicked: nil rate card",
			wantStatus: StatusPanicked,
			wantDetail: "error: jobs: draft panicked: nil rate card",
			wantLevel:  slog.LevelError,
		},
		{
			name: "deadline",
			fn: func(ctx context.Context, _ Tick) (Outcome, error) {
				<-ctx.Done()
				return Outcome{}, ctx.Err()
			},
			timeout:    time.Nanosecond,
			wantErr:    context.DeadlineExceeded.Error(),
			wantStatus: StatusFailed,
			wantDetail: "error: context deadline exceeded",
			wantLevel:  slog.LevelError,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := newMemStore()
			clock := &stepClock{t: start, step: 1500 * time.Millisecond}
			var logs logBuffer
			var gotTick Tick
			r := &Runner{
				Store: store, Locker: &LocalLocker{}, Logger: logs.logger(), Timeout: tc.timeout,
				Now: clock.Now, AlreadyRan: isDuplicate,
			}
			job := Func("draft", func(ctx context.Context, tk Tick) (Outcome, error) {
				gotTick = tk
				if _, ok := ctx.Deadline(); !ok {
					t.Error("run context has no deadline")
				}
				return tc.fn(ctx, tk)
			})

			// Seconds past the instant are dropped: the key is the minute.
			ran, err := r.RunOnce(t.Context(), job, scheduled.Add(42*time.Second))
			if !ran {
				t.Fatalf("ran = false, want true (err %v)", err)
			}
			if tc.wantErr == "" && err != nil {
				t.Fatalf("err = %v, want nil", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
			}
			if tc.wantStatus == StatusPanicked {
				var pe *PanicError
				if !errors.As(err, &pe) || pe.Job != "draft" || !strings.Contains(pe.Stack, "runner_test.go") {
					t.Errorf("err = %#v, want a *PanicError for draft with its stack", err)
				}
			}
			if diff := cmp.Diff(Tick{Scheduled: scheduled, Now: start}, gotTick); diff != "" {
				t.Errorf("tick (-want +got):\n%s", diff)
			}
			want := []run{{
				ID: 1, Job: "draft", ScheduledFor: scheduled.UTC(), StartedAt: start,
				FinishedAt: start.Add(1500 * time.Millisecond), Status: tc.wantStatus, Detail: tc.wantDetail,
			}}
			if diff := cmp.Diff(want, store.all()); diff != "" {
				t.Errorf("runs (-want +got):\n%s", diff)
			}
			if _, off := store.all()[0].ScheduledFor.Zone(); off != 0 {
				t.Errorf("scheduled_for offset = %d, want UTC", off)
			}

			// One line per run, carrying the duration and the status.
			recs := logs.records(t, slog.LevelInfo)
			if len(recs) != 1 {
				t.Fatalf("got %d log lines at info or above, want 1: %v", len(recs), recs)
			}
			rec := recs[0]
			if rec["level"] != tc.wantLevel.String() || rec["status"] != tc.wantStatus || rec["job"] != "draft" || rec["duration_ms"] != float64(1500) {
				t.Errorf("log line = %v", rec)
			}
		})
	}
}

func TestRunOnceSkips(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	calls := 0
	job := Func("collections", func(context.Context, Tick) (Outcome, error) { calls++; return Outcome{}, nil })

	t.Run("lock held elsewhere", func(t *testing.T) {
		store := newMemStore()
		r := &Runner{Store: store, Locker: busyLocker{}, AlreadyRan: isDuplicate}
		ran, err := r.RunOnce(t.Context(), job, at)
		if ran || err != nil {
			t.Fatalf("RunOnce = %v, %v; want false, nil", ran, err)
		}
		if store.starts != 0 {
			t.Errorf("StartRun called %d times without the lock", store.starts)
		}
	})
	t.Run("instant already ran", func(t *testing.T) {
		store := newMemStore()
		r := &Runner{Store: store, Locker: &LocalLocker{}, AlreadyRan: isDuplicate}
		before := calls
		for i, want := range []bool{true, false, false} {
			ran, err := r.RunOnce(t.Context(), job, at)
			if ran != want || err != nil {
				t.Fatalf("call %d: RunOnce = %v, %v; want %v, nil", i, ran, err, want)
			}
		}
		if calls-before != 1 {
			t.Errorf("job body ran %d times, want 1", calls-before)
		}
	})
	t.Run("lock released after run", func(t *testing.T) {
		locker := &LocalLocker{}
		r := &Runner{Store: newMemStore(), Locker: locker, AlreadyRan: isDuplicate}
		if _, err := r.RunOnce(t.Context(), job, at); err != nil {
			t.Fatal(err)
		}
		unlock, ok, err := locker.TryLock(t.Context(), LockKey("collections"))
		if !ok || err != nil {
			t.Fatalf("TryLock after run = %v, %v; want the lock free", ok, err)
		}
		unlock()
	})
}

// A replica that dies mid-run leaves its record unfinished; that instant is
// not rerun, and the next instant runs normally.
func TestRunOnceAfterCrashedReplica(t *testing.T) {
	t.Parallel()
	store := newMemStore()
	tick1 := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	tick2 := tick1.Add(15 * time.Minute)
	if _, err := store.StartRun(t.Context(), "sync", tick1, tick1); err != nil {
		t.Fatal(err)
	}
	r := &Runner{Store: store, Locker: &LocalLocker{}, AlreadyRan: isDuplicate}
	job := Func("sync", func(context.Context, Tick) (Outcome, error) { return Outcome{}, nil })
	if ran, err := r.RunOnce(t.Context(), job, tick1); ran || err != nil {
		t.Fatalf("tick1: RunOnce = %v, %v; want false, nil", ran, err)
	}
	if ran, err := r.RunOnce(t.Context(), job, tick2); !ran || err != nil {
		t.Fatalf("tick2: RunOnce = %v, %v; want true, nil", ran, err)
	}
	got := store.all()
	if got[0].Status != StatusRunning || got[1].Status != StatusOK {
		t.Errorf("statuses = %q, %q; want running (stale), ok", got[0].Status, got[1].Status)
	}
}

func TestRunOnceStoreErrors(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	boom := errors.New("db down")

	t.Run("start", func(t *testing.T) {
		store := newMemStore()
		store.startErr = boom
		calls := 0
		r := &Runner{Store: store, Locker: &LocalLocker{}, AlreadyRan: isDuplicate}
		ran, err := r.RunOnce(t.Context(), Func("sync", func(context.Context, Tick) (Outcome, error) { calls++; return Outcome{}, nil }), at)
		if ran || !errors.Is(err, boom) || calls != 0 {
			t.Fatalf("RunOnce = %v, %v (calls %d); want false, db down, no run", ran, err, calls)
		}
	})
	t.Run("finish", func(t *testing.T) {
		store := newMemStore()
		store.finishErr = boom
		var logs logBuffer
		r := &Runner{Store: store, Locker: &LocalLocker{}, AlreadyRan: isDuplicate, Logger: logs.logger()}
		ran, err := r.RunOnce(t.Context(), Func("sync", func(context.Context, Tick) (Outcome, error) { return Outcome{}, nil }), at)
		if !ran || !errors.Is(err, boom) {
			t.Fatalf("RunOnce = %v, %v; want true, db down", ran, err)
		}
		if recs := logs.records(t, slog.LevelError); len(recs) != 1 {
			t.Errorf("got %d error lines, want 1", len(recs))
		}
	})
	t.Run("lock", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		r := &Runner{Store: newMemStore(), Locker: &LocalLocker{}, AlreadyRan: isDuplicate}
		ran, err := r.RunOnce(ctx, Func("sync", func(context.Context, Tick) (Outcome, error) { return Outcome{}, nil }), at)
		if ran || !errors.Is(err, context.Canceled) {
			t.Fatalf("RunOnce = %v, %v; want false, context canceled", ran, err)
		}
	})
}

// A panicking job does not take the runner down: the next run works.
func TestRunOnceSurvivesPanic(t *testing.T) {
	t.Parallel()
	store := newMemStore()
	r := &Runner{Store: store, Locker: &LocalLocker{}, AlreadyRan: isDuplicate}
	at := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	bad := Func("sync", func(context.Context, Tick) (Outcome, error) {
		var m map[string]int
		//lint:ignore SA5000 the job panics on purpose
		m["x"]++ // assignment to entry in nil map
		return Outcome{}, nil
	})
	good := Func("sync", func(context.Context, Tick) (Outcome, error) { return Outcome{}, nil })
	if ran, err := r.RunOnce(t.Context(), bad, at); !ran || err == nil {
		t.Fatalf("panicking run = %v, %v", ran, err)
	}
	if ran, err := r.RunOnce(t.Context(), good, at.Add(15*time.Minute)); !ran || err != nil {
		t.Fatalf("next run = %v, %v; want true, nil", ran, err)
	}
	got := store.all()
	if got[0].Status != StatusPanicked || got[1].Status != StatusOK {
		t.Errorf("statuses = %q, %q", got[0].Status, got[1].Status)
	}
}

func TestRunnerMisconfigured(t *testing.T) {
	t.Parallel()
	job := Func("sync", func(context.Context, Tick) (Outcome, error) { return Outcome{}, nil })
	for name, r := range map[string]*Runner{
		"nil":           nil,
		"no store":      {Locker: &LocalLocker{}, AlreadyRan: isDuplicate},
		"no locker":     {Store: newMemStore(), AlreadyRan: isDuplicate},
		"no alreadyran": {Store: newMemStore(), Locker: &LocalLocker{}},
	} {
		if ran, err := r.RunOnce(t.Context(), job, time.Now()); ran || err == nil {
			t.Errorf("%s: RunOnce = %v, %v; want an error", name, ran, err)
		}
	}
}

func TestOutcomeString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   Outcome
		want string
	}{
		{"empty", Outcome{}, ""},
		{"counts sorted", Outcome{Counts: map[string]int{"b": 2, "a": 1}}, "a=1 b=2"},
		{"detail only", Outcome{Detail: "nothing due"}, "nothing due"},
		{"both", Outcome{Counts: map[string]int{"sent": 4}, Detail: "day 25"}, "sent=4; day 25"},
	}
	for _, tc := range tests {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("%s: String() = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestClip(t *testing.T) {
	t.Parallel()
	if got := clip("abc", 5); got != "abc" {
		t.Errorf("clip short = %q", got)
	}
	if got := clip("héllo", 2); got != "h…" {
		t.Errorf("clip mid-rune = %q, want %q", got, "h…")
	}
}
