package togglsandbox

import (
	"fmt"
	"math/rand/v2"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// GenerateOptions shape a generated workspace.
type GenerateOptions struct {
	Entries  int // default 1000
	Clients  int // default 10
	Users    int // default 8
	From, To billing.Date
	// Now stamps every entry's at; zero: To's end.
	Now      time.Time
	Currency money.Currency // default USD
	// Approvals turns timesheet approvals on and approves every member's
	// weeks that ended before Now.
	Approvals bool
}

// Generate returns a deterministic workspace for seed: clients with two or
// three projects each (some with a project rate, one in three fixed fee),
// three tasks per project, members with rates and a few project rates,
// and entries spread over From..To: mostly billable and stopped, a few
// running.
func Generate(seed uint64, o GenerateOptions) Firm {
	if o.Entries <= 0 {
		o.Entries = 1000
	}
	if o.Clients <= 0 {
		o.Clients = 10
	}
	if o.Users <= 0 {
		o.Users = 8
	}
	if o.Currency == "" {
		o.Currency = "USD"
	}
	if o.To.IsZero() {
		o.To = billing.MustDate("2026-10-31")
	}
	if o.From.IsZero() {
		o.From = o.To.AddDays(-90)
	}
	if o.Now.IsZero() {
		o.Now = o.To.AddDays(1).Time(time.UTC)
	}
	rng := rand.New(rand.NewPCG(seed, 0x7066))
	f := Firm{Workspace: Workspace{Name: "Generated CPAs", Currency: o.Currency,
		DefaultRate: money.Amount(150 * o.Currency.MinorPerMajor()), Approvals: o.Approvals}}
	for i := range o.Users {
		f.Users = append(f.Users, User{ID: int64(9_000_001 + i), Name: fmt.Sprintf("Member %02d", i+1),
			Email: fmt.Sprintf("member%02d@firm.example", i+1), Active: true, Admin: i == 0,
			Rate: money.Amount(int64(100+25*(i%5)) * o.Currency.MinorPerMajor())})
	}
	taskNames := []string{"Bookkeeping", "Tax Prep", "Advisory"}
	for c := range o.Clients {
		cl := Client{ID: int64(60_000_001 + c), Name: fmt.Sprintf("Client %03d", c+1)}
		f.Clients = append(f.Clients, cl)
		for p := range 2 + c%2 {
			pr := Project{ID: int64(170_000_001 + len(f.Projects)), ClientID: cl.ID,
				Name: fmt.Sprintf("%s %d", cl.Name, p+1), Active: true, Billable: true, StartDate: o.From}
			if p == 0 {
				pr.Rate = money.Amount(int64(195) * o.Currency.MinorPerMajor())
			}
			if len(f.Projects)%3 == 2 {
				pr.FixedFee = money.Amount(int64(2500) * o.Currency.MinorPerMajor())
			}
			f.Projects = append(f.Projects, pr)
			for t, n := range taskNames {
				f.Tasks = append(f.Tasks, Task{ID: pr.ID*10 + int64(t), ProjectID: pr.ID, Name: n, Active: true})
			}
			u := f.Users[len(f.Projects)%len(f.Users)]
			f.ProjectUsers = append(f.ProjectUsers, ProjectUser{ID: int64(len(f.ProjectUsers) + 1), ProjectID: pr.ID,
				UserID: u.ID, Manager: true, Rate: money.Amount(int64(225) * o.Currency.MinorPerMajor())})
		}
	}
	days := int(o.To.Time(time.UTC).Sub(o.From.Time(time.UTC))/(24*time.Hour)) + 1
	for i := range o.Entries {
		p := f.Projects[rng.IntN(len(f.Projects))]
		u := f.Users[rng.IntN(len(f.Users))]
		day := o.From.AddDays(rng.IntN(days))
		start := day.Time(time.UTC).Add(time.Duration(8*3600+rng.IntN(8*3600)) * time.Second)
		e := Entry{ID: int64(3_000_000_001 + i), UserID: u.ID, ProjectID: p.ID, TaskID: p.ID*10 + int64(rng.IntN(3)),
			Billable: rng.IntN(10) != 0, Description: fmt.Sprintf("work %d", i), Start: start,
			Seconds: int64(300 + rng.IntN(4*3600)), At: o.Now}
		if rng.IntN(200) == 0 {
			e.Seconds = -1
		}
		f.Entries = append(f.Entries, e)
	}
	if o.Approvals {
		// Weekly timesheets, Monday to Sunday, approved once the week ended.
		for _, u := range f.Users {
			for d := o.From; !d.After(o.To); d = d.AddDays(1) {
				if d.Time(time.UTC).Weekday() != time.Monday {
					continue
				}
				end := d.AddDays(6)
				if end.Time(time.UTC).AddDate(0, 0, 1).After(o.Now) {
					continue
				}
				f.Timesheets = append(f.Timesheets, Timesheet{MemberID: u.ID, ApproverID: f.Users[0].ID, Start: d, End: end,
					Status: "approved", DecidedAt: end.AddDays(1).Time(time.UTC)})
			}
		}
	}
	return f
}
