package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"billbot/internal/billing"
)

// Exception statuses.
const (
	ExceptionOpen     = "open"
	ExceptionResolved = "resolved"
)

// Exception is a stored billing exception.
type Exception struct {
	ID int64
	billing.Problem
	Status     string // ExceptionOpen or ExceptionResolved
	OpenedAt   time.Time
	ResolvedAt time.Time
	ResolvedBy string
	Resolution string
}

// Fingerprint identifies a problem for de-duplication: its code,
// engagement, client and sorted entry ids. The message and fix may be
// reworded without opening a new exception.
func Fingerprint(p billing.Problem) string {
	var b strings.Builder
	b.WriteString(string(p.Code) + "\x1f" + p.Engagement + "\x1f" + p.Client + "\x1f")
	for i, id := range uniqueIDs(p.EntryIDs) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// errFingerprintTaken reports a concurrent OpenException of the same problem.
var errFingerprintTaken = errors.New("exception fingerprint taken")

// OpenException records p as an open exception, or returns the open one
// with the same fingerprint (created=false). A problem that Holds
// allocates each of its entries to the exception, so no invoice can take
// them until it is resolved; entries already allocated elsewhere (on an
// invoice, or held by another open exception) stay where they are.
func (s *Store) OpenException(ctx context.Context, p billing.Problem, now time.Time) (Exception, bool, error) {
	var (
		out     Exception
		created bool
	)
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		out, created, err = s.openException(tx, p, now)
		return err
	})
	if errors.Is(err, errFingerprintTaken) {
		err = s.tx(ctx, func(tx *gorm.DB) error {
			var err error
			out, created, err = s.openException(tx, p, now)
			return err
		})
	}
	if err != nil {
		return Exception{}, false, fmt.Errorf("store: open %s exception: %w", p.Code, err)
	}
	return out, created, nil
}

func (s *Store) openException(tx *gorm.DB, p billing.Problem, now time.Time) (Exception, bool, error) {
	p.EntryIDs = uniqueIDs(p.EntryIDs)
	if len(p.EntryIDs) == 0 {
		p.EntryIDs = nil
	}
	fp := Fingerprint(p)
	var id int64
	found, err := scanRow(tx.Raw("SELECT id FROM exceptions WHERE fingerprint = ? AND status = 'open'", fp).Row(), &id)
	if err != nil {
		return Exception{}, false, err
	}
	if !found {
		ids, err := jsonText(int64s(p.EntryIDs))
		if err != nil {
			return Exception{}, false, err
		}
		err = tx.Raw(`INSERT INTO exceptions (code, message, engagement, client, entry_ids_json, fix, holds, fingerprint, status, opened_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?) RETURNING id`,
			string(p.Code), p.Message, p.Engagement, p.Client, ids, p.Fix, p.Holds, fp, s.ts(now)).Row().Scan(&id)
		if isUniqueViolation(s.dialect, err) {
			return Exception{}, false, errFingerprintTaken
		}
		if err != nil {
			return Exception{}, false, fmt.Errorf("insert: %w", err)
		}
	}
	if p.Holds {
		// Re-asserted on every call: a hold lost while another exception
		// held the entry is taken once that one is resolved.
		for chunk := range slices.Chunk(p.EntryIDs, 500) {
			q := "INSERT INTO allocations (entry_id, invoice_line_id, exception_id, active, created_at) VALUES "
			args := make([]any, 0, 3*len(chunk))
			for i, e := range chunk {
				if i > 0 {
					q += ","
				}
				q += "(?, NULL, ?, TRUE, ?)"
				args = append(args, e, id, s.ts(now))
			}
			if err := tx.Exec(q+" ON CONFLICT DO NOTHING", args...).Error; err != nil {
				return Exception{}, false, fmt.Errorf("hold entries: %w", err)
			}
		}
	}
	ex, err := s.loadException(tx, id)
	if err != nil {
		return Exception{}, false, err
	}
	if !found {
		if err := s.auditChange(tx, SystemActor, "exception.open", "exception", idStr(id), "", nil, ex); err != nil {
			return Exception{}, false, err
		}
	}
	return ex, !found, nil
}

func int64s(v []int64) []int64 {
	if v == nil {
		return []int64{}
	}
	return v
}

// ResolveException closes an open exception and releases the entries it
// held. Resolving a resolved exception changes nothing.
func (s *Store) ResolveException(ctx context.Context, id int64, actor, resolution string, now time.Time) error {
	err := s.tx(ctx, func(tx *gorm.DB) error { return s.resolveException(tx, id, actor, resolution, now) })
	if err != nil {
		return fmt.Errorf("store: resolve exception %d: %w", id, err)
	}
	return nil
}

func (s *Store) resolveException(tx *gorm.DB, id int64, actor, resolution string, now time.Time) error {
	before, err := s.loadException(tx, id)
	if err != nil {
		return err
	}
	res := tx.Exec(`UPDATE exceptions SET status = 'resolved', resolved_at = ?, resolved_by = ?, resolution = ?
		WHERE id = ? AND status = 'open'`, s.ts(now), actorOr(actor), resolution, id)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return nil
	}
	if err := tx.Exec("UPDATE allocations SET active = FALSE, released_at = ? WHERE exception_id = ? AND active",
		s.ts(now), id).Error; err != nil {
		return fmt.Errorf("release entries: %w", err)
	}
	after, err := s.loadException(tx, id)
	if err != nil {
		return err
	}
	return s.auditChange(tx, actor, "exception.resolve", "exception", idStr(id), resolution, before, after)
}

// ReconcileExceptions makes the open exceptions of codes match current, in
// one transaction: open ones whose problem is no longer in current are
// resolved by billbot ("no longer applies"), then every problem of current
// not yet open is opened. It returns how many it opened and resolved.
func (s *Store) ReconcileExceptions(ctx context.Context, codes []billing.ExceptionCode, current []billing.Problem, now time.Time) (opened, resolved int, err error) {
	return s.ReconcileExceptionsOf(ctx, codes, nil, current, now)
}

// ReconcileExceptionsOf is ReconcileExceptions limited to the open
// exceptions whose client inScope accepts (all when inScope is nil): the
// others stay as they are, whatever current holds. current should hold
// problems of those clients only.
func (s *Store) ReconcileExceptionsOf(ctx context.Context, codes []billing.ExceptionCode, inScope func(client string) bool, current []billing.Problem, now time.Time) (opened, resolved int, err error) {
	want := map[string]bool{}
	for _, p := range current {
		want[Fingerprint(p)] = true
	}
	codeArgs := make([]string, len(codes))
	for i, c := range codes {
		codeArgs[i] = string(c)
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		opened, resolved = 0, 0
		rows, err := tx.Raw("SELECT id, fingerprint, client FROM exceptions WHERE status = 'open' AND code IN ? ORDER BY id", codeArgs).Rows()
		if err != nil {
			return err
		}
		var stale []int64
		for rows.Next() {
			var (
				id         int64
				fp, client string
			)
			if err := rows.Scan(&id, &fp, &client); err != nil {
				rows.Close()
				return err
			}
			if !want[fp] && (inScope == nil || inScope(client)) {
				stale = append(stale, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range stale {
			if err := s.resolveException(tx, id, SystemActor, "no longer applies", now); err != nil {
				return err
			}
			resolved++
		}
		for _, p := range current {
			_, created, err := s.openException(tx, p, now)
			if err != nil {
				return err
			}
			if created {
				opened++
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("store: reconcile exceptions: %w", err)
	}
	return opened, resolved, nil
}

// ExceptionFilter selects exceptions; zero fields select everything.
type ExceptionFilter struct {
	Client   string // exact name, case-insensitive
	OpenOnly bool
	Codes    []billing.ExceptionCode
}

const exceptionCols = `id, code, message, engagement, client, entry_ids_json, fix, holds, status,
	opened_at, resolved_at, resolved_by, resolution`

// Exceptions returns the exceptions matching f, oldest first.
func (s *Store) Exceptions(ctx context.Context, f ExceptionFilter) ([]Exception, error) {
	cond, args := "1 = 1", []any{}
	if f.Client != "" {
		cond, args = cond+" AND LOWER(client) = LOWER(?)", append(args, f.Client)
	}
	if f.OpenOnly {
		cond += " AND status = 'open'"
	}
	if len(f.Codes) > 0 {
		codes := make([]string, len(f.Codes))
		for i, c := range f.Codes {
			codes[i] = string(c)
		}
		cond, args = cond+" AND code IN ?", append(args, codes)
	}
	out, err := s.loadExceptions(s.q(ctx), cond+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: list exceptions: %w", err)
	}
	return out, nil
}

func (s *Store) loadException(tx *gorm.DB, id int64) (Exception, error) {
	out, err := s.loadExceptions(tx, "id = ?", id)
	if err != nil {
		return Exception{}, err
	}
	if len(out) == 0 {
		return Exception{}, ErrNotFound
	}
	return out[0], nil
}

func (s *Store) loadExceptions(tx *gorm.DB, cond string, args ...any) ([]Exception, error) {
	rows, err := tx.Raw("SELECT "+exceptionCols+" FROM exceptions WHERE "+cond, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Exception
	for rows.Next() {
		var (
			ex                 Exception
			code, ids          string
			opened, resolvedAt timeCol
		)
		if err := rows.Scan(&ex.ID, &code, &ex.Message, &ex.Engagement, &ex.Client, &ids, &ex.Fix, &ex.Holds, &ex.Status,
			&opened, &resolvedAt, &ex.ResolvedBy, &ex.Resolution); err != nil {
			return nil, fmt.Errorf("scan exception: %w", err)
		}
		ex.Code = billing.ExceptionCode(code)
		if err := fromJSON(ids, &ex.EntryIDs); err != nil {
			return nil, err
		}
		if len(ex.EntryIDs) == 0 {
			ex.EntryIDs = nil
		}
		ex.OpenedAt, ex.ResolvedAt = opened.T, resolvedAt.T
		out = append(out, ex)
	}
	return out, rows.Err()
}
