// Package qbtimecsv reads QuickBooks Time's timesheet details CSV export
// into billbot time entries, streaming, for firms that cannot or will not
// connect the API. It follows internal/harvest/csvimport: the same
// Options, RowError and *BadRowsError; columns found by name in any
// order, a byte order mark and CRLF line ends accepted, numbers and dates
// parsed exactly, a file with any bad row rejected whole unless the caller
// asks to skip bad rows, and external ids stable across re-imports.
package qbtimecsv

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"

	"billbot/internal/billing"
	"billbot/internal/harvest/csvimport"
	"billbot/internal/money"
	"billbot/internal/timecsv"
)

// Source is the billing.TimeEntry.Source of imported rows.
const Source = "quickbooks_time-csv"

// ErrNoApprovalColumn is returned for an export without an approval
// column unless Options.AssumeApproved is set.
var ErrNoApprovalColumn = errors.New("qbtimecsv: the file has no approved_status column (the Approvals add-on is off, or the export left it out)")

// Reader reads a timesheet details export one row at a time.
type Reader struct {
	timecsv.Stream
	h    header
	opts csvimport.Options
}

// NewReader reads the header of a QuickBooks Time timesheet export. It
// fails on an empty file, a file that is not such an export, and, unless
// opts.AssumeApproved, with ErrNoApprovalColumn.
func NewReader(r io.Reader, opts csvimport.Options) (*Reader, error) {
	if opts.Currency == "" {
		opts.Currency = "USD"
	}
	cr, rec, err := timecsv.Open(r, "qbtimecsv")
	if err != nil {
		return nil, err
	}
	h, err := parseHeader(rec)
	if err != nil {
		return nil, fmt.Errorf("qbtimecsv: %w", err)
	}
	if h.approved < 0 && !opts.AssumeApproved {
		return nil, ErrNoApprovalColumn
	}
	return &Reader{Stream: timecsv.NewStream(cr, len(h.names), "qbtimecsv", opts.SkipBadRows), h: h, opts: opts}, nil
}

// All yields the file's good entries in file order. After the first bad
// row (unless SkipBadRows) it yields no more entries but reads on, to
// report every bad row, and ends with a *csvimport.BadRowsError: a caller
// writing the entries as they come rolls its transaction back on it. A
// read error ends it too. All reads the file once.
func (rd *Reader) All() iter.Seq2[billing.TimeEntry, error] {
	return rd.Entries(func(rec []string) (billing.TimeEntry, [sha256.Size]byte, *csvimport.RowError) {
		return rd.h.entry(rec, rd.opts)
	})
}

// entry maps one row and returns its identity hash alongside.
func (h header) entry(rec []string, opts csvimport.Options) (billing.TimeEntry, [sha256.Size]byte, *csvimport.RowError) {
	var zero [sha256.Size]byte
	bad := func(col int, reason string) (billing.TimeEntry, [sha256.Size]byte, *csvimport.RowError) {
		return billing.TimeEntry{}, zero, &csvimport.RowError{Column: h.display(col), Reason: reason}
	}
	if h.get(rec, h.date) == "" {
		return bad(h.date, "is empty")
	}
	date, err := parseDate(h.get(rec, h.date))
	if err != nil {
		return bad(h.date, err.Error())
	}
	hoursText := h.get(rec, h.hours)
	if hoursText == "" {
		return bad(h.hours, "is empty")
	}
	hours, err := parseHours(hoursText)
	if err != nil {
		return bad(h.hours, err.Error())
	}
	var path []string
	for _, c := range h.jobcodes {
		if v := h.get(rec, c); v != "" {
			path = append(path, v)
		}
	}
	if len(path) == 0 {
		return bad(h.jobcodes[0], "is empty: the row names no jobcode")
	}
	user := strings.TrimSpace(h.get(rec, h.first) + " " + h.get(rec, h.last))
	if user == "" {
		user = h.get(rec, h.user)
	}
	if user == "" {
		return bad(h.first, "names nobody: first and last name (or employee) are empty")
	}
	billable := true // no billable column: billbot treats the rows as billable
	if h.billable >= 0 {
		if billable, err = parseFlag(h.get(rec, h.billable)); err != nil {
			return bad(h.billable, err.Error())
		}
	}
	approved := opts.AssumeApproved
	if h.approved >= 0 {
		if approved, err = parseApproved(h.get(rec, h.approved)); err != nil {
			return bad(h.approved, err.Error())
		}
	}
	var approvedAt time.Time
	if approved && !opts.ApprovedAtImport {
		loc := opts.Location
		if loc == nil {
			loc = time.UTC
		}
		// The export carries no approval time: like csvimport, an approved
		// row counts as approved on the day it was spent unless the caller
		// asks for the import time.
		approvedAt = date.Time(loc)
	}
	project := path[0]
	if len(path) > 1 {
		project = path[1]
	}
	task := ""
	if len(path) > 2 {
		task = strings.Join(path[2:], " / ")
	}
	start, end := h.get(rec, h.start), h.get(rec, h.end)
	e := billing.TimeEntry{
		Source:     Source,
		Client:     path[0],
		Project:    project,
		Task:       task,
		User:       user,
		SpentDate:  date,
		Hours:      hours,
		Currency:   opts.Currency,
		Notes:      h.get(rec, h.notes),
		Billable:   billable,
		Running:    h.end >= 0 && start != "" && end == "",
		Approved:   approved,
		ApprovedAt: approvedAt,
	}
	return e, identity(e, start), nil
}

// identity hashes what tells one timesheet from another: its day and
// start, who, where in the jobcode tree, how long and the notes. Approval
// is left out, so re-importing a later export in which a row got approved
// updates the same entry.
func identity(e billing.TimeEntry, start string) [sha256.Size]byte {
	return timecsv.Identity(e.SpentDate.String(), start, e.Client, e.Project, e.Task, e.User, e.Hours.String(), e.Notes)
}

func parseDate(s string) (billing.Date, error) {
	for _, layout := range []string{"2006-01-02", "01/02/2006", "1/2/2006", "01/02/06", "1/2/06"} {
		if t, err := time.Parse(layout, s); err == nil {
			return billing.DateOf(t), nil
		}
	}
	return billing.Date{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD or MM/DD/YYYY)", s)
}

// parseHours reads decimal hours ("1.5") or hours and minutes ("1:30").
func parseHours(s string) (money.Hours, error) {
	if hh, mm, ok := strings.Cut(s, ":"); ok {
		h, err1 := strconv.ParseInt(hh, 10, 32)
		m, err2 := strconv.ParseInt(mm, 10, 32)
		if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || len(mm) != 2 {
			return 0, fmt.Errorf("%q is not hours (want 1.5 or 1:30)", s)
		}
		return money.ParseHours(fmt.Sprintf("%d.%04d", h, (m*money.HoursScale+30)/60)) // minutes to 1/10000 h, half up
	}
	h, err := money.ParseHours(s)
	if err != nil {
		return 0, err
	}
	if h < 0 {
		return 0, fmt.Errorf("%q is negative", s)
	}
	return h, nil
}

func parseFlag(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "yes", "true", "y", "1":
		return true, nil
	case "no", "false", "n", "0":
		return false, nil
	}
	return false, fmt.Errorf("%q is not yes or no", s)
}

// parseApproved reads an approval status: approved, or one of the states
// before it.
func parseApproved(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "approved", "yes", "true", "y":
		return true, nil
	case "", "no", "false", "n", "not approved", "unapproved", "submitted", "not submitted", "pending", "rejected":
		return false, nil
	}
	return false, fmt.Errorf("%q is not an approval status (want approved or not approved)", s)
}
