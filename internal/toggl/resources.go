package toggl

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// Me is the token's user (GET /me, engineering.toggl.com/docs/api/me).
type Me struct {
	ID                 int64  `json:"id"`
	Email              string `json:"email"`
	Fullname           string `json:"fullname"`
	DefaultWorkspaceID int64  `json:"default_workspace_id"`
	Timezone           string `json:"timezone"`
}

// Workspace is GET /workspaces/{workspace_id}
// (engineering.toggl.com/docs/api/workspaces). Rates are JSON numbers in
// the workspace's currency, kept as text so they are never floats.
type Workspace struct {
	ID                int64       `json:"id"`
	OrganizationID    int64       `json:"organization_id"`
	Name              string      `json:"name"`
	Premium           bool        `json:"premium"`
	DefaultCurrency   string      `json:"default_currency"`
	DefaultHourlyRate json.Number `json:"default_hourly_rate"`
	Rounding          int         `json:"rounding"`
	RoundingMinutes   int         `json:"rounding_minutes"`
	At                time.Time   `json:"at"`
}

// Preferences is GET /workspaces/{workspace_id}/preferences
// (engineering.toggl.com/docs/api/preferences). ReportLockedAt is the
// workspace's lock date ("Lock time entries", a paid feature): time before
// it can no longer be edited by members. Empty when nothing is locked.
type Preferences struct {
	ReportLockedAt string `json:"report_locked_at"`
}

// Customer is a Toggl client (GET /workspaces/{workspace_id}/clients,
// engineering.toggl.com/docs/api/clients). Toggl clients carry no currency:
// rates and currency live on projects and the workspace.
type Customer struct {
	ID       int64     `json:"id"`
	WID      int64     `json:"wid"`
	Name     string    `json:"name"`
	Archived bool      `json:"archived"`
	At       time.Time `json:"at"`
}

// Project is one of GET /workspaces/{workspace_id}/projects
// (engineering.toggl.com/docs/api/projects). Rate is the project's hourly
// rate (null: the workspace's or member's rate applies); FixedFee is set on
// fixed-fee projects.
type Project struct {
	ID             int64       `json:"id"`
	WorkspaceID    int64       `json:"workspace_id"`
	ClientID       *int64      `json:"client_id"`
	Name           string      `json:"name"`
	Active         bool        `json:"active"`
	Billable       *bool       `json:"billable"`
	Rate           json.Number `json:"rate"`
	Currency       *string     `json:"currency"`
	FixedFee       json.Number `json:"fixed_fee"`
	EstimatedHours *int        `json:"estimated_hours"`
	StartDate      string      `json:"start_date"`
	EndDate        *string     `json:"end_date"`
	CreatedAt      time.Time   `json:"created_at"`
	At             time.Time   `json:"at"`
}

// Task is one of GET /workspaces/{workspace_id}/tasks
// (engineering.toggl.com/docs/api/tasks).
type Task struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ProjectID   int64     `json:"project_id"`
	WorkspaceID int64     `json:"workspace_id"`
	Active      bool      `json:"active"`
	At          time.Time `json:"at"`
}

// tasksPage is the paged answer of the workspace's task list.
type tasksPage struct {
	Data       []Task `json:"data"`
	Page       int    `json:"page"`
	PerPage    int    `json:"per_page"`
	TotalCount int    `json:"total_count"`
}

// WorkspaceUser is a member of the workspace with their default hourly rate
// (GET /workspaces/{workspace_id}/workspace_users,
// engineering.toggl.com/docs/api/workspaces).
type WorkspaceUser struct {
	ID     int64       `json:"id"`
	UserID int64       `json:"user_id"`
	Name   string      `json:"name"`
	Email  string      `json:"email"`
	Active bool        `json:"active"`
	Admin  bool        `json:"admin"`
	Rate   json.Number `json:"rate"`
}

// ProjectUser is a member's assignment to a project, with the member's rate
// on it (GET /workspaces/{workspace_id}/project_users,
// engineering.toggl.com/docs/api/projects).
type ProjectUser struct {
	ID        int64       `json:"id"`
	ProjectID int64       `json:"project_id"`
	UserID    int64       `json:"user_id"`
	Manager   bool        `json:"manager"`
	Rate      json.Number `json:"rate"`
	At        time.Time   `json:"at"`
}

// Timesheet is one member's timesheet for one period of a timesheet setup
// (GET /workspaces/{workspace_id}/timesheets,
// engineering.toggl.com/docs/api/approvals). Status is "approved" once the
// approver approved it; dates are YYYY-MM-DD, both inclusive.
type Timesheet struct {
	TimesheetSetupID     int64      `json:"timesheet_setup_id"`
	MemberID             int64      `json:"member_id"`
	ApproverID           int64      `json:"approver_id"`
	StartDate            string     `json:"start_date"`
	EndDate              string     `json:"end_date"`
	Status               string     `json:"status"`
	ApprovedOrRejectedAt *time.Time `json:"approved_or_rejected_at"`
}

// TimesheetApproved is Timesheet.Status of an approved timesheet.
const TimesheetApproved = "approved"

func (c *Client) ws(path string) string {
	return "workspaces/" + strconv.FormatInt(c.workspaceID, 10) + path
}

// GetMe returns the token's user (GET /me). It counts against the user
// quota, not the workspace's.
func (c *Client) GetMe(ctx context.Context) (Me, error) {
	var m Me
	_, err := c.get(ctx, "me", &m)
	return m, err
}

// GetWorkspace returns the client's workspace.
func (c *Client) GetWorkspace(ctx context.Context) (Workspace, error) {
	var w Workspace
	_, err := c.get(ctx, c.ws(""), &w)
	return w, err
}

// GetPreferences returns the workspace's preferences (its lock date).
func (c *Client) GetPreferences(ctx context.Context) (Preferences, error) {
	var p Preferences
	_, err := c.get(ctx, c.ws("/preferences"), &p)
	return p, err
}

// ListClients returns the workspace's clients, archived ones included
// (status=both).
func (c *Client) ListClients(ctx context.Context) ([]Customer, error) {
	var cs []Customer
	_, err := c.get(ctx, c.ws("/clients?status=both"), &cs)
	return cs, err
}

// projectsPerPage is the page size asked of the project list; a shorter
// page is the last.
const projectsPerPage = 200

// ListProjects returns every project of the workspace, active or not,
// following page numbers (query page, per_page).
func (c *Client) ListProjects(ctx context.Context) ([]Project, error) {
	var all []Project
	for page := 1; ; page++ {
		q := url.Values{"active": {"both"}, "page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(projectsPerPage)}}
		var ps []Project
		if _, err := c.get(ctx, c.ws("/projects?"+q.Encode()), &ps); err != nil {
			return nil, err
		}
		all = append(all, ps...)
		if len(ps) < projectsPerPage {
			return all, nil
		}
	}
}

// ListTasks returns every task of the workspace, following its pages until
// total_count is reached.
func (c *Client) ListTasks(ctx context.Context) ([]Task, error) {
	var all []Task
	for page := 1; ; page++ {
		q := url.Values{"active": {"both"}, "page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(projectsPerPage)}}
		var p tasksPage
		if _, err := c.get(ctx, c.ws("/tasks?"+q.Encode()), &p); err != nil {
			return nil, err
		}
		all = append(all, p.Data...)
		if len(p.Data) == 0 || len(all) >= p.TotalCount {
			return all, nil
		}
	}
}

// ListWorkspaceUsers returns the workspace's members with their rates.
func (c *Client) ListWorkspaceUsers(ctx context.Context) ([]WorkspaceUser, error) {
	var us []WorkspaceUser
	_, err := c.get(ctx, c.ws("/workspace_users"), &us)
	return us, err
}

// ListProjectUsers returns every project assignment of the workspace with
// its rate.
func (c *Client) ListProjectUsers(ctx context.Context) ([]ProjectUser, error) {
	var us []ProjectUser
	_, err := c.get(ctx, c.ws("/project_users"), &us)
	return us, err
}

// ListTimesheets returns the workspace's timesheets whose period overlaps
// [from, to] (zero: unbounded). A workspace without approvals (a plan
// without the feature) answers 402, matched by ErrPremium.
func (c *Client) ListTimesheets(ctx context.Context, from, to time.Time) ([]Timesheet, error) {
	q := url.Values{}
	if !from.IsZero() {
		q.Set("start_date", from.Format(time.DateOnly))
	}
	if !to.IsZero() {
		q.Set("end_date", to.Format(time.DateOnly))
	}
	ref := c.ws("/timesheets")
	if len(q) > 0 {
		ref += "?" + q.Encode()
	}
	var ts []Timesheet
	_, err := c.get(ctx, ref, &ts)
	return ts, err
}

// MyTimeEntry is one of GET /me/time_entries
// (engineering.toggl.com/docs/api/time_entries): "since … Get entries
// modified since this date using UNIX timestamp, including deleted ones";
// a deleted one has ServerDeletedAt set. Duration is negative while the
// entry runs, and Stop is then null.
type MyTimeEntry struct {
	ID              int64      `json:"id"`
	WorkspaceID     int64      `json:"workspace_id"`
	ProjectID       *int64     `json:"project_id"`
	TaskID          *int64     `json:"task_id"`
	UserID          int64      `json:"user_id"`
	Billable        bool       `json:"billable"`
	Start           time.Time  `json:"start"`
	Stop            *time.Time `json:"stop"`
	Duration        int64      `json:"duration"`
	Description     string     `json:"description"`
	At              time.Time  `json:"at"`
	ServerDeletedAt *time.Time `json:"server_deleted_at"`
}

// ListMyTimeEntriesSince returns the token user's entries modified since
// since, deleted ones included. Only the token's own entries: the
// workspace's are read with SearchTimeEntries.
func (c *Client) ListMyTimeEntriesSince(ctx context.Context, since time.Time) ([]MyTimeEntry, error) {
	var es []MyTimeEntry
	_, err := c.get(ctx, "me/time_entries?since="+strconv.FormatInt(since.Unix(), 10), &es)
	if err != nil {
		return nil, fmt.Errorf("toggl: my time entries since %s: %w", since.Format(time.RFC3339), err)
	}
	return es, nil
}
