package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AuditFilter selects audit events; zero fields select everything.
type AuditFilter struct {
	// InvoiceID selects the events about one invoice (subject "invoice").
	InvoiceID int64
	Since     time.Time // events at or after
	Actor     string    // Slack user id, or SystemActor
	Limit     int       // at most this many, the latest; 0 is no limit
}

// AuditTrail returns the events matching f, oldest first. Each filter is
// served by an index: subject (audit_events_subject_idx), time
// (audit_events_at_idx), actor (audit_events_actor_idx).
func (s *Store) AuditTrail(ctx context.Context, f AuditFilter) ([]AuditEvent, error) {
	var (
		where []string
		args  []any
	)
	if f.InvoiceID > 0 {
		where, args = append(where, "subject_type = ? AND subject_id = ?"), append(args, "invoice", strconv.FormatInt(f.InvoiceID, 10))
	}
	if !f.Since.IsZero() {
		where, args = append(where, "at >= ?"), append(args, s.ts(f.Since))
	}
	if f.Actor != "" {
		where, args = append(where, "actor = ?"), append(args, f.Actor)
	}
	cond := "1 = 1"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	q := `SELECT id, at, actor, action, subject_type, subject_id, note, before_json, after_json
		FROM audit_events WHERE ` + cond
	if f.Limit > 0 {
		q = "SELECT * FROM (" + q + " ORDER BY id DESC LIMIT " + strconv.Itoa(f.Limit) + ") latest"
	}
	out, err := s.auditRows(ctx, q+" ORDER BY id", args)
	if err != nil {
		return nil, fmt.Errorf("store: audit trail: %w", err)
	}
	return out, nil
}
