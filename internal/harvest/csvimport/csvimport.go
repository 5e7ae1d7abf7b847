// Package csvimport reads Harvest's "Detailed time" report CSV export into
// billbot time entries, for firms that cannot or will not connect the API.
// Columns are found by name; numbers and dates are parsed exactly; a file
// with any bad row is rejected whole unless the caller asks to skip them.
package csvimport

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"iter"
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
// same file (see identity and timecsv.ExternalID). On a bad row it returns an empty
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
// identities it has seen while the stream runs (16 bytes each, to number
// identical rows). Its Rows, Errors and Skipped come from timecsv.Stream.
type Reader struct {
	timecsv.Stream
	h    header
	opts Options
}

// NewReader reads the header of a Harvest detailed time report. It fails on
// an empty file, a file that is not such a report, and, unless
// opts.AssumeApproved, with ErrNoApprovalColumn.
func NewReader(r io.Reader, opts Options) (*Reader, error) {
	if opts.Currency == "" {
		opts.Currency = "USD"
	}
	cr, rec, err := timecsv.Open(r, "csvimport")
	if err != nil {
		return nil, err
	}
	h, err := parseHeader(rec)
	if err != nil {
		return nil, fmt.Errorf("csvimport: %w", err)
	}
	if !h.has(colApproved) && !opts.AssumeApproved {
		return nil, ErrNoApprovalColumn
	}
	return &Reader{Stream: timecsv.NewStream(cr, len(h.names), "csvimport", opts.SkipBadRows), h: h, opts: opts}, nil
}

// All yields the file's good entries in file order. After the first bad
// row (unless SkipBadRows) it yields no more entries but reads on, to
// report every bad row, and ends with a *BadRowsError: a caller writing the
// entries as they come rolls its transaction back on it. A read error of
// the underlying reader ends it too. All reads the file once; do not call
// it twice.
func (rd *Reader) All() iter.Seq2[billing.TimeEntry, error] {
	return rd.Entries(func(rec []string) (billing.TimeEntry, [sha256.Size]byte, *RowError) {
		return rd.h.entry(rec, rd.opts)
	})
}

// entry maps one row. It returns the row's identity hash alongside.
func (h header) entry(rec []string, opts Options) (billing.TimeEntry, [sha256.Size]byte, *RowError) {
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
	return e, identity(e, field(rec, at.projectCode)), nil
}

// identity hashes what tells one piece of work from another: when, who, for
// which client, project and task, how long, and the notes. Approval,
// invoicing and rates are left out, so that re-importing a later export in
// which a row got approved updates the same entry instead of adding one.
func identity(e billing.TimeEntry, projectCode string) [sha256.Size]byte {
	return timecsv.Identity(e.SpentDate.String(), e.Client, e.Project, projectCode, e.Task, e.User, e.Hours.String(), e.Notes)
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
