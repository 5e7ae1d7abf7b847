package setup

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"billbot/internal/billing"
	"billbot/internal/harvest"
	"billbot/internal/money"
)

// history counts the unbilled, billable, stopped time spent before goLive:
// what billbot will never bill once go_live is set.
func history(ctx context.Context, h Harvest, goLive billing.Date, out *History, calls *Calls) error {
	err := h.ListTimeEntries(ctx, harvest.TimeEntryListOptions{To: goLive.AddDays(-1)}, func(page []harvest.TimeEntry) error {
		calls.EntryPages++
		for _, e := range page {
			if !e.Billable || e.IsBilled || e.IsRunning {
				continue
			}
			hours, err := money.ParseHours(string(cmp.Or(e.RoundedHours, e.Hours)))
			if err != nil {
				return fmt.Errorf("time entry %d: hours %q: %w", e.ID, cmp.Or(e.RoundedHours, e.Hours), err)
			}
			out.Entries++
			out.Hours += hours
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("setup: count time before go_live: %w", err)
	}
	return nil
}

func gatherBooks(ctx context.Context, b Books, in *Input, calls *Calls) error {
	cs, err := b.QueryCustomers(ctx, "")
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	items, err := b.QueryItems(ctx, "")
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	terms, err := b.QueryTerms(ctx, "")
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	for _, c := range cs {
		x := Customer{ID: c.ID, Name: c.DisplayName, Company: c.CompanyName, Active: c.Active}
		if c.CurrencyRef != nil {
			x.Currency = c.CurrencyRef.Value
		}
		if c.PrimaryEmailAddr != nil {
			x.Email = c.PrimaryEmailAddr.Address
		}
		if c.SalesTermRef != nil {
			x.TermID = c.SalesTermRef.Value
		}
		in.Customers = append(in.Customers, x)
	}
	for _, it := range items {
		in.Items = append(in.Items, Item{ID: it.ID, Name: it.Name, Type: it.Type, Active: it.Active})
	}
	for _, t := range terms {
		in.Terms = append(in.Terms, Term{ID: t.ID, Name: t.Name, DueDays: t.DueDays, Active: t.Active})
	}
	return nil
}

// lookupAll resolves every active user with an email in Slack, one at a
// time (users.lookupByEmail is Tier 3; the Directory paces itself).
func lookupAll(ctx context.Context, d Directory, users []User, out map[string]string, calls *Calls) error {
	for _, u := range users {
		if !u.Active || u.Email == "" {
			continue
		}
		email := strings.ToLower(u.Email)
		if _, dup := out[email]; dup {
			continue
		}
		id, found, err := d.LookupEmail(ctx, u.Email)
		calls.SlackLookups++
		if err != nil {
			return fmt.Errorf("setup: look up %s in Slack: %w", u.Email, err)
		}
		if found {
			out[email] = id
		}
	}
	return nil
}

func convertClients(cs []harvest.Customer) []Client {
	out := make([]Client, len(cs))
	for i, c := range cs {
		out[i] = Client{ID: c.ID, Name: c.Name, Currency: c.Currency, Active: c.IsActive}
	}
	return out
}

func convertUsers(us []harvest.User) []User {
	out := make([]User, len(us))
	for i, u := range us {
		out[i] = User{ID: u.ID, Name: u.Name(), Email: u.Email, Active: u.IsActive, Admin: slices.Contains(u.AccessRoles, "administrator"), Rate: u.DefaultHourlyRate.String()}
	}
	return out
}

func convertProject(p harvest.Project) Project {
	return Project{
		ID: p.ID, ClientID: p.Client.ID, Name: p.Name, Code: p.Code,
		Active: p.IsActive, Billable: p.IsBillable, FixedFee: p.IsFixedFee, BillBy: p.BillBy,
		HourlyRate: p.HourlyRate.String(), Fee: p.Fee.String(), Budget: p.Budget.String(),
		BudgetBy: p.BudgetBy, BudgetIsMonthly: p.BudgetIsMonthly,
		StartsOn: p.StartsOn, EndsOn: p.EndsOn, CreatedOn: billing.DateOf(p.CreatedAt),
	}
}

// commonCurrency is the currency most active clients use.
func commonCurrency(cs []Client) string {
	n := map[string]int{}
	best := "USD"
	for _, c := range cs {
		if c.Active && c.Currency != "" {
			n[c.Currency]++
			if n[c.Currency] > n[best] {
				best = c.Currency
			}
		}
	}
	return best
}
