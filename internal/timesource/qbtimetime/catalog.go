package qbtimetime

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/qbtime"
	"billbot/internal/setup"
)

// Catalog reads QuickBooks Time for `billbot setup` (setup.Catalog).
type Catalog struct {
	client *qbtime.Client
}

var _ setup.Catalog = (*Catalog)(nil)

// NewCatalog returns the setup catalog read through client.
func NewCatalog(client *qbtime.Client) *Catalog { return &Catalog{client: client} }

// Read lists the company (the current user's company_name), customers
// (top-level jobcodes), projects (their children; a customer without
// children is its own project, as qbtime.Jobcodes.Place places its time)
// with their tasks (every jobcode below, named by path), and users. A
// project bills by "Tasks" when a billable task has a billable_rate, else
// by "Project" with the project jobcode's rate, empty when it has none:
// QuickBooks Time's rates are optional, and engagement letters set them.
// QuickBooks Time has no per-project people assignments billbot reads, so
// projects list no People; a user's pay_rate is pay, never a bill rate,
// so users carry no Rate. With goLive set, History counts the billable,
// stopped timesheets dated before it; QuickBooks Time records no
// "invoiced" flag, so all such time counts.
func (c *Catalog) Read(ctx context.Context, goLive billing.Date) (setup.Listing, error) {
	before := c.client.Stats().Requests
	var l setup.Listing
	me, err := c.client.CurrentUser(ctx)
	if err != nil {
		return l, err
	}
	l.FirmName = me.CompanyName
	list, err := c.client.ListJobcodes(ctx, qbtime.JobcodeListOptions{Type: "regular"})
	if err != nil {
		return l, err
	}
	jobs := qbtime.Jobcodes{}
	children := map[int64][]int64{}
	for _, j := range list {
		jobs[j.ID] = j
		children[j.ParentID] = append(children[j.ParentID], j.ID)
	}
	for _, id := range children[0] {
		cust := jobs[id]
		l.Clients = append(l.Clients, setup.Client{ID: cust.ID, Name: cust.Name, Active: cust.Active})
		projects := children[id]
		if len(projects) == 0 {
			projects = []int64{id}
		}
		for _, pid := range projects {
			l.Projects = append(l.Projects, project(jobs, children, cust, jobs[pid]))
		}
	}
	users, err := c.client.ListUsers(ctx)
	if err != nil {
		return l, err
	}
	for _, u := range users {
		l.Users = append(l.Users, setup.User{ID: u.ID, Name: u.Name(), Email: u.Email, Active: u.Active, Admin: u.Permissions.Admin})
	}
	if !goLive.IsZero() {
		q := qbtime.TimesheetListOptions{StartDate: qbtime.FullSyncStart, EndDate: goLive.AddDays(-1), OnTheClock: "no"}
		err := c.client.ListTimesheets(ctx, q, func(p qbtime.TimesheetPage) error {
			for id, j := range p.Supplemental.Jobcodes {
				if _, ok := jobs[id]; !ok {
					jobs[id] = j
				}
			}
			for _, t := range p.Timesheets {
				if j := jobs[t.JobcodeID]; !j.Billable || j.Type != "regular" {
					continue
				}
				h, err := money.AddHours(l.History.Hours, qbtime.HoursOf(t.Duration))
				if err != nil {
					return err
				}
				l.History.Entries++
				l.History.Hours = h
			}
			return nil
		})
		if err != nil {
			return l, fmt.Errorf("qbtime catalog: time before go-live: %w", err)
		}
	}
	l.Requests = int(c.client.Stats().Requests - before)
	return l, nil
}

func project(jobs qbtime.Jobcodes, children map[int64][]int64, cust, proj qbtime.Jobcode) setup.Project {
	p := setup.Project{
		ID: proj.ID, ClientID: cust.ID, Name: proj.Name, Code: proj.ShortCode,
		Active: proj.Active && cust.Active, Billable: proj.Billable, BillBy: "Project", HourlyRate: rate(proj),
		BudgetBy: "none",
	}
	if proj.Created.Year() > 1 {
		p.CreatedOn = billing.DateOf(proj.Created)
	}
	byTask := false
	var walk func(id int64, prefix string)
	walk = func(id int64, prefix string) {
		kids := slices.Clone(children[id])
		slices.Sort(kids)
		for _, k := range kids {
			j := jobs[k]
			name := prefix + j.Name
			p.Tasks = append(p.Tasks, setup.TaskAssignment{Task: name, Billable: j.Billable, Active: j.Active, HourlyRate: rate(j)})
			if j.Billable {
				p.Billable = true
				byTask = byTask || rate(j) != ""
			}
			walk(k, name+" / ")
		}
	}
	if proj.ID != cust.ID {
		walk(proj.ID, "")
	}
	if byTask {
		p.BillBy = "Tasks"
	}
	return p
}

// rate is a billable jobcode's billable_rate as decimal text; "" when it
// has none (0, or not billable: the rate is "only effective if billable",
// tsheetsteam.github.io/api_docs/ "The Jobcode Object").
func rate(j qbtime.Jobcode) string {
	if !j.Billable || j.BillableRate == "" {
		return ""
	}
	if strings.Trim(j.BillableRate.String(), "0.") == "" {
		return ""
	}
	return j.BillableRate.String()
}
