package store

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

type codedErr struct{ code int }

func (e codedErr) Error() string { return "constraint failed" }
func (e codedErr) Code() int     { return e.code }

func TestIsUniqueViolation(t *testing.T) {
	for _, tc := range []struct {
		name    string
		dialect string
		err     error
		want    bool
	}{
		{"pg unique", DialectPostgres, &pgconn.PgError{Code: "23505"}, true},
		{"pg unique wrapped", DialectPostgres, fmt.Errorf("insert: %w", &pgconn.PgError{Code: "23505"}), true},
		{"pg foreign key", DialectPostgres, &pgconn.PgError{Code: "23503"}, false},
		{"pg text only", DialectPostgres, errors.New("UNIQUE constraint failed: x"), false},
		{"sqlite message", DialectSQLite, errors.New("constraint failed: UNIQUE constraint failed: allocations.entry_id (2067)"), true},
		{"sqlite unique code", DialectSQLite, codedErr{2067}, true},
		{"sqlite primary key code", DialectSQLite, codedErr{1555}, true},
		{"sqlite foreign key", DialectSQLite, codedErr{787}, false},
		{"sqlite sees pg error", DialectSQLite, &pgconn.PgError{Code: "23505"}, false},
		{"nil", DialectSQLite, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := isUniqueViolation(tc.dialect, tc.err); got != tc.want {
				t.Errorf("isUniqueViolation(%s, %v) = %v, want %v", tc.dialect, tc.err, got, tc.want)
			}
		})
	}
}

// TestUniqueViolationFromSQLite checks isUniqueViolation against the
// driver's real error, not a hand-made one.
func TestUniqueViolationFromSQLite(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, "", t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	const q = "INSERT INTO idempotency_keys (key, claimed_at) VALUES ('k', '2026-01-01T00:00:00.000000Z')"
	if _, err := s.DB().ExecContext(ctx, q); err != nil {
		t.Fatal(err)
	}
	_, err = s.DB().ExecContext(ctx, q)
	if !isUniqueViolation(DialectSQLite, err) {
		t.Errorf("isUniqueViolation(%v) = false", err)
	}
	if got := s.uniqueAs(err, ErrAlreadyBilled); !errors.Is(got, ErrAlreadyBilled) {
		t.Errorf("uniqueAs = %v, want ErrAlreadyBilled", got)
	}
}
