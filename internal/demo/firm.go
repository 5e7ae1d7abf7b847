// Package demo runs one whole billing cycle of a believable firm against
// billbot's in-repo Harvest, QuickBooks and Slack sandboxes, on the
// embedded database, and tells it as a transcript a person can follow.
package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/money"
	"billbot/internal/qbo/qbosandbox"
)

// People of the demo firm, as Slack user ids.
const (
	PartnerHartwell = "U0HARTWELL"
	PartnerMoss     = "U0MOSS"
	ManagerChen     = "U0CHEN"
	ManagerOkafor   = "U0OKAFOR"
	ManagerReyes    = "U0REYES"
	BillingManager  = "U0BILLING"
	Staffer         = "U0PATEL" // a senior who is not an approver
	BillingChannel  = "C0BILLING"
)

// Names maps the demo's Slack ids to people's names for the transcript.
var Names = map[string]string{
	PartnerHartwell: "Avery Hartwell (partner)", PartnerMoss: "Jordan Moss (partner)",
	ManagerChen: "Lena Chen (manager)", ManagerOkafor: "Tobi Okafor (manager)", ManagerReyes: "Marco Reyes (manager)",
	BillingManager: "Priya Shah (billing manager)", Staffer: "Sam Patel (senior)",
}

// Special clients: each shows one rule of billbot at work.
const (
	FixedFeeClient   = "Northwind Traders"
	MixedClient      = "Bluebird Bakery"
	RetainerClient   = "Granite Ridge Dental"
	CADClient        = "Maple Leaf Outfitters"
	MissingInQBO     = "Orchard Lane Veterinary"
	RateMismatch     = "Summit Roofing"
	DiscountClient   = "O'Brien Family Office"
	OrphanClient     = "Pinecrest Holdings"
	EditedClient     = "Harbor Point Marina"
	HeldClient       = "Redwood Analytics"
	LateClient       = "Copperfield Books"
	UnapprovedClient = "Lakeview Pediatrics"
)

var clientNames = []string{
	FixedFeeClient, MixedClient, RetainerClient, CADClient, MissingInQBO, RateMismatch, DiscountClient,
	OrphanClient, EditedClient, HeldClient, LateClient, UnapprovedClient,
	"Aspen Ridge Logistics", "Beacon Hill Architects", "Blue Heron Yoga", "Cascade Dental Lab",
	"Cedar Creek Farms", "Crescent Moon Bistro", "Driftwood Surf Co", "Elm Street Pharmacy",
	"Evergreen Landscaping", "Falcon Ridge Vineyards", "Foxglove Florists", "Golden Gate Movers",
	"Highland Brewing", "Ironwood Fitness", "Juniper Health Partners", "Keystone Plumbing",
	"Lighthouse Realty", "Magnolia Event Hall", "Meadowbrook Montessori", "Nightingale Home Care",
	"Oakmont Auto Repair", "Pacific Crest Physio", "Quarry Stone Works", "Riverbend Storage",
	"Sagebrush Outfitters", "Silverline Printing", "Starling Software", "Sycamore Law Group",
	"Thistle & Thyme Catering", "Trailhead Bikes", "Union Square Optometry", "Valley Forge Metals",
	"Willow Creek Kennels", "Yellowstone Tours", "Zephyr Wind Energy", "Hawthorne Senior Living",
}

// tasks are the firm's Harvest tasks with their engagement-letter rates
// (USD) and QBO items.
var tasks = []struct {
	Name string
	Rate string
	Item string
}{
	{"Tax Prep", "225.00", "Tax Preparation"},
	{"Bookkeeping", "95.00", "Bookkeeping"},
	{"Advisory", "250.00", "Advisory"},
	{"Payroll", "120.00", "Payroll Services"},
	{"Audit Support", "195.00", "Professional Services"},
}

// seasonal are the associates of the late and the unapproved entry.
var seasonal = []struct {
	ID          int64
	First, Last string
}{{7100, "Theo", "Grant"}, {7101, "Nina", "Park"}}

var staff = []struct{ First, Last string }{
	{"Avery", "Hartwell"}, {"Jordan", "Moss"}, {"Lena", "Chen"}, {"Tobi", "Okafor"}, {"Marco", "Reyes"},
	{"Sam", "Patel"}, {"Grace", "Kim"}, {"Noah", "Fischer"}, {"Ivy", "Larsen"}, {"Omar", "Haddad"},
	{"Ruth", "Alvarez"}, {"Ben", "Sato"}, {"Chloe", "Dubois"}, {"Eli", "Novak"}, {"Maya", "Brennan"},
}

// Firm is the generated demo firm: its configuration file, its Harvest
// account and its QuickBooks company.
type Firm struct {
	ConfigYAML []byte
	// Source is where the firm keeps its time (OnSource); empty: Harvest.
	Source config.TimeSource
	// Ledger is where the firm keeps its books (OnLedger); empty: QuickBooks.
	Ledger    config.Ledger
	Harvest   harvestsandbox.GeneratedFirm
	Customers []qbosandbox.Customer
	Items     []qbosandbox.Item
	// LateEntryID is the Harvest entry approved after its cycle closed;
	// UnapprovedEntryID the one left unapproved.
	LateEntryID       int64
	UnapprovedEntryID int64
	// Month is the billed cycle.
	Month billing.Period
}

func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func yamlQuote(s string) string { return "\"" + strings.ReplaceAll(s, "\"", "\\\"") + "\"" }

// NewFirm generates the demo firm for the cycle month, reproducibly.
func NewFirm(month billing.Period, seed uint64) Firm {
	rng := rand.New(rand.NewPCG(seed, 2026))
	f := Firm{Month: month}
	var cfg strings.Builder
	fmt.Fprintf(&cfg, `firm:
  name: Hartwell & Moss CPAs
  timezone: America/New_York
  home_currency: USD
  go_live: 2026-10-01
  billing_channel: %s
  billing_manager: %s
  approvers: [%s, %s]
  default_item: Professional Services
  unapproved_alert_days: 7
  reminder_days: [25]
  escalation_days: [35]
clients:
`, BillingChannel, BillingManager, PartnerHartwell, PartnerMoss)
	h := &f.Harvest
	h.Company = harvestsandbox.Company{Name: "Hartwell & Moss CPAs", ApprovalFeature: true, WeekStartDay: "Monday"}
	created := month.Start.AddDays(-200).Time(time.UTC)
	for i, t := range tasks {
		h.Tasks = append(h.Tasks, harvestsandbox.Task{ID: int64(9000 + i), Name: t.Name})
	}
	for i, s := range staff {
		h.Users = append(h.Users, harvestsandbox.User{ID: int64(7000 + i), FirstName: s.First, LastName: s.Last, Rate: money.MustParse("195.00", "USD")})
	}
	// Two seasonal associates log the entry approved late and the one left
	// unapproved; nothing else of theirs is in the cycle, so every time
	// source's approvals — Harvest's per entry, Toggl's per timesheet,
	// QuickBooks Time's per person up to a day — say the same of them.
	for _, s := range seasonal {
		h.Users = append(h.Users, harvestsandbox.User{ID: s.ID, FirstName: s.First, LastName: s.Last, Rate: money.MustParse("195.00", "USD")})
	}
	for _, it := range []string{"Tax Preparation", "Bookkeeping", "Advisory", "Payroll Services", "Professional Services", "Retainer", "Fixed Fee"} {
		f.Items = append(f.Items, qbosandbox.Item{Name: it})
	}
	var engs strings.Builder
	managers := []string{ManagerChen, ManagerOkafor, ManagerReyes}
	for i, name := range clientNames {
		cid, pid := int64(5000+i), int64(14000+i)
		cur := money.Currency("USD")
		if name == CADClient {
			cur = "CAD"
		}
		email := "ap@" + slug(name) + ".example"
		fmt.Fprintf(&cfg, "  - name: %s\n    harvest_client_id: %d\n    currency: %s\n    email: %s\n", yamlQuote(name), cid, cur, email)
		h.Clients = append(h.Clients, harvestsandbox.Client{ID: cid, Name: name, Currency: cur, IsActive: true, CreatedAt: created, UpdatedAt: created})
		if name != MissingInQBO {
			c := qbosandbox.Customer{DisplayName: name, CompanyName: name, Email: email}
			if cur != "USD" {
				c.Currency = string(cur)
			}
			f.Customers = append(f.Customers, c)
		}
		kind := billing.Hourly
		switch name {
		case FixedFeeClient:
			kind = billing.FixedFee
		case MixedClient:
			kind = billing.Mixed
		case RetainerClient:
			kind = billing.Retainer
		}
		partner := PartnerHartwell
		if i%2 == 1 {
			partner = PartnerMoss
		}
		fmt.Fprintf(&engs, "  - key: %s-2026\n    client: %s\n    harvest_project_id: %d\n    kind: %s\n    starts_on: 2026-01-01\n    ends_on: 2026-12-31\n    partner: %s\n    manager: %s\n    cycle: monthly\n    terms_days: 30\n",
			slug(name), yamlQuote(name), pid, kind, partner, managers[i%3])
		if cur == "CAD" {
			fmt.Fprint(&engs, "    rates: { \"*\": \"260.00\", \"Tax Prep\": \"295.00\", Bookkeeping: \"125.00\" }\n")
		} else if kind != billing.FixedFee {
			engs.WriteString("    rates: { \"*\": \"195.00\"")
			for _, t := range tasks {
				engs.WriteString(", " + yamlQuote(t.Name) + ": " + yamlQuote(t.Rate))
			}
			engs.WriteString(" }\n")
		}
		engs.WriteString("    task_items: {")
		for j, t := range tasks {
			if j > 0 {
				engs.WriteString(",")
			}
			engs.WriteString(" " + yamlQuote(t.Name) + ": " + yamlQuote(t.Item))
		}
		engs.WriteString(" }\n")
		switch kind {
		case billing.FixedFee:
			engs.WriteString("    fixed_fee: \"4500.00\"\n")
		case billing.Mixed:
			engs.WriteString("    fixed_fee: \"1200.00\"\n")
		case billing.Retainer:
			engs.WriteString("    retainer: { hours: \"40\", amount: \"7800.00\" }\n")
		}
		if name == DiscountClient {
			engs.WriteString("    discount_percent: \"10\"\n")
		}
		h.Projects = append(h.Projects, harvestsandbox.Project{
			ID: pid, ClientID: cid, Name: name + " — 2026 services", Code: fmt.Sprintf("P%03d", i+1), IsActive: true,
			IsBillable: true, IsFixedFee: kind == billing.FixedFee, BillBy: "Tasks",
			StartsOn: billing.MustDate("2026-01-01"), EndsOn: billing.MustDate("2026-12-31"), CreatedAt: created, UpdatedAt: created,
		})
		f.addEntries(rng, cid, pid, name, cur)
	}
	// An orphaned project: billable time on work no engagement letter covers.
	orphanPID := int64(14999)
	h.Projects = append(h.Projects, harvestsandbox.Project{ID: orphanPID, ClientID: 5000 + int64(indexOf(OrphanClient)), Name: OrphanClient + " — Estate planning", Code: "P999", IsActive: true, IsBillable: true, BillBy: "Tasks", CreatedAt: created, UpdatedAt: created})
	f.entry(rng, 5000+int64(indexOf(OrphanClient)), orphanPID, 9002, 7001, month.Start.AddDays(20), money.MustHours("2.5"), money.MustParse("250.00", "USD"), "Estate planning call with the family", true)
	cfg.WriteString("engagements:\n")
	cfg.WriteString(engs.String())
	f.ConfigYAML = []byte(cfg.String())
	return f
}

func indexOf(name string) int {
	for i, n := range clientNames {
		if n == name {
			return i
		}
	}
	return -1
}

// addEntries makes a client's month of time: about 13 hours on average
// (48 clients, ~620 hours), approved in two-week batches.
func (f *Firm) addEntries(rng *rand.Rand, cid, pid int64, client string, cur money.Currency) {
	target := 7 + rng.IntN(10) // hours
	if client == RetainerClient {
		target = 34 // 85 % of the 40-hour block: crosses 80 %
	}
	if client == FixedFeeClient {
		target = 22
	}
	var total money.Hours
	for total < money.Hours(target)*money.HoursScale {
		day := f.Month.Start.AddDays(rng.IntN(f.Month.Start.DaysUntil(f.Month.End) + 1))
		if wd := day.Time(time.UTC).Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		hours := money.Hours((1 + rng.IntN(8)) * 2500) // 0.25 to 2.0 in quarter hours
		ti := rng.IntN(len(tasks))
		if cur == "CAD" {
			ti = rng.IntN(2) // Tax Prep, Bookkeeping
		}
		rate := f.letterRate(client, cur, ti)
		f.entry(rng, cid, pid, int64(9000+ti), int64(7000+rng.IntN(len(staff))), day, hours, rate, notesFor(tasks[ti].Name, rng), true)
		total += hours
	}
	switch client {
	case UnapprovedClient:
		f.UnapprovedEntryID = f.entry(rng, cid, pid, 9001, seasonal[1].ID, f.Month.End.AddDays(-8), money.MustHours("1.5"), f.letterRate(client, cur, 1), "Reconcile September bank feeds", false)
	case LateClient:
		f.LateEntryID = f.entry(rng, cid, pid, 9000, seasonal[0].ID, f.Month.End.AddDays(-1), money.MustHours("2.25"), f.letterRate(client, cur, 0), "Amended return review", false)
	}
}

func (f *Firm) letterRate(client string, cur money.Currency, ti int) money.Amount {
	if cur == "CAD" {
		return money.MustParse([]string{"295.00", "125.00"}[ti], cur)
	}
	if client == RateMismatch && tasks[ti].Name == "Audit Support" {
		return money.MustParse("175.00", cur) // last year's rate, still in Harvest
	}
	return money.MustParse(tasks[ti].Rate, cur)
}

func notesFor(task string, rng *rand.Rand) string {
	notes := map[string][]string{
		"Tax Prep":      {"Q3 estimated payments", "1120-S workpapers", "State nexus review", "Depreciation schedule"},
		"Bookkeeping":   {"Month-end close", "Bank reconciliation", "AP clean-up", "Payroll journal entries"},
		"Advisory":      {"Cash-flow forecast", "Entity structure call", "Budget review with owner", "KPI dashboard"},
		"Payroll":       {"Payroll run", "Quarterly 941 filing", "New hire onboarding", "Benefits reconciliation"},
		"Audit Support": {"PBC list follow-up", "Inventory count observation", "Confirmations", "Audit adjustments"},
	}[task]
	return notes[rng.IntN(len(notes))]
}

// entry adds one Harvest entry and returns its id. Approved entries are
// approved at the end of their two-week batch.
func (f *Firm) entry(rng *rand.Rand, cid, pid, taskID, userID int64, day billing.Date, hours money.Hours, rate money.Amount, notes string, approved bool) int64 {
	id := int64(300000 + len(f.Harvest.Entries))
	created := day.Time(time.UTC).Add(time.Duration(17+rng.IntN(3)) * time.Hour)
	updated := created
	if approved {
		batchEnd := f.Month.Start.AddDays(17)
		if day.After(batchEnd) {
			batchEnd = f.Month.End
		}
		updated = batchEnd.Time(time.UTC).Add(20 * time.Hour)
	}
	f.Harvest.Entries = append(f.Harvest.Entries, harvestsandbox.Entry{
		ID: id, SpentDate: day, UserID: userID, ClientID: cid, ProjectID: pid, TaskID: taskID,
		Hours: hours, RoundedHours: hours, Notes: notes, IsClosed: approved, Billable: true,
		BillableRate: rate, CreatedAt: created, UpdatedAt: updated,
	})
	return id
}
