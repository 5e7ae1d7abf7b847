package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// letterBlockSeq is the sequence number of the engagement letter's own
// prepaid block; replenishments follow as 2, 3, …
const letterBlockSeq = 1

// saveLetterBlock records (or corrects) the letter's block.
func (s *Store) saveLetterBlock(tx *gorm.DB, engagement string, hours money.Hours, amount money.Amount, now time.Time) error {
	err := tx.Exec(`INSERT INTO retainer_blocks (engagement_key, seq, hours, amount, invoice_id, created_at)
		VALUES (?, ?, ?, ?, NULL, ?)
		ON CONFLICT (engagement_key, seq) DO UPDATE SET hours = excluded.hours, amount = excluded.amount`,
		engagement, letterBlockSeq, int64(hours), int64(amount), s.ts(now)).Error
	if err != nil {
		return fmt.Errorf("retainer block: %w", err)
	}
	return nil
}

// RetainerUsage reports an engagement's prepaid blocks and the hours used
// against them: the hours the letter says were used before billbot took
// over (retainer used_hours) plus the hours of entries actively allocated
// to hourly lines of that engagement. ErrNotFound for an engagement with no block and no
// configuration.
func (s *Store) RetainerUsage(ctx context.Context, engagement string) (billing.RetainerUsage, error) {
	u := billing.RetainerUsage{Engagement: engagement}
	var (
		blockHours, used int64
		blocks, known    int64
	)
	q := s.q(ctx)
	if err := q.Raw("SELECT COALESCE(SUM(hours), 0), COUNT(*) FROM retainer_blocks WHERE engagement_key = ?", engagement).
		Row().Scan(&blockHours, &blocks); err != nil {
		return u, fmt.Errorf("store: retainer usage of %s: %w", engagement, err)
	}
	if blocks == 0 {
		if err := q.Raw("SELECT COUNT(*) FROM engagements WHERE key = ?", engagement).Row().Scan(&known); err != nil {
			return u, fmt.Errorf("store: retainer usage of %s: %w", engagement, err)
		}
		if known == 0 {
			return u, fmt.Errorf("store: retainer usage of %s: %w", engagement, ErrNotFound)
		}
	}
	var onboarding int64
	if err := q.Raw("SELECT COALESCE(MAX(retainer_used_hours), 0) FROM engagements WHERE key = ?", engagement).Row().Scan(&onboarding); err != nil {
		return u, fmt.Errorf("store: retainer usage of %s: %w", engagement, err)
	}
	if err := q.Raw(`SELECT COALESCE(SUM(t.hours), 0) FROM allocations a
			JOIN invoice_lines l ON l.id = a.invoice_line_id
			JOIN time_entries t ON t.id = a.entry_id
		WHERE a.active AND l.kind = ? AND l.engagement = ?`, string(billing.LineHourly), engagement).
		Row().Scan(&used); err != nil {
		return u, fmt.Errorf("store: retainer usage of %s: %w", engagement, err)
	}
	u.BlockHours, u.UsedHours, u.Blocks = money.Hours(blockHours), money.Hours(used+onboarding), int(blocks)
	return u, nil
}

// AddRetainerBlock records a replenishment block billed by invoiceID (zero
// for none). It is idempotent per invoice: a second call for the same
// invoice changes nothing.
func (s *Store) AddRetainerBlock(ctx context.Context, engagement string, hours money.Hours, amount money.Amount, invoiceID int64) error {
	var inv any
	if invoiceID != 0 {
		inv = invoiceID
	}
	// Two concurrent adds can pick the same seq; the loser's unique
	// violation sends it round again, where it sees the winner's row.
	for range maxOptimisticTries {
		now := s.clock()
		err := s.tx(ctx, func(tx *gorm.DB) error {
			if invoiceID != 0 {
				var n int64
				if err := tx.Raw("SELECT COUNT(*) FROM retainer_blocks WHERE invoice_id = ?", invoiceID).Row().Scan(&n); err != nil {
					return err
				}
				if n > 0 {
					return nil
				}
			}
			var known int64
			if err := tx.Raw("SELECT COUNT(*) FROM engagements WHERE key = ?", engagement).Row().Scan(&known); err != nil {
				return err
			}
			if known == 0 {
				return ErrNotFound
			}
			var seq int64
			if err := tx.Raw("SELECT COALESCE(MAX(seq), 0) + 1 FROM retainer_blocks WHERE engagement_key = ?", engagement).
				Row().Scan(&seq); err != nil {
				return err
			}
			if err := tx.Exec(`INSERT INTO retainer_blocks (engagement_key, seq, hours, amount, invoice_id, created_at)
				VALUES (?, ?, ?, ?, ?, ?)`, engagement, seq, int64(hours), int64(amount), inv, s.ts(now)).Error; err != nil {
				return s.uniqueAs(err, errStale)
			}
			block := map[string]any{"seq": seq, "hours": hours.String(), "amount": int64(amount), "invoice_id": invoiceID}
			return s.auditChange(tx, SystemActor, "retainer.block_added", "engagement", engagement, "", nil, block)
		})
		if isStale(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("store: add retainer block to %s: %w", engagement, err)
		}
		return nil
	}
	return fmt.Errorf("store: add retainer block to %s: %w", engagement, ErrConflict)
}
