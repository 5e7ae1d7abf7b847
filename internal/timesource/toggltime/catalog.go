package toggltime

import (
	"context"
	"fmt"
	"strings"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/setup"
	"billbot/internal/toggl"
)

// Catalog is setup's view of a Toggl workspace (setup.Catalog).
type Catalog struct {
	client *toggl.Client
}

var _ setup.Catalog = (*Catalog)(nil)

// NewCatalog returns the Catalog read through client.
func NewCatalog(client *toggl.Client) *Catalog { return &Catalog{client: client} }

// Read lists the workspace in setup's terms: its clients (active unless
// archived; in the currency of their projects, else the workspace's), its
// projects with tasks, people and rates, and its members. Toggl's rates
// go most specific first — a member's rate on the project, the project's,
// the member's workspace rate, the workspace's — which setup's bill_by
// expresses as: People when any member has a project rate or the project
// has none, Project when the project has one, none for a non-billable
// project. With goLive set it also counts the billable, stopped time of
// the year before goLive into History (Toggl has no "invoiced" flag, so
// all of it counts).
func (c *Catalog) Read(ctx context.Context, goLive billing.Date) (setup.Listing, error) {
	before := c.client.Stats().Requests
	var l setup.Listing
	ws, err := c.client.GetWorkspace(ctx)
	if err != nil {
		return l, err
	}
	l.FirmName = ws.Name
	wsCur := ws.DefaultCurrency
	if wsCur == "" {
		wsCur = "USD"
	}
	clients, err := c.client.ListClients(ctx)
	if err != nil {
		return l, err
	}
	projects, err := c.client.ListProjects(ctx)
	if err != nil {
		return l, err
	}
	tasks, err := c.client.ListTasks(ctx)
	if err != nil {
		return l, err
	}
	users, err := c.client.ListWorkspaceUsers(ctx)
	if err != nil {
		return l, err
	}
	pus, err := c.client.ListProjectUsers(ctx)
	if err != nil {
		return l, err
	}
	names := map[int64]string{}
	for _, u := range users {
		rate := u.Rate.String()
		if rate == "" {
			rate = ws.DefaultHourlyRate.String()
		}
		names[u.UserID] = u.Name
		l.Users = append(l.Users, setup.User{ID: u.UserID, Name: u.Name, Email: u.Email, Active: u.Active, Admin: u.Admin, Rate: rate})
	}
	clientCur := map[int64]string{}
	for _, p := range projects {
		if p.ClientID != nil && p.Currency != nil && *p.Currency != "" && clientCur[*p.ClientID] == "" {
			clientCur[*p.ClientID] = *p.Currency
		}
	}
	for _, cl := range clients {
		cur := clientCur[cl.ID]
		if cur == "" {
			cur = wsCur
		}
		l.Clients = append(l.Clients, setup.Client{ID: cl.ID, Name: cl.Name, Currency: cur, Active: !cl.Archived})
	}
	byProject := map[int64][]toggl.ProjectUser{}
	for _, pu := range pus {
		byProject[pu.ProjectID] = append(byProject[pu.ProjectID], pu)
	}
	taskBy := map[int64][]toggl.Task{}
	for _, t := range tasks {
		taskBy[t.ProjectID] = append(taskBy[t.ProjectID], t)
	}
	for _, p := range projects {
		l.Projects = append(l.Projects, project(p, taskBy[p.ID], byProject[p.ID], names, ws))
	}
	if !goLive.IsZero() {
		end := goLive.AddDays(-1).Time(time.UTC)
		err := c.client.SearchTimeEntries(ctx, end.AddDate(-1, 0, 1), end, 0, func(rows []toggl.SearchRow) error {
			for _, r := range rows {
				for _, it := range r.TimeEntries {
					if r.Billable && it.Stop != nil && it.Seconds > 0 {
						l.History.Entries++
						l.History.Hours += toggl.Hours(it.Seconds)
					}
				}
			}
			return nil
		})
		if err != nil {
			return l, fmt.Errorf("toggl: time before go_live: %w", err)
		}
	}
	l.Requests = int(c.client.Stats().Requests - before)
	return l, nil
}

// project maps one Toggl project.
func project(p toggl.Project, tasks []toggl.Task, pus []toggl.ProjectUser, names map[int64]string, ws toggl.Workspace) setup.Project {
	billable := p.Billable != nil && *p.Billable
	sp := setup.Project{ID: p.ID, Name: p.Name, Active: p.Active, Billable: billable, HourlyRate: p.Rate.String()}
	if p.ClientID != nil {
		sp.ClientID = *p.ClientID
	}
	if fee := p.FixedFee.String(); fee != "" && !isZero(fee) {
		sp.FixedFee, sp.Fee = true, fee
	}
	if d, err := billing.ParseDate(p.StartDate); err == nil {
		sp.StartsOn = d
	}
	if p.EndDate != nil {
		if d, err := billing.ParseDate(*p.EndDate); err == nil {
			sp.EndsOn = d
		}
	}
	sp.CreatedOn = billing.DateOf(p.CreatedAt)
	if p.EstimatedHours != nil && *p.EstimatedHours > 0 {
		sp.Budget, sp.BudgetBy = fmt.Sprint(*p.EstimatedHours), "project"
	}
	memberRates := false
	for _, pu := range pus {
		rate := pu.Rate.String()
		memberRates = memberRates || rate != ""
		sp.People = append(sp.People, setup.UserAssignment{UserID: pu.UserID, Name: names[pu.UserID], Manager: pu.Manager,
			Active: true, UseDefaultRates: rate == "", HourlyRate: rate})
	}
	switch {
	case !billable:
		sp.BillBy = "none"
	case memberRates || (sp.HourlyRate == "" && len(pus) > 0):
		sp.BillBy = "People"
	default:
		sp.BillBy = "Project"
		if sp.HourlyRate == "" {
			sp.HourlyRate = ws.DefaultHourlyRate.String()
		}
	}
	for _, t := range tasks {
		sp.Tasks = append(sp.Tasks, setup.TaskAssignment{Task: t.Name, Billable: billable, Active: t.Active})
	}
	return sp
}

func isZero(dec string) bool {
	h, err := money.ParseHours(strings.TrimPrefix(dec, "-"))
	return err == nil && h == 0
}
