// Package jobs runs billbot's scheduled work (Harvest sync, drafting,
// collections, approval reminders) on cron schedules read in the firm's time
// zone, exactly once per scheduled instant across every replica.
//
// Exactly once rests on two guards: a per-job lock (a PostgreSQL advisory
// lock, or an in-process lock on the embedded database) keeps replicas from
// running the same job at the same time, and the run record's unique
// (job, scheduled_for) key makes a second start of the same instant fail.
// The jobs themselves (sync.go, draft.go, collections.go, approvals.go) only
// implement Job over the workflows; the machinery knows nothing of them.
package jobs

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Run statuses recorded by RunStore.FinishRun. A run whose replica died before
// finishing keeps the status its store gives at StartRun (StatusRunning).
const (
	StatusRunning  = "running"
	StatusOK       = "ok"
	StatusFailed   = "failed"
	StatusPanicked = "panicked"
)

// Tick is one firing of a job.
type Tick struct {
	// Scheduled is the cron instant the run belongs to, truncated to the
	// minute; replicas agree on it, so it keys the run record.
	Scheduled time.Time
	// Now is the clock reading when the run started (at or after Scheduled).
	Now time.Time
}

// Outcome is what a job reports about one run, recorded as the run's detail.
type Outcome struct {
	// Counts are named tallies such as {"drafted": 3, "held": 1}.
	Counts map[string]int
	// Detail is a short free-text note.
	Detail string
}

// String renders the outcome as "a=1 b=2; detail", counts sorted by name.
func (o Outcome) String() string {
	parts := make([]string, 0, len(o.Counts))
	for _, k := range slices.Sorted(maps.Keys(o.Counts)) {
		parts = append(parts, fmt.Sprintf("%s=%d", k, o.Counts[k]))
	}
	s := strings.Join(parts, " ")
	if o.Detail != "" {
		if s != "" {
			s += "; "
		}
		s += o.Detail
	}
	return s
}

// Job is one unit of scheduled work. Run must honour ctx: the Runner gives
// it a deadline and records the run as failed when it returns the context's
// error. Jobs are idempotent, so a rerun after a crash does no harm.
type Job interface {
	Name() string
	Run(ctx context.Context, tick Tick) (Outcome, error)
}

// Func adapts a function to a Job called name.
func Func(name string, fn func(ctx context.Context, t Tick) (Outcome, error)) Job {
	return funcJob{name: name, fn: fn}
}

type funcJob struct {
	name string
	fn   func(ctx context.Context, t Tick) (Outcome, error)
}

func (f funcJob) Name() string { return f.name }

func (f funcJob) Run(ctx context.Context, t Tick) (Outcome, error) { return f.fn(ctx, t) }

// PanicError is the error a Runner reports for a job that panicked.
type PanicError struct {
	Job   string
	Value any
	Stack string
}

// Error implements error; the stack is left out (it is logged separately).
func (e *PanicError) Error() string {
	return fmt.Sprintf("jobs: %s panicked: %v", e.Job, e.Value)
}

// Unwrap returns the panic value when it was an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
