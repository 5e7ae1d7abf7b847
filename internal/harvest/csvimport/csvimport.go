// Package csvimport reads Harvest's "Detailed time" report CSV export into
// billbot time entries, for firms that cannot or will not connect the API.
// Columns are found by name; numbers and dates are parsed exactly; a file
// with any bad row is rejected whole unless the caller asks to skip them.
package csvimport

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
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/timecsv"
)

// Source is the billing.TimeEntry.Source of imported entries.
const Source = "harvest-csv"

// ErrNoApprovalColumn is returned for an export without an Approved?
// column (Harvest leaves it out when timesheet approval is off) unless
// Options.AssumeApproved is set. Its text names no option: a command says
// which of its flags imports such a file.
var ErrNoApprovalColumn = errors.New("csvimport: the file has no Approved? column (timesheet approval is off in Harvest)")

// Options steers Parse.
type Options struct {
	// AssumeApproved treats every row as approved when the file has no
	// Approved? column.
	AssumeApproved bool
	// SkipBadRows imports the good rows of a file with bad ones instead of
	// rejecting it.
	SkipBadRows bool
	// Currency is used when the file has no Currency column; default USD.
	Currency money.Currency
	// ApprovedAtImport leaves ApprovedAt unset on approved rows of a file
	// without an approval-time column, so the store stamps the import time:
	// rows of cycles already closed then count as approved late. By
	// default such rows count as approved on the day they were spent, in
	// time for their cycle — an export is usually imported after the cycle
	// it covers closed, and its approvals happened before. A column's time
	// always wins.
	ApprovedAtImport bool
	// Location reads dates and times without a zone (approval times, and
	// the day-spent default); nil is UTC. Pass the firm's time zone.
	Location *time.Location
}

// Result is what Parse read.
type Result struct {
	Entries []billing.TimeEntry
	// Errors lists the bad rows; with SkipBadRows they were left out.
	Errors []RowError
	// Rows is the number of data rows read, good and bad.
	Rows int
}

// RowError is one bad row (shared with the other sources' exports).
type RowError = timecsv.RowError

// BadRowsError rejects a file with bad rows; nothing from it is imported.
type BadRowsError = timecsv.BadRowsError

// Parse reads a Harvest detailed time report into memory. Every row
// becomes one entry whose ExternalID is stable across re-imports of the
// same file (see externalID). On a bad row it returns an empty
// Result.Entries and a *BadRowsError, unless opts.SkipBadRows. Large files
// are better read with NewReader, which holds one row at a time.
func Parse(r io.Reader, opts Options) (Result, error) {
	rd, err := NewReader(r, opts)
	if err != nil {
		return Result{}, err
	}
	var res Result
	for e, err := range rd.All() {
		if err != nil {
			return Result{Errors: rd.Errors, Rows: rd.Rows}, err
		}
		res.Entries = append(res.Entries, e)
	}
	res.Errors, res.Rows = rd.Errors, rd.Rows
	return res, nil
}

// Reader reads a Harvest detailed time report one row at a time, so a
// file of any size is read in constant memory apart from the row
// identities it has seen (16 bytes each, to number identical rows).
type Reader struct {
	cr   *csv.Reader
	h    header
	opts Options
	seen map[[16]byte]uint32
	buf  []byte // scratch space of identity
	// Rows is the number of data rows read so far, good and bad.
	Rows int
	// Errors lists the bad rows read so far; with SkipBadRows they were
	// left out.
	Errors []RowError
}

// NewReader reads the header of a Harvest detailed time report. It fails on
// an empty file, a file that is not such a report, and, unless
// opts.AssumeApproved, with ErrNoApprovalColumn.
func NewReader(r io.Reader, opts Options) (*Reader, error) {
	if opts.Currency == "" {
		opts.Currency = "USD"
	}
	br := bufio.NewReaderSize(r, 64<<10)
	// Excel and Harvest write a UTF-8 byte order mark; encoding/csv would
	// keep it as part of the first column name.
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // checked per row, to report the line
	cr.ReuseRecord = true

	rec, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("csvimport: the file is empty")
		}
		return nil, fmt.Errorf("csvimport: header: %w", err)
	}
	h, err := parseHeader(rec)
	if err != nil {
		return nil, fmt.Errorf("csvimport: %w", err)
	}
	if !h.has(colApproved) && !opts.AssumeApproved {
		return nil, ErrNoApprovalColumn
	}
	return &Reader{cr: cr, h: h, opts: opts, seen: map[[16]byte]uint32{}}, nil
}

// Skipped returns the bad rows read so far (Errors).
func (rd *Reader) Skipped() []RowError { return rd.Errors }

// All yields the file's good entries in file order. After the first bad
// row (unless SkipBadRows) it yields no more entries but reads on, to
// report every bad row, and ends with a *BadRowsError: a caller writing the
// entries as they come rolls its transaction back on it. A read error of
// the underlying reader ends it too. All reads the file once; do not call
// it twice.
func (rd *Reader) All() iter.Seq2[billing.TimeEntry, error] {
	return func(yield func(billing.TimeEntry, error) bool) {
		for {
			rec, err := rd.cr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					rd.Rows++
					rd.Errors = append(rd.Errors, RowError{Line: pe.StartLine, Reason: pe.Err.Error()})
					continue
				}
				yield(billing.TimeEntry{}, fmt.Errorf("csvimport: read: %w", err))
				return
			}
			line, _ := rd.cr.FieldPos(0)
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue // a blank line, as spreadsheets leave at the end
			}
			rd.Rows++
			if len(rec) != len(rd.h.names) {
				rd.Errors = append(rd.Errors, RowError{Line: line,
					Reason: fmt.Sprintf("has %d columns, the header has %d", len(rec), len(rd.h.names))})
				continue
			}
			e, key, rowErr := rd.h.entry(rec, rd.opts, &rd.buf)
			if rowErr != nil {
				rowErr.Line = line
				rd.Errors = append(rd.Errors, *rowErr)
				continue
			}
			if len(rd.Errors) > 0 && !rd.opts.SkipBadRows {
				continue // the file is rejected: only look for more bad rows
			}
			// Identical rows are numbered by occurrence. The count is kept
			// by the identity's first 16 bytes: two different identities
			// sharing them (odds about 1e-26 in a million rows) would only
			// number the second one from 1 instead of 0, still unique.
			var short [16]byte
			copy(short[:], key[:16])
			n := rd.seen[short]
			rd.seen[short] = n + 1
			e.ExternalID = externalID(key, int(n))
			if !yield(e, nil) {
				return
			}
		}
		if len(rd.Errors) > 0 && !rd.opts.SkipBadRows {
			yield(billing.TimeEntry{}, &BadRowsError{Rows: rd.Errors})
		}
	}
}

// entry maps one row. It returns the row's identity hash alongside; buf
// is scratch space for it.
func (h header) entry(rec []string, opts Options, buf *[]byte) (billing.TimeEntry, [sha256.Size]byte, *RowError) {
	var zero [sha256.Size]byte
	bad := func(col, reason string) (billing.TimeEntry, [sha256.Size]byte, *RowError) {
		return billing.TimeEntry{}, zero, &RowError{Column: h.display(col), Reason: reason}
	}
	at := &h.at
	var (
		dateText = field(rec, at.date)
		client   = field(rec, at.client)
		project  = field(rec, at.project)
		task     = field(rec, at.task)
		billText = field(rec, at.billable)
	)
	for _, f := range []struct{ col, v string }{{colDate, dateText}, {colClient, client}, {colProject, project}, {colTask, task}, {colBillable, billText}} {
		if f.v == "" {
			return bad(f.col, "is empty")
		}
	}
	date, err := parseDate(dateText)
	if err != nil {
		return bad(colDate, err.Error())
	}
	// Hours Rounded is what Harvest bills (the Time Rounding setting); the
	// raw Hours only stands in when the export lacks it.
	hoursCol, hoursText := colHoursRounded, field(rec, at.hoursRounded)
	if hoursText == "" {
		hoursCol, hoursText = colHours, field(rec, at.hours)
	}
	if hoursText == "" {
		return bad(hoursCol, "is empty")
	}
	hours, err := money.ParseHours(stripThousands(hoursText))
	if err != nil {
		return bad(hoursCol, err.Error())
	}
	cur := opts.Currency
	if v := field(rec, at.currency); v != "" {
		c, err := money.ParseCurrency(v)
		if err != nil {
			return bad(colCurrency, err.Error())
		}
		cur = c
	}
	var rate money.Amount
	if v := field(rec, at.billableRate); v != "" {
		rate, err = money.Parse(stripThousands(v), cur)
		if err != nil {
			return bad(colBillableRate, err.Error())
		}
	}
	billable, err := parseFlag(billText)
	if err != nil {
		return bad(colBillable, err.Error())
	}
	var invoiced bool
	if v := field(rec, at.invoiced); v != "" {
		if invoiced, err = parseFlag(v); err != nil {
			return bad(colInvoiced, err.Error())
		}
	}
	approved := opts.AssumeApproved
	if at.approved >= 0 {
		if approved, err = parseFlag(field(rec, at.approved)); err != nil {
			return bad(colApproved, err.Error())
		}
	}
	var approvedAt time.Time
	if approved {
		loc := opts.Location
		if loc == nil {
			loc = time.UTC
		}
		if v := field(rec, at.approvedAt); v != "" {
			if approvedAt, err = parseInstant(v, loc); err != nil {
				return bad(h.approvedAtCol(), err.Error())
			}
		} else if !opts.ApprovedAtImport {
			approvedAt = date.Time(loc)
		}
	}
	first, last := field(rec, at.firstName), field(rec, at.lastName)
	if first == "" && last == "" {
		return bad(colFirstName, "first and last name are both empty")
	}
	user := last
	switch {
	case first == "":
	case last == "":
		user = first
	default:
		user = first + " " + last
	}
	e := billing.TimeEntry{
		Source:          Source,
		Project:         project,
		Client:          client,
		Task:            task,
		User:            user,
		SpentDate:       date,
		Hours:           hours,
		Rate:            rate,
		Currency:        cur,
		Notes:           field(rec, at.notes),
		Billable:        billable,
		Approved:        approved,
		ApprovedAt:      approvedAt,
		BilledElsewhere: invoiced,
	}
	return e, identity(e, field(rec, at.projectCode), buf), nil
}

// identity hashes what tells one piece of work from another: when, who, for
// which client, project and task, how long, and the notes. Approval,
// invoicing and rates are left out, so that re-importing a later export in
// which a row got approved updates the same entry instead of adding one.
// buf is scratch space.
func identity(e billing.TimeEntry, projectCode string, buf *[]byte) [sha256.Size]byte {
	b := (*buf)[:0]
	for _, f := range [...]string{e.SpentDate.String(), e.Client, e.Project, projectCode, e.Task, e.User, e.Hours.String(), e.Notes} {
		// Length-prefixed, so that ("ab","c") and ("a","bc") differ.
		b = strconv.AppendInt(b, int64(len(f)), 10)
		b = append(b, ':')
		b = append(b, f...)
		b = append(b, ';')
	}
	*buf = b
	return sha256.Sum256(b)
}

// externalID is the row's identity plus its occurrence among identical
// rows: re-importing a file gives every row the same id again, and two
// identical rows (the same hour logged twice) stay two entries.
func externalID(key [sha256.Size]byte, n int) string {
	var b [sha256.Size + 1 + 20]byte
	msg := append(append(b[:0], key[:]...), '#')
	msg = strconv.AppendInt(msg, int64(n), 10)
	sum := sha256.Sum256(msg)
	return hex.EncodeToString(sum[:])
}

// parseDate accepts ISO dates and the US form Harvest uses for US
// accounts.
func parseDate(s string) (billing.Date, error) {
	for _, layout := range []string{"2006-01-02", "01/02/2006", "1/2/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return billing.DateOf(t), nil
		}
	}
	return billing.Date{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD or MM/DD/YYYY)", s)
}

// parseInstant reads an approval time: RFC 3339, or a date with an
// optional time of day in loc.
func parseInstant(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "01/02/2006 15:04", "1/2/2006 15:04", "2006-01-02", "01/02/2006", "1/2/2006"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date or time (want YYYY-MM-DD, YYYY-MM-DD HH:MM or RFC 3339)", s)
}

// parseFlag reads Harvest's Yes/No columns.
func parseFlag(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "yes", "true", "y":
		return true, nil
	case "no", "false", "n":
		return false, nil
	}
	return false, fmt.Errorf("%q is not Yes or No", s)
}

// stripThousands removes grouping commas from a number written like
// "1,234.50", and only from such a number, so that "1,5" stays an error
// rather than becoming fifteen.
func stripThousands(s string) string {
	if !strings.Contains(s, ",") {
		return s
	}
	intPart, frac, _ := strings.Cut(s, ".")
	sign := ""
	if strings.HasPrefix(intPart, "-") {
		sign, intPart = "-", intPart[1:]
	}
	groups := strings.Split(intPart, ",")
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return s
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return s
		}
	}
	out := sign + strings.Join(groups, "")
	if strings.Contains(s, ".") {
		out += "." + frac
	}
	return out
}
