// Package togglcsv reads Toggl Track's detailed report CSV export into
// billbot time entries, one row at a time, for firms that export rather
// than connect the API. It shares internal/harvest/csvimport's Options,
// RowError and BadRowsError, so a command handles both exports alike.
//
// The export's columns (Toggl's "Editing and uploading a CSV file" and CSV
// import guides call the detailed report export the model of the format)
// are: User, Email, Client, Project, Task, Description, Billable, Start
// date, Start time, End date, End time, Duration, Tags, Amount (USD).
// Variants seen: Member for User, Stop date/Stop time for End date/End
// time, Billable amount (CUR) for Amount (CUR), and a Billable rate (CUR)
// or Rate (CUR) column. The export has no entry id and no approval column.
package togglcsv

import (
	"crypto/sha256"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"billbot/internal/billing"
	"billbot/internal/harvest/csvimport"
	"billbot/internal/money"
	"billbot/internal/timecsv"
	"billbot/internal/toggl"
)

// Source is the billing.TimeEntry.Source of imported entries.
const Source = "toggl-csv"

// ErrNoApprovalColumn is returned for an export without an approval
// column (Toggl's export never has one) unless Options.AssumeApproved. It
// matches csvimport.ErrNoApprovalColumn with errors.Is, so a command that
// offers a flag for one offers it for both.
var ErrNoApprovalColumn error = noApproval{}

type noApproval struct{}

func (noApproval) Error() string {
	return "togglcsv: the file has no approval column (Toggl's detailed export carries none)"
}
func (noApproval) Is(target error) bool { return target == csvimport.ErrNoApprovalColumn }

// Column names, lower-cased; the first present of each list is used.
var (
	colUser        = []string{"user", "member", "username"}
	colEmail       = []string{"email"}
	colClient      = []string{"client"}
	colProject     = []string{"project"}
	colTask        = []string{"task"}
	colDescription = []string{"description"}
	colBillable    = []string{"billable"}
	colStartDate   = []string{"start date"}
	colStartTime   = []string{"start time"}
	colDuration    = []string{"duration"}
	colApproved    = []string{"approved", "approved?"}
	// Money columns carry the currency in parentheses: "Amount (USD)".
	prefixRate   = []string{"billable rate", "hourly rate", "rate"}
	prefixAmount = []string{"billable amount", "amount"}
)

// required are the columns without which a file is not a detailed export.
var required = [][]string{colUser, colProject, colStartDate, colDuration}

type header struct {
	pos   map[string]int
	names []string
	// rateCol, amountCol and their currency, when present.
	rateCol, amountCol string
	rateCur, amountCur money.Currency
}

func parseHeader(rec []string) (header, error) {
	h := header{pos: map[string]int{}, names: slices.Clone(rec)}
	for i, name := range rec {
		key := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))
		if key == "" {
			continue
		}
		if _, dup := h.pos[key]; dup {
			return h, fmt.Errorf("column %q appears twice", name)
		}
		h.pos[key] = i
		base, cur := splitCurrency(key)
		if slices.Contains(prefixRate, base) && h.rateCol == "" {
			h.rateCol, h.rateCur = key, cur
		} else if slices.Contains(prefixAmount, base) && h.amountCol == "" {
			h.amountCol, h.amountCur = key, cur
		}
	}
	var missing []string
	for _, alts := range required {
		if h.col(alts) == "" {
			missing = append(missing, alts[0])
		}
	}
	if len(missing) > 0 {
		return h, fmt.Errorf("not a Toggl detailed report: missing column(s) %s", strings.Join(missing, ", "))
	}
	return h, nil
}

// splitCurrency splits "amount (usd)" into "amount" and USD.
func splitCurrency(key string) (string, money.Currency) {
	base, rest, ok := strings.Cut(key, "(")
	if !ok {
		return key, ""
	}
	cur, err := money.ParseCurrency(strings.ToUpper(strings.TrimSpace(strings.TrimSuffix(rest, ")"))))
	if err != nil {
		return strings.TrimSpace(base), ""
	}
	return strings.TrimSpace(base), cur
}

func (h header) col(alts []string) string {
	for _, a := range alts {
		if _, ok := h.pos[a]; ok {
			return a
		}
	}
	return ""
}

func (h header) get(rec []string, alts []string) string {
	if c := h.col(alts); c != "" {
		return strings.TrimSpace(rec[h.pos[c]])
	}
	return ""
}

func (h header) display(key string) string {
	if i, ok := h.pos[key]; ok {
		return strings.TrimPrefix(h.names[i], "\ufeff")
	}
	return key
}

// Reader reads a Toggl detailed report one row at a time.
type Reader struct {
	timecsv.Stream
	h    header
	opts csvimport.Options
}

// NewReader reads the header of a Toggl detailed report. It fails on an
// empty file, a file that is not such a report, and, unless
// opts.AssumeApproved, with ErrNoApprovalColumn.
func NewReader(r io.Reader, opts csvimport.Options) (*Reader, error) {
	if opts.Currency == "" {
		opts.Currency = "USD"
	}
	cr, rec, err := timecsv.Open(r, "togglcsv")
	if err != nil {
		return nil, err
	}
	h, err := parseHeader(rec)
	if err != nil {
		return nil, fmt.Errorf("togglcsv: %w", err)
	}
	if h.col(colApproved) == "" && !opts.AssumeApproved {
		return nil, ErrNoApprovalColumn
	}
	return &Reader{Stream: timecsv.NewStream(cr, len(h.names), "togglcsv", opts.SkipBadRows), h: h, opts: opts}, nil
}

// All yields the file's good entries in file order, as
// csvimport.(*Reader).All does: after the first bad row (unless
// SkipBadRows) it yields no more entries but reads on to report every bad
// row, and ends with a *csvimport.BadRowsError. Call it once.
func (rd *Reader) All() iter.Seq2[billing.TimeEntry, error] {
	return rd.Entries(func(rec []string) (billing.TimeEntry, [sha256.Size]byte, *csvimport.RowError) {
		return rd.h.entry(rec, rd.opts)
	})
}

// entry maps one row and returns its identity hash.
func (h header) entry(rec []string, opts csvimport.Options) (billing.TimeEntry, [sha256.Size]byte, *csvimport.RowError) {
	var zero [sha256.Size]byte
	bad := func(alts []string, reason string) (billing.TimeEntry, [sha256.Size]byte, *csvimport.RowError) {
		return billing.TimeEntry{}, zero, &csvimport.RowError{Column: h.display(h.col(alts)), Reason: reason}
	}
	for _, alts := range [][]string{colProject, colStartDate, colDuration} {
		if h.get(rec, alts) == "" {
			return bad(alts, "is empty")
		}
	}
	user := h.get(rec, colUser)
	if user == "" {
		user = h.get(rec, colEmail)
	}
	if user == "" {
		return bad(colUser, "is empty")
	}
	date, err := parseDate(h.get(rec, colStartDate))
	if err != nil {
		return bad(colStartDate, err.Error())
	}
	hours, secs, err := parseDuration(h.get(rec, colDuration))
	if err != nil {
		return bad(colDuration, err.Error())
	}
	billable := false
	if v := h.get(rec, colBillable); v != "" {
		if billable, err = parseFlag(v); err != nil {
			return bad(colBillable, err.Error())
		}
	}
	cur := opts.Currency
	if h.rateCur != "" {
		cur = h.rateCur
	} else if h.amountCur != "" {
		cur = h.amountCur
	}
	var rate money.Amount
	if h.rateCol != "" {
		if v := strings.TrimSpace(rec[h.pos[h.rateCol]]); v != "" {
			if rate, err = money.Parse(strings.ReplaceAll(v, ",", ""), cur); err != nil {
				return billing.TimeEntry{}, zero, &csvimport.RowError{Column: h.display(h.rateCol), Reason: err.Error()}
			}
		}
	}
	if h.amountCol != "" {
		if v := strings.TrimSpace(rec[h.pos[h.amountCol]]); v != "" {
			if _, err := money.Parse(strings.ReplaceAll(v, ",", ""), cur); err != nil {
				return billing.TimeEntry{}, zero, &csvimport.RowError{Column: h.display(h.amountCol), Reason: err.Error()}
			}
		}
	}
	approved := opts.AssumeApproved
	if h.col(colApproved) != "" {
		if approved, err = parseFlag(h.get(rec, colApproved)); err != nil {
			return bad(colApproved, err.Error())
		}
	}
	var approvedAt time.Time
	if approved && !opts.ApprovedAtImport {
		loc := opts.Location
		if loc == nil {
			loc = time.UTC
		}
		approvedAt = date.Time(loc)
	}
	e := billing.TimeEntry{
		Source:     Source,
		Client:     h.get(rec, colClient),
		Project:    h.get(rec, colProject),
		Task:       h.get(rec, colTask),
		User:       user,
		SpentDate:  date,
		Hours:      hours,
		Rate:       rate,
		Currency:   cur,
		Notes:      h.get(rec, colDescription),
		Billable:   billable,
		Approved:   approved,
		ApprovedAt: approvedAt,
	}
	return e, identity(e, h.get(rec, colEmail), h.get(rec, colStartTime), secs), nil
}

// identity hashes what tells one piece of work from another: who, when
// (day and time of day), for which client, project and task, how long, and
// the description. Approval and rates are left out, so a re-import of a
// later export updates the same entries.
func identity(e billing.TimeEntry, email, startTime string, secs int64) [sha256.Size]byte {
	return timecsv.Identity(e.SpentDate.String(), startTime, e.User, email, e.Client, e.Project, e.Task, strconv.FormatInt(secs, 10), e.Notes)
}

// parseDate accepts the date formats a Toggl profile can export: ISO,
// US (MM/DD/YYYY) and European with dots (DD.MM.YYYY).
func parseDate(s string) (billing.Date, error) {
	for _, layout := range []string{"2006-01-02", "01/02/2006", "1/2/2006", "02.01.2006", "2.1.2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return billing.DateOf(t), nil
		}
	}
	return billing.Date{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD, MM/DD/YYYY or DD.MM.YYYY)", s)
}

// parseDuration reads the Duration column: the classic HH:MM:SS (hours may
// exceed 24) that Toggl's guide asks for, H:MM, or decimal hours. Seconds
// become hours as the API's do (toggl.Hours); decimal hours are kept as
// given. It also returns the seconds, rounded, for the row's identity.
func parseDuration(s string) (money.Hours, int64, error) {
	parts := strings.Split(s, ":")
	if len(parts) == 2 || len(parts) == 3 {
		var secs int64
		for i, p := range parts {
			n, err := strconv.ParseInt(p, 10, 64)
			if err != nil || n < 0 || (i > 0 && (len(p) != 2 || n > 59)) || n > 1_000_000 {
				return 0, 0, fmt.Errorf("%q is not a duration (want HH:MM:SS)", s)
			}
			secs = secs*60 + n
		}
		if len(parts) == 2 {
			secs *= 60
		}
		return toggl.Hours(secs), secs, nil
	}
	h, err := money.ParseHours(s)
	if err != nil || h < 0 || h > money.Hours(1_000_000*10000) {
		return 0, 0, fmt.Errorf("%q is not a duration (want HH:MM:SS or decimal hours)", s)
	}
	return h, (int64(h)*3600 + 5000) / 10000, nil
}

func parseFlag(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "true", "y", "1", "approved":
		return true, nil
	case "no", "false", "n", "0", "":
		return false, nil
	}
	return false, fmt.Errorf("%q is not Yes or No", s)
}
