package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// ErrNoPlan is what a Watcher's Load returns while nothing is configured.
var ErrNoPlan = errors.New("jobs: no schedules configured yet")

// Plan is what a Scheduler is built from: the zone and each job's spec.
type Plan struct {
	Location *time.Location
	Specs    map[string]string
}

// key tells plans apart: a Scheduler is rebuilt only when it changes.
func (p Plan) key() string {
	var b strings.Builder
	b.WriteString(p.Location.String())
	for _, name := range slices.Sorted(maps.Keys(p.Specs)) {
		fmt.Fprintf(&b, "\n%s=%s", name, p.Specs[name])
	}
	return b.String()
}

// Watcher keeps a Scheduler in line with a configuration that changes while
// the process serves: a process started before the first configuration
// import, or whose schedules or time zone were changed, schedules what is
// stored now without a restart. Each Check reads the configuration's version
// (cheap) and, when it moved, the Plan; it rebuilds the Scheduler only when
// the Plan differs. The old Scheduler is stopped — its runs in progress
// finish — before the new one starts, and every run still goes through the
// Runner, whose (job, scheduled_for) key keeps each instant to one run.
type Watcher struct {
	Version func(ctx context.Context) (int64, error)
	Load    func(ctx context.Context) (Plan, error) // ErrNoPlan when unconfigured
	Runner  *Runner
	Jobs    []Job
	Now     func() time.Time // the Schedulers' clock; nil is time.Now
	Logger  *slog.Logger

	mu      sync.Mutex
	checked bool
	version int64
	key     string
	current *Scheduler
}

// Current returns the running Scheduler, nil while nothing is configured.
func (w *Watcher) Current() *Scheduler {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.current
}

// Check brings the Scheduler in line with the stored configuration and
// reports whether it (re)built one. On an error — a schedule that does not
// parse — the running Scheduler stays.
func (w *Watcher) Check(ctx context.Context) (bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	v, err := w.Version(ctx)
	if err != nil && !errors.Is(err, ErrNoPlan) {
		return false, fmt.Errorf("jobs: read configuration version: %w", err)
	}
	if w.checked && v == w.version {
		return false, nil
	}
	plan, err := w.Load(ctx)
	if errors.Is(err, ErrNoPlan) {
		w.checked, w.version = true, v
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("jobs: load schedules: %w", err)
	}
	if key := plan.key(); w.current != nil && key == w.key {
		w.checked, w.version = true, v
		return false, nil
	}
	opts := []Option{WithLogger(w.logger())}
	if w.Now != nil {
		opts = append(opts, WithClock(w.Now))
	}
	next, err := New(plan.Location, w.Runner, plan.Specs, w.Jobs, opts...)
	if err != nil {
		w.checked, w.version = true, v // said once, not at every check
		return false, err
	}
	if w.current != nil {
		// No deadline: runs in progress finish rather than being cancelled.
		if err := w.current.Stop(context.WithoutCancel(ctx)); err != nil {
			return false, err
		}
	}
	next.Start()
	w.current, w.key, w.checked, w.version = next, plan.key(), true, v
	w.logger().Info("jobs scheduled from the stored configuration", "config_version", v, "time_zone", plan.Location.String())
	return true, nil
}

// Run checks every interval until ctx ends, then stops the Scheduler,
// waiting up to stopTimeout for runs in progress.
func (w *Watcher) Run(ctx context.Context, interval, stopTimeout time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := w.Check(ctx); err != nil {
			w.logger().Error("jobs: cannot apply the stored schedules; the previous ones stay", "error", err)
		}
		select {
		case <-ctx.Done():
			stopCtx, cancel := context.WithTimeout(context.Background(), stopTimeout)
			defer cancel()
			return w.Stop(stopCtx)
		case <-t.C:
		}
	}
}

// Stop stops the current Scheduler, if any (see Scheduler.Stop).
func (w *Watcher) Stop(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.current == nil {
		return nil
	}
	return w.current.Stop(ctx)
}

func (w *Watcher) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.New(slog.DiscardHandler)
}
