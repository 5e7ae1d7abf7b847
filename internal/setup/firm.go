package setup

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"billbot/internal/billing"
	"billbot/internal/config"
)

// firm builds the firm block: name, zone, currency, approvers from the
// Harvest administrators found in Slack, and the default QBO item.
func (pl *planner) firm() (*yaml.Node, []string) {
	m := mapping()
	var ds []string
	name := strings.TrimSpace(pl.in.FirmName)
	if name == "" {
		name = "My Firm"
		ds = append(ds, "firm.name: "+pl.src+" gave no company name; write the firm's name")
	}
	put(m, "name", str(name))
	put(m, "timezone", str("UTC"))
	ds = append(ds, "firm.timezone: UTC is a placeholder; set the firm's IANA zone (America/New_York, Europe/London, …): cycles close and jobs run in it")
	put(m, "home_currency", str(string(pl.home)))
	if !pl.in.GoLive.IsZero() {
		put(m, "go_live", str(pl.in.GoLive.String()))
		ds = append(ds, fmt.Sprintf("firm.go_live %s leaves out %s hours of unbilled billable time in %d %s entries before it: bill those the old way, or move go_live earlier", pl.in.GoLive, pl.in.History.Hours, pl.in.History.Entries, pl.src))
	} else {
		ds = append(ds, "firm.go_live: not set; every unbilled hour in "+pl.src+" would be drafted. Set the cut-over day (time before it is never billed), then run setup again to see how many hours it leaves out")
	}
	put(m, "mode", str(string(billing.ModeShadow)))
	if s := pl.in.Source.Effective(); s != config.SourceHarvest {
		put(m, "time_source", str(string(s)))
	}
	if l := pl.in.Ledger.Effective(); l != config.LedgerQuickBooks {
		put(m, "ledger", str(string(l)))
	}
	ds = append(ds, "firm.mode: shadow (draft and compare with the invoices the firm issues itself, write nothing to "+pl.booksName+"); set live once the drafts agree")
	var approvers []*yaml.Node
	users := slices.Clone(pl.in.Users)
	slices.SortFunc(users, func(a, b User) int { return cmp.Compare(a.ID, b.ID) })
	for _, u := range users {
		if !u.Active || !u.Admin {
			continue
		}
		if id, _, ok := pl.slackOf(u.ID); ok {
			if pl.fallback == "" {
				pl.fallback = id
			}
			approvers = append(approvers, str(id))
		} else {
			ds = append(ds, fmt.Sprintf("firm.approvers: %s administrator %s (%s) was not found in Slack by email", pl.src, u.Name, cmp.Or(u.Email, "no email")))
		}
	}
	if pl.fallback != "" {
		put(m, "billing_manager", str(pl.fallback))
		ds = append(ds, "firm.billing_manager: guessed as the first "+pl.src+" administrator found in Slack; approvers: every one of them; confirm both")
		put(m, "approvers", seq(true, approvers...))
	} else {
		ds = append(ds, "firm.billing_manager and firm.approvers: no "+pl.src+" administrator was found in Slack; add Slack user ids")
	}
	if item, how := pl.defaultItem(); item != "" {
		put(m, "default_item", str(item))
		ds = append(ds, "firm.default_item: "+how)
	} else {
		ds = append(ds, "firm.default_item: "+pl.books+" has no active service item; create one (e.g. Services) and name it here")
	}
	if staff, missing := pl.staff(); len(staff.Content) > 0 {
		put(m, "staff", staff)
		ds = append(ds, "firm.staff: every active "+pl.src+" user; levels are unknown: set level where engagements use level_rates; slack is the id found by email, else the email")
		for _, u := range missing {
			ds = append(ds, fmt.Sprintf("firm.staff: %s (%s) was not found in Slack by email; give their Slack id or leave slack out", u.Name, u.Email))
		}
	}
	ds = append(ds, "firm.ledger_write: when should drafts be written to "+pl.booksName+", at_draft (the default: as soon as drafted, so receivables hold every draft) or at_approval (only once a partner approves)?")
	return m, ds
}

// staff lists the active Harvest users with their Slack person, and the
// users Slack was asked about and did not know. Those are written without
// slack: config import would refuse an address no Slack member has.
func (pl *planner) staff() (*yaml.Node, []User) {
	var missing []User
	out := seq(false)
	users := slices.Clone(pl.in.Users)
	slices.SortFunc(users, func(a, b User) int { return cmp.Compare(a.ID, b.ID) })
	names := map[string]bool{}
	for _, u := range users {
		name := strings.TrimSpace(u.Name)
		if !u.Active || name == "" || names[strings.ToLower(name)] {
			continue
		}
		names[strings.ToLower(name)] = true
		m := mapping()
		put(m, pl.in.Source.UserKey(), integer(u.ID))
		put(m, "name", str(name))
		if id, _, ok := pl.slackOf(u.ID); ok {
			put(m, "slack", str(id))
		} else if strings.Contains(u.Email, "@") {
			missing = append(missing, u)
		}
		out.Content = append(out.Content, m)
	}
	return out, missing
}

// defaultItem picks the QBO item for tasks with no mapping: one named
// Services (or Professional Services), else the first active service item.
func (pl *planner) defaultItem() (string, string) {
	for _, want := range []string{"Services", "Professional Services", "Consulting"} {
		if r := pl.items.Find(want); r.Index >= 0 && pl.in.Items[r.Index].Active {
			return pl.in.Items[r.Index].Name, fmt.Sprintf("%s item %q (%s match for %q); confirm", pl.books, pl.in.Items[r.Index].Name, r.Confidence, want)
		}
	}
	for _, it := range pl.in.Items {
		if it.Active && (it.Type == "" || it.Type == "Service") {
			return it.Name, fmt.Sprintf("%s item %q, the first active service item; no item is named Services; confirm", pl.books, it.Name)
		}
	}
	return "", ""
}
