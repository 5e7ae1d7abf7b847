package setup

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// engagement adds one Harvest project to the plan as an engagement, a
// pending engagement, or a note.
func (pl *planner) engagement(p *Plan, pr Project, client string, cust *Customer) {
	label := fmt.Sprintf("project %q (%s %d) of %s", pr.Name, pl.src, pr.ID, client)
	switch {
	case !pr.Active:
		p.Notes = append(p.Notes, label+" left out: archived")
		return
	case !pr.Billable:
		p.Notes = append(p.Notes, label+" left out: not billable in "+pl.src)
		return
	case !pr.FixedFee && pr.BillBy == "none":
		p.Notes = append(p.Notes, label+" left out: "+pl.src+" bills it by nothing (bill_by none) and it is not fixed fee")
		return
	}
	cur := pl.home
	if cust != nil && cust.Currency != "" {
		cur = money.Currency(cust.Currency)
	} else if c := pl.clientCurrency(pr.ClientID); c != "" {
		cur = money.Currency(c)
	}
	m := mapping()
	e := Entry{HarvestID: pr.ID, ClientID: pr.ClientID, Node: m}
	key := pl.key(client, pr)
	e.Label = fmt.Sprintf("engagement %s (%s project %d, %q)", key, pl.src, pr.ID, pr.Name)
	put(m, "key", str(key))
	put(m, "client", str(client))
	put(m, pl.in.Source.ProjectKey(), integer(pr.ID))
	kindAt := len(m.Content)
	put(m, "kind", str(string(billing.Hourly)))
	start := pr.StartsOn
	if start.IsZero() {
		start = pr.CreatedOn
		e.Decisions = append(e.Decisions, "starts_on: "+pl.src+" has no start date; the project's creation day is written; set the engagement letter's start")
	}
	put(m, "starts_on", str(start.String()))
	if !pr.EndsOn.IsZero() {
		put(m, "ends_on", str(pr.EndsOn.String()))
	}
	ok := pl.people(m, &e, pr)
	put(m, "cycle", str(string(billing.Monthly)))
	e.Decisions = append(e.Decisions, "cycle: monthly is a guess (weekly, biweekly, semimonthly or monthly per the engagement letter)")
	days, by := pl.defTerm, pl.defTermBy
	if cust != nil && cust.TermID != "" {
		if d, found := pl.termDays[cust.TermID]; found {
			days, by = d, ""
		}
	}
	put(m, "terms_days", integer(int64(days)))
	if by != "" {
		e.Decisions = append(e.Decisions, fmt.Sprintf("terms_days: %d from the firm default (%s); the %s customer has no terms of its own", days, by, pl.books))
	}
	kind, terms := pl.terms(m, &e, pr, cur)
	m.Content[kindAt+1] = str(string(kind))
	ok = ok && terms
	pl.taskItems(m, &e, pr)
	if ok {
		p.Engagements = append(p.Engagements, e)
	} else {
		p.Pending = append(p.Pending, e)
	}
}

func (pl *planner) clientCurrency(id int64) string {
	for _, c := range pl.in.Clients {
		if c.ID == id {
			return c.Currency
		}
	}
	return ""
}

// key makes a unique engagement key from client and project names.
func (pl *planner) key(client string, pr Project) string {
	k := cmp.Or(slug(client, 24), "client") + "-" + cmp.Or(slug(cmp.Or(pr.Code, pr.Name), 32), "project")
	if pl.keys[k] {
		k = fmt.Sprintf("%s-%d", k, pr.ID)
	}
	pl.keys[k] = true
	return k
}

// people sets partner and manager from the project's managers found in
// Slack; false when no partner can be named.
func (pl *planner) people(m *yaml.Node, e *Entry, pr Project) bool {
	var found []string
	for _, ua := range pr.People {
		if !ua.Manager || !ua.Active {
			continue
		}
		id, u, ok := pl.slackOf(ua.UserID)
		if !ok {
			e.Decisions = append(e.Decisions, fmt.Sprintf("project manager %s (%s) was not found in Slack by email", ua.Name, cmp.Or(u.Email, "no email in "+pl.src)))
			continue
		}
		if !slices.Contains(found, id) {
			found = append(found, id)
		}
	}
	switch {
	case len(found) > 0:
		put(m, "partner", str(found[0]))
		e.Decisions = append(e.Decisions, "partner: guessed as the "+pl.src+" project manager; confirm who approves this engagement's invoices")
		if len(found) > 1 {
			put(m, "manager", str(found[1]))
		}
		return true
	case pl.fallback != "":
		put(m, "partner", str(pl.fallback))
		e.Decisions = append(e.Decisions, "partner unknown: no project manager was found in Slack; the billing manager is written as a placeholder")
		return true
	default:
		put(m, "partner", str(""))
		e.Decisions = append(e.Decisions, "partner unknown: set partner to the Slack user id who approves this engagement, then uncomment it")
		return false
	}
}

// terms writes kind, rates, fixed fee or retainer from how Harvest bills
// the project; false when something needed is missing.
func (pl *planner) terms(m *yaml.Node, e *Entry, pr Project, cur money.Currency) (billing.Kind, bool) {
	if pr.FixedFee {
		fee, ok := amount(pr.Fee, cur)
		if !ok || fee == 0 {
			e.Decisions = append(e.Decisions, "kind fixed_fee: "+pl.src+" has no fee for this fixed-fee project; set fixed_fee (per cycle), then uncomment it")
			put(m, "fixed_fee", quoted(""))
			return billing.FixedFee, false
		}
		if pr.StartsOn.IsZero() || pr.EndsOn.IsZero() {
			e.Decisions = append(e.Decisions, fmt.Sprintf("kind fixed_fee: %s's fee %s is for the whole project, which has no start or end; set fixed_fee to the amount billed each cycle, then uncomment it", pl.src, fee.Format(cur)))
			put(m, "fixed_fee", quoted(""))
			return billing.FixedFee, false
		}
		months := int64((pr.EndsOn.Year-pr.StartsOn.Year)*12 + int(pr.EndsOn.Month) - int(pr.StartsOn.Month) + 1)
		per := money.Amount((int64(fee) + months/2) / months)
		put(m, "fixed_fee", quoted(per.Format(cur)))
		e.Decisions = append(e.Decisions, fmt.Sprintf("kind fixed_fee: %s's fee %s over %d month(s) is written as %s a cycle; check against the engagement letter", pl.src, fee.Format(cur), months, per.Format(cur)))
		return billing.FixedFee, true
	}
	rates, ok := pl.rates(e, pr, cur)
	if pr.BillBy == "People" && ok {
		put(m, "person_rates", rates)
	} else {
		put(m, "rates", rates)
	}
	if hours, err := money.ParseHours(strings.TrimSpace(pr.Budget)); pr.BillBy == "Project" && pr.BudgetIsMonthly && pr.BudgetBy == "project" && err == nil && hours > 0 && ok {
		rate, _ := amount(get(rates, billing.DefaultRateKey).Value, cur)
		ret := flow()
		put(ret, "hours", quoted(hours.String()))
		put(ret, "amount", quoted(money.LineAmount(hours, rate).Format(cur)))
		put(m, "retainer", ret)
		e.Decisions = append(e.Decisions, "kind retainer: guessed from "+pl.src+"'s monthly hours budget; the block's price is hours × rate; check against the engagement letter, and set retainer.used_hours if the current block began before go_live")
		return billing.Retainer, true
	}
	e.Decisions = append(e.Decisions, "kind hourly: guessed from "+pl.src+" (bill_by "+pr.BillBy+"); say fixed_fee, retainer or mixed if the engagement letter does")
	return billing.Hourly, ok
}

// rates builds the rate card from Harvest's bill_by.
func (pl *planner) rates(e *Entry, pr Project, cur money.Currency) (*yaml.Node, bool) {
	r := flow()
	switch pr.BillBy {
	case "Project":
		a, ok := amount(pr.HourlyRate, cur)
		if !ok {
			return noRates(e, r, "rates missing: "+pl.src+" bills by project but has no project rate; set rates, then uncomment it")
		}
		put(r, billing.DefaultRateKey, quoted(a.Format(cur)))
		return r, true
	case "Tasks":
		var missing []string
		seen := map[string]bool{}
		for _, ta := range pr.Tasks {
			if !ta.Billable || !ta.Active || seen[ta.Task] {
				continue
			}
			seen[ta.Task] = true
			a, ok := amount(ta.HourlyRate, cur)
			if !ok {
				missing = append(missing, ta.Task)
				continue
			}
			put(r, ta.Task, quoted(a.Format(cur)))
		}
		if len(missing) > 0 {
			e.Decisions = append(e.Decisions, "rates missing for task(s) "+strings.Join(missing, ", ")+"; add them")
		}
		if len(r.Content) == 0 {
			return noRates(e, r, "rates missing: no billable task of this project has a rate in "+pl.src+"; set rates, then uncomment it")
		}
		return r, true
	default: // People
		return pl.personRates(e, pr, cur)
	}
}

// noRates notes decision, a rate card Harvest could not fill, on e and
// leaves r a single empty default rate for a person to fill in.
func noRates(e *Entry, r *yaml.Node, decision string) (*yaml.Node, bool) {
	e.Decisions = append(e.Decisions, decision)
	put(r, billing.DefaultRateKey, quoted(""))
	return r, false
}

// personRates handles a project Harvest bills by person: person_rates
// from the user assignments' hourly rates, keyed by name.
func (pl *planner) personRates(e *Entry, pr Project, cur money.Currency) (*yaml.Node, bool) {
	r := flow()
	var missing []string
	names := map[string]bool{}
	for _, ua := range pr.People {
		if !ua.Active {
			continue
		}
		rate := ua.HourlyRate
		if ua.UseDefaultRates {
			rate = pl.users[ua.UserID].Rate
		}
		a, ok := amount(rate, cur)
		if !ok {
			missing = append(missing, ua.Name)
			continue
		}
		key := ua.Name
		if names[strings.ToLower(key)] || strings.TrimSpace(key) == "" {
			key = fmt.Sprint(ua.UserID)
		}
		names[strings.ToLower(key)] = true
		put(r, key, quoted(a.Format(cur)))
	}
	if len(missing) > 0 {
		e.Decisions = append(e.Decisions, "person_rates missing for "+strings.Join(missing, ", ")+"; add them")
	}
	if len(r.Content) == 0 {
		return noRates(e, r, "rates missing: "+pl.src+" bills by person and no one on the project has a rate; set person_rates, then uncomment it")
	}
	e.Decisions = append(e.Decisions, "person_rates: "+pl.src+" bills this project by person; its rates are written; confirm them against the engagement letter")
	return r, true
}

// taskItems maps billable tasks to QBO items by name.
func (pl *planner) taskItems(m *yaml.Node, e *Entry, pr Project) {
	ti := flow()
	seen := map[string]bool{}
	if !pl.in.BooksRead {
		return
	}
	for _, ta := range pr.Tasks {
		if !ta.Billable || !ta.Active || seen[ta.Task] {
			continue
		}
		seen[ta.Task] = true
		r := pl.items.Find(ta.Task)
		switch r.Confidence {
		case Exact:
			put(ti, ta.Task, str(pl.in.Items[r.Index].Name))
		case Normalised:
			put(ti, ta.Task, str(pl.in.Items[r.Index].Name))
			e.Decisions = append(e.Decisions, fmt.Sprintf("task_items: task %q → %s item %q matched by normalised name; confirm", ta.Task, pl.books, pl.in.Items[r.Index].Name))
		case Ambiguous:
			var cs []string
			for _, i := range r.Candidates {
				cs = append(cs, fmt.Sprintf("%q", pl.in.Items[i].Name))
			}
			e.Decisions = append(e.Decisions, fmt.Sprintf("task_items: task %q fits several %s items (%s); pick one", ta.Task, pl.books, strings.Join(cs, ", ")))
		default:
			e.Decisions = append(e.Decisions, fmt.Sprintf("task_items: no %s item is named like task %q; it bills as the default item unless you map it", pl.books, ta.Task))
		}
	}
	if len(ti.Content) > 0 {
		put(m, "task_items", ti)
	}
}
