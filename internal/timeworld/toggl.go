package timeworld

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/money"
	"billbot/internal/setup"
	"billbot/internal/timesource/toggltime"
	"billbot/internal/toggl"
	"billbot/internal/toggl/togglsandbox"
	"billbot/internal/workflow"
)

// Sandbox credentials of the Toggl Track world.
const (
	togglToken     = "demo-toggl-token"
	togglWorkspace = 4242
)

// togglWorld is the firm on Toggl Track: the same clients, projects,
// people and entries; each project's Harvest tasks become its Toggl tasks,
// and an approved Harvest entry lies in an approved one-day timesheet of
// its member. Toggl rates are per member and project, not per task, so the
// world carries none: billbot bills the letters' rates.
type togglWorld struct {
	srv    *togglsandbox.Server
	client *toggl.Client
	firm   harvestsandbox.GeneratedFirm
	now    func() time.Time
}

func newTogglWorld(firm harvestsandbox.GeneratedFirm, opts Options) (*togglWorld, error) {
	tf, err := togglFirm(firm)
	if err != nil {
		return nil, err
	}
	srv := togglsandbox.New(togglsandbox.Options{Token: togglToken, WorkspaceID: togglWorkspace, Now: opts.Now, Interval: time.Millisecond, Quota: 1 << 20, QuotaWindow: time.Hour})
	srv.Seed(tf)
	srv.Start()
	copts := []toggl.Option{toggl.WithLogger(opts.Logger), toggl.WithClock(opts.Now), toggl.WithInterval(time.Millisecond)}
	if opts.Sleep != nil {
		copts = append(copts, toggl.WithSleep(opts.Sleep))
	}
	client, err := toggl.NewClient(srv.URL(), srv.ReportsURL(), togglToken, togglWorkspace, copts...)
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &togglWorld{srv: srv, client: client, firm: firm, now: opts.Now}, nil
}

// togglFirm is firm as a Toggl Track workspace.
func togglFirm(firm harvestsandbox.GeneratedFirm) (togglsandbox.Firm, error) {
	f := togglsandbox.Firm{Workspace: togglsandbox.Workspace{Name: firm.Company.Name, Currency: "USD", Approvals: true}}
	currency := map[int64]money.Currency{}
	for _, c := range firm.Clients {
		currency[c.ID] = c.Currency
		f.Clients = append(f.Clients, togglsandbox.Client{ID: c.ID, Name: c.Name, Archived: !c.IsActive})
	}
	taskName := map[int64]string{}
	for _, t := range firm.Tasks {
		taskName[t.ID] = t.Name
	}
	taskID := map[[2]int64]int64{} // (project, Harvest task) → Toggl task
	for _, p := range firm.Projects {
		f.Projects = append(f.Projects, togglsandbox.Project{
			ID: p.ID, ClientID: p.ClientID, Name: p.Name, Active: p.IsActive, Billable: p.IsBillable,
			Currency: currency[p.ClientID], FixedFee: p.Fee, StartDate: p.StartsOn, EndDate: p.EndsOn,
		})
		for i, t := range firm.Tasks {
			id := p.ID*100 + int64(i) + 1
			taskID[[2]int64{p.ID, t.ID}] = id
			f.Tasks = append(f.Tasks, togglsandbox.Task{ID: id, ProjectID: p.ID, Name: t.Name, Active: true})
		}
	}
	for _, u := range firm.Users {
		f.Users = append(f.Users, togglsandbox.User{ID: u.ID, Name: u.Name(), Email: u.Email, Active: !u.Archived, Admin: slices.Contains(u.Roles, "administrator")})
	}
	for _, ua := range firm.UserAssignments {
		f.ProjectUsers = append(f.ProjectUsers, togglsandbox.ProjectUser{ID: ua.ID, ProjectID: ua.ProjectID, UserID: ua.UserID, Manager: ua.IsProjectManager})
	}
	type day struct {
		member int64
		date   billing.Date
	}
	approvedAt := map[day]time.Time{}
	pending := map[day]bool{}
	for _, e := range firm.Entries {
		seconds := int64(cmp.Or(e.RoundedHours, e.Hours)) * 36 / 100
		if int64(cmp.Or(e.RoundedHours, e.Hours))*36%100 != 0 {
			return f, fmt.Errorf("timeworld: entry %d: %s h is not a whole number of seconds", e.ID, cmp.Or(e.RoundedHours, e.Hours))
		}
		if e.IsRunning {
			seconds = -1
		}
		f.Entries = append(f.Entries, togglsandbox.Entry{
			ID: e.ID, UserID: e.UserID, ProjectID: e.ProjectID, TaskID: taskID[[2]int64{e.ProjectID, e.TaskID}], Billable: e.Billable,
			Description: e.Notes, Start: e.SpentDate.Time(time.UTC).Add(12 * time.Hour), Seconds: seconds, At: e.UpdatedAt,
		})
		d := day{e.UserID, e.SpentDate}
		if !e.IsClosed || e.IsRunning {
			pending[d] = true
			continue
		}
		if e.UpdatedAt.After(approvedAt[d]) {
			approvedAt[d] = e.UpdatedAt
		}
	}
	for d, at := range approvedAt {
		if pending[d] {
			return f, fmt.Errorf("timeworld: member %d has approved and unapproved time on %s, which one Toggl timesheet cannot hold", d.member, d.date)
		}
		f.Timesheets = append(f.Timesheets, togglsandbox.Timesheet{MemberID: d.member, Start: d.date, End: d.date, Status: "approved", DecidedAt: at})
	}
	slices.SortFunc(f.Timesheets, func(a, b togglsandbox.Timesheet) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.MemberID, b.MemberID))
	})
	return f, nil
}

func (w *togglWorld) Approve(id int64) error {
	for _, e := range w.firm.Entries {
		if e.ID == id {
			w.srv.Approve(e.UserID, e.SpentDate, e.SpentDate)
			return nil
		}
	}
	return fmt.Errorf("timeworld: no entry %d", id)
}

func (w *togglWorld) Source(ctx context.Context, wf *workflow.Workflow) (workflow.TimeSource, error) {
	return toggltime.New(ctx, wf, w.client, toggltime.Options{Approval: toggltime.ApprovalTimesheets})
}

func (w *togglWorld) Setup() setup.Sources {
	return setup.Sources{Catalog: toggltime.NewCatalog(w.client), Source: config.SourceToggl}
}

func (w *togglWorld) Env() map[string]string {
	return map[string]string{
		"TOGGL_API_TOKEN": togglToken, "TOGGL_WORKSPACE_ID": strconv.Itoa(togglWorkspace),
		"TOGGL_API_URL": w.srv.URL(), "TOGGL_REPORTS_URL": w.srv.ReportsURL(),
	}
}

func (w *togglWorld) Close() { w.srv.Close() }
