package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// RefreshRef names a QBO entity to re-read: ("Invoice", id), or
// ("Payment", "") for "some payment changed" (read through change data
// capture, which names the invoices it paid).
type RefreshRef struct {
	Entity   string
	EntityID string
}

// WebhookEvent is one webhook event to take in: its key (unique across
// redeliveries) and the entity it asks to refresh.
type WebhookEvent struct {
	Key string
	Ref RefreshRef
}

// RefreshClaim is a queued refresh a worker holds; Generation tells
// FinishRefreshes whether a newer event came in meanwhile.
type RefreshClaim struct {
	RefreshRef
	Generation int64
}

// webhookChunk bounds the rows of one multi-row statement.
const webhookChunk = 500

// TakeWebhook records a delivery and its events, once each, and queues the
// refreshes of the events seen for the first time, one queue row per
// entity however many events name it. A delivery already taken (the same
// body posted again) takes nothing; taken counts the new events. It is one
// transaction: on an error nothing is recorded, and the sender's retry
// will be taken.
func (s *Store) TakeWebhook(ctx context.Context, deliveryKey string, events []WebhookEvent, now time.Time) (taken int, err error) {
	err = s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec(`INSERT INTO webhook_receipts (key, received_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, "delivery|"+deliveryKey, s.ts(now))
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		byKey := map[string]RefreshRef{}
		keys := make([]string, 0, len(events))
		for _, e := range events {
			if _, dup := byKey[e.Key]; !dup {
				byKey[e.Key] = e.Ref
				keys = append(keys, e.Key)
			}
		}
		var refs []RefreshRef
		seen := map[RefreshRef]bool{}
		for start := 0; start < len(keys); start += webhookChunk {
			chunk := keys[start:min(start+webhookChunk, len(keys))]
			args := make([]any, 0, 2*len(chunk))
			for _, k := range chunk {
				args = append(args, "event|"+k, s.ts(now))
			}
			rows, err := tx.Raw(`INSERT INTO webhook_receipts (key, received_at) VALUES `+placeholders(len(chunk), 2)+
				` ON CONFLICT (key) DO NOTHING RETURNING key`, args...).Rows()
			if err != nil {
				return err
			}
			for rows.Next() {
				var k string
				if err := rows.Scan(&k); err != nil {
					rows.Close()
					return err
				}
				ref := byKey[strings.TrimPrefix(k, "event|")]
				taken++
				if !seen[ref] {
					seen[ref] = true
					refs = append(refs, ref)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		for start := 0; start < len(refs); start += webhookChunk {
			chunk := refs[start:min(start+webhookChunk, len(refs))]
			args := make([]any, 0, 3*len(chunk))
			for _, r := range chunk {
				args = append(args, r.Entity, r.EntityID, s.ts(now))
			}
			if err := tx.Exec(`INSERT INTO qbo_refresh_queue (entity, entity_id, queued_at, generation) VALUES `+
				placeholdersWith(len(chunk), 3, "1")+
				` ON CONFLICT (entity, entity_id) DO UPDATE SET generation = qbo_refresh_queue.generation + 1,
				queued_at = excluded.queued_at, claimed_until = NULL`, args...).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: take webhook delivery: %w", err)
	}
	return taken, nil
}

// ClaimRefreshes leases up to limit queued refreshes, oldest first, until
// now+lease; one whose lease ran out (its worker died) is claimed again.
// Two workers never hold one entity at once.
func (s *Store) ClaimRefreshes(ctx context.Context, limit int, now time.Time, lease time.Duration) ([]RefreshClaim, error) {
	var out []RefreshClaim
	err := s.tx(ctx, func(tx *gorm.DB) error {
		rows, err := tx.Raw(`UPDATE qbo_refresh_queue SET claimed_until = ?
			WHERE (entity, entity_id) IN (SELECT entity, entity_id FROM qbo_refresh_queue
				WHERE claimed_until IS NULL OR claimed_until <= ? ORDER BY queued_at, entity, entity_id LIMIT ?)
			AND (claimed_until IS NULL OR claimed_until <= ?)
			RETURNING entity, entity_id, generation`, s.ts(now.Add(lease)), s.ts(now), limit, s.ts(now)).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c RefreshClaim
			if err := rows.Scan(&c.Entity, &c.EntityID, &c.Generation); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim refreshes: %w", err)
	}
	return out, nil
}

// FinishRefreshes removes claimed refreshes that are done. One that a newer
// event queued again after the claim stays, freed for the next claim.
func (s *Store) FinishRefreshes(ctx context.Context, done []RefreshClaim) error {
	err := s.tx(ctx, func(tx *gorm.DB) error {
		for _, c := range done {
			if err := tx.Exec(`DELETE FROM qbo_refresh_queue WHERE entity = ? AND entity_id = ? AND generation = ?`,
				c.Entity, c.EntityID, c.Generation).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: finish refreshes: %w", err)
	}
	return nil
}

// PendingRefreshes counts the queued refreshes, claimed or not.
func (s *Store) PendingRefreshes(ctx context.Context) (int, error) {
	var n int
	if _, err := scanRow(s.q(ctx).Raw("SELECT COUNT(*) FROM qbo_refresh_queue").Row(), &n); err != nil {
		return 0, fmt.Errorf("store: count refreshes: %w", err)
	}
	return n, nil
}

// PruneWebhookReceipts forgets deliveries and events received before
// before; Intuit stops retrying long before (its retries space out to six
// hours, developer.intuit.com/app/developer/qbo/docs/develop/webhooks/best-practices).
func (s *Store) PruneWebhookReceipts(ctx context.Context, before time.Time) (int64, error) {
	n, err := s.exec(ctx, "DELETE FROM webhook_receipts WHERE received_at < ?", s.ts(before))
	if err != nil {
		return 0, fmt.Errorf("store: prune webhook receipts: %w", err)
	}
	return n, nil
}

// placeholders returns n groups of k "?" for a multi-row VALUES list.
func placeholders(n, k int) string { return placeholdersWith(n, k, "") }

// placeholdersWith is placeholders with a literal appended to each group.
func placeholdersWith(n, k int, extra string) string {
	group := "(" + strings.TrimSuffix(strings.Repeat("?, ", k), ", ")
	if extra != "" {
		group += ", " + extra
	}
	group += ")"
	return strings.TrimSuffix(strings.Repeat(group+", ", n), ", ")
}
