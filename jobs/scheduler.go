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

	"github.com/robfig/cron/v3"
)

// EntryInfo describes one scheduled job, for `billbot jobs list`.
type EntryInfo struct {
	Job  string
	Spec string
	// Next is the next scheduled instant, in the scheduler's zone.
	Next time.Time
}

// Option configures a Scheduler.
type Option func(*Scheduler)

// WithClock sets the clock the Scheduler reads to decide which instant a
// firing belongs to and to compute Entries; the default is time.Now.
func WithClock(now func() time.Time) Option { return func(s *Scheduler) { s.now = now } }

// WithLogger sets the Scheduler's logger (cron's own messages included); the
// default is the Runner's logger.
func WithLogger(l *slog.Logger) Option { return func(s *Scheduler) { s.log = l } }

// Scheduler fires each job on its cron spec, read in the firm's time zone,
// through a Runner.
type Scheduler struct {
	loc     *time.Location
	runner  *Runner
	now     func() time.Time
	log     *slog.Logger
	cron    *cron.Cron
	entries []*entry // sorted by job name

	mu      sync.Mutex
	started bool
	// runCtx parents every run; Stop cancels it when runs outlast the
	// shutdown deadline. It lives here because cron calls jobs without one.
	runCtx context.Context
	cancel context.CancelFunc
}

// New builds a Scheduler for jobs, each fired on specs[job.Name()] in loc.
// Every job needs a spec and every spec a job; a spec that does not parse or
// never fires is an error naming the job and the spec. New does no I/O.
func New(loc *time.Location, runner *Runner, specs map[string]string, all []Job, opts ...Option) (*Scheduler, error) {
	if loc == nil {
		return nil, errors.New("jobs: scheduler needs a time zone")
	}
	if err := runner.check(); err != nil {
		return nil, err
	}
	s := &Scheduler{loc: loc, runner: runner, now: time.Now, log: runner.Logger}
	for _, o := range opts {
		o(s)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = s.log.With("component", "jobs")

	byName := make(map[string]Job, len(all))
	for _, j := range all {
		name := j.Name()
		if name == "" {
			return nil, errors.New("jobs: a job has an empty name")
		}
		if _, dup := byName[name]; dup {
			return nil, fmt.Errorf("jobs: two jobs are named %q", name)
		}
		byName[name] = j
	}
	names := slices.Sorted(maps.Keys(byName))
	for _, name := range slices.Sorted(maps.Keys(specs)) {
		if _, ok := byName[name]; !ok {
			return nil, fmt.Errorf("jobs: schedule for unknown job %q (jobs: %s)", name, strings.Join(names, ", "))
		}
	}

	cl := cronLogger{s.log}
	s.cron = cron.New(
		cron.WithLocation(loc),
		cron.WithLogger(cl),
		cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)),
	)
	now := s.now()
	for _, name := range names {
		spec, ok := specs[name]
		if !ok {
			return nil, fmt.Errorf("jobs: job %q has no schedule", name)
		}
		sched, err := parseSpec(spec, loc)
		if err != nil {
			return nil, fmt.Errorf("jobs: schedule of %q: %w", name, err)
		}
		if sched.Next(now).IsZero() {
			return nil, fmt.Errorf("jobs: schedule of %q: cron spec %q never fires", name, spec)
		}
		e := &entry{s: s, job: byName[name], spec: spec, sched: sched}
		e.id = s.cron.Schedule(sched, e)
		s.entries = append(s.entries, e)
	}
	return s, nil
}

// Start begins firing jobs in the background; a second call does nothing,
// and a stopped Scheduler stays stopped. Instants before Start are not
// caught up.
func (s *Scheduler) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return
	}
	s.started = true
	s.runCtx, s.cancel = context.WithCancel(context.Background())
	now := s.now()
	for _, e := range s.entries {
		e.setCursor(now)
	}
	s.cron.Start()
}

// Stop stops firing and waits for runs in progress until ctx ends; then it
// cancels their contexts and reports that they were still running.
func (s *Scheduler) Stop(ctx context.Context) error {
	done := s.cron.Stop().Done()
	select {
	case <-done:
		s.cancelRuns()
		return nil
	case <-ctx.Done():
		select {
		case <-done: // finished just in time
			s.cancelRuns()
			return nil
		default:
		}
		s.cancelRuns()
		return fmt.Errorf("jobs: stop: runs still in progress: %w", ctx.Err())
	}
}

// Entries lists the scheduled jobs by name with their next instant.
func (s *Scheduler) Entries() []EntryInfo {
	now := s.now()
	out := make([]EntryInfo, 0, len(s.entries))
	for _, e := range s.entries {
		out = append(out, EntryInfo{Job: e.job.Name(), Spec: e.spec, Next: e.sched.Next(now)})
	}
	return out
}

func (s *Scheduler) cancelRuns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		s.cancel()
	}
}

func (s *Scheduler) context() context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runCtx == nil {
		return context.Background()
	}
	return s.runCtx
}

// entry is one job's cron.Job. It derives the scheduled instant from the
// spec, stepping from the previous instant, rather than from the moment cron
// woke up, so every replica computes the same (job, scheduled_for) key.
type entry struct {
	s     *Scheduler
	job   Job
	spec  string
	sched *zoneSchedule
	id    cron.EntryID

	mu     sync.Mutex
	cursor time.Time // the last instant handed out, or the start time
}

func (e *entry) setCursor(t time.Time) {
	e.mu.Lock()
	e.cursor = t
	e.mu.Unlock()
}

// Run implements cron.Job.
func (e *entry) Run() {
	now := e.s.now()
	scheduled, ok := e.due(now)
	if !ok {
		e.s.log.Warn("job fired before its next instant", "job", e.job.Name(), "now", now)
		return
	}
	ran, err := e.s.runner.RunOnce(e.s.context(), e.job, scheduled)
	if err != nil && !ran {
		// A run's own failure is logged by RunOnce; this is lock or store trouble.
		e.s.log.Error("job run not started", "job", e.job.Name(), "scheduled_for", scheduled, "error", err)
	}
}

// due returns the latest instant after the cursor and at or before now, and
// advances the cursor to it. Instants missed in between (a stalled process)
// are skipped, as cron itself skips them.
func (e *entry) due(now time.Time) (time.Time, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := e.sched.Next(e.cursor)
	if n.IsZero() || n.After(now) {
		return time.Time{}, false
	}
	for {
		next := e.sched.Next(n)
		if next.IsZero() || next.After(now) {
			break
		}
		n = next
	}
	e.cursor = n
	return n, true
}

// cronLogger adapts slog to cron.Logger. cron's routine messages (start,
// wake, run, schedule) go to Debug; a run skipped because the previous one
// is still going is worth a warning.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" {
		c.l.Warn("cron skipped a firing: the previous run is still going", kv...)
		return
	}
	c.l.Debug("cron "+msg, kv...)
}

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron "+msg, append([]any{"error", err}, kv...)...)
}
