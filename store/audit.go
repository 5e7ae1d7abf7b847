package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// SystemActor is the actor of changes billbot makes on its own (jobs,
// syncs, reconciliation).
const SystemActor = "billbot"

// AuditEvent is one recorded change: who did what to which record, with
// the record's state before and after as JSON.
type AuditEvent struct {
	ID          int64
	At          time.Time
	Actor       string // Slack user id, or SystemActor
	Action      string // e.g. "invoice.approved", "config.save"
	SubjectType string // e.g. "invoice", "exception", "config"
	SubjectID   string
	Note        string // free text: a hold reason, an edit's write-down reason
	Before      json.RawMessage
	After       json.RawMessage
}

// Audit records ev. A zero At is the store's clock; an empty Actor is
// SystemActor.
func (s *Store) Audit(ctx context.Context, ev AuditEvent) error {
	return s.tx(ctx, func(tx *gorm.DB) error { return s.audit(tx, ev) })
}

func (s *Store) audit(tx *gorm.DB, ev AuditEvent) error {
	if ev.At.IsZero() {
		ev.At = s.clock()
	}
	if ev.Actor == "" {
		ev.Actor = SystemActor
	}
	if ev.Action == "" {
		return fmt.Errorf("store: audit: empty action")
	}
	before, err := rawJSON(ev.Before)
	if err != nil {
		return fmt.Errorf("store: audit %s before: %w", ev.Action, err)
	}
	after, err := rawJSON(ev.After)
	if err != nil {
		return fmt.Errorf("store: audit %s after: %w", ev.Action, err)
	}
	err = tx.Exec(`INSERT INTO audit_events (at, actor, action, subject_type, subject_id, note, before_json, after_json)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ts(ev.At), ev.Actor, ev.Action, ev.SubjectType, ev.SubjectID, ev.Note, before, after).Error
	if err != nil {
		return fmt.Errorf("store: audit %s: %w", ev.Action, err)
	}
	return nil
}

// auditChange records a change with before and after marshalled to JSON; a
// nil value is recorded as NULL.
func (s *Store) auditChange(tx *gorm.DB, actor, action, subjectType, subjectID, note string, before, after any) error {
	ev := AuditEvent{Actor: actor, Action: action, SubjectType: subjectType, SubjectID: subjectID, Note: note}
	var err error
	if ev.Before, err = marshalOrNil(before); err != nil {
		return fmt.Errorf("store: audit %s: %w", action, err)
	}
	if ev.After, err = marshalOrNil(after); err != nil {
		return fmt.Errorf("store: audit %s: %w", action, err)
	}
	return s.audit(tx, ev)
}

func marshalOrNil(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	return json.Marshal(v)
}

// rawJSON turns a JSON document into its TEXT parameter: NULL when empty.
func rawJSON(m json.RawMessage) (any, error) {
	if len(m) == 0 {
		return nil, nil
	}
	if !json.Valid(m) {
		return nil, fmt.Errorf("invalid JSON")
	}
	return string(m), nil
}

// AuditEvents returns the events about one subject, oldest first. An empty
// subjectID lists every subject of that type.
func (s *Store) AuditEvents(ctx context.Context, subjectType, subjectID string) ([]AuditEvent, error) {
	q := `SELECT id, at, actor, action, subject_type, subject_id, note, before_json, after_json
		FROM audit_events WHERE subject_type = ?`
	args := []any{subjectType}
	if subjectID != "" {
		q += " AND subject_id = ?"
		args = append(args, subjectID)
	}
	out, err := s.auditRows(ctx, q+" ORDER BY id", args)
	if err != nil {
		return nil, fmt.Errorf("store: audit events of %s %s: %w", subjectType, subjectID, err)
	}
	return out, nil
}

// auditRows runs q, which selects audit_events' columns in their table
// order, and scans every row.
func (s *Store) auditRows(ctx context.Context, q string, args []any) ([]AuditEvent, error) {
	rows, err := s.q(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEvent
	for rows.Next() {
		var (
			ev            AuditEvent
			at            timeCol
			before, after *string
		)
		if err := rows.Scan(&ev.ID, &at, &ev.Actor, &ev.Action, &ev.SubjectType, &ev.SubjectID, &ev.Note, &before, &after); err != nil {
			return nil, fmt.Errorf("scan audit event: %w", err)
		}
		ev.At = at.T
		if before != nil {
			ev.Before = json.RawMessage(*before)
		}
		if after != nil {
			ev.After = json.RawMessage(*after)
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}
