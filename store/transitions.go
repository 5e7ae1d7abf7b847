package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"billbot/internal/billing"
)

// Transition moves invoice id from one of the states in from to state to.
// Every move from a state of from to to must be legal by billing's table
// (billing.CanTransition), else a *TransitionError and nothing is read or
// written. The move is guarded in the database: the UPDATE matches only
// while the row is still in one of from, so of concurrent transitions
// exactly one wins and the others get a *StateError wrapping ErrConflict.
// apply, when set, edits the other fields (hold reason, Slack ts…) in the
// same transaction; ActedBy and ActedAt default to actor and now. Moving to
// voided releases the invoice's allocations so its entries can be billed
// again; voided is final.
func (s *Store) Transition(ctx context.Context, id int64, from []InvoiceState, to InvoiceState, actor, note string, apply func(*Invoice)) (Invoice, error) {
	if !slices.Contains(InvoiceStates, to) {
		return Invoice{}, fmt.Errorf("store: invoice %d: unknown state %q", id, to)
	}
	for _, st := range from {
		if !billing.CanTransition(st, to) {
			return Invoice{}, &TransitionError{ID: id, From: st, To: to}
		}
	}
	now := s.clock()
	var out Invoice
	err := s.ledgerTx(ctx, func(tx *gorm.DB) error {
		before, err := s.lockInvoiceIn(tx, id, from)
		if err != nil {
			return err
		}
		after := before
		after.State, after.ActedBy, after.ActedAt = to, actorOr(actor), now
		if apply != nil {
			apply(&after)
		}
		after.ID, after.State = id, to // the guard decides these, not apply
		n, err := s.writeInvoice(tx, after, now, "state IN ?", statesArg(from))
		if err != nil {
			return err
		}
		if n == 0 { // lost a race the lock did not prevent
			cur, err := s.loadInvoice(tx, "id = ?", id)
			if err != nil {
				return err
			}
			return &StateError{ID: id, Current: cur.State, Want: from}
		}
		if to == StateVoided {
			if err := tx.Exec(`UPDATE allocations SET active = FALSE, released_at = ?
				WHERE active AND invoice_line_id IN (SELECT id FROM invoice_lines WHERE invoice_id = ?)`, s.ts(now), id).Error; err != nil {
				return fmt.Errorf("release allocations: %w", err)
			}
		}
		if out, err = s.loadInvoice(tx, "id = ?", id); err != nil {
			return err
		}
		return s.auditChange(tx, actor, "invoice."+string(to), "invoice", idStr(id), note, before.summary(), out.summary())
	})
	if err != nil {
		return Invoice{}, fmt.Errorf("store: invoice %d to %s: %w", id, to, err)
	}
	return out, nil
}

func statesArg(sts []InvoiceState) []string {
	out := make([]string, len(sts))
	for i, st := range sts {
		out[i] = string(st)
	}
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// writeInvoice writes inv's mutable fields and state with version+1 where
// the row has inv's id and the guard holds; it returns the rows matched.
func (s *Store) writeInvoice(tx *gorm.DB, inv Invoice, now time.Time, guard string, guardArgs ...any) (int64, error) {
	notes, err := jsonText(strs(inv.Notes))
	if err != nil {
		return 0, err
	}
	args := []any{string(inv.State), date(inv.InvoiceDate), date(inv.DueDate), notes,
		inv.LedgerID, inv.SyncToken, inv.DocNumber, int64(inv.LedgerTotal), int64(inv.Balance), inv.EmailStatus,
		s.ts(inv.SentAt), s.ts(inv.ViewedAt), s.ts(inv.PaidAt), s.ts(inv.LastRemindedAt),
		inv.SlackChannel, inv.SlackTS, inv.HoldReason, inv.ActedBy, s.ts(inv.ActedAt), s.ts(now), inv.ID}
	res := tx.Exec(`UPDATE invoices SET state = ?, invoice_date = ?, due_date = ?, notes_json = ?,
			qbo_id = ?, sync_token = ?, doc_number = ?, qbo_total = ?, balance = ?, email_status = ?,
			sent_at = ?, viewed_at = ?, paid_at = ?, last_reminded_at = ?,
			slack_channel = ?, slack_ts = ?, hold_reason = ?, acted_by = ?, acted_at = ?,
			updated_at = ?, version = version + 1
		WHERE id = ? AND `+guard, append(args, guardArgs...)...)
	if res.Error != nil {
		return 0, fmt.Errorf("update invoice: %w", s.uniqueAs(res.Error, ErrConflict))
	}
	return res.RowsAffected, nil
}

// maxOptimisticTries bounds UpdateInvoice's retries after losing a race.
const maxOptimisticTries = 5

// UpdateInvoice changes an invoice's non-state fields: QBO references,
// Slack message, balance, email status, dates, notes. It is optimistic on
// Version: apply runs on the current row and the write matches only that
// version; after a concurrent change it reloads and runs apply again (so
// apply must only depend on its argument). State, lines and totals are not
// written (use Transition and ReplaceLines). An apply error aborts.
func (s *Store) UpdateInvoice(ctx context.Context, id int64, actor, action string, apply func(*Invoice) error) (Invoice, error) {
	if action == "" {
		action = "invoice.update"
	}
	for range maxOptimisticTries {
		var out Invoice
		err := s.ledgerTx(ctx, func(tx *gorm.DB) error {
			before, err := s.loadInvoice(tx, "id = ?", id)
			if err != nil {
				return err
			}
			after := before
			after.Notes = slices.Clone(before.Notes)
			if err := apply(&after); err != nil {
				return err
			}
			after.ID, after.State = before.ID, before.State
			now := s.clock()
			n, err := s.writeInvoice(tx, after, now, "version = ?", before.Version)
			if err != nil {
				return err
			}
			if n == 0 {
				return errStale
			}
			if out, err = s.loadInvoice(tx, "id = ?", id); err != nil {
				return err
			}
			return s.auditChange(tx, actor, action, "invoice", idStr(id), "", before.summary(), out.summary())
		})
		if errors.Is(err, errStale) {
			continue
		}
		if err != nil {
			return Invoice{}, fmt.Errorf("store: update invoice %d: %w", id, err)
		}
		return out, nil
	}
	return Invoice{}, fmt.Errorf("store: update invoice %d: still changing after %d tries: %w", id, maxOptimisticTries, ErrConflict)
}

var errStale = errors.New("stale version")

// lockInvoiceIn reads invoice id locked for the rest of tx (FOR UPDATE where
// the dialect has it) and returns it while it is in one of states; in any
// other state it returns a *StateError naming states.
func (s *Store) lockInvoiceIn(tx *gorm.DB, id int64, states []InvoiceState) (Invoice, error) {
	inv, err := s.loadInvoice(tx, "id = ?"+s.forUpdate(), id)
	if err != nil {
		return Invoice{}, err
	}
	if !slices.Contains(states, inv.State) {
		return Invoice{}, &StateError{ID: id, Current: inv.State, Want: states}
	}
	return inv, nil
}

// EditableStates are the states in which ReplaceLines may edit an invoice
// (billing.EditableStates).
var EditableStates = billing.EditableStates

// ReplaceLines is an edit: the invoice's lines and totals (Subtotal,
// Discount, Credit, Total, Hours, Notes from totals) are replaced, the
// allocations move to the new lines with their entries (entries left off
// become unallocated; entries allocated elsewhere fail with
// ErrAlreadyBilled), and reason is kept on each line the edit lowers below
// its drafted amount. Only invoices in EditableStates can be edited.
func (s *Store) ReplaceLines(ctx context.Context, id int64, lines []billing.Line, totals billing.Invoice, actor, reason string) (Invoice, error) {
	now := s.clock()
	var out Invoice
	err := s.ledgerTx(ctx, func(tx *gorm.DB) error {
		before, err := s.lockInvoiceIn(tx, id, EditableStates)
		if err != nil {
			return err
		}
		prev, err := s.loadLines(tx, []int64{id})
		if err != nil {
			return err
		}
		// Deleting the lines deletes their allocations (ON DELETE CASCADE).
		if err := tx.Exec("DELETE FROM invoice_lines WHERE invoice_id = ?", id).Error; err != nil {
			return fmt.Errorf("delete lines: %w", err)
		}
		if err := s.insertLines(tx, id, lines, prev[id], reason, now); err != nil {
			return err
		}
		notes, err := jsonText(strs(totals.Notes))
		if err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE invoices SET subtotal = ?, discount = ?, credit = ?, total = ?, hours = ?, notes_json = ?,
				updated_at = ?, version = version + 1 WHERE id = ?`,
			int64(totals.Subtotal), int64(totals.Discount), int64(totals.Credit), int64(totals.Total), int64(totals.Hours),
			notes, s.ts(now), id).Error; err != nil {
			return fmt.Errorf("update totals: %w", err)
		}
		if out, err = s.loadInvoice(tx, "id = ?", id); err != nil {
			return err
		}
		return s.auditChange(tx, actor, "invoice.edit", "invoice", idStr(id), reason, before, out)
	})
	if err != nil {
		return Invoice{}, fmt.Errorf("store: edit invoice %d: %w", id, err)
	}
	return out, nil
}
