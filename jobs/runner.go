package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"
)

// DefaultTimeout bounds a run when Runner.Timeout is zero.
const DefaultTimeout = 15 * time.Minute

// finishTimeout bounds recording a run's end, which happens on a context
// detached from the (possibly expired) run context.
const finishTimeout = 30 * time.Second

// maxDetail caps the recorded detail so one chatty error cannot bloat the
// run table.
const maxDetail = 2000

// Runner runs one scheduled instant of a job at most once across replicas.
type Runner struct {
	// Store records runs; its unique (job, scheduled_for) key is the
	// exactly-once guarantee.
	Store RunStore
	// Locker keeps two replicas from running the same job concurrently.
	Locker Locker
	// Logger receives one line per run; nil discards.
	Logger *slog.Logger
	// Timeout is each run's deadline; zero means DefaultTimeout.
	Timeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// AlreadyRan recognises the error StartRun returns for an instant that
	// was already started (e.g. errors.Is(err, store.ErrAlreadyRan)).
	AlreadyRan func(error) bool
}

// LockKey is the Locker key for a job's runs.
func LockKey(job string) string { return "billbot.jobs/" + job }

// RunOnce runs job for the scheduled instant unless another replica holds
// the job's lock or the instant already has a run record; ran reports
// whether this call ran the job. A panic in the job is recovered and
// recorded as StatusPanicked; any other job error as StatusFailed. The
// returned error is the job's or FinishRun's when ran is true (both already
// logged here), or a lock/StartRun error when ran is false (not logged
// here). scheduled is truncated to the minute.
func (r *Runner) RunOnce(ctx context.Context, job Job, scheduled time.Time) (ran bool, err error) {
	if err := r.check(); err != nil {
		return false, err
	}
	name := job.Name()
	scheduled = truncateMinute(scheduled)
	log := r.logger().With("job", name, "scheduled_for", scheduled)

	unlock, ok, err := r.Locker.TryLock(ctx, LockKey(name))
	if err != nil {
		return false, fmt.Errorf("jobs: lock %s: %w", name, err)
	}
	if !ok {
		log.Debug("job run skipped: another replica holds the lock")
		return false, nil
	}
	defer unlock()

	start := r.now()
	id, err := r.Store.StartRun(ctx, name, scheduled.UTC(), start)
	if err != nil {
		if r.AlreadyRan(err) {
			log.Debug("job run skipped: instant already ran")
			return false, nil
		}
		return false, fmt.Errorf("jobs: start run of %s for %s: %w", name, scheduled.Format(time.RFC3339), err)
	}

	runCtx, cancel := context.WithTimeout(ctx, r.timeout())
	out, runErr := runRecovered(runCtx, job, Tick{Scheduled: scheduled, Now: start})
	cancel()
	end := r.now()

	status, detail := StatusOK, out.String()
	var pe *PanicError
	switch {
	case errors.As(runErr, &pe):
		status = StatusPanicked
	case runErr != nil:
		status = StatusFailed
	}
	if runErr != nil {
		detail = joinDetail(detail, "error: "+runErr.Error())
	}
	detail = clip(detail, maxDetail)

	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	finErr := r.Store.FinishRun(fctx, id, end, status, detail)
	fcancel()
	if finErr != nil {
		finErr = fmt.Errorf("jobs: finish run %d of %s: %w", id, name, finErr)
	}

	attrs := []any{"run_id", id, "status", status, "duration_ms", end.Sub(start).Milliseconds(), "outcome", out.String()}
	if finErr != nil {
		attrs = append(attrs, "record_error", finErr)
	}
	switch {
	case pe != nil:
		log.Error("job run panicked", append(attrs, "error", runErr, "stack", pe.Stack)...)
	case runErr != nil:
		log.Error("job run failed", append(attrs, "error", runErr)...)
	case finErr != nil:
		log.Error("job run finished but was not recorded", attrs...)
	default:
		log.Info("job run finished", attrs...)
	}
	if runErr != nil {
		runErr = fmt.Errorf("jobs: run %s for %s: %w", name, scheduled.Format(time.RFC3339), runErr)
	}
	return true, errors.Join(runErr, finErr)
}

// runRecovered calls job.Run, turning a panic into a *PanicError.
func runRecovered(ctx context.Context, job Job, t Tick) (out Outcome, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Job: job.Name(), Value: v, Stack: string(debug.Stack())}
		}
	}()
	return job.Run(ctx, t)
}

func (r *Runner) check() error {
	switch {
	case r == nil:
		return errors.New("jobs: nil Runner")
	case r.Store == nil:
		return errors.New("jobs: Runner.Store is not set")
	case r.Locker == nil:
		return errors.New("jobs: Runner.Locker is not set")
	case r.AlreadyRan == nil:
		return errors.New("jobs: Runner.AlreadyRan is not set")
	}
	return nil
}

func (r *Runner) logger() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}

func (r *Runner) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

func (r *Runner) timeout() time.Duration {
	if r.Timeout <= 0 {
		return DefaultTimeout
	}
	return r.Timeout
}

// truncateMinute drops seconds and below as read on t's own clock: the whole
// minute in t's zone. time.Truncate works on absolute time instead and would
// be off in zones whose offset has seconds (historic local mean time).
func truncateMinute(t time.Time) time.Time {
	return t.Add(-time.Duration(t.Second())*time.Second - time.Duration(t.Nanosecond()))
}

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut on a rune boundary.
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
