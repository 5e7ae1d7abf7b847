package setup

import (
	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/money"
)

// Input is what setup reads from the vendors, as plain values. Rates and
// fees are decimal strings as the vendor sent them; empty means none.
type Input struct {
	// Source is the firm's time source the lists below come from; empty
	// means Harvest.
	Source config.TimeSource
	// Ledger is the firm's ledger the customers, items and terms come
	// from; empty means QuickBooks.
	Ledger   config.Ledger
	FirmName string // the source's company or workspace name
	// The time source
	Clients  []Client
	Projects []Project
	Users    []User
	// QuickBooks Online
	HomeCurrency string
	Customers    []Customer
	Items        []Item
	Terms        []Term
	// Slack: lower-cased email → Slack user id, for the addresses found.
	Slack map[string]string
	// BooksRead and SlackRead say whether QBO and Slack were read at all:
	// a customer missing from a ledger setup never saw is not "unmatched".
	BooksRead, SlackRead bool
	// GoLive is the firm's cut-over day when one is chosen; History is
	// the unbilled billable time Harvest holds before it, which billbot
	// will never bill.
	GoLive  billing.Date
	History History
}

// History is the time go_live leaves out.
type History struct {
	Entries int
	Hours   money.Hours
}

// Client is a Harvest client.
type Client struct {
	ID       int64
	Name     string
	Currency string
	Active   bool
}

// Project is a Harvest project with its task and user assignments.
type Project struct {
	ID              int64
	ClientID        int64
	Name            string
	Code            string
	Active          bool
	Billable        bool
	FixedFee        bool
	BillBy          string // Project, Tasks, People, none
	HourlyRate      string
	Fee             string
	Budget          string
	BudgetBy        string // project (hours), project_cost (money), task, person, none…
	BudgetIsMonthly bool
	StartsOn        billing.Date
	EndsOn          billing.Date
	CreatedOn       billing.Date
	Tasks           []TaskAssignment
	People          []UserAssignment
}

// TaskAssignment is a task on a project.
type TaskAssignment struct {
	Task       string
	Billable   bool
	Active     bool
	HourlyRate string
}

// UserAssignment is a person on a project.
type UserAssignment struct {
	UserID  int64
	Name    string
	Manager bool // is_project_manager
	Active  bool
	// UseDefaultRates: the person bills at their own default rate, not
	// HourlyRate (Harvest: "Custom rate used when the project's bill_by
	// is People and use_default_rates is false").
	UseDefaultRates bool
	HourlyRate      string
}

// User is a Harvest user.
type User struct {
	ID     int64
	Name   string
	Email  string
	Active bool
	Admin  bool // access role administrator
	Rate   string
}

// Customer is a QBO customer.
type Customer struct {
	ID       string
	Name     string // DisplayName
	Company  string // CompanyName
	Currency string
	Email    string
	TermID   string // SalesTermRef
	Active   bool
}

// Item is a QBO item.
type Item struct {
	ID     string
	Name   string
	Type   string
	Active bool
}

// Term is a QBO sales term.
type Term struct {
	ID      string
	Name    string
	DueDays int
	Active  bool
}
