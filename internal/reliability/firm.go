package reliability

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"billbot/internal/billing"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/money"
	"billbot/internal/qbo/qbosandbox"
)

// Slack ids of the simulated firm's billing desk.
const (
	BillingChannel = "C0BILLING"
	BillingManager = "U0BILLING"
)

// FirmSpec shapes a generated firm. Zero values take the defaults noted.
type FirmSpec struct {
	Clients int    // default 8
	Staff   int    // default 6
	Seed    uint64 // reproducible generation
	Year    int    // default 2026
	// HoursMin and HoursMax bound a client's monthly hours; default 6–16.
	HoursMin, HoursMax int
	// DMDrafts leaves the billing channel unset: drafts go to each
	// engagement partner's DM.
	DMDrafts bool
	// Lifecycle turns on the year's events: some letters renewed on July 1
	// with 8 % higher rates, some engagements ended on April 30 (one with a
	// stray entry after), and each month a few entries approved late.
	Lifecycle bool
}

// Letter is one engagement letter of a client.
type Letter struct {
	Key            string
	Starts, Ends   billing.Date
	Known          billing.Date // when the firm imports it
	RatePercent    int64        // rates as a percentage of the base table
	StrayAfterEnds bool         // one entry logged after the letter ended
}

// Client is one generated client with its letters.
type Client struct {
	Name               string
	HarvestID, Project int64
	Currency           money.Currency
	Kind               billing.Kind
	Partner, Manager   string
	Discount           bool
	Letters            []Letter
}

// Firm is a generated firm: its people, clients, Harvest account and
// QuickBooks company; ConfigYAML and MonthEntries produce what changes.
type Firm struct {
	Spec      FirmSpec
	Partners  []string
	Managers  []string
	Clients   []Client
	Harvest   harvestsandbox.GeneratedFirm // the account, without entries
	Customers []qbosandbox.Customer
	Items     []qbosandbox.Item

	rng       *rand.Rand
	nextEntry int64
}

var simTasks = []struct {
	Name, Item string
	USD, CAD   int64 // base rates in minor units; CAD 0: not used for CAD clients
}{
	{"Tax Prep", "Tax Preparation", 22500, 29500},
	{"Bookkeeping", "Bookkeeping", 9500, 12500},
	{"Advisory", "Advisory", 25000, 0},
	{"Payroll", "Payroll Services", 12000, 0},
}

// NewFirm generates a firm from spec.
func NewFirm(spec FirmSpec) *Firm {
	if spec.Clients <= 0 {
		spec.Clients = 8
	}
	if spec.Staff <= 0 {
		spec.Staff = 6
	}
	if spec.Year == 0 {
		spec.Year = 2026
	}
	if spec.HoursMin <= 0 {
		spec.HoursMin, spec.HoursMax = 6, 16
	}
	f := &Firm{Spec: spec, rng: rand.New(rand.NewPCG(spec.Seed, 0xb111)), nextEntry: 100000}
	for i := range max(2, spec.Staff/20) {
		f.Partners = append(f.Partners, fmt.Sprintf("U0PARTNER%d", i+1))
	}
	for i := range max(3, spec.Staff/12) {
		f.Managers = append(f.Managers, fmt.Sprintf("U0MANAGER%d", i+1))
	}
	jan1 := billing.MustDate(fmt.Sprintf("%d-01-01", spec.Year))
	dec31 := billing.MustDate(fmt.Sprintf("%d-12-31", spec.Year))
	jul1 := billing.MustDate(fmt.Sprintf("%d-07-01", spec.Year))
	apr30 := billing.MustDate(fmt.Sprintf("%d-04-30", spec.Year))
	created := jan1.AddDays(-90).Time(time.UTC)

	h := &f.Harvest
	h.Company = harvestsandbox.Company{Name: "Simulated CPAs", ApprovalFeature: true, WeekStartDay: "Monday"}
	for i, t := range simTasks {
		h.Tasks = append(h.Tasks, harvestsandbox.Task{ID: int64(9000 + i), Name: t.Name})
	}
	for i := range spec.Staff {
		h.Users = append(h.Users, harvestsandbox.User{ID: int64(7000 + i), FirstName: "Staff", LastName: fmt.Sprint(i + 1), Rate: money.Amount(19500)})
	}
	for _, it := range []string{"Tax Preparation", "Bookkeeping", "Advisory", "Payroll Services", "Professional Services", "Retainer", "Fixed Fee"} {
		f.Items = append(f.Items, qbosandbox.Item{Name: it})
	}
	for i := range spec.Clients {
		c := Client{
			Name: fmt.Sprintf("Client %03d", i+1), HarvestID: int64(5000 + i), Project: int64(14000 + i),
			Currency: "USD", Kind: billing.Hourly,
			Partner: f.Partners[i%len(f.Partners)], Manager: f.Managers[i%len(f.Managers)],
			Discount: i%10 == 2,
		}
		switch i % 10 {
		case 3:
			c.Kind = billing.FixedFee
		case 6:
			c.Kind = billing.Retainer
		case 8:
			c.Kind = billing.Mixed
		}
		if i%10 == 4 {
			c.Currency = "CAD"
		}
		slug := strings.ReplaceAll(strings.ToLower(c.Name), " ", "-")
		first := Letter{Key: fmt.Sprintf("%s-%d", slug, spec.Year), Starts: jan1, Ends: dec31, Known: jan1.AddDays(-1), RatePercent: 100}
		c.Letters = []Letter{first}
		if spec.Lifecycle {
			switch {
			case i%9 == 7:
				c.Letters[0].Ends = apr30
				c.Letters[0].StrayAfterEnds = i%18 == 7
			case i%5 == 1 && c.Kind != billing.FixedFee:
				c.Letters = append(c.Letters, Letter{Key: fmt.Sprintf("%s-%d-h2", slug, spec.Year), Starts: jul1, Ends: dec31, Known: jul1, RatePercent: 108})
			}
		}
		f.Clients = append(f.Clients, c)
		h.Clients = append(h.Clients, harvestsandbox.Client{ID: c.HarvestID, Name: c.Name, Currency: c.Currency, IsActive: true, CreatedAt: created, UpdatedAt: created})
		h.Projects = append(h.Projects, harvestsandbox.Project{
			ID: c.Project, ClientID: c.HarvestID, Name: c.Name + " — services", Code: fmt.Sprintf("P%03d", i+1),
			IsActive: true, IsBillable: true, IsFixedFee: c.Kind == billing.FixedFee, BillBy: "Tasks", CreatedAt: created, UpdatedAt: created,
		})
		cust := qbosandbox.Customer{DisplayName: c.Name, CompanyName: c.Name, Email: c.Email()}
		if c.Currency != "USD" {
			cust.Currency = string(c.Currency)
		}
		f.Customers = append(f.Customers, cust)
	}
	return f
}

// Email is the client's accounts-payable address.
func (c Client) Email() string {
	return "ap@" + strings.ReplaceAll(strings.ToLower(c.Name), " ", "-") + ".example"
}

// rate is the letter's rate for task (index into simTasks), in minor units.
func (c Client) rate(l Letter, task int) money.Amount {
	base := simTasks[task].USD
	if c.Currency == "CAD" {
		base = simTasks[task].CAD
	}
	// Whole currency units, rounded half up: letters quote round rates.
	return money.Amount((base*l.RatePercent/100 + 50) / 100 * 100)
}

// letterOn returns the letter covering d.
func (c Client) letterOn(d billing.Date) (Letter, bool) {
	for i := len(c.Letters) - 1; i >= 0; i-- {
		l := c.Letters[i]
		if !d.Before(l.Starts) && !d.After(l.Ends) {
			return l, true
		}
	}
	return Letter{}, false
}

func (c Client) tasks() int {
	if c.Currency == "CAD" {
		return 2
	}
	return len(simTasks)
}
