package timecsv

import (
	"crypto/sha256"
	"strings"
	"testing"

	"billbot/internal/billing"
)

// TestSeenReleasedAtEnd: the row identities a stream numbers identical
// rows by (one per row, about 40 MB at a million rows) are held while it
// runs and released when it ends, whether it read to the end, stopped on
// a bad file or was stopped by its caller; its Rows and Errors stay.
func TestSeenReleasedAtEnd(t *testing.T) {
	entry := func(rec []string) (billing.TimeEntry, [sha256.Size]byte, *RowError) {
		if rec[1] == "bad" {
			return billing.TimeEntry{}, [sha256.Size]byte{}, &RowError{Reason: "is bad"}
		}
		return billing.TimeEntry{User: rec[0]}, Identity(rec...), nil
	}
	tests := []struct {
		name, in string
		stopAt   int // stop after this many entries; 0 reads on
	}{
		{"read to the end", "User,Note\nann,a\nann,a\nbob,b\n", 0},
		{"rejected", "User,Note\nann,a\nbob,bad\ncat,c\n", 0},
		{"stopped by the caller", "User,Note\nann,a\nbob,b\ncat,c\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cr, head, err := Open(strings.NewReader(tt.in), "testcsv")
			if err != nil {
				t.Fatal(err)
			}
			s := NewStream(cr, len(head), "testcsv", false)
			n := 0
			for _, err := range s.Entries(entry) {
				if err != nil {
					break
				}
				if len(s.seen) == 0 {
					t.Fatal("no identity held while the stream runs")
				}
				if n++; n == tt.stopAt {
					break
				}
			}
			if s.seen != nil {
				t.Errorf("%d row identities still held after the stream ended", len(s.seen))
			}
			if s.Rows == 0 {
				t.Error("Rows was reset")
			}
		})
	}
}
