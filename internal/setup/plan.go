package setup

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/money"
)

// Entry is one client or engagement of the plan: its YAML, the Harvest id
// it was made from, and the decisions a person must make about it.
type Entry struct {
	HarvestID int64
	ClientID  int64  // for an engagement: its Harvest client
	Label     string // "client Acme Corp", "engagement acme-tax (project 14308069)"
	Node      *yaml.Node
	Decisions []string
}

// Plan is the configuration setup proposes, before it is merged with an
// existing file and written.
type Plan struct {
	// Source is the time source the plan was read from; empty: Harvest.
	Source config.TimeSource
	// Ledger is the ledger it was read from; empty: QuickBooks.
	Ledger        config.Ledger
	Firm          *yaml.Node
	FirmDecisions []string
	Clients       []Entry
	Engagements   []Entry
	// Pending are engagements setup cannot complete (no partner, no rate,
	// no fee): written commented out, with what is missing.
	Pending []Entry
	// Notes are things left out on purpose (archived or non-billable
	// projects), listed so a person can check.
	Notes []string
}

// Decisions counts every decision in the plan.
func (p *Plan) Decisions() int {
	n := len(p.FirmDecisions)
	for _, es := range [][]Entry{p.Clients, p.Engagements, p.Pending} {
		for _, e := range es {
			n += len(e.Decisions)
		}
	}
	return n
}

// planner holds the indexes Build shares between its steps.
type planner struct {
	in        Input
	src       string // the time source's name, for the decisions' text
	books     string // the ledger's short name: QBO or Xero
	booksName string // the ledger's name: QuickBooks or Xero
	home      money.Currency
	customers *Index
	items     *Index
	users     map[int64]User
	termDays  map[string]int // QBO term id → due days
	defTerm   int            // firm default terms_days
	defTermBy string
	fallback  string // Slack id of the firm's billing manager guess
	clientOf  map[int64]string
	keys      map[string]bool
}

// Build proposes a firm configuration from in. It is pure: the same input
// gives the same plan.
func Build(in Input) *Plan {
	pl := &planner{in: in, src: in.Source.Label(), books: shortLedger(in.Ledger), booksName: in.Ledger.Label(), users: map[int64]User{}, termDays: map[string]int{}, clientOf: map[int64]string{}, keys: map[string]bool{}}
	pl.home = money.Currency(cmp.Or(in.HomeCurrency, "USD"))
	names := make([]string, len(in.Customers))
	for i, c := range in.Customers {
		names[i] = c.Name
	}
	pl.customers = NewIndex(names)
	items := make([]string, len(in.Items))
	for i, it := range in.Items {
		items[i] = it.Name
	}
	pl.items = NewIndex(items)
	for _, u := range in.Users {
		pl.users[u.ID] = u
	}
	if !in.SlackRead {
		// Without Slack, people are written as their emails, which config
		// import resolves with users.lookupByEmail.
		pl.in.Slack = map[string]string{}
		for _, u := range in.Users {
			if strings.Contains(u.Email, "@") {
				pl.in.Slack[strings.ToLower(u.Email)] = u.Email
			}
		}
	}
	for _, t := range in.Terms {
		pl.termDays[t.ID] = t.DueDays
	}
	pl.defTerm, pl.defTermBy = pl.defaultTerms()

	p := &Plan{Source: in.Source, Ledger: in.Ledger}
	p.Firm, p.FirmDecisions = pl.firm()
	if !in.SlackRead {
		p.FirmDecisions = append(p.FirmDecisions, "Slack was not read (no SLACK_BOT_TOKEN): partners, managers, approvers and staff are written as their emails in "+pl.src+", which config import looks up in Slack; check each")
	}
	if !in.BooksRead {
		p.FirmDecisions = append(p.FirmDecisions, pl.booksName+" was not read (not connected): no client has a "+in.Ledger.CustomerKey()+" or email and no task an item; connect "+pl.booksName+" and run setup again with --out this file")
	}
	projects := map[int64][]Project{}
	for _, pr := range in.Projects {
		projects[pr.ClientID] = append(projects[pr.ClientID], pr)
	}
	clients := slices.Clone(in.Clients)
	slices.SortStableFunc(clients, func(a, b Client) int { return cmp.Compare(a.ID, b.ID) })
	folded := map[string]bool{}
	for _, c := range clients {
		prs := projects[c.ID]
		if !c.Active || !slices.ContainsFunc(prs, func(pr Project) bool { return pr.Active }) {
			p.Notes = append(p.Notes, fmt.Sprintf("client %q (%s %d) left out: archived or no active project", c.Name, pl.src, c.ID))
			continue
		}
		name := strings.TrimSpace(c.Name)
		if folded[strings.ToLower(name)] {
			name = fmt.Sprintf("%s (%s %d)", name, pl.src, c.ID)
		}
		folded[strings.ToLower(name)] = true
		entry, cust := pl.client(c, name)
		p.Clients = append(p.Clients, entry)
		slices.SortStableFunc(prs, func(a, b Project) int { return cmp.Compare(a.ID, b.ID) })
		for _, pr := range prs {
			pl.engagement(p, pr, name, cust)
		}
	}
	return p
}

// defaultTerms picks the firm's usual payment terms: the active QBO term
// most customers use, else "Net 30", else 30 days.
func (pl *planner) defaultTerms() (int, string) {
	count := map[string]int{}
	for _, c := range pl.in.Customers {
		if c.TermID != "" {
			count[c.TermID]++
		}
	}
	best := ""
	for _, t := range pl.in.Terms {
		if t.Active && count[t.ID] > count[best] {
			best = t.ID
		}
	}
	for _, t := range pl.in.Terms {
		if t.ID == best {
			return t.DueDays, pl.books + " term " + t.Name + ", the one most customers have"
		}
	}
	for _, t := range pl.in.Terms {
		if t.Active && Normalise(t.Name) == "net 30" {
			return t.DueDays, pl.books + " term " + t.Name
		}
	}
	return 30, "no " + pl.books + " term found"
}

func (pl *planner) slackOf(userID int64) (string, User, bool) {
	u, ok := pl.users[userID]
	if !ok || u.Email == "" {
		return "", u, false
	}
	id, ok := pl.in.Slack[strings.ToLower(u.Email)]
	return id, u, ok
}

// client builds one client and returns the QBO customer it matched, if any.
func (pl *planner) client(c Client, name string) (Entry, *Customer) {
	m := mapping()
	e := Entry{HarvestID: c.ID, Label: fmt.Sprintf("client %s (%s %d)", name, pl.src, c.ID), Node: m}
	put(m, "name", str(name))
	put(m, pl.in.Source.ClientKey(), integer(c.ID))
	r := pl.customers.Find(c.Name)
	if !pl.in.BooksRead {
		r = Found{Index: -1, Confidence: Ambiguous} // unknown, not unmatched
	}
	var cust *Customer
	switch {
	case !pl.in.BooksRead:
		e.Decisions = append(e.Decisions, pl.books+" customer unknown: "+pl.booksName+" was not read")
	default:
		switch r.Confidence {
		case Exact:
			cust = &pl.in.Customers[r.Index]
		case Normalised:
			cust = &pl.in.Customers[r.Index]
			e.Decisions = append(e.Decisions, fmt.Sprintf("%s customer %q (id %s) matched by normalised name; confirm it is the same customer", pl.books, cust.Name, cust.ID))
		case Ambiguous:
			var cs []string
			for _, i := range r.Candidates {
				cs = append(cs, fmt.Sprintf("%q (id %s)", pl.in.Customers[i].Name, pl.in.Customers[i].ID))
			}
			e.Decisions = append(e.Decisions, "several "+pl.books+" customers fit: "+strings.Join(cs, ", ")+"; set "+pl.in.Ledger.CustomerKey()+" to the right one")
		default:
			e.Decisions = append(e.Decisions, "no "+pl.books+" customer matches this name; create the customer in "+pl.booksName+" or set "+pl.in.Ledger.CustomerKey()+", then remove mode: off")
		}
	}
	cur := money.Currency(cmp.Or(c.Currency, string(pl.home)))
	if cust != nil {
		if !cust.Active {
			e.Decisions = append(e.Decisions, fmt.Sprintf("%s customer %q is inactive; reactivate it or pick another", pl.books, cust.Name))
		}
		id := quoted(cust.ID)
		id.LineComment = fmt.Sprintf("%s match: %s %q", r.Confidence, pl.books, cust.Name)
		put(m, pl.in.Ledger.CustomerKey(), id)
		if cust.Currency != "" && cust.Currency != string(cur) {
			e.Decisions = append(e.Decisions, fmt.Sprintf("currency: %s says %s, %s customer says %s; %s's is written (invoices are in the customer's currency)", pl.src, cur, pl.books, cust.Currency, pl.books))
			cur = money.Currency(cust.Currency)
		}
	}
	put(m, "currency", str(string(cur)))
	switch {
	case cust != nil && cust.Email != "":
		put(m, "email", str(cust.Email))
	case cust != nil:
		e.Decisions = append(e.Decisions, "email: the "+pl.books+" customer has no email; invoices cannot be emailed until one is set")
	}
	if r.Confidence == NoMatch {
		put(m, "mode", str(string(billing.ModeOff)))
	}
	pl.clientOf[c.ID] = name
	return e, cust
}

// shortLedger is the ledger's short name in the decisions: QBO, as they
// have always said, or Xero.
func shortLedger(l config.Ledger) string {
	if l.Effective() == config.LedgerQuickBooks {
		return "QBO"
	}
	return l.Label()
}
