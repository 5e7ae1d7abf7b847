package harvestsandbox

import (
	"fmt"
	"math/rand/v2"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// GenerateOptions shapes a generated firm. Zero values take the defaults
// noted on each field.
type GenerateOptions struct {
	Clients           int // default 8
	ProjectsPerClient int // default 2
	Users             int // default 6
	Entries           int // default 500
	// From and To bound spent dates; default the 60 days up to Now.
	From, To billing.Date
	// Now is "today" for the firm: no entry is updated later, running
	// timers are on its date. Default 2026-03-31 17:00 UTC.
	Now time.Time
	// Fractions of entries, each in [0,1]; negative means none.
	Approved    float64 // default 0.8: is_closed
	Running     float64 // default 0.01: is_running, spent on Now's date
	NonBillable float64 // default 0.1: billable false on a billable task
	Billed      float64 // default 0: is_billed, invoiced outside billbot
	// Currencies are handed to clients in turn; default USD only.
	Currencies []money.Currency
}

func (o *GenerateOptions) defaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Clients, 8)
	def(&o.ProjectsPerClient, 2)
	def(&o.Users, 6)
	def(&o.Entries, 500)
	if o.Now.IsZero() {
		o.Now = time.Date(2026, 3, 31, 17, 0, 0, 0, time.UTC)
	}
	if o.To.IsZero() {
		o.To = billing.DateOf(o.Now)
	}
	if o.From.IsZero() {
		o.From = o.To.AddDays(-59)
	}
	frac := func(v *float64, d float64) {
		switch {
		case *v == 0:
			*v = d
		case *v < 0:
			*v = 0
		}
	}
	frac(&o.Approved, 0.8)
	frac(&o.Running, 0.01)
	frac(&o.NonBillable, 0.1)
	frac(&o.Billed, 0)
	if len(o.Currencies) == 0 {
		o.Currencies = []money.Currency{"USD"}
	}
}

var (
	firmTasks = []struct {
		name     string
		billable bool
		rate     string
	}{
		{"Tax Prep", true, "195.00"},
		{"Bookkeeping", true, "95.00"},
		{"Advisory", true, "250.00"},
		{"Audit", true, "225.00"},
		{"Payroll", true, "110.00"},
		{"Admin", false, "0.00"},
	}
	clientFirst  = []string{"Acme", "Birch", "Cobalt", "Delta", "Evergreen", "Foxglove", "Granite", "Harbor", "Ironwood", "Juniper", "Keystone", "Lakeside"}
	clientSecond = []string{"Corp", "LLC", "Holdings", "Bakery", "Dental", "Logistics", "& Sons", "Partners"}
	firstNames   = []string{"Kim", "Ana", "Raj", "Lena", "Tom", "Maya", "Omar", "Sara", "Ben", "Ines"}
	lastNames    = []string{"Allen", "Okafor", "Patel", "Novak", "Reyes", "Chen", "Haddad", "Berg", "Walsh", "Costa"}
	noteSamples  = []string{"", "Reconciled bank accounts", "Prepared 1120-S workpapers", "Call with controller", "Payroll run, \"off-cycle\"", "Reviewed AP aging\nfollow up on 3 vendors", "Quarterly estimates", "Month-end close"}
)

// Generate makes a believable accounting firm from seed: clients with their
// currencies, a tax and a bookkeeping project each, staff with rates, task
// and user assignments, and time entries over a date range with the
// requested shares approved, running, non-billable and billed. The same seed
// and options always give the same firm.
func Generate(seed int64, opts GenerateOptions) GeneratedFirm {
	opts.defaults()
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(seed)*31+7))
	created := opts.Now.AddDate(-1, 0, 0).UTC().Truncate(time.Second)
	f := GeneratedFirm{Company: Company{Name: "Example CPA", ApprovalFeature: true, WeekStartDay: "Monday"}}

	for i := range firmTasks {
		f.Tasks = append(f.Tasks, Task{ID: int64(8083365 + i), Name: firmTasks[i].name})
	}
	for i := range opts.Users {
		rate := money.Amount(9500 + 500*rng.Int64N(32))
		f.Users = append(f.Users, User{
			ID:        int64(1782959 + i),
			FirstName: firstNames[i%len(firstNames)],
			LastName:  lastNames[(i/len(firstNames)+i)%len(lastNames)],
			Rate:      rate,
		})
	}
	taID, uaID := int64(155502709), int64(125068553)
	for ci := range opts.Clients {
		name := clientFirst[ci%len(clientFirst)] + " " + clientSecond[(ci/len(clientFirst)+ci)%len(clientSecond)]
		if ci >= len(clientFirst)*len(clientSecond) {
			name += fmt.Sprintf(" %d", ci)
		}
		c := Client{ID: int64(5735774 + ci), Name: name, Currency: opts.Currencies[ci%len(opts.Currencies)],
			IsActive: true, CreatedAt: created, UpdatedAt: created}
		f.Clients = append(f.Clients, c)
		for pi := range opts.ProjectsPerClient {
			kind := []string{"Tax Return", "Monthly Bookkeeping", "Advisory", "Audit"}[pi%4]
			p := Project{
				ID: int64(14307913 + ci*opts.ProjectsPerClient + pi), ClientID: c.ID,
				Name:     fmt.Sprintf("%s %d %s", c.Name, opts.Now.Year(), kind),
				Code:     fmt.Sprintf("C%03d-%d", ci, pi),
				IsActive: true, IsBillable: true, BillBy: "Tasks",
				StartsOn:  billing.Date{Year: opts.Now.Year(), Month: 1, Day: 1},
				CreatedAt: created, UpdatedAt: created,
			}
			f.Projects = append(f.Projects, p)
			for ti, t := range firmTasks {
				f.TaskAssignments = append(f.TaskAssignments, TaskAssignment{
					ID: taID, ProjectID: p.ID, TaskID: f.Tasks[ti].ID, Billable: t.billable, IsActive: true,
					HourlyRate: money.MustParse(t.rate, c.Currency), CreatedAt: created, UpdatedAt: created,
				})
				taID++
			}
			for ui, u := range f.Users {
				f.UserAssignments = append(f.UserAssignments, UserAssignment{
					ID: uaID, ProjectID: p.ID, UserID: u.ID, IsProjectManager: ui == 0, IsActive: true,
					UseDefaultRates: true, HourlyRate: u.Rate, CreatedAt: created, UpdatedAt: created,
				})
				uaID++
			}
		}
	}

	days := opts.From.DaysUntil(opts.To) + 1
	today := billing.DateOf(opts.Now)
	f.Entries = make([]Entry, 0, opts.Entries)
	for i := range opts.Entries {
		p := f.Projects[rng.IntN(len(f.Projects))]
		ti := rng.IntN(len(firmTasks))
		u := f.Users[rng.IntN(len(f.Users))]
		cur := f.Clients[(p.ClientID - 5735774)].Currency
		e := Entry{
			ID:        int64(636709355 + i),
			SpentDate: opts.From.AddDays(rng.IntN(max(days, 1))),
			UserID:    u.ID, ClientID: p.ClientID, ProjectID: p.ID, TaskID: f.Tasks[ti].ID,
			// Hours to the hundredth; Harvest's time rounding setting then
			// rounds up to the quarter hour for billing.
			Hours:    money.Hours(100 * (10 + rng.Int64N(790))),
			Notes:    noteSamples[rng.IntN(len(noteSamples))],
			Billable: firmTasks[ti].billable && rng.Float64() >= opts.NonBillable,
			CostRate: money.Amount(4500),
		}
		e.RoundedHours = (e.Hours + 2499) / 2500 * 2500
		if e.Billable {
			e.BillableRate = money.MustParse(firmTasks[ti].rate, cur)
		} else {
			e.NoRate = true
		}
		if rng.Float64() < opts.Running {
			e.IsRunning, e.SpentDate = true, today
		}
		if !e.IsRunning && e.SpentDate.Before(today) && rng.Float64() < opts.Approved {
			e.IsClosed = true
			e.IsBilled = rng.Float64() < opts.Billed
		}
		e.CreatedAt = e.SpentDate.Time(time.UTC).Add(9*time.Hour + time.Duration(rng.IntN(8*3600))*time.Second)
		e.UpdatedAt = e.CreatedAt.Add(time.Duration(rng.IntN(48*3600)) * time.Second)
		if e.CreatedAt.After(opts.Now) {
			e.CreatedAt = opts.Now.Truncate(time.Second)
		}
		if e.UpdatedAt.After(opts.Now) {
			e.UpdatedAt = opts.Now.Truncate(time.Second)
		}
		f.Entries = append(f.Entries, e)
	}
	return f
}
