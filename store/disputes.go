package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// DisputeOutcome is how a dispute ended.
type DisputeOutcome string

// Dispute outcomes: the firm's invoice stood (upheld), the firm credited
// the client (credited), or the client dropped it (withdrawn).
const (
	OutcomeUpheld    DisputeOutcome = "upheld"
	OutcomeCredited  DisputeOutcome = "credited"
	OutcomeWithdrawn DisputeOutcome = "withdrawn"
)

// DisputeOutcomes lists every outcome.
var DisputeOutcomes = []DisputeOutcome{OutcomeUpheld, OutcomeCredited, OutcomeWithdrawn}

// DisputableStates are the states in which an invoice can be marked
// disputed: it has gone to the client.
var DisputableStates = []InvoiceState{StateApproved, StateSent, StatePaid}

// ErrDisputeOpen means the invoice is already disputed; ErrNoDispute that it
// has no open dispute to resolve. Both wrap ErrConflict.
var (
	ErrDisputeOpen = fmt.Errorf("invoice already disputed: %w", ErrConflict)
	ErrNoDispute   = fmt.Errorf("invoice has no open dispute: %w", ErrConflict)
)

// Dispute is a client's objection to an invoice. While it is open (zero
// ResolvedAt) no reminder or escalation goes out for the invoice.
type Dispute struct {
	ID         int64
	InvoiceID  int64
	Reason     string
	OpenedBy   string
	OpenedAt   time.Time
	Outcome    DisputeOutcome // empty while open
	Resolution string         // a note on the outcome
	ResolvedBy string
	ResolvedAt time.Time
}

// Open reports whether the dispute is still open.
func (d Dispute) Open() bool { return d.ResolvedAt.IsZero() }

// OpenDispute marks invoice id disputed, guarded: only an invoice in
// DisputableStates without an open dispute can be, and of concurrent marks
// exactly one wins (a partial unique index); the others get ErrDisputeOpen.
// The mark is audited ("invoice.disputed", the reason as note).
func (s *Store) OpenDispute(ctx context.Context, id int64, actor, reason string) (Dispute, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Dispute{}, fmt.Errorf("store: dispute invoice %d: a reason is required", id)
	}
	now := s.clock()
	var out Dispute
	err := s.ledgerTx(ctx, func(tx *gorm.DB) error {
		if _, err := s.lockInvoiceIn(tx, id, DisputableStates); err != nil {
			return err
		}
		if _, found, err := s.openDispute(tx, id); err != nil {
			return err
		} else if found {
			return ErrDisputeOpen
		}
		if err := tx.Exec(`INSERT INTO invoice_disputes (invoice_id, reason, opened_by, opened_at) VALUES (?, ?, ?, ?)`,
			id, reason, actorOr(actor), s.ts(now)).Error; err != nil {
			return s.uniqueAs(err, ErrDisputeOpen)
		}
		d, _, err := s.openDispute(tx, id)
		if err != nil {
			return err
		}
		out = d
		return s.auditChange(tx, actor, "invoice.disputed", "invoice", idStr(id), reason, nil, d)
	})
	if err != nil {
		return Dispute{}, fmt.Errorf("store: dispute invoice %d: %w", id, err)
	}
	return out, nil
}

// ResolveDispute closes invoice id's open dispute with an outcome, guarded:
// the UPDATE matches only an open dispute, so of concurrent resolves one
// wins and the others get ErrNoDispute. It is audited
// ("invoice.dispute_resolved", before → after).
func (s *Store) ResolveDispute(ctx context.Context, id int64, actor string, outcome DisputeOutcome, note string) (Dispute, error) {
	if !slices.Contains(DisputeOutcomes, outcome) {
		return Dispute{}, fmt.Errorf("store: resolve dispute of invoice %d: unknown outcome %q", id, outcome)
	}
	now := s.clock()
	var out Dispute
	err := s.ledgerTx(ctx, func(tx *gorm.DB) error {
		before, found, err := s.openDispute(tx, id)
		if err != nil {
			return err
		}
		if !found {
			return ErrNoDispute
		}
		res := tx.Exec(`UPDATE invoice_disputes SET outcome = ?, resolution = ?, resolved_by = ?, resolved_at = ?
			WHERE id = ? AND resolved_at IS NULL`, string(outcome), strings.TrimSpace(note), actorOr(actor), s.ts(now), before.ID)
		if res.Error != nil {
			return fmt.Errorf("resolve: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrNoDispute
		}
		ds, err := s.disputes(tx, "id = ?", before.ID)
		if err != nil {
			return err
		}
		out = ds[0]
		return s.auditChange(tx, actor, "invoice.dispute_resolved", "invoice", idStr(id), string(outcome)+noteSuffix(note), before, out)
	})
	if err != nil {
		return Dispute{}, fmt.Errorf("store: resolve dispute of invoice %d: %w", id, err)
	}
	return out, nil
}

func noteSuffix(note string) string {
	if note = strings.TrimSpace(note); note != "" {
		return ": " + note
	}
	return ""
}

// OpenDisputeOf returns invoice id's open dispute; ErrNotFound when none.
func (s *Store) OpenDisputeOf(ctx context.Context, id int64) (Dispute, error) {
	d, found, err := s.openDispute(s.q(ctx), id)
	if err != nil {
		return Dispute{}, fmt.Errorf("store: open dispute of invoice %d: %w", id, err)
	}
	if !found {
		return Dispute{}, fmt.Errorf("store: open dispute of invoice %d: %w", id, ErrNotFound)
	}
	return d, nil
}

// Disputes returns invoice id's disputes, oldest first.
func (s *Store) Disputes(ctx context.Context, id int64) ([]Dispute, error) {
	ds, err := s.disputes(s.q(ctx), "invoice_id = ?", id)
	if err != nil {
		return nil, fmt.Errorf("store: disputes of invoice %d: %w", id, err)
	}
	return ds, nil
}

// OpenDisputes returns every open dispute, by invoice id.
func (s *Store) OpenDisputes(ctx context.Context) (map[int64]Dispute, error) {
	ds, err := s.disputes(s.q(ctx), "resolved_at IS NULL")
	if err != nil {
		return nil, fmt.Errorf("store: open disputes: %w", err)
	}
	out := make(map[int64]Dispute, len(ds))
	for _, d := range ds {
		out[d.InvoiceID] = d
	}
	return out, nil
}

func (s *Store) openDispute(tx *gorm.DB, id int64) (Dispute, bool, error) {
	ds, err := s.disputes(tx, "invoice_id = ? AND resolved_at IS NULL", id)
	if err != nil || len(ds) == 0 {
		return Dispute{}, false, err
	}
	return ds[0], true, nil
}

func (s *Store) disputes(tx *gorm.DB, cond string, args ...any) ([]Dispute, error) {
	rows, err := tx.Raw(`SELECT id, invoice_id, reason, opened_by, opened_at, outcome, resolution, resolved_by, resolved_at
		FROM invoice_disputes WHERE `+cond+` ORDER BY id`, args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("read disputes: %w", err)
	}
	defer rows.Close()
	var out []Dispute
	for rows.Next() {
		var (
			d                Dispute
			opened, resolved timeCol
			outcome          *string
		)
		if err := rows.Scan(&d.ID, &d.InvoiceID, &d.Reason, &d.OpenedBy, &opened, &outcome, &d.Resolution, &d.ResolvedBy, &resolved); err != nil {
			return nil, fmt.Errorf("scan dispute: %w", err)
		}
		d.OpenedAt, d.ResolvedAt = opened.T, resolved.T
		if outcome != nil {
			d.Outcome = DisputeOutcome(*outcome)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read disputes: %w", err)
	}
	return out, nil
}

// InvoiceByNumber returns the invoice a person or a link names: "#" and
// billbot's id; else its QBO DocNumber; else its draft key; else billbot's
// id written plainly. ErrNotFound when none matches.
func (s *Store) InvoiceByNumber(ctx context.Context, number string) (Invoice, error) {
	number = strings.TrimSpace(number)
	if number == "" {
		return Invoice{}, fmt.Errorf("store: invoice with empty number: %w", ErrNotFound)
	}
	if rest, ok := strings.CutPrefix(number, "#"); ok {
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || id <= 0 {
			return Invoice{}, fmt.Errorf("store: invoice %s: %w", number, ErrNotFound)
		}
		return s.Invoice(ctx, id)
	}
	for _, cond := range []string{"doc_number = ? ORDER BY id DESC LIMIT 1", "key = ?"} {
		inv, err := s.loadInvoice(s.q(ctx), cond, number)
		if err == nil {
			return inv, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return Invoice{}, fmt.Errorf("store: invoice %s: %w", number, err)
		}
	}
	id, err := strconv.ParseInt(number, 10, 64)
	if err != nil || id <= 0 {
		return Invoice{}, fmt.Errorf("store: invoice %s: %w", number, ErrNotFound)
	}
	return s.Invoice(ctx, id)
}
