package qbtime

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"billbot/internal/billing"
	"billbot/internal/pipeline"
)

// User is a QuickBooks Time user (tsheetsteam.github.io/api_docs/ "The
// User Object"). SubmittedTo and ApprovedTo need the Approvals add-on and
// are shown only to managers and admins.
type User struct {
	ID          int64  `json:"id"`
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
	DisplayName string `json:"display_name"`
	GroupID     int64  `json:"group_id"`
	Active      bool   `json:"active"`
	Username    string `json:"username"`
	Email       string `json:"email"`
	PayrollID   string `json:"payroll_id"`
	// SubmittedTo and ApprovedTo are "YYYY-MM-DD": the latest date the
	// user submitted, and had approved, timesheets up to.
	SubmittedTo  string          `json:"submitted_to"`
	ApprovedTo   string          `json:"approved_to"`
	LastModified time.Time       `json:"last_modified"`
	CompanyName  string          `json:"company_name"`
	Permissions  UserPermissions `json:"permissions"`
	// PayRate is what the firm pays the user (admins only), never a billing
	// rate; billbot does not read it.
	PayRate     json.Number `json:"pay_rate"`
	PayInterval string      `json:"pay_interval"`
}

// UserPermissions are the rights of a user that billbot reads.
type UserPermissions struct {
	Admin             bool `json:"admin"`
	ApproveTimesheets bool `json:"approve_timesheets"`
}

// Name is the user's display name, else first and last name.
func (u User) Name() string {
	if strings.TrimSpace(u.DisplayName) != "" {
		return u.DisplayName
	}
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}

// ApprovedThrough is ApprovedTo as a date; zero when the user has none
// (empty, or the API's "0000-00-00").
func (u User) ApprovedThrough() billing.Date {
	d, err := billing.ParseDate(u.ApprovedTo)
	if err != nil {
		return billing.Date{}
	}
	return d
}

// Jobcode is a QuickBooks Time jobcode (tsheetsteam.github.io/api_docs/
// "The Jobcode Object"): a node of the customer › project › task tree,
// top-level when ParentID is 0.
type Jobcode struct {
	ID        int64  `json:"id"`
	ParentID  int64  `json:"parent_id"`
	Name      string `json:"name"`
	ShortCode string `json:"short_code"`
	// Type is regular, pto, paid_break or unpaid_break.
	Type     string `json:"type"`
	Billable bool   `json:"billable"`
	// BillableRate is the jobcode's dollar amount "for billing purposes",
	// effective only when Billable; timesheets carry no rate.
	BillableRate   json.Number `json:"billable_rate"`
	HasChildren    bool        `json:"has_children"`
	AssignedToAll  bool        `json:"assigned_to_all"`
	Active         bool        `json:"active"`
	LastModified   time.Time   `json:"last_modified"`
	Created        time.Time   `json:"created"`
	ConnectWithQBO bool        `json:"connect_with_quickbooks"`
}

// Timesheet is a QuickBooks Time timesheet (tsheetsteam.github.io/api_docs/
// "The Timesheet Object"): "regular" ones have a start and an end,
// "manual" ones a date and a duration. Duration is in seconds.
type Timesheet struct {
	ID           int64             `json:"id"`
	UserID       int64             `json:"user_id"`
	JobcodeID    int64             `json:"jobcode_id"`
	Start        string            `json:"start"`
	End          string            `json:"end"`
	Date         string            `json:"date"`
	Duration     int64             `json:"duration"`
	Type         string            `json:"type"`
	OnTheClock   bool              `json:"on_the_clock"`
	Locked       int               `json:"locked"`
	Notes        string            `json:"notes"`
	CustomFields map[string]string `json:"customfields"`
	LastModified time.Time         `json:"last_modified"`
}

// DeletedTimesheet is a timesheet deleted in QuickBooks Time, kept for 180
// days after its deletion (tsheetsteam.github.io/api_docs/ "The Timesheets
// Deleted Object"). LastModified is when it was deleted.
type DeletedTimesheet struct {
	ID           int64     `json:"id"`
	UserID       int64     `json:"user_id"`
	JobcodeID    int64     `json:"jobcode_id"`
	Date         string    `json:"date"`
	Duration     int64     `json:"duration"`
	LastModified time.Time `json:"last_modified"`
}

// byID is one of the API's id-keyed objects ({"135288482": {...}}). An
// empty one may come as [] instead of {}; the client rewrites those before
// decoding (emptyListsAsObjects).
type byID[T any] map[string]T

// idKeyed are the keys whose values are id-keyed objects.
var idKeyed = regexp.MustCompile(`"(timesheets|timesheets_deleted|users|jobcodes|customfields|files|supplemental_data)"(\s*):(\s*)\[\s*\]`)

// emptyListsAsObjects turns `"users": []` and the like into `"users": {}`.
// Inside a JSON string a quote is escaped, so no string value matches.
func emptyListsAsObjects(body []byte) []byte {
	return idKeyed.ReplaceAll(body, []byte(`"$1"$2:$3{}`))
}

// sorted returns the values ordered by their numeric keys.
func sorted[T any](m byID[T]) []T {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, _ := strconv.ParseInt(keys[i], 10, 64)
		b, _ := strconv.ParseInt(keys[j], 10, 64)
		return a < b
	})
	out := make([]T, 0, len(keys))
	for _, k := range keys {
		out = append(out, m[k])
	}
	return out
}

// Supplemental is the supplemental_data of a response: the objects the
// results refer to by id (tsheetsteam.github.io/api_docs/ "Response
// Formats").
type Supplemental struct {
	Users    map[int64]User
	Jobcodes map[int64]Jobcode
}

type wireSupplemental struct {
	Users    byID[User]    `json:"users"`
	Jobcodes byID[Jobcode] `json:"jobcodes"`
}

func (w wireSupplemental) decode() Supplemental {
	s := Supplemental{Users: map[int64]User{}, Jobcodes: map[int64]Jobcode{}}
	for _, u := range w.Users {
		s.Users[u.ID] = u
	}
	for _, j := range w.Jobcodes {
		s.Jobcodes[j.ID] = j
	}
	return s
}

type usersPage struct {
	Results struct {
		Users byID[User] `json:"users"`
	} `json:"results"`
	More bool `json:"more"`
}

func (p *usersPage) hasMore() bool { return p.More }

type jobcodesPage struct {
	Results struct {
		Jobcodes byID[Jobcode] `json:"jobcodes"`
	} `json:"results"`
	More bool `json:"more"`
}

func (p *jobcodesPage) hasMore() bool { return p.More }

type timesheetsPage struct {
	Results struct {
		Timesheets byID[Timesheet] `json:"timesheets"`
	} `json:"results"`
	More         bool             `json:"more"`
	Supplemental wireSupplemental `json:"supplemental_data"`
}

func (p *timesheetsPage) hasMore() bool { return p.More }

type deletedPage struct {
	Results struct {
		Deleted byID[DeletedTimesheet] `json:"timesheets_deleted"`
	} `json:"results"`
	More bool `json:"more"`
}

func (p *deletedPage) hasMore() bool { return p.More }

// CurrentUser returns the user the access token belongs to; its
// CompanyName names the firm (tsheetsteam.github.io/api_docs/ "Retrieve
// the Current User").
func (c *Client) CurrentUser(ctx context.Context) (User, error) {
	var p usersPage
	if err := c.get(ctx, "current_user", nil, &p); err != nil {
		return User{}, err
	}
	for _, u := range p.Results.Users {
		return u, nil
	}
	return User{}, fmt.Errorf("qbtime: current_user: no user in the answer")
}

// ListUsers returns every user, active and archived, ordered by id
// (tsheetsteam.github.io/api_docs/ "Retrieve Users").
func (c *Client) ListUsers(ctx context.Context) ([]User, error) {
	var out []User
	err := walk[usersPage](ctx, c, "users", url.Values{"active": {"both"}, "supplemental_data": {"no"}}, 0, func(p *usersPage) error {
		out = append(out, sorted(p.Results.Users)...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("qbtime: list users: %w", err)
	}
	return out, nil
}

// JobcodeListOptions filters GET /jobcodes. Zero fields are not sent.
type JobcodeListOptions struct {
	IDs []int64
	// Active is yes, no or both; empty means both (archived jobcodes still
	// name old time).
	Active string
	// Type is regular, pto, paid_break, unpaid_break or all; empty means all.
	Type  string
	Limit int // 1..200; zero means 200
}

// ListJobcodes returns the jobcodes opts selects, every page, ordered by
// id (tsheetsteam.github.io/api_docs/ "Retrieve Jobcodes"; the API's own
// defaults are active=yes and type=regular).
func (c *Client) ListJobcodes(ctx context.Context, opts JobcodeListOptions) ([]Jobcode, error) {
	q := url.Values{"supplemental_data": {"no"}, "active": {"both"}, "type": {"all"}}
	if opts.Active != "" {
		q.Set("active", opts.Active)
	}
	if opts.Type != "" {
		q.Set("type", opts.Type)
	}
	if len(opts.IDs) > 0 {
		q.Set("ids", joinIDs(opts.IDs))
	}
	var out []Jobcode
	err := walk[jobcodesPage](ctx, c, "jobcodes", q, opts.Limit, func(p *jobcodesPage) error {
		out = append(out, sorted(p.Results.Jobcodes)...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("qbtime: list jobcodes: %w", err)
	}
	return out, nil
}

// TimesheetListOptions filters GET /timesheets. The API needs one of
// ModifiedSince, StartDate or IDs. Zero fields are not sent.
type TimesheetListOptions struct {
	ModifiedSince time.Time
	// StartDate and EndDate bound the timesheets' date, inclusive.
	StartDate, EndDate billing.Date
	IDs                []int64
	UserIDs            []int64
	// OnTheClock is yes, no or both; empty means both, so that running
	// timesheets are seen (the API's default is no).
	OnTheClock string
	// NoSupplemental asks for no supplemental_data (the API's default is
	// yes).
	NoSupplemental bool
	Limit          int // 1..200; zero means 200
}

// TimesheetPage is one page of timesheets with the users and jobcodes it
// refers to.
type TimesheetPage struct {
	Timesheets   []Timesheet // ordered by id
	Supplemental Supplemental
	More         bool
	Page         int
}

// ListTimesheets calls fn with every page of the timesheets opts selects
// (tsheetsteam.github.io/api_docs/ "Retrieve Timesheets").
func (c *Client) ListTimesheets(ctx context.Context, opts TimesheetListOptions, fn func(TimesheetPage) error) error {
	q := url.Values{"on_the_clock": {"both"}}
	if opts.OnTheClock != "" {
		q.Set("on_the_clock", opts.OnTheClock)
	}
	if !opts.ModifiedSince.IsZero() {
		q.Set("modified_since", formatInstant(opts.ModifiedSince))
	}
	if !opts.StartDate.IsZero() {
		q.Set("start_date", opts.StartDate.String())
	}
	if !opts.EndDate.IsZero() {
		q.Set("end_date", opts.EndDate.String())
	}
	if len(opts.IDs) > 0 {
		q.Set("ids", joinIDs(opts.IDs))
	}
	if len(opts.UserIDs) > 0 {
		q.Set("user_ids", joinIDs(opts.UserIDs))
	}
	if opts.NoSupplemental {
		q.Set("supplemental_data", "no")
	}
	if q.Get("modified_since") == "" && q.Get("start_date") == "" && q.Get("ids") == "" {
		return fmt.Errorf("qbtime: list timesheets: need a modified_since, a start_date or ids")
	}
	page := 0
	// The next pages are fetched while fn handles this one (the sync's
	// database write), ReadAhead at most: the rate limiter's waits and the
	// store overlap instead of adding up.
	err := pipeline.Ahead(ctx, ReadAhead, func(ctx context.Context, emit func(TimesheetPage) error) error {
		return walk[timesheetsPage](ctx, c, "timesheets", q, opts.Limit, func(p *timesheetsPage) error {
			page++
			return emit(TimesheetPage{Timesheets: sorted(p.Results.Timesheets), Supplemental: p.Supplemental.decode(), More: p.More, Page: page})
		})
	}, fn)
	if err != nil {
		return fmt.Errorf("qbtime: list timesheets: %w", err)
	}
	return nil
}

// ListDeletedTimesheets returns the timesheets deleted since the given
// instant, ordered by id (tsheetsteam.github.io/api_docs/ "Retrieve
// Timesheets Deleted"). QuickBooks Time keeps them 180 days.
func (c *Client) ListDeletedTimesheets(ctx context.Context, since time.Time) ([]DeletedTimesheet, error) {
	q := url.Values{"modified_since": {formatInstant(since)}}
	var out []DeletedTimesheet
	err := walk[deletedPage](ctx, c, "timesheets_deleted", q, 0, func(p *deletedPage) error {
		out = append(out, sorted(p.Results.Deleted)...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("qbtime: list deleted timesheets: %w", err)
	}
	return out, nil
}

// formatInstant writes an instant as the API's ISO 8601
// "YYYY-MM-DDThh:mm:ss±hh:mm".
func formatInstant(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05-07:00")
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}
