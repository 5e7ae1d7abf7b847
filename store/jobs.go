package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// JobRun is one run of a scheduled job.
type JobRun struct {
	ID           int64
	Job          string
	ScheduledFor time.Time
	StartedAt    time.Time
	FinishedAt   time.Time
	Status       string // "running" until FinishRun
	Detail       string
}

// RunRunning is a run's status between StartRun and FinishRun.
const RunRunning = "running"

// StartRun records the start of job's run for scheduledFor and returns its
// id. Each (job, scheduledFor) starts once, across processes: a second
// start gets ErrAlreadyRan.
func (s *Store) StartRun(ctx context.Context, job string, scheduledFor, now time.Time) (int64, error) {
	var (
		id    int64
		found bool
	)
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		found, err = scanRow(tx.Raw(`INSERT INTO job_runs (job, scheduled_for, started_at, status, detail)
			VALUES (?, ?, ?, ?, '') ON CONFLICT (job, scheduled_for) DO NOTHING RETURNING id`,
			job, s.ts(scheduledFor), s.ts(now), RunRunning).Row(), &id)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: start %s run: %w", job, err)
	}
	if !found {
		return 0, fmt.Errorf("store: start %s run for %s: %w", job, scheduledFor.UTC().Format(time.RFC3339), ErrAlreadyRan)
	}
	return id, nil
}

// FinishRun records how run id ended.
func (s *Store) FinishRun(ctx context.Context, id int64, now time.Time, status, detail string) error {
	if status == "" {
		return fmt.Errorf("store: finish run %d: empty status", id)
	}
	n, err := s.exec(ctx, "UPDATE job_runs SET finished_at = ?, status = ?, detail = ? WHERE id = ?", s.ts(now), status, detail, id)
	if err != nil {
		return fmt.Errorf("store: finish run %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("store: finish run %d: %w", id, ErrNotFound)
	}
	return nil
}

// Runs returns job's latest runs, newest schedule first; an empty job lists
// every job's; limit <= 0 means no limit.
func (s *Store) Runs(ctx context.Context, job string, limit int) ([]JobRun, error) {
	q := "SELECT id, job, scheduled_for, started_at, finished_at, status, detail FROM job_runs"
	var args []any
	if job != "" {
		q, args = q+" WHERE job = ?", append(args, job)
	}
	q += " ORDER BY scheduled_for DESC, id DESC"
	if limit > 0 {
		q, args = q+" LIMIT ?", append(args, limit)
	}
	rows, err := s.q(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: runs of %q: %w", job, err)
	}
	defer rows.Close()
	var out []JobRun
	for rows.Next() {
		var (
			r                      JobRun
			sched, start, finished timeCol
		)
		if err := rows.Scan(&r.ID, &r.Job, &sched, &start, &finished, &r.Status, &r.Detail); err != nil {
			return nil, fmt.Errorf("store: scan run: %w", err)
		}
		r.ScheduledFor, r.StartedAt, r.FinishedAt = sched.T, start.T, finished.T
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: runs of %q: %w", job, err)
	}
	return out, nil
}

// ClaimOnce claims an idempotency key (a Slack event id, a webhook's
// notification id). It reports true to exactly one caller, ever.
func (s *Store) ClaimOnce(ctx context.Context, key string, now time.Time) (bool, error) {
	n, err := s.exec(ctx, `INSERT INTO idempotency_keys (key, claimed_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`,
		key, s.ts(now))
	if err != nil {
		return false, fmt.Errorf("store: claim key: %w", err)
	}
	return n == 1, nil
}

// Cursor returns a sync cursor's value; "" when unset.
func (s *Store) Cursor(ctx context.Context, name string) (string, error) {
	var v string
	if _, err := scanRow(s.q(ctx).Raw("SELECT value FROM sync_cursors WHERE name = ?", name).Row(), &v); err != nil {
		return "", fmt.Errorf("store: cursor %s: %w", name, err)
	}
	return v, nil
}

// SetCursor sets a sync cursor.
func (s *Store) SetCursor(ctx context.Context, name, value string) error {
	_, err := s.exec(ctx, `INSERT INTO sync_cursors (name, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		name, value, s.ts(s.clock()))
	if err != nil {
		return fmt.Errorf("store: set cursor %s: %w", name, err)
	}
	return nil
}
