package reliability

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"billbot/internal/workflow"
	"billbot/store"
)

// Crash is the panic value of an injected crash: the process dies at
// Point, like a SIGKILL, with nothing after it run.
type Crash struct{ Point string }

// CrashAt returns a fail point that crashes the process the nth time it
// reaches point, and only then; fired reports whether it has.
func CrashAt(point string, nth int) (failPoint func(string), fired func() bool) {
	var mu sync.Mutex
	hits, done := 0, false
	failPoint = func(p string) {
		if p != point {
			return
		}
		mu.Lock()
		hits++
		fire := hits == nth && !done
		done = done || fire
		mu.Unlock()
		if fire {
			panic(Crash{Point: p})
		}
	}
	fired = func() bool {
		mu.Lock()
		defer mu.Unlock()
		return done
	}
	return failPoint, fired
}

// Operator drives billbot the way its scheduler and its people do: each
// step runs in the current process; a crash ends that process and the next
// step boots a fresh one over the same world (a restart); a step that
// returns an error is run again, as the next scheduler tick would.
type Operator struct {
	World *World
	// FailPoint is given to the first process only: a restarted process
	// does not crash again.
	FailPoint func(string)
	// MaxAttempts bounds the runs of one step; default 60.
	MaxAttempts int

	cur *Billbot
	// Boots counts the processes started, Crashes those that died at a
	// fail point, Retries the step runs that returned an error.
	Boots, Crashes, Retries int
}

// Do runs step until it succeeds, restarting billbot after a crash.
func (o *Operator) Do(ctx context.Context, name string, step func(context.Context, *Billbot) error) error {
	limit := o.MaxAttempts
	if limit <= 0 {
		limit = 60
	}
	var last error
	for range limit {
		if o.cur == nil {
			fp := o.FailPoint
			if o.Boots > 0 {
				fp = nil
			}
			b, err := o.World.Boot(ctx, fp)
			if err != nil {
				return fmt.Errorf("boot billbot: %w", err)
			}
			o.cur = b
			o.Boots++
		}
		err, crashed := o.run(ctx, step)
		if crashed {
			o.Crashes++
			o.cur = nil
			continue
		}
		if err == nil {
			return nil
		}
		var ue *workflow.UserError
		if errors.As(err, &ue) {
			return fmt.Errorf("%s: %w", name, err)
		}
		o.Retries++
		last = err
	}
	return fmt.Errorf("%s: still failing after %d attempts: %w", name, limit, last)
}

func (o *Operator) run(ctx context.Context, step func(context.Context, *Billbot) error) (err error, crashed bool) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(Crash); !ok {
				panic(v)
			}
			crashed = true
		}
	}()
	return step(ctx, o.cur), false
}

// Sync is the sync job.
func Sync(ctx context.Context, b *Billbot) error {
	_, err := b.WF.Sync(ctx, b.Syncer, workflow.SyncOptions{})
	return err
}

// Draft is the draft job: draft every closed cycle, push to QBO and Slack,
// tell the billing manager.
func Draft(ctx context.Context, b *Billbot) error {
	rep, err := b.WF.Draft(ctx, workflow.DraftOptions{Actor: "scheduler"})
	if err != nil {
		return err
	}
	return b.WF.NotifyDraftsReady(ctx, rep)
}

// ApproveAll has each pending invoice's partner click Approve, then retries
// the sends that did not complete (what the collections job does).
func ApproveAll(ctx context.Context, b *Billbot) error {
	return approveWhere(ctx, b, func(store.Invoice) bool { return true })
}

func approveWhere(ctx context.Context, b *Billbot, pick func(store.Invoice) bool) error {
	pending, err := b.Store.Invoices(ctx, store.InvoiceFilter{States: []store.InvoiceState{store.StatePending}})
	if err != nil {
		return err
	}
	var errs []error
	for _, inv := range pending {
		if !pick(inv) {
			continue
		}
		if _, err := b.WF.Approve(ctx, inv.ID, inv.Partners[0]); err != nil {
			errs = append(errs, err)
		}
	}
	if _, err := b.WF.SendApproved(ctx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Collect is the collections job.
func Collect(ctx context.Context, b *Billbot) error {
	if err := b.WF.Advance(ctx); err != nil {
		return err
	}
	_, err := b.WF.Collect(ctx)
	return err
}
