package qbtimesandbox

import (
	"fmt"
	"math/rand/v2"
	"time"

	"billbot/internal/billing"
)

// GenerateOptions sizes a generated company. Zero values take defaults.
type GenerateOptions struct {
	Timesheets          int // default 1000
	Customers           int // top-level jobcodes; default 10
	ProjectsPerCustomer int // default 2
	TasksPerProject     int // child jobcodes of each project; default 3
	Users               int // default 8
	// From and To bound the timesheets' dates; default the 90 days up to
	// Now's day.
	From, To billing.Date
	// ApprovedTo is every user's approved_to; zero means To (all time
	// approved). Set it before From to approve nothing.
	ApprovedTo billing.Date
	// Now stamps last_modified; zero means 2026-11-02 09:00 UTC.
	Now time.Time
}

func (o *GenerateOptions) defaults() {
	if o.Timesheets <= 0 {
		o.Timesheets = 1000
	}
	if o.Customers <= 0 {
		o.Customers = 10
	}
	if o.ProjectsPerCustomer <= 0 {
		o.ProjectsPerCustomer = 2
	}
	if o.TasksPerProject < 0 {
		o.TasksPerProject = 0
	} else if o.TasksPerProject == 0 {
		o.TasksPerProject = 3
	}
	if o.Users <= 0 {
		o.Users = 8
	}
	if o.Now.IsZero() {
		o.Now = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	}
	if o.To.IsZero() {
		o.To = billing.DateOf(o.Now)
	}
	if o.From.IsZero() {
		o.From = o.To.AddDays(-89)
	}
	if o.ApprovedTo.IsZero() {
		o.ApprovedTo = o.To
	}
}

var (
	firstNames = []string{"Kim", "Ana", "Raj", "Lee", "Sam", "Eva", "Tom", "Mia", "Ola", "Ben"}
	lastNames  = []string{"Allen", "Brooks", "Chen", "Diaz", "Evans", "Fox", "Gupta", "Hale"}
	tasks      = []string{"Bookkeeping", "Tax Prep", "Advisory", "Payroll", "Audit Support"}
)

// Generate makes a deterministic company from seed: customers with
// projects and task jobcodes under them (every third task not billable),
// users approved to opts.ApprovedTo, and timesheets spread over the dates,
// in date order, a few of them manual. The same seed and options give the
// same company.
func Generate(seed int64, opts GenerateOptions) Firm {
	opts.defaults()
	rng := rand.New(rand.NewPCG(uint64(seed), 0x51ed27))
	stamp := opts.Now.Truncate(time.Second)
	f := Firm{Company: "Generated CPA"}
	for i := range opts.Users {
		f.Users = append(f.Users, User{
			ID: int64(1001 + i), FirstName: firstNames[i%len(firstNames)], LastName: lastNames[(i/len(firstNames)+i)%len(lastNames)],
			Email: fmt.Sprintf("user%d@firm.example", i+1), Username: fmt.Sprintf("user%d", i+1),
			Active: true, Admin: i == 0, ApprovedTo: opts.ApprovedTo, SubmittedTo: opts.ApprovedTo, LastModified: stamp,
		})
	}
	var leaves []int64
	id := int64(2_000_000)
	for c := range opts.Customers {
		id++
		cust := Jobcode{ID: id, Name: fmt.Sprintf("Customer %02d", c+1), ShortCode: fmt.Sprintf("C%02d", c+1), Type: "regular", Billable: true, Active: true, LastModified: stamp}
		f.Jobcodes = append(f.Jobcodes, cust)
		for p := range opts.ProjectsPerCustomer {
			id++
			proj := Jobcode{ID: id, ParentID: cust.ID, Name: fmt.Sprintf("Engagement %d", p+1), ShortCode: fmt.Sprintf("C%02dP%d", c+1, p+1), Type: "regular", Billable: true, BillableRate: "150.00", Active: true, LastModified: stamp}
			f.Jobcodes = append(f.Jobcodes, proj)
			if opts.TasksPerProject == 0 {
				leaves = append(leaves, proj.ID)
			}
			for t := range opts.TasksPerProject {
				id++
				f.Jobcodes = append(f.Jobcodes, Jobcode{ID: id, ParentID: proj.ID, Name: tasks[t%len(tasks)], Type: "regular", Billable: (t+1)%3 != 0, Active: true, LastModified: stamp})
				leaves = append(leaves, id)
			}
		}
	}
	span := int(opts.To.Time(time.UTC).Sub(opts.From.Time(time.UTC))/(24*time.Hour)) + 1
	for i := range opts.Timesheets {
		date := opts.From.AddDays(i * span / opts.Timesheets)
		secs := int64(900 * (1 + rng.IntN(24))) // 15 min .. 6 h
		t := Timesheet{
			ID: int64(100_000_000 + i), UserID: f.Users[rng.IntN(len(f.Users))].ID, JobcodeID: leaves[rng.IntN(len(leaves))],
			Date: date, Duration: secs, Notes: fmt.Sprintf("work item %d", i), LastModified: stamp,
		}
		if i%5 != 0 {
			t.Start = date.Time(time.UTC).Add(9 * time.Hour)
			t.End = t.Start.Add(time.Duration(secs) * time.Second)
		}
		f.Timesheets = append(f.Timesheets, t)
	}
	return f
}
