package jobs

import (
	"context"
	"testing"
	"time"
)

// TestWatcherFollowsConfig: a watcher started before any configuration
// schedules nothing, builds the scheduler once a configuration is stored,
// rebuilds it when the schedules change, and leaves it alone when the
// version moves without a schedule change.
func TestWatcherFollowsConfig(t *testing.T) {
	ctx := t.Context()
	var rec recorder
	all := rec.jobs("sync", "draft", "collections", "approvals")
	runner := newTestRunner(newMemStore(), nil)
	ny := mustZone(t, "America/New_York")
	var (
		version int64
		plan    *Plan
	)
	w := &Watcher{
		Version: func(context.Context) (int64, error) { return version, nil },
		Load: func(context.Context) (Plan, error) {
			if plan == nil {
				return Plan{}, ErrNoPlan
			}
			return *plan, nil
		},
		Runner: runner,
		Jobs:   all,
		Now:    func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, ny) },
	}
	t.Cleanup(func() { _ = w.Stop(context.Background()) })

	if changed, err := w.Check(ctx); err != nil || changed || w.Current() != nil {
		t.Fatalf("no configuration: changed %v, err %v, scheduler %v; want none", changed, err, w.Current())
	}
	version, plan = 1, &Plan{Location: ny, Specs: firmSchedules}
	if changed, err := w.Check(ctx); err != nil || !changed || w.Current() == nil {
		t.Fatalf("first configuration: changed %v, err %v; want a scheduler", changed, err)
	}
	first := w.Current()

	version++ // e.g. a QBO customer mapped: same schedules
	if changed, err := w.Check(ctx); err != nil || changed || w.Current() != first {
		t.Errorf("version bump without schedule change: changed %v, err %v; want the same scheduler", changed, err)
	}

	specs := map[string]string{"sync": "*/5 * * * *", "draft": "0 7 * * *", "collections": "0 9 * * *", "approvals": "0 9 * * 1"}
	version, plan = version+1, &Plan{Location: ny, Specs: specs}
	if changed, err := w.Check(ctx); err != nil || !changed || w.Current() == first {
		t.Fatalf("new schedules: changed %v, err %v; want a new scheduler", changed, err)
	}
	for _, e := range w.Current().Entries() {
		if e.Spec != specs[e.Job] {
			t.Errorf("job %s scheduled %q, want %q", e.Job, e.Spec, specs[e.Job])
		}
	}

	bad := map[string]string{"sync": "nonsense", "draft": "0 7 * * *", "collections": "0 9 * * *", "approvals": "0 9 * * 1"}
	good := w.Current()
	version, plan = version+1, &Plan{Location: ny, Specs: bad}
	if _, err := w.Check(ctx); err == nil || w.Current() != good {
		t.Errorf("bad schedules: err %v; want an error and the running scheduler kept", err)
	}
}
