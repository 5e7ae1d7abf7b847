package jobs

import (
	"context"
	"time"
)

// RunStore records job runs. The store owns the unique (job, scheduled_for)
// key that makes a scheduled instant run at most once.
type RunStore interface {
	// StartRun inserts a run in status StatusRunning and returns its id. When
	// (job, scheduledFor) already exists it returns an error that the
	// Runner's AlreadyRan recognises. scheduledFor arrives in UTC, truncated
	// to the minute.
	StartRun(ctx context.Context, job string, scheduledFor, now time.Time) (int64, error)
	// FinishRun sets the run's end time, final status and detail.
	FinishRun(ctx context.Context, id int64, now time.Time, status, detail string) error
}

// Locker grants a lock per job key to one runner at a time, across replicas
// when backed by PostgreSQL.
type Locker interface {
	// TryLock takes the lock without waiting. ok is false when someone else
	// holds it. unlock releases it and is safe to call more than once; it is
	// nil unless ok.
	TryLock(ctx context.Context, key string) (unlock func(), ok bool, err error)
}
