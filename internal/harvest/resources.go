package harvest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"billbot/internal/billing"
)

// Customer is a Harvest client, the firm's customer, as GET /v2/clients
// returns it (help.getharvest.com/api-v2/clients-api/clients/clients/). It
// is not called Client because that is the API client.
type Customer struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	IsActive     bool      `json:"is_active"`
	Address      string    `json:"address"`
	StatementKey string    `json:"statement_key"`
	Currency     string    `json:"currency"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Project is a project as GET /v2/projects returns it
// (help.getharvest.com/api-v2/projects-api/projects/projects/). Fixed-fee
// projects (IsFixedFee, Fee) are not invoiced from hours.
type Project struct {
	ID                               int64        `json:"id"`
	Name                             string       `json:"name"`
	Code                             string       `json:"code"`
	IsActive                         bool         `json:"is_active"`
	IsBillable                       bool         `json:"is_billable"`
	IsFixedFee                       bool         `json:"is_fixed_fee"`
	BillBy                           string       `json:"bill_by"`
	Budget                           json.Number  `json:"budget"`
	BudgetBy                         string       `json:"budget_by"`
	BudgetIsMonthly                  bool         `json:"budget_is_monthly"`
	NotifyWhenOverBudget             bool         `json:"notify_when_over_budget"`
	OverBudgetNotificationPercentage json.Number  `json:"over_budget_notification_percentage"`
	ShowBudgetToAll                  bool         `json:"show_budget_to_all"`
	CreatedAt                        time.Time    `json:"created_at"`
	UpdatedAt                        time.Time    `json:"updated_at"`
	StartsOn                         billing.Date `json:"starts_on"`
	EndsOn                           billing.Date `json:"ends_on"`
	OverBudgetNotificationDate       billing.Date `json:"over_budget_notification_date"`
	Notes                            string       `json:"notes"`
	CostBudget                       json.Number  `json:"cost_budget"`
	CostBudgetIncludeExpenses        bool         `json:"cost_budget_include_expenses"`
	HourlyRate                       json.Number  `json:"hourly_rate"`
	Fee                              json.Number  `json:"fee"`
	Client                           ClientRef    `json:"client"`
}

// TaskAssignment is a task on a project, with its billable flag and rate
// (help.getharvest.com/api-v2/projects-api/projects/task-assignments/).
// Project and Task are absent when embedded in a time entry.
type TaskAssignment struct {
	ID         int64       `json:"id"`
	Billable   bool        `json:"billable"`
	IsActive   bool        `json:"is_active"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
	HourlyRate json.Number `json:"hourly_rate"`
	Budget     json.Number `json:"budget"`
	Project    *ProjectRef `json:"project,omitempty"`
	Task       *IDName     `json:"task,omitempty"`
}

// UserAssignment is a person on a project, with their rate
// (help.getharvest.com/api-v2/projects-api/projects/user-assignments/).
// Project and User are absent when embedded in a time entry.
type UserAssignment struct {
	ID               int64       `json:"id"`
	IsProjectManager bool        `json:"is_project_manager"`
	IsActive         bool        `json:"is_active"`
	UseDefaultRates  bool        `json:"use_default_rates,omitempty"`
	Budget           json.Number `json:"budget"`
	CreatedAt        time.Time   `json:"created_at"`
	UpdatedAt        time.Time   `json:"updated_at"`
	HourlyRate       json.Number `json:"hourly_rate"`
	Project          *ProjectRef `json:"project,omitempty"`
	User             *IDName     `json:"user,omitempty"`
}

// Company is the account's settings, GET /v2/company
// (help.getharvest.com/api-v2/company-api/company/company/). ApprovalFeature
// says whether timesheet approval is on: when it is off, is_closed never
// becomes true and approval must be assumed.
type Company struct {
	BaseURI               string `json:"base_uri"`
	FullDomain            string `json:"full_domain"`
	Name                  string `json:"name"`
	IsActive              bool   `json:"is_active"`
	WeekStartDay          string `json:"week_start_day"`
	WantsTimestampTimers  bool   `json:"wants_timestamp_timers"`
	TimeFormat            string `json:"time_format"`
	DateFormat            string `json:"date_format"`
	PlanType              string `json:"plan_type"`
	ExpenseFeature        bool   `json:"expense_feature"`
	InvoiceFeature        bool   `json:"invoice_feature"`
	EstimateFeature       bool   `json:"estimate_feature"`
	ApprovalFeature       bool   `json:"approval_feature"`
	Clock                 string `json:"clock"`
	CurrencyCodeDisplay   string `json:"currency_code_display"`
	CurrencySymbolDisplay string `json:"currency_symbol_display"`
	DecimalSymbol         string `json:"decimal_symbol"`
	ThousandsSeparator    string `json:"thousands_separator"`
	ColorScheme           string `json:"color_scheme"`
	WeeklyCapacity        int64  `json:"weekly_capacity"`
}

type customersPage struct {
	Clients []Customer `json:"clients"`
	Pagination
}

type projectsPage struct {
	Projects []Project `json:"projects"`
	Pagination
}

type taskAssignmentsPage struct {
	TaskAssignments []TaskAssignment `json:"task_assignments"`
	Pagination
}

type userAssignmentsPage struct {
	UserAssignments []UserAssignment `json:"user_assignments"`
	Pagination
}

func perPageQuery() url.Values {
	return url.Values{"per_page": {strconv.Itoa(MaxPerPage)}}
}

// listAll reads every page of path and returns the items each page
// holds, in order; what names the list in errors ("clients").
func listAll[T, P any, PP interface {
	*P
	pageInfo() Pagination
}](ctx context.Context, c *Client, path, what string, items func(*P) []T) ([]T, error) {
	var out []T
	err := walk[P, PP](ctx, c, path, perPageQuery(), func(p *P) error {
		out = append(out, items(p)...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("harvest: list %s: %w", what, err)
	}
	return out, nil
}

// ListClients returns every client of the account.
//
// Harvest docs: help.getharvest.com/api-v2/clients-api/clients/clients/#list-all-clients
func (c *Client) ListClients(ctx context.Context) ([]Customer, error) {
	return listAll(ctx, c, "clients", "clients", func(p *customersPage) []Customer { return p.Clients })
}

// ListProjects returns every project of the account.
//
// Harvest docs: help.getharvest.com/api-v2/projects-api/projects/projects/#list-all-projects
func (c *Client) ListProjects(ctx context.Context) ([]Project, error) {
	return listAll(ctx, c, "projects", "projects", func(p *projectsPage) []Project { return p.Projects })
}

// ListTaskAssignments returns the task assignments of one project.
//
// Harvest docs: help.getharvest.com/api-v2/projects-api/projects/task-assignments/#list-all-task-assignments-for-a-specific-project
func (c *Client) ListTaskAssignments(ctx context.Context, projectID int64) ([]TaskAssignment, error) {
	path := "projects/" + strconv.FormatInt(projectID, 10) + "/task_assignments"
	what := fmt.Sprintf("task assignments of project %d", projectID)
	return listAll(ctx, c, path, what, func(p *taskAssignmentsPage) []TaskAssignment { return p.TaskAssignments })
}

// ListUserAssignments returns the user assignments of one project.
//
// Harvest docs: help.getharvest.com/api-v2/projects-api/projects/user-assignments/#list-all-user-assignments-for-a-specific-project
func (c *Client) ListUserAssignments(ctx context.Context, projectID int64) ([]UserAssignment, error) {
	path := "projects/" + strconv.FormatInt(projectID, 10) + "/user_assignments"
	what := fmt.Sprintf("user assignments of project %d", projectID)
	return listAll(ctx, c, path, what, func(p *userAssignmentsPage) []UserAssignment { return p.UserAssignments })
}

// GetCompany returns the account's settings.
//
// Harvest docs: help.getharvest.com/api-v2/company-api/company/company/#retrieve-a-company
func (c *Client) GetCompany(ctx context.Context) (Company, error) {
	req, err := c.newRequest(ctx, "company")
	if err != nil {
		return Company{}, err
	}
	var co Company
	if err := c.do(req, &co); err != nil {
		return Company{}, fmt.Errorf("harvest: get company: %w", err)
	}
	return co, nil
}

// ListAllTaskAssignments returns the task assignments of every project,
// each with its project: one paged list instead of a call per project.
//
// Harvest docs: help.getharvest.com/api-v2/projects-api/projects/task-assignments/#list-all-task-assignments
func (c *Client) ListAllTaskAssignments(ctx context.Context) ([]TaskAssignment, error) {
	return listAll(ctx, c, "task_assignments", "all task assignments", func(p *taskAssignmentsPage) []TaskAssignment { return p.TaskAssignments })
}

// ListAllUserAssignments returns the user assignments of every project,
// each with its project and user.
//
// Harvest docs: help.getharvest.com/api-v2/projects-api/projects/user-assignments/#list-all-user-assignments
func (c *Client) ListAllUserAssignments(ctx context.Context) ([]UserAssignment, error) {
	return listAll(ctx, c, "user_assignments", "all user assignments", func(p *userAssignmentsPage) []UserAssignment { return p.UserAssignments })
}
