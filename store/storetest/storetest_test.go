package storetest_test

import (
	"testing"

	"billbot/store"
	"billbot/store/storetest"
)

// TestPostgresSchemasAreIsolatedAndDropped: each store gets its own schema,
// migrated, and the schema is gone once its test ends.
func TestPostgresSchemasAreIsolatedAndDropped(t *testing.T) {
	var schema string
	t.Run("use", func(t *testing.T) {
		a, b := storetest.Postgres(t), storetest.Postgres(t)
		ctx := t.Context()
		if err := a.SetCursor(ctx, "k", "a"); err != nil {
			t.Fatal(err)
		}
		if v, err := b.Cursor(ctx, "k"); err != nil || v != "" {
			t.Errorf("second store sees the first's data: %q, %v", v, err)
		}
		if err := a.CheckSchema(ctx); err != nil {
			t.Errorf("not migrated: %v", err)
		}
		if err := a.DB().QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
			t.Fatal(err)
		}
	})
	if schema == "" {
		t.Skip("postgres half skipped")
	}
	admin := storetest.Postgres(t)
	var n int
	if err := admin.DB().QueryRowContext(t.Context(), "SELECT COUNT(*) FROM pg_namespace WHERE nspname = $1", schema).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("schema %s still exists after its test", schema)
	}
}

func TestEachRunsBothDialects(t *testing.T) {
	var seen []string
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seen = append(seen, s.Dialect())
		if err := s.CheckSchema(t.Context()); err != nil {
			t.Errorf("%s not migrated: %v", s.Dialect(), err)
		}
	})
	if len(seen) == 0 || seen[0] != store.DialectSQLite {
		t.Errorf("dialects run = %v", seen)
	}
}
