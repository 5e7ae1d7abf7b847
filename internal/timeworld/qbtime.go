package timeworld

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/qbtime"
	"billbot/internal/qbtime/qbtimesandbox"
	"billbot/internal/setup"
	"billbot/internal/timesource/qbtimetime"
	"billbot/internal/workflow"
)

// qbtimeToken is the QuickBooks Time world's sandbox token.
const qbtimeToken = "demo-quickbooks-time-token"

// qbtimeWorld is the firm on QuickBooks Time: each client is a customer
// jobcode, each project a jobcode under it, each of the project's tasks a
// jobcode under that; a person's time is approved up to their approved_to
// day, which is the day before their first unapproved entry. QuickBooks
// Time keeps no billing rates: billbot bills the letters' rates.
type qbtimeWorld struct {
	srv    *qbtimesandbox.Server
	client *qbtime.Client
	firm   harvestsandbox.GeneratedFirm
}

func newQBTimeWorld(firm harvestsandbox.GeneratedFirm, opts Options) (*qbtimeWorld, error) {
	qf, err := qbtimeFirm(firm)
	if err != nil {
		return nil, err
	}
	srv := qbtimesandbox.New(qbtimesandbox.Options{Token: qbtimeToken, Limit: -1, Now: opts.Now})
	srv.Seed(qf)
	srv.Start()
	copts := []qbtime.Option{qbtime.WithLogger(opts.Logger), qbtime.WithClock(opts.Now)}
	if opts.Sleep != nil {
		copts = append(copts, qbtime.WithSleep(opts.Sleep))
	}
	client, err := qbtime.NewClient(srv.URL(), qbtimeToken, copts...)
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &qbtimeWorld{srv: srv, client: client, firm: firm}, nil
}

// qbtimeTask is the jobcode of a project's task.
func qbtimeTask(project int64, taskIndex int) int64 { return project*100 + int64(taskIndex) + 1 }

// qbtimeFirm is firm as a QuickBooks Time company.
func qbtimeFirm(firm harvestsandbox.GeneratedFirm) (qbtimesandbox.Firm, error) {
	f := qbtimesandbox.Firm{Company: firm.Company.Name}
	for _, c := range firm.Clients {
		f.Jobcodes = append(f.Jobcodes, qbtimesandbox.Jobcode{ID: c.ID, Name: c.Name, Billable: true, Active: c.IsActive})
	}
	taskIndex := map[int64]int{}
	for i, t := range firm.Tasks {
		taskIndex[t.ID] = i
	}
	for _, p := range firm.Projects {
		f.Jobcodes = append(f.Jobcodes, qbtimesandbox.Jobcode{ID: p.ID, ParentID: p.ClientID, Name: p.Name, ShortCode: p.Code, Billable: p.IsBillable, Active: p.IsActive})
		for i, t := range firm.Tasks {
			f.Jobcodes = append(f.Jobcodes, qbtimesandbox.Jobcode{ID: qbtimeTask(p.ID, i), ParentID: p.ID, Name: t.Name, Billable: p.IsBillable, Active: true})
		}
	}
	approvedTo, err := approvalCutoffs(firm.Entries)
	if err != nil {
		return f, err
	}
	for _, u := range firm.Users {
		f.Users = append(f.Users, qbtimesandbox.User{ID: u.ID, FirstName: u.FirstName, LastName: u.LastName, Email: u.Email, Username: u.Email,
			Active: !u.Archived, Admin: slices.Contains(u.Roles, "administrator"), ApprovedTo: approvedTo[u.ID], SubmittedTo: approvedTo[u.ID]})
	}
	for _, e := range firm.Entries {
		hours := cmp.Or(e.RoundedHours, e.Hours)
		if int64(hours)*36%100 != 0 {
			return f, fmt.Errorf("timeworld: entry %d: %s h is not a whole number of seconds", e.ID, hours)
		}
		f.Timesheets = append(f.Timesheets, qbtimesandbox.Timesheet{
			ID: e.ID, UserID: e.UserID, JobcodeID: qbtimeTask(e.ProjectID, taskIndex[e.TaskID]), Date: e.SpentDate,
			Duration: int64(hours) * 36 / 100, OnTheClock: e.IsRunning, Notes: e.Notes, LastModified: e.UpdatedAt,
		})
	}
	return f, nil
}

// approvalCutoffs is each person's approved_to: the day before their
// first unapproved entry, else their last entry's day. An approved entry
// after an unapproved one cannot be said in QuickBooks Time's terms.
func approvalCutoffs(entries []harvestsandbox.Entry) (map[int64]billing.Date, error) {
	firstOpen := map[int64]billing.Date{}
	last := map[int64]billing.Date{}
	for _, e := range entries {
		if !e.IsClosed || e.IsRunning {
			if d, ok := firstOpen[e.UserID]; !ok || e.SpentDate.Before(d) {
				firstOpen[e.UserID] = e.SpentDate
			}
		}
		if e.SpentDate.After(last[e.UserID]) {
			last[e.UserID] = e.SpentDate
		}
	}
	out := map[int64]billing.Date{}
	for u, d := range last {
		out[u] = d
		if open, ok := firstOpen[u]; ok {
			out[u] = open.AddDays(-1)
		}
	}
	for _, e := range entries {
		if e.IsClosed && !e.IsRunning && e.SpentDate.After(out[e.UserID]) {
			return nil, fmt.Errorf("timeworld: entry %d of person %d is approved after their unapproved time, which QuickBooks Time's approved_to cannot say", e.ID, e.UserID)
		}
	}
	return out, nil
}

// Approve moves the person's approved_to to the entry's day.
func (w *qbtimeWorld) Approve(id int64) error {
	for _, e := range w.firm.Entries {
		if e.ID == id {
			return w.srv.SetApprovedTo(e.UserID, e.SpentDate)
		}
	}
	return fmt.Errorf("timeworld: no entry %d", id)
}

func (w *qbtimeWorld) Source(ctx context.Context, wf *workflow.Workflow) (workflow.TimeSource, error) {
	return qbtimetime.New(ctx, wf, w.client)
}

func (w *qbtimeWorld) Setup() setup.Sources {
	return setup.Sources{Catalog: qbtimetime.NewCatalog(w.client), Source: config.SourceQuickBooksTime}
}

func (w *qbtimeWorld) Env() map[string]string {
	return map[string]string{"QUICKBOOKS_TIME_ACCESS_TOKEN": qbtimeToken, "QUICKBOOKS_TIME_API_URL": w.srv.URL()}
}

func (w *qbtimeWorld) Close() { w.srv.Close() }
