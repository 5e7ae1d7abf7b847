// Package timecsv holds what the readers of the time trackers' CSV exports
// share (Harvest's detailed time report, Toggl Track's detailed report,
// QuickBooks Time's timesheet details): opening a file past its byte order
// mark and reading its header, streaming rows with every bad one reported
// by line, and ids that stay the same across re-imports of a file.
//
// Each vendor's reader maps a row to an entry; this package does the rest.
package timecsv

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"billbot/internal/billing"
)

// RowError is one bad row.
type RowError struct {
	Line   int    // physical line in the file where the row starts, header = 1
	Column string // as named in the header; empty for whole-row problems
	Reason string
}

// Error implements error.
func (e RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return fmt.Sprintf("line %d, column %q: %s", e.Line, e.Column, e.Reason)
}

// maxListed is how many bad rows an error message lists.
const maxListed = 20

// BadRowsError rejects a file with bad rows; nothing from it is imported.
// Its text starts "csvimport:", the name under which billbot has always
// reported it, whichever tracker wrote the file.
type BadRowsError struct {
	Rows []RowError
}

// Error lists the first bad rows, one per line.
func (e *BadRowsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "csvimport: %d bad row(s), nothing imported:", len(e.Rows))
	for i, r := range e.Rows {
		if i == maxListed {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Rows)-maxListed)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(r.Error())
	}
	return b.String()
}

// Open starts reading a CSV export: it skips a UTF-8 byte order mark
// (spreadsheets and the trackers write one; encoding/csv would keep it as
// part of the first column name) and reads the header. Rows may have any
// number of fields (Stream checks them against the header, to report the
// line) and the records are reused, so the header must be copied before
// the next read. Errors start with name: an empty file, a header that does
// not read.
func Open(r io.Reader, name string) (*csv.Reader, []string, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // checked per row, to report the line
	cr.ReuseRecord = true
	rec, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, errors.New(name + ": the file is empty")
		}
		return nil, nil, fmt.Errorf("%s: header: %w", name, err)
	}
	return cr, rec, nil
}

// Stream reads the data rows after the header Open read. Its Rows and
// Errors fields are promoted into the vendors' readers.
type Stream struct {
	cr      *csv.Reader
	width   int
	name    string
	skipBad bool
	seen    map[[16]byte]uint32
	// Rows is the number of data rows read so far, good and bad.
	Rows int
	// Errors lists the bad rows read so far; with SkipBadRows they were
	// left out.
	Errors []RowError
}

// NewStream reads the rows of cr, each of which must have width fields.
// name starts the text of a read error; skipBad keeps yielding the good
// rows of a file with bad ones.
func NewStream(cr *csv.Reader, width int, name string, skipBad bool) Stream {
	return Stream{cr: cr, width: width, name: name, skipBad: skipBad}
}

// Skipped returns the bad rows read so far (Errors).
func (s *Stream) Skipped() []RowError { return s.Errors }

// Entries yields the file's good entries in file order, each mapped by
// entry, which also returns the row's identity (see Identity) and, for a
// bad row, a *RowError whose Line this fills in. Identical rows are
// numbered by occurrence (see ExternalID). After the first bad row (unless
// skipBad) it yields no more entries but reads on, to report every bad
// row, and ends with a *BadRowsError: a caller writing the entries as they
// come rolls its transaction back on it. A read error of the underlying
// reader ends it too. Entries reads the file once; do not call it twice.
//
// The row identities seen (16 bytes each, to number identical rows) are
// held only while the stream runs: they are released when it ends, so a
// caller that keeps the reader afterwards (for its Errors) does not keep
// them too.
func (s *Stream) Entries(entry func(rec []string) (billing.TimeEntry, [sha256.Size]byte, *RowError)) iter.Seq2[billing.TimeEntry, error] {
	return func(yield func(billing.TimeEntry, error) bool) {
		s.seen = map[[16]byte]uint32{}
		defer func() { s.seen = nil }()
		for {
			rec, err := s.cr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					s.Rows++
					s.Errors = append(s.Errors, RowError{Line: pe.StartLine, Reason: pe.Err.Error()})
					continue
				}
				yield(billing.TimeEntry{}, fmt.Errorf("%s: read: %w", s.name, err))
				return
			}
			line, _ := s.cr.FieldPos(0)
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue // a blank line, as spreadsheets leave at the end
			}
			s.Rows++
			if len(rec) != s.width {
				s.Errors = append(s.Errors, RowError{Line: line,
					Reason: fmt.Sprintf("has %d columns, the header has %d", len(rec), s.width)})
				continue
			}
			e, key, rowErr := entry(rec)
			if rowErr != nil {
				rowErr.Line = line
				s.Errors = append(s.Errors, *rowErr)
				continue
			}
			if len(s.Errors) > 0 && !s.skipBad {
				continue // the file is rejected: only look for more bad rows
			}
			// Identical rows are numbered by occurrence. The count is kept
			// by the identity's first 16 bytes: two different identities
			// sharing them (odds about 1e-26 in a million rows) would only
			// number the second one from 1 instead of 0, still unique.
			var short [16]byte
			copy(short[:], key[:16])
			n := s.seen[short]
			s.seen[short] = n + 1
			e.ExternalID = ExternalID(key, int(n))
			if !yield(e, nil) {
				return
			}
		}
		if len(s.Errors) > 0 && !s.skipBad {
			yield(billing.TimeEntry{}, &BadRowsError{Rows: s.Errors})
		}
	}
}

// Identity hashes the fields that tell one row's piece of work from
// another's, length-prefixed, so that ("ab","c") and ("a","bc") differ.
// Each reader picks the fields; approval is left out, so that re-importing
// a later export in which a row got approved updates the same entry.
func Identity(fields ...string) [sha256.Size]byte {
	var scratch [512]byte // a typical row's fields fit: no allocation
	b := scratch[:0]
	for _, f := range fields {
		b = strconv.AppendInt(b, int64(len(f)), 10)
		b = append(b, ':')
		b = append(b, f...)
		b = append(b, ';')
	}
	return sha256.Sum256(b)
}

// ExternalID is a row's identity plus its occurrence among identical rows:
// re-importing a file gives every row the same id again, and two identical
// rows (the same hour logged twice) stay two entries.
func ExternalID(key [sha256.Size]byte, n int) string {
	var b [sha256.Size + 1 + 20]byte
	msg := append(append(b[:0], key[:]...), '#')
	msg = strconv.AppendInt(msg, int64(n), 10)
	sum := sha256.Sum256(msg)
	return hex.EncodeToString(sum[:])
}
