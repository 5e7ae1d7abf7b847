package timecsv_test

import (
	"crypto/sha256"
	"errors"
	"strings"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/timecsv"
)

// read opens in and streams its rows: a row's first field is the user, a
// second field "bad" makes it a bad row.
func read(t *testing.T, in string, skipBad bool) (users []string, ids []string, s timecsv.Stream, err error) {
	t.Helper()
	cr, head, err := timecsv.Open(strings.NewReader(in), "testcsv")
	if err != nil {
		return nil, nil, s, err
	}
	if head[0] != "User" {
		t.Fatalf("header %q: the byte order mark was not skipped", head)
	}
	s = timecsv.NewStream(cr, len(head), "testcsv", skipBad)
	for e, err := range s.Entries(func(rec []string) (billing.TimeEntry, [sha256.Size]byte, *timecsv.RowError) {
		if rec[1] == "bad" {
			return billing.TimeEntry{}, [sha256.Size]byte{}, &timecsv.RowError{Column: "Note", Reason: "is bad"}
		}
		return billing.TimeEntry{User: rec[0]}, timecsv.Identity(rec...), nil
	}) {
		if err != nil {
			return users, ids, s, err
		}
		users = append(users, e.User)
		ids = append(ids, e.ExternalID)
	}
	return users, ids, s, nil
}

func TestStream(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		skipBad   bool
		wantUsers string
		wantRows  int
		wantErr   string
	}{
		{"BOM, blank line", "\uFEFFUser,Note\nann,a\nbob,b\n\n", false, "ann bob", 2, ""},
		{"empty file", "", false, "", 0, "testcsv: the file is empty"},
		{"bad rows reject the file", "User,Note\nann,a\nbob,bad\ncat\n", false, "ann", 3,
			"csvimport: 2 bad row(s), nothing imported:\n  line 3, column \"Note\": is bad\n  line 4: has 1 columns, the header has 2"},
		{"bad rows skipped", "User,Note\nbob,bad\nann,a\n", true, "ann", 2, ""},
		{"a quote error is a bad row", "User,Note\nann,\"a\nbob,b", true, "", 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			users, _, s, err := read(t, tt.in, tt.skipBad)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if got := strings.Join(users, " "); got != tt.wantUsers {
				t.Errorf("users %q, want %q", got, tt.wantUsers)
			}
			if s.Rows != tt.wantRows {
				t.Errorf("Rows %d, want %d", s.Rows, tt.wantRows)
			}
			var bad *timecsv.BadRowsError
			if tt.wantErr != "" && strings.Contains(tt.wantErr, "bad row") && !errors.As(err, &bad) {
				t.Errorf("error %T, want *BadRowsError", err)
			}
		})
	}
}

// TestExternalIDs: identical rows get distinct ids, and reading the file
// again gives the same ids.
func TestExternalIDs(t *testing.T) {
	in := "User,Note\nann,a\nann,a\nbob,b\n"
	_, first, _, err := read(t, in, false)
	if err != nil {
		t.Fatal(err)
	}
	_, again, _, _ := read(t, in, false)
	if len(first) != 3 || first[0] == first[1] || first[0] == first[2] {
		t.Fatalf("ids %q: identical rows must differ", first)
	}
	for i := range first {
		if first[i] != again[i] {
			t.Errorf("row %d: id %s, then %s", i, first[i], again[i])
		}
	}
	if timecsv.Identity("ab", "c") == timecsv.Identity("a", "bc") {
		t.Error(`Identity("ab", "c") == Identity("a", "bc")`)
	}
}
