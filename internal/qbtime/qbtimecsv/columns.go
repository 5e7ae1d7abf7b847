package qbtimecsv

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Column names of the timesheet details export, matched case-insensitively
// with spaces and underscores alike (docs/vendors.md §5.10): local_date,
// local_start_time, local_end_time, fname, lname, username, hours,
// jobcode_1 … jobcode_N (the jobcode path from the customer down), notes,
// approved_status, billable. Hand-made or other tools' files may say
// date, first name, last name, employee, customer, project, task,
// service item, approved or duration instead.
var aliases = map[string][]string{
	"date":     {"local_date", "date"},
	"start":    {"local_start_time", "start_time", "start"},
	"end":      {"local_end_time", "end_time", "end"},
	"first":    {"fname", "first_name"},
	"last":     {"lname", "last_name"},
	"user":     {"employee", "name", "username"},
	"hours":    {"hours", "duration"},
	"notes":    {"notes", "note"},
	"approved": {"approved_status", "approval_status", "approved"},
	"billable": {"billable", "billable?"},
}

// flatLevels name the jobcode path in a file without jobcode_N columns.
var flatLevels = [][]string{{"customer", "client"}, {"project", "job"}, {"task", "service_item"}}

type header struct {
	pos   map[string]int
	names []string

	date, start, end, first, last, user, hours, notes, approved, billable int
	jobcodes                                                              []int
}

func norm(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '_' || r == '-' }), "_")
}

func parseHeader(rec []string) (header, error) {
	h := header{pos: map[string]int{}, names: slices.Clone(rec)}
	for i, name := range rec {
		key := norm(name)
		if key == "" {
			continue
		}
		if _, dup := h.pos[key]; dup {
			return header{}, fmt.Errorf("column %q appears twice", strings.TrimSpace(name))
		}
		h.pos[key] = i
	}
	find := func(names []string) int {
		for _, n := range names {
			if i, ok := h.pos[n]; ok {
				return i
			}
		}
		return -1
	}
	h.date, h.start, h.end = find(aliases["date"]), find(aliases["start"]), find(aliases["end"])
	h.first, h.last, h.user = find(aliases["first"]), find(aliases["last"]), find(aliases["user"])
	h.hours, h.notes = find(aliases["hours"]), find(aliases["notes"])
	h.approved, h.billable = find(aliases["approved"]), find(aliases["billable"])
	for n := 1; ; n++ {
		i, ok := h.pos["jobcode_"+strconv.Itoa(n)]
		if !ok {
			break
		}
		h.jobcodes = append(h.jobcodes, i)
	}
	if len(h.jobcodes) == 0 {
		for _, level := range flatLevels {
			if i := find(level); i >= 0 {
				h.jobcodes = append(h.jobcodes, i)
			}
		}
		if len(h.jobcodes) == 0 {
			if i := find([]string{"jobcode"}); i >= 0 {
				h.jobcodes = append(h.jobcodes, i)
			}
		}
	}
	var missing []string
	if h.date < 0 {
		missing = append(missing, "local_date")
	}
	if h.hours < 0 {
		missing = append(missing, "hours")
	}
	if h.first < 0 && h.last < 0 && h.user < 0 {
		missing = append(missing, "fname/lname")
	}
	if len(h.jobcodes) == 0 {
		missing = append(missing, "jobcode_1")
	}
	if len(missing) > 0 {
		return header{}, fmt.Errorf("not a QuickBooks Time timesheet export: missing column(s) %s", strings.Join(missing, ", "))
	}
	return h, nil
}

// get returns the trimmed value of column i, "" when absent.
func (h header) get(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// display is column i's name as the file spells it.
func (h header) display(i int) string {
	if i < 0 || i >= len(h.names) {
		return ""
	}
	return strings.TrimPrefix(strings.TrimSpace(h.names[i]), "\ufeff")
}
