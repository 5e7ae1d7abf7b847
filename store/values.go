package store

import (
	"encoding/json"
	"fmt"
	"time"

	"billbot/internal/billing"
)

// sqliteTimeLayout is how instants are stored in SQLite TEXT columns:
// RFC 3339 in UTC with a fixed six-digit fraction, so that text order is time
// order, equal instants are equal strings (unique keys on timestamps work),
// and the precision is PostgreSQL's microsecond.
const sqliteTimeLayout = "2006-01-02T15:04:05.000000Z"

// ts converts an instant to the parameter its column takes: NULL for the zero
// time, TIMESTAMPTZ on PostgreSQL, RFC 3339 UTC text on SQLite.
func (s *Store) ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = t.UTC().Truncate(time.Microsecond)
	if s.dialect == DialectSQLite {
		return t.Format(sqliteTimeLayout)
	}
	return t
}

// date converts a calendar day to its parameter: NULL for the zero Date, else
// 'YYYY-MM-DD' (a DATE literal on PostgreSQL, TEXT on SQLite).
func date(d billing.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// timeCol scans a TIMESTAMPTZ or RFC 3339 TEXT column; NULL is the zero time.
type timeCol struct{ T time.Time }

// Scan implements sql.Scanner.
func (c *timeCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		c.T = time.Time{}
	case time.Time:
		c.T = x.UTC()
	case string:
		return c.parse(x)
	case []byte:
		return c.parse(string(x))
	default:
		return fmt.Errorf("store: scan %T as a timestamp", v)
	}
	return nil
}

func (c *timeCol) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("store: scan timestamp %q: %w", s, err)
	}
	c.T = t.UTC()
	return nil
}

// dateCol scans a DATE or 'YYYY-MM-DD' TEXT column; NULL is the zero Date.
type dateCol struct{ D billing.Date }

// Scan implements sql.Scanner.
func (c *dateCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		c.D = billing.Date{}
	case time.Time:
		c.D = billing.DateOf(x.UTC())
	case string:
		return c.parse(x)
	case []byte:
		return c.parse(string(x))
	default:
		return fmt.Errorf("store: scan %T as a date", v)
	}
	return nil
}

func (c *dateCol) parse(s string) error {
	if len(s) > len(billing.DateLayout) { // a driver may append a time part
		s = s[:len(billing.DateLayout)]
	}
	d, err := billing.ParseDate(s)
	if err != nil {
		return fmt.Errorf("store: scan date: %w", err)
	}
	c.D = d
	return nil
}

// jsonText marshals v for a JSON TEXT column; nil slices and maps become
// "[]" and "{}" through the caller's choice of empty value.
func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("store: encode json: %w", err)
	}
	return string(b), nil
}

// strs returns a non-nil copy of a string list for a JSON column.
func strs(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// fromJSON decodes a JSON TEXT column into dst.
func fromJSON(s string, dst any) error {
	if s == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), dst); err != nil {
		return fmt.Errorf("store: decode json column: %w", err)
	}
	return nil
}
