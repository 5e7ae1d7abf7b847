package store

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrNotFound is returned when the record looked up does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrAlreadyBilled is returned when a time entry is already actively
	// allocated, to an invoice line or to an open exception. The database's
	// unique index on active allocations raises it, so it holds across
	// processes.
	ErrAlreadyBilled = errors.New("store: time entry already billed or held")
	// ErrConflict is returned when a guarded update found the record in
	// another state or version than expected. Invoice transitions wrap it in
	// a *StateError.
	ErrConflict = errors.New("store: conflicting update")
	// ErrIllegalTransition is returned (in a *TransitionError) for a state
	// change billing.Transitions does not allow; nothing was written.
	ErrIllegalTransition = errors.New("store: not a legal invoice state transition")
	// ErrAlreadyRan is returned when the job run for that schedule was
	// already started.
	ErrAlreadyRan = errors.New("store: job already ran for this schedule")
	// ErrSchemaOutdated is returned when the database lacks migrations this
	// binary needs.
	ErrSchemaOutdated = errors.New("store: database schema is outdated; run `billbot migrate`")
	// ErrSchemaNewer is returned when the database was migrated by a newer
	// billbot.
	ErrSchemaNewer = errors.New("store: database schema is newer than this billbot; upgrade billbot")
)

// StateError reports that an invoice was not in a state the transition
// accepts. It wraps ErrConflict.
type StateError struct {
	ID      int64
	Current InvoiceState
	Want    []InvoiceState
}

// Error implements error.
func (e *StateError) Error() string {
	return fmt.Sprintf("store: invoice %d is %s, want one of %v: %v", e.ID, e.Current, e.Want, ErrConflict)
}

// Unwrap lets errors.Is(err, ErrConflict) match.
func (e *StateError) Unwrap() error { return ErrConflict }

// TransitionError reports a state change that billing's table of
// transitions (billing.Transitions) does not allow. It wraps
// ErrIllegalTransition.
type TransitionError struct {
	ID       int64
	From, To InvoiceState
}

// Error implements error.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("store: invoice %d: %s → %s: %v", e.ID, e.From, e.To, ErrIllegalTransition)
}

// Unwrap lets errors.Is(err, ErrIllegalTransition) match.
func (e *TransitionError) Unwrap() error { return ErrIllegalTransition }

// SQLite extended result codes for unique and primary-key violations.
// Source: https://www.sqlite.org/rescode.html (SQLITE_CONSTRAINT_UNIQUE 2067,
// SQLITE_CONSTRAINT_PRIMARYKEY 1555).
const (
	sqliteConstraintUnique     = 2067
	sqliteConstraintPrimaryKey = 1555
)

// pgUniqueViolation is PostgreSQL's SQLSTATE unique_violation.
// Source: https://www.postgresql.org/docs/current/errcodes-appendix.html
const pgUniqueViolation = "23505"

// isUniqueViolation reports whether err is the dialect's unique-constraint
// violation.
func isUniqueViolation(dialect string, err error) bool {
	if err == nil {
		return false
	}
	switch dialect {
	case DialectPostgres:
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == pgUniqueViolation
	case DialectSQLite:
		var coded interface{ Code() int }
		if errors.As(err, &coded) {
			if c := coded.Code(); c == sqliteConstraintUnique || c == sqliteConstraintPrimaryKey {
				return true
			}
		}
		return strings.Contains(err.Error(), "UNIQUE constraint failed")
	}
	return false
}

// uniqueAs maps a unique violation to sentinel, keeping the driver's error
// in the chain for diagnosis; other errors pass through.
func (s *Store) uniqueAs(err, sentinel error) error {
	if isUniqueViolation(s.dialect, err) {
		return fmt.Errorf("%w (%w)", sentinel, err)
	}
	return err
}

func isStale(err error) bool { return errors.Is(err, errStale) }
