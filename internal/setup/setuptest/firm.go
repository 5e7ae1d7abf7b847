// Package setuptest builds firms for setup's tests and benchmark: the same
// firm seeded into the Harvest, QBO and Slack sandboxes.
package setuptest

import (
	"fmt"
	"time"

	"billbot/internal/billing"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/money"
	"billbot/internal/qbo/qbosandbox"
	"billbot/internal/slacksandbox"
)

// Firm is a firm across the three vendors.
type Firm struct {
	Harvest    harvestsandbox.GeneratedFirm
	Customers  []qbosandbox.Customer
	Items      []string
	Terms      []qbosandbox.Term
	SlackUsers []slacksandbox.User
}

// Seed loads f into the sandboxes. QBO ids are assigned in seeding order:
// terms first, then items, then customers.
func (f Firm) Seed(h *harvestsandbox.Server, q *qbosandbox.Server, s *slacksandbox.Server) {
	h.Seed(f.Harvest)
	for _, t := range f.Terms {
		q.SeedTerm(t)
	}
	for _, it := range f.Items {
		q.SeedItem(qbosandbox.Item{Name: it})
	}
	for _, c := range f.Customers {
		q.SeedCustomer(c)
	}
	for _, u := range f.SlackUsers {
		s.AddUser(u)
	}
}

var created = time.Date(2025, 11, 1, 9, 0, 0, 0, time.UTC)

func usd(s string) money.Amount { return money.MustParse(s, "USD") }

// Small is a four-client firm: names that differ from QBO's only in
// normalisable ways, a by-person project, a fixed-fee project and a client
// QBO does not have.
func Small() Firm {
	d := billing.MustDate
	f := Firm{
		Items: []string{"Services", "Tax Prep.", "bookkeeping"},
		Terms: []qbosandbox.Term{{Name: "Net 30", DueDays: 30}, {Name: "Net 15", DueDays: 15}},
		Customers: []qbosandbox.Customer{
			{DisplayName: "Acme Corp", Email: "ap@acme.example", TermID: "1"},
			{DisplayName: "Smith & Jones, LLC", Email: "billing@smithjones.example"},
			{DisplayName: "Brown Holdings", Currency: "CAD", Email: "ap@brown.example"},
		},
		SlackUsers: []slacksandbox.User{
			{ID: "U0DANA", Name: "dana", RealName: "Dana Reed", Email: "dana@alderbirch.example"},
			{ID: "U0ELI", Name: "eli", RealName: "Eli Stone", Email: "eli@alderbirch.example"},
		},
	}
	h := &f.Harvest
	h.Company = harvestsandbox.Company{Name: "Alder & Birch CPAs", ApprovalFeature: true, WeekStartDay: "Monday"}
	h.Tasks = []harvestsandbox.Task{{ID: 9001, Name: "Tax Prep"}, {ID: 9002, Name: "Bookkeeping"}}
	h.Users = []harvestsandbox.User{
		{ID: 7001, FirstName: "Dana", LastName: "Reed", Email: "dana@alderbirch.example", Roles: []string{"administrator"}, Rate: usd("250.00")},
		{ID: 7002, FirstName: "Eli", LastName: "Stone", Email: "eli@alderbirch.example", Roles: []string{"manager"}, Rate: usd("180.00")},
		{ID: 7003, FirstName: "Fay", LastName: "Ng", Email: "fay@alderbirch.example", Rate: usd("120.00")},
	}
	client := func(id int64, name, cur string) {
		h.Clients = append(h.Clients, harvestsandbox.Client{ID: id, Name: name, Currency: money.Currency(cur), IsActive: true, CreatedAt: created, UpdatedAt: created})
	}
	client(5001, "Acme Corp", "USD")
	client(5002, "Smith and Jones", "USD")
	client(5003, "brown holdings ltd", "CAD")
	client(5004, "Nobody Ventures", "USD")
	project := func(p harvestsandbox.Project, pm int64, people ...int64) {
		p.IsActive, p.IsBillable, p.CreatedAt, p.UpdatedAt = true, true, created, created
		h.Projects = append(h.Projects, p)
		for _, t := range h.Tasks {
			rate := usd("0")
			if p.BillBy == "Tasks" {
				rate = map[int64]money.Amount{9001: usd("225.00"), 9002: usd("95.00")}[t.ID]
			}
			h.TaskAssignments = append(h.TaskAssignments, harvestsandbox.TaskAssignment{ID: p.ID*10 + t.ID%10, ProjectID: p.ID, TaskID: t.ID, Billable: true, IsActive: true, HourlyRate: rate, CreatedAt: created, UpdatedAt: created})
		}
		for _, u := range append([]int64{pm}, people...) {
			if u == 0 {
				continue
			}
			rate := map[int64]money.Amount{7001: usd("250.00"), 7002: usd("180.00"), 7003: usd("120.00")}[u]
			h.UserAssignments = append(h.UserAssignments, harvestsandbox.UserAssignment{ID: p.ID*10 + u%10, ProjectID: p.ID, UserID: u, IsProjectManager: u == pm, IsActive: true, HourlyRate: rate, CreatedAt: created, UpdatedAt: created})
		}
	}
	project(harvestsandbox.Project{ID: 14001, ClientID: 5001, Name: "Tax 2026", Code: "ACME-TAX", BillBy: "Project", HourlyRate: usd("195.00"), StartsOn: d("2026-01-01")}, 7001)
	project(harvestsandbox.Project{ID: 14002, ClientID: 5002, Name: "Monthly books", BillBy: "Tasks", StartsOn: d("2026-01-01")}, 7002, 7003)
	project(harvestsandbox.Project{ID: 14003, ClientID: 5003, Name: "Advisory", BillBy: "People", StartsOn: d("2026-02-01")}, 0, 7001, 7002, 7003)
	project(harvestsandbox.Project{ID: 14004, ClientID: 5003, Name: "Audit FY26", BillBy: "none", IsFixedFee: true, Fee: money.MustParse("12000.00", "CAD"), StartsOn: d("2026-01-01"), EndsOn: d("2026-12-31")}, 7001)
	project(harvestsandbox.Project{ID: 14005, ClientID: 5004, Name: "Setup", BillBy: "Project", HourlyRate: usd("150.00"), StartsOn: d("2026-03-01")}, 7003)
	return f
}

// Large is a firm of clients clients with two projects each, users
// people, names that QBO spells differently for every third client, and
// a QBO customer missing for every tenth.
func Large(clients, users int) Firm {
	f := Firm{Items: []string{"Services", "Tax Preparation", "Bookkeeping"}, Terms: []qbosandbox.Term{{Name: "Net 30", DueDays: 30}}}
	h := &f.Harvest
	h.Company = harvestsandbox.Company{Name: "Large Firm LLP", ApprovalFeature: true, WeekStartDay: "Monday"}
	h.Tasks = []harvestsandbox.Task{{ID: 1, Name: "Tax Preparation"}, {ID: 2, Name: "Bookkeeping"}}
	for u := range users {
		id := int64(100000 + u)
		email := fmt.Sprintf("person%d@large.example", u)
		roles := []string{"member"}
		if u < 3 {
			roles = []string{"administrator"}
		}
		h.Users = append(h.Users, harvestsandbox.User{ID: id, FirstName: "Person", LastName: fmt.Sprint(u), Email: email, Roles: roles, Rate: usd("150.00")})
		if u%5 != 4 {
			f.SlackUsers = append(f.SlackUsers, slacksandbox.User{ID: fmt.Sprintf("U%07d", u), Name: fmt.Sprint("person", u), Email: email})
		}
	}
	billBy := []string{"Project", "Tasks", "People"}
	for c := range clients {
		cid := int64(1_000_000 + c)
		name := fmt.Sprintf("Client %04d Holdings", c)
		h.Clients = append(h.Clients, harvestsandbox.Client{ID: cid, Name: name, Currency: "USD", IsActive: true, CreatedAt: created, UpdatedAt: created})
		switch {
		case c%10 == 9:
		case c%3 == 1:
			f.Customers = append(f.Customers, qbosandbox.Customer{DisplayName: fmt.Sprintf("CLIENT %04d HOLDINGS, INC.", c), Email: "ap@example.com"})
		default:
			f.Customers = append(f.Customers, qbosandbox.Customer{DisplayName: name, Email: "ap@example.com"})
		}
		for k := range 2 {
			pid := int64(2_000_000 + 2*c + k)
			p := harvestsandbox.Project{ID: pid, ClientID: cid, Name: fmt.Sprintf("Engagement %d", k), IsActive: true, IsBillable: true,
				BillBy: billBy[(c+k)%3], HourlyRate: usd("175.00"), StartsOn: billing.MustDate("2026-01-01"), CreatedAt: created, UpdatedAt: created}
			if c%7 == 3 && k == 1 {
				p.IsFixedFee, p.Fee, p.EndsOn = true, usd("6000.00"), billing.MustDate("2026-06-30")
			}
			h.Projects = append(h.Projects, p)
			for _, t := range h.Tasks {
				h.TaskAssignments = append(h.TaskAssignments, harvestsandbox.TaskAssignment{ID: pid*10 + t.ID, ProjectID: pid, TaskID: t.ID, Billable: true, IsActive: true, HourlyRate: usd("160.00"), CreatedAt: created, UpdatedAt: created})
			}
			for j := range 3 {
				u := h.Users[(c+j)%users]
				h.UserAssignments = append(h.UserAssignments, harvestsandbox.UserAssignment{ID: pid*10 + int64(j), ProjectID: pid, UserID: u.ID, IsProjectManager: j == 0, IsActive: true, HourlyRate: usd("150.00"), CreatedAt: created, UpdatedAt: created})
			}
		}
	}
	return f
}
