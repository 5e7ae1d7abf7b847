package togglsandbox

import (
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// Firm is what the sandbox serves: one Toggl Track workspace. Money is in
// minor units of the project's (else the workspace's) currency; a zero rate
// is served as null.
type Firm struct {
	Workspace    Workspace
	Clients      []Client
	Projects     []Project
	Tasks        []Task
	Users        []User
	ProjectUsers []ProjectUser
	Entries      []Entry
	Timesheets   []Timesheet
}

// Workspace is the workspace's settings.
type Workspace struct {
	Name        string
	Currency    money.Currency // default_currency; empty serves USD
	DefaultRate money.Amount   // default_hourly_rate
	// Approvals: the plan has timesheet approvals; without them
	// /timesheets answers 402 ("Approvals are a premium feature",
	// engineering.toggl.com/docs/api/approvals).
	Approvals bool
	// LockedAt is the lock date (preferences' report_locked_at); zero: none.
	LockedAt billing.Date
}

// Client is a Toggl client.
type Client struct {
	ID       int64
	Name     string
	Archived bool
}

// Project is a Toggl project. Rate zero serves null (no project rate);
// FixedFee zero serves null.
type Project struct {
	ID        int64
	ClientID  int64 // zero: no client
	Name      string
	Active    bool
	Billable  bool
	Currency  money.Currency // empty: the workspace's
	Rate      money.Amount
	FixedFee  money.Amount
	StartDate billing.Date
	EndDate   billing.Date
}

// Task is a task of a project.
type Task struct {
	ID        int64
	ProjectID int64
	Name      string
	Active    bool
}

// User is a workspace member with their workspace rate.
type User struct {
	ID     int64
	Name   string
	Email  string
	Active bool
	Admin  bool
	Rate   money.Amount
}

// ProjectUser assigns a member to a project, with an optional rate there.
type ProjectUser struct {
	ID        int64
	ProjectID int64
	UserID    int64
	Manager   bool
	Rate      money.Amount
}

// Entry is a time entry. Seconds < 0 is a running entry (stop null).
type Entry struct {
	ID          int64
	UserID      int64
	ProjectID   int64 // zero: none
	TaskID      int64 // zero: none
	Billable    bool
	Description string
	Start       time.Time
	Seconds     int64
	At          time.Time  // last change; zero is set to the server's now
	DeletedAt   *time.Time // server_deleted_at
}

// Running reports whether the entry is still running.
func (e Entry) Running() bool { return e.Seconds < 0 }

// Timesheet is a member's timesheet for a period, both days inclusive.
type Timesheet struct {
	MemberID   int64
	ApproverID int64
	Start, End billing.Date
	Status     string // "approved", "rejected", "submitted", "pending"
	DecidedAt  time.Time
}
