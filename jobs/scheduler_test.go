package jobs

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/robfig/cron/v3"
)

// firmSchedules are the example schedules of the firm configuration.
var firmSchedules = map[string]string{
	"sync":        "*/15 * * * *",
	"draft":       "0 6 * * *",
	"collections": "0 9 * * *",
	"approvals":   "0 9 * * 1",
}

// recorder is a set of jobs that record each tick they run for.
type recorder struct {
	mu   sync.Mutex
	runs map[string][]time.Time
}

func (r *recorder) jobs(names ...string) []Job {
	var out []Job
	for _, n := range names {
		out = append(out, Func(n, func(_ context.Context, tk Tick) (Outcome, error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			if r.runs == nil {
				r.runs = map[string][]time.Time{}
			}
			r.runs[n] = append(r.runs[n], tk.Scheduled)
			return Outcome{}, nil
		}))
	}
	return out
}

func (r *recorder) got(name string) []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Time(nil), r.runs[name]...)
}

func newTestRunner(store RunStore, logger *slog.Logger) *Runner {
	return &Runner{Store: store, Locker: &LocalLocker{}, AlreadyRan: isDuplicate, Logger: logger}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	ny := mustZone(t, "America/New_York")
	var rec recorder
	all := rec.jobs("sync", "draft", "collections", "approvals")
	runner := newTestRunner(newMemStore(), nil)
	with := func(name, spec string) map[string]string {
		m := map[string]string{}
		for k, v := range firmSchedules {
			m[k] = v
		}
		if spec == "" {
			delete(m, name)
		} else {
			m[name] = spec
		}
		return m
	}
	tests := []struct {
		name   string
		loc    *time.Location
		runner *Runner
		specs  map[string]string
		jobs   []Job
		want   []string // substrings of the error
	}{
		{"unknown job", ny, runner, with("invoices", "0 7 * * *"), all, []string{`unknown job "invoices"`}},
		{"job without spec", ny, runner, with("approvals", ""), all, []string{`"approvals" has no schedule`}},
		{"invalid spec", ny, runner, with("draft", "0 25 * * *"), all, []string{`"draft"`, `"0 25 * * *"`}},
		{"every", ny, runner, with("sync", "@every 15m"), all, []string{`"sync"`, `"@every 15m"`}},
		{"never fires", ny, runner, with("draft", "0 6 30 2 *"), all, []string{`"draft"`, "never fires"}},
		{"duplicate job", ny, runner, firmSchedules, append(all, rec.jobs("sync")...), []string{`two jobs are named "sync"`}},
		{"nil zone", nil, runner, firmSchedules, all, []string{"time zone"}},
		{"runner without store", ny, &Runner{Locker: &LocalLocker{}, AlreadyRan: isDuplicate}, firmSchedules, all, []string{"Store"}},
	}
	for _, tc := range tests {
		_, err := New(tc.loc, tc.runner, tc.specs, tc.jobs)
		if err == nil {
			t.Errorf("%s: New succeeded, want an error", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %s", tc.name, err, w)
			}
		}
	}
}

func TestEntries(t *testing.T) {
	t.Parallel()
	ny := mustZone(t, "America/New_York")
	now := time.Date(2025, 3, 8, 8, 7, 30, 0, ny) // a Saturday
	var rec recorder
	s, err := New(ny, newTestRunner(newMemStore(), nil), firmSchedules,
		rec.jobs("sync", "draft", "collections", "approvals"), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	want := []EntryInfo{
		{Job: "approvals", Spec: "0 9 * * 1", Next: time.Date(2025, 3, 10, 9, 0, 0, 0, ny)},
		{Job: "collections", Spec: "0 9 * * *", Next: time.Date(2025, 3, 8, 9, 0, 0, 0, ny)},
		{Job: "draft", Spec: "0 6 * * *", Next: time.Date(2025, 3, 9, 6, 0, 0, 0, ny)},
		{Job: "sync", Spec: "*/15 * * * *", Next: time.Date(2025, 3, 8, 8, 15, 0, 0, ny)},
	}
	if diff := cmp.Diff(want, s.Entries()); diff != "" {
		t.Errorf("Entries (-want +got):\n%s", diff)
	}
}

// fire runs the named job's cron entry, chain included, as cron's loop
// would when its timer goes off.
func fire(t *testing.T, s *Scheduler, name string) {
	t.Helper()
	for _, e := range s.entries {
		if e.job.Name() == name {
			s.cron.Entry(e.id).WrappedJob.Run()
			return
		}
	}
	t.Fatalf("no entry %q", name)
}

// The scheduled instant comes from the spec, not from when cron woke up, so
// a late wake-up still keys the run by the instant.
func TestSchedulerFiresInstants(t *testing.T) {
	t.Parallel()
	ny := mustZone(t, "America/New_York")
	clock := &stepClock{}
	store := newMemStore()
	var rec recorder
	s, err := New(ny, newTestRunner(store, nil), map[string]string{"draft": "0 6 * * *", "nightly": "0 2 * * *"},
		rec.jobs("draft", "nightly"), WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 3, 7, 12, 0, 0, 0, ny)
	for _, e := range s.entries {
		e.setCursor(start)
	}

	steps := []struct {
		now  time.Time
		name string
	}{
		{time.Date(2025, 3, 8, 6, 0, 0, 4e8, ny), "draft"},   // woke 0.4 s late
		{time.Date(2025, 3, 8, 6, 0, 1, 0, ny), "draft"},     // spurious second wake: nothing due
		{time.Date(2025, 3, 9, 3, 0, 0, 2e6, ny), "nightly"}, // 02:00 does not exist: fires at 03:00 EDT
		{time.Date(2025, 3, 11, 6, 0, 0, 0, ny), "draft"},    // stalled over 9 March: runs 11 March only
	}
	for _, st := range steps {
		clock.Set(st.now)
		fire(t, s, st.name)
	}
	if diff := cmp.Diff([]time.Time{time.Date(2025, 3, 8, 6, 0, 0, 0, ny), time.Date(2025, 3, 11, 6, 0, 0, 0, ny)}, rec.got("draft")); diff != "" {
		t.Errorf("draft ticks (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]time.Time{time.Date(2025, 3, 9, 3, 0, 0, 0, ny)}, rec.got("nightly")); diff != "" {
		t.Errorf("nightly ticks (-want +got):\n%s", diff)
	}
	if n := len(store.all()); n != 3 {
		t.Errorf("%d run records, want 3", n)
	}
}

// A panic outside the job (here in the store) is caught by cron.Recover
// and does not take the scheduler down.
func TestSchedulerRecovers(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	var rec recorder
	s, err := New(time.UTC, newTestRunner(panicStore{}, nil), map[string]string{"sync": "*/15 * * * *"},
		rec.jobs("sync"), WithLogger(logs.logger()), WithClock(func() time.Time { return time.Date(2025, 1, 1, 0, 15, 0, 0, time.UTC) }))
	if err != nil {
		t.Fatal(err)
	}
	s.entries[0].setCursor(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	fire(t, s, "sync")
	recs := logs.records(t, slog.LevelError)
	if len(recs) != 1 || recs[0]["msg"] != "cron panic" || recs[0]["component"] != "jobs" {
		t.Errorf("error lines = %v, want one cron panic line", recs)
	}
}

type panicStore struct{}

func (panicStore) StartRun(context.Context, string, time.Time, time.Time) (int64, error) {
	panic("store bug")
}

func (panicStore) FinishRun(context.Context, int64, time.Time, string, string) error { return nil }

func TestStartStop(t *testing.T) {
	t.Parallel()
	var rec recorder
	s, err := New(time.UTC, newTestRunner(newMemStore(), nil), map[string]string{"draft": "0 6 * * *"}, rec.jobs("draft"))
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	s.Start() // no-op
	if ctx := s.context(); ctx.Err() != nil {
		t.Fatal("run context done while running")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := s.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if s.context().Err() == nil {
		t.Error("run context still live after Stop")
	}
}

func TestCronLogger(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	l := cronLogger{logs.logger()}
	l.Info("wake", "now", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	l.Info("skip")
	l.Error(context.DeadlineExceeded, "panic", "stack", "...")
	var got []string
	for _, r := range logs.records(t, slog.LevelDebug) {
		got = append(got, r["level"].(string)+" "+r["msg"].(string))
	}
	want := []string{
		"DEBUG cron wake",
		"WARN cron skipped a firing: the previous run is still going",
		"ERROR cron panic",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

var _ cron.Job = (*entry)(nil)
