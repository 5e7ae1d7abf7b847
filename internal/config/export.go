package config

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// Export writes f as canonical firm configuration YAML in CONTRACT.md's
// shape and key order: defaults written out, empty optional fields left out,
// money, hours and percentages as quoted decimal strings ("195.00"). For any
// f returned by ParseFirm, ParseFirm(Export(f)) equals f.
func Export(f *Firm) ([]byte, error) {
	root := mapping(false)
	put(root, "firm", exportFirm(f))
	if len(f.Clients) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, c := range f.Clients {
			seq.Content = append(seq.Content, exportClient(f, c))
		}
		put(root, "clients", seq)
	}
	if len(f.Engagements) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range f.Engagements {
			cur := f.HomeCurrency
			if c, ok := f.Client(e.Client); ok {
				cur = c.Currency
			}
			seq.Content = append(seq.Content, exportEngagement(f, e, cur))
		}
		put(root, "engagements", seq)
	}
	root.HeadComment = "billbot firm configuration; load it with: billbot config import FILE"

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("export firm configuration: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("export firm configuration: %w", err)
	}
	return buf.Bytes(), nil
}

func exportFirm(f *Firm) *yaml.Node {
	m := mapping(false)
	put(m, "name", str(f.Name))
	tz := f.Timezone
	if tz == "" {
		tz = DefaultTimezone
	}
	put(m, "timezone", str(tz))
	home := f.HomeCurrency
	if home == "" {
		home = DefaultHomeCurrency
	}
	put(m, "home_currency", str(string(home)))
	if !f.GoLive.IsZero() {
		put(m, "go_live", date(f.GoLive))
	}
	put(m, "mode", str(string(f.Mode.Effective())))
	exportSources(m, f)
	putStr(m, "billing_channel", f.BillingChannel)
	putStr(m, "billing_manager", f.BillingManager)
	for _, l := range []struct {
		key string
		ids []string
	}{{"approvers", f.Approvers}, {"viewers", f.Viewers}} {
		if len(l.ids) > 0 {
			seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
			for _, a := range l.ids {
				seq.Content = append(seq.Content, str(a))
			}
			put(m, l.key, seq)
		}
	}
	putStr(m, "default_item", f.DefaultItem)
	put(m, "unapproved_alert_days", integer(int64(f.UnapprovedAlertDays)))
	exportNudges(m, f)
	exportLedgerWrite(m, f)
	// Always written, even empty: an absent list would mean the default.
	put(m, "reminder_days", days(f.ReminderDays))
	put(m, "escalation_days", days(f.EscalationDays))
	s := mapping(false)
	for _, kv := range [][2]string{{JobSync, f.Schedules.Sync}, {JobDraft, f.Schedules.Draft}, {JobCollections, f.Schedules.Collections}, {JobApprovals, f.Schedules.Approvals}} {
		if kv[1] != "" {
			put(s, kv[0], quoted(kv[1]))
		}
	}
	if len(s.Content) > 0 {
		put(m, "schedules", s)
	}
	if len(f.Staff) > 0 {
		put(m, "staff", exportStaff(f, f.Staff))
	}
	return m
}

// exportClient writes c; its mode only when it differs from the firm's.
func exportClient(f *Firm, c billing.Client) *yaml.Node {
	firmMode := f.Mode.Effective()
	m := mapping(false)
	put(m, "name", str(c.Name))
	if c.SourceClientID != 0 {
		put(m, f.TimeSource.ClientKey(), integer(c.SourceClientID))
	}
	if c.LedgerCustomerID != "" {
		put(m, f.Ledger.CustomerKey(), quoted(c.LedgerCustomerID))
	}
	putStr(m, "currency", string(c.Currency))
	putStr(m, "email", c.Email)
	if mode := c.Mode.Effective(); mode != firmMode {
		put(m, "mode", str(string(mode)))
	}
	return m
}

func exportEngagement(f *Firm, e billing.Engagement, cur money.Currency) *yaml.Node {
	m := mapping(false)
	put(m, "key", str(e.Key))
	put(m, "client", str(e.Client))
	put(m, f.TimeSource.ProjectKey(), integer(e.SourceProjectID))
	putStr(m, "kind", string(e.Kind))
	if !e.StartsOn.IsZero() {
		put(m, "starts_on", date(e.StartsOn))
	}
	if !e.EndsOn.IsZero() {
		put(m, "ends_on", date(e.EndsOn))
	}
	if !e.BillFrom.IsZero() {
		put(m, "bill_from", date(e.BillFrom))
	}
	putStr(m, "partner", e.Partner)
	putStr(m, "manager", e.Manager)
	putStr(m, "cycle", string(e.Cycle))
	put(m, "terms_days", integer(int64(e.TermsDays)))
	if len(e.Rates) > 0 {
		r := mapping(false)
		for _, task := range slices.Sorted(maps.Keys(e.Rates)) { // "*" sorts first
			put(r, task, quoted(e.Rates[task].Format(cur)))
		}
		put(m, "rates", r)
	}
	if len(e.PersonRates) > 0 {
		put(m, "person_rates", exportRates(e.PersonRates, cur))
	}
	if len(e.LevelRates) > 0 {
		put(m, "level_rates", exportRates(e.LevelRates, cur))
	}
	if e.DiscountPercent != 0 {
		put(m, "discount_percent", quoted(e.DiscountPercent.String()))
	}
	if e.FixedFee != 0 {
		put(m, "fixed_fee", quoted(e.FixedFee.Format(cur)))
	}
	if e.Retainer != nil {
		r := mapping(true)
		put(r, "hours", quoted(e.Retainer.Hours.String()))
		put(r, "amount", quoted(e.Retainer.Amount.Format(cur)))
		if e.Retainer.UsedHours != 0 {
			put(r, "used_hours", quoted(e.Retainer.UsedHours.String()))
		}
		put(m, "retainer", r)
	}
	if len(e.TaskItems) > 0 {
		t := mapping(false)
		for _, task := range slices.Sorted(maps.Keys(e.TaskItems)) {
			put(t, task, str(e.TaskItems[task]))
		}
		put(m, "task_items", t)
	}
	return m
}

func mapping(flow bool) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	if flow {
		n.Style = yaml.FlowStyle
	}
	return n
}

func put(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, str(key), v)
}

func putStr(m *yaml.Node, key, v string) {
	if v != "" {
		put(m, key, str(v))
	}
}

// str is a string scalar; the encoder quotes it when the plain text would
// read back as another type ("58", "true", "*").
func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// quoted is a string scalar always written in double quotes, the form
// CONTRACT.md uses for decimals and cron specs.
func quoted(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.DoubleQuotedStyle}
}

func integer(v int64) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(v, 10)}
}

func date(d billing.Date) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: d.String()}
}

func days(ds []int) *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, d := range ds {
		seq.Content = append(seq.Content, integer(int64(d)))
	}
	return seq
}
