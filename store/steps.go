package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// StepClaim is the outcome of ClaimStep.
type StepClaim int

// ClaimStep outcomes.
const (
	// StepTaken: someone else holds the step or has done it; do nothing.
	StepTaken StepClaim = iota
	// StepFirst: the caller is the first to claim the step.
	StepFirst
	// StepRetry: an earlier claim was never confirmed and its lease ran
	// out (released after a failed effect, or its run died, perhaps after the effect): the caller
	// must act again, idempotently.
	StepRetry
)

// ClaimStep claims a collection step (e.g. "reminder:25") of an invoice for
// lease. Steps are claim → effect → confirm: ConfirmStep marks the effect
// done, ReleaseStep gives the step back at once after a failed effect, and
// a claim neither confirmed nor released is claimed again once its lease
// has run out. At most one caller holds a step at a time.
func (s *Store) ClaimStep(ctx context.Context, invoiceID int64, step string, now time.Time, lease time.Duration) (StepClaim, error) {
	out := StepTaken
	err := s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec(`INSERT INTO collection_steps (invoice_id, step, claimed_at) VALUES (?, ?, ?)
			ON CONFLICT (invoice_id, step) DO NOTHING`, invoiceID, step, s.ts(now))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			out = StepFirst
			return nil
		}
		res = tx.Exec(`UPDATE collection_steps SET claimed_at = ?
			WHERE invoice_id = ? AND step = ? AND done_at IS NULL AND claimed_at <= ?`,
			s.ts(now), invoiceID, step, s.ts(now.Add(-lease)))
		if res.Error == nil && res.RowsAffected == 1 {
			out = StepRetry
		}
		return res.Error
	})
	if err != nil {
		return StepTaken, fmt.Errorf("store: claim step %s of invoice %d: %w", step, invoiceID, err)
	}
	return out, nil
}

// ConfirmStep records that a claimed step's effect happened.
func (s *Store) ConfirmStep(ctx context.Context, invoiceID int64, step string, now time.Time) error {
	n, err := s.exec(ctx, `UPDATE collection_steps SET done_at = ? WHERE invoice_id = ? AND step = ? AND done_at IS NULL`,
		s.ts(now), invoiceID, step)
	if err != nil {
		return fmt.Errorf("store: confirm step %s of invoice %d: %w", step, invoiceID, err)
	}
	if n == 0 {
		return fmt.Errorf("store: confirm step %s of invoice %d: %w", step, invoiceID, ErrNotFound)
	}
	return nil
}

// ReleaseStep gives back a claimed step whose effect failed, so that the
// next run tries it again — as a StepRetry, since a failed effect may have
// happened in part (a send whose answer was lost, one manager's DM of two).
// A confirmed step stays done.
func (s *Store) ReleaseStep(ctx context.Context, invoiceID int64, step string) error {
	if _, err := s.exec(ctx, `UPDATE collection_steps SET claimed_at = ? WHERE invoice_id = ? AND step = ? AND done_at IS NULL`,
		s.ts(time.Unix(0, 0)), invoiceID, step); err != nil {
		return fmt.Errorf("store: release step %s of invoice %d: %w", step, invoiceID, err)
	}
	return nil
}
