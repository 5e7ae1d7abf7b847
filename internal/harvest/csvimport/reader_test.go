package csvimport

import (
	"errors"
	"strings"
	"testing"
)

// TestReaderStreamsThenRejects: rows before the first bad one are yielded
// as read; after it none are, every bad row is still found (with its
// line), and the stream ends with the *BadRowsError a writer rolls back on.
func TestReaderStreamsThenRejects(t *testing.T) {
	const head = "\ufeffDate,Client,Project,Task,Hours,Billable?,Approved?,First Name,Last Name,Billable Rate\r\n"
	good := "2026-03-02,Acme Corp,Acme,Tax Prep,1.5,Yes,Yes,Kim,Allen,195.00\r\n"
	file := head + good + good + "2026-03-02,Acme Corp,Acme,Tax Prep,x,Yes,Yes,Kim,Allen,195.00\r\n" + good +
		"bad-date,Acme Corp,Acme,Tax Prep,1,Yes,Yes,Kim,Allen,195.00\r\n"
	rd, err := NewReader(strings.NewReader(file), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	var final error
	for e, err := range rd.All() {
		if err != nil {
			final = err
			continue
		}
		ids = append(ids, e.ExternalID)
	}
	if len(ids) != 2 || ids[0] == ids[1] {
		t.Errorf("yielded %d entries (%v), want the 2 before the bad row, numbered apart", len(ids), ids)
	}
	var bad *BadRowsError
	if !errors.As(final, &bad) || len(bad.Rows) != 2 || bad.Rows[0].Line != 4 || bad.Rows[1].Line != 6 {
		t.Fatalf("end = %v, want bad rows on lines 4 and 6", final)
	}
	if rd.Rows != 5 {
		t.Errorf("Rows = %d, want 5", rd.Rows)
	}

	// The same file in memory gives the same ids as streamed.
	res, err := Parse(strings.NewReader(head+good+good), Options{})
	if err != nil || len(res.Entries) != 2 || res.Entries[0].ExternalID != ids[0] || res.Entries[1].ExternalID != ids[1] {
		t.Errorf("Parse = %+v, %v; want the streamed ids", res.Entries, err)
	}
}
