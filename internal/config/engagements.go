package config

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"billbot/internal/billing"
	"billbot/internal/money"
)

var (
	kinds  = []billing.Kind{billing.Hourly, billing.FixedFee, billing.Retainer, billing.Mixed}
	cycles = []billing.CycleKind{billing.Weekly, billing.Biweekly, billing.Semimonthly, billing.Monthly}
)

// span is where an engagement bills a time source's project, for the overlap check.
type span struct {
	path       string
	key        string
	project    int64
	start, end billing.Date // end zero: open-ended
	line       int          // of the project id
	field      string       // its key: source_project_id or harvest_project_id
}

func (s span) overlaps(o span) bool {
	if !s.end.IsZero() && s.end.Before(o.start) {
		return false
	}
	if !o.end.IsZero() && o.end.Before(s.start) {
		return false
	}
	return true
}

func (d *decoder) engagements(f *Firm, top *fields) {
	items, _ := top.list("engagements")
	keys := map[string]string{} // key → path of its first use
	var spans []span
	for i, n := range items {
		path := index("engagements", i)
		m := d.fields(n, path, engagementKeys...)
		e, sp := d.engagement(f, m, keys)
		f.Engagements = append(f.Engagements, e)
		if sp != nil {
			sp.path = path
			spans = append(spans, *sp)
		}
	}
	// Time entries are matched to an engagement by project and spent
	// date, so two engagements may share a project only one after the other.
	for j, b := range spans {
		for _, a := range spans[:j] {
			if a.project == b.project && a.overlaps(b) {
				d.add(b.line, b.path+"."+b.field, "project %d is also billed by engagement %q (%s) over overlapping dates; end one before the other starts", b.project, a.key, a.path)
				break
			}
		}
	}
}

func (d *decoder) engagement(f *Firm, m *fields, keys map[string]string) (billing.Engagement, *span) {
	e := billing.Engagement{Key: m.str("key", true)}
	if e.Key != "" {
		if !keyPattern.MatchString(e.Key) {
			m.errorf("key", "%q is not a key (letters, digits, '.', '_' and '-')", e.Key)
		}
		once(m, keys, e.Key, m.path, "key", fmt.Sprintf("engagement key %q", e.Key))
	}

	cur := f.HomeCurrency
	if e.Client = m.str("client", true); e.Client != "" {
		if c, ok := f.Client(e.Client); ok {
			cur = c.Currency
		} else {
			m.errorf("client", "no client named %q in clients%s", e.Client, suggestClient(f, e.Client))
		}
	}

	pid, pidOK, pidKey := m.sourceID(f, "source_project_id", "harvest_project_id", "project")
	if m.node("source_project_id") == nil && m.node("harvest_project_id") == nil && !m.bad {
		m.errorf(f.TimeSource.ProjectKey(), "required")
	}
	if pidOK {
		e.SourceProjectID = pid
	}

	e.Kind = oneOf(m, "kind", true, kinds, "", "hourly, fixed_fee, retainer or mixed")

	start, startOK := m.date("starts_on")
	if m.node("starts_on") == nil && !m.bad {
		m.errorf("starts_on", "required")
	}
	end, endOK := m.date("ends_on")
	if startOK && endOK && end.Before(start) {
		m.errorf("ends_on", "%s is before starts_on %s", end, start)
		endOK = false
	}
	e.StartsOn, e.EndsOn = start, end
	e.BillFrom, _ = m.date("bill_from")

	e.Partner = m.userID("partner", true)
	e.Manager = m.userID("manager", false)

	e.Cycle = oneOf(m, "cycle", false, cycles, DefaultCycle, "weekly, biweekly, semimonthly or monthly")
	e.TermsDays = DefaultTermsDays
	if v, ok := m.int("terms_days"); ok {
		if v < 0 || v > maxDays {
			m.errorf("terms_days", "%d is not a number of days (0–%d)", v, maxDays)
		} else {
			e.TermsDays = int(v)
		}
	}

	d.terms(f, &e, m, cur)

	var sp *span
	if pidOK && startOK && (endOK || m.node("ends_on") == nil) {
		sp = &span{key: e.Key, project: pid, start: start, end: end, line: m.lineOf(pidKey), field: pidKey}
	}
	return e, sp
}

// terms reads the money side of an engagement letter: rates, discount,
// fixed fee, retainer and item mapping, amounts in the client's currency.
func (d *decoder) terms(f *Firm, e *billing.Engagement, m *fields, cur money.Currency) {
	ratesBad := false
	if n := m.node("rates"); n != nil {
		es, ok := d.entries(n, m.field("rates"))
		ratesBad = !ok
		for _, r := range es {
			field := join(m.field("rates"), r.key)
			if strings.TrimSpace(r.key) == "" {
				d.add(r.kline, field, "a task name must not be empty")
				ratesBad = true
				continue
			}
			a, ok := d.amount(r.val, field, cur)
			if !ok {
				ratesBad = true
				continue
			}
			if e.Rates == nil {
				e.Rates = map[string]money.Amount{}
			}
			e.Rates[r.key] = a
		}
	}
	personOK := d.personRates(e, m, cur)
	levelOK := d.levelRates(f, e, m, cur)
	ratesBad = ratesBad || !personOK || !levelOK
	needsRates := e.Kind == billing.Hourly || e.Kind == billing.Mixed || e.Kind == billing.Retainer
	if needsRates && len(e.Rates)+len(e.PersonRates)+len(e.LevelRates) == 0 && !ratesBad {
		m.errorf("rates", "required for a %s engagement: a rate per Harvest task name, \"*\" for the rest", e.Kind)
	}

	if n := m.node("discount_percent"); n != nil {
		e.DiscountPercent, _ = d.percent(n, m.field("discount_percent"))
	}

	feeBad := false
	if n := m.node("fixed_fee"); n != nil {
		var ok bool
		e.FixedFee, ok = d.amount(n, m.field("fixed_fee"), cur)
		feeBad = !ok
	}
	if (e.Kind == billing.FixedFee || e.Kind == billing.Mixed) && e.FixedFee == 0 && !feeBad {
		m.errorf("fixed_fee", "required for a %s engagement: the fee per cycle, more than zero", e.Kind)
	}

	if n := m.node("retainer"); n != nil {
		e.Retainer = d.retainer(n, m.field("retainer"), cur)
	} else if e.Kind == billing.Retainer {
		m.errorf("retainer", `required for a retainer engagement: { hours: "40", amount: "7800.00" }`)
	}

	if n := m.node("task_items"); n != nil {
		es, _ := d.entries(n, m.field("task_items"))
		for _, t := range es {
			field := join(m.field("task_items"), t.key)
			if t.val.Kind != yaml.ScalarNode || isNull(t.val) || strings.TrimSpace(t.val.Value) == "" {
				d.add(t.val.Line, field, "want a QBO item name, got %s", describe(t.val))
				continue
			}
			if e.TaskItems == nil {
				e.TaskItems = map[string]string{}
			}
			e.TaskItems[t.key] = strings.TrimSpace(t.val.Value)
		}
	}
}

func (d *decoder) retainer(n *yaml.Node, path string, cur money.Currency) *billing.RetainerTerms {
	r := d.fields(n, path, retainerKeys...)
	if r.bad {
		return nil
	}
	t := &billing.RetainerTerms{}
	if hn := r.node("hours"); hn != nil {
		t.Hours, _ = d.hours(hn, r.field("hours"))
	} else {
		r.errorf("hours", "required: the prepaid hours of one block, more than zero")
	}
	if an := r.node("amount"); an != nil {
		if a, ok := d.amount(an, r.field("amount"), cur); ok {
			if a == 0 {
				r.errorf("amount", "%q must be more than zero", an.Value)
			}
			t.Amount = a
		}
	} else {
		r.errorf("amount", "required: the price of one block, more than zero")
	}
	if un := r.node("used_hours"); un != nil {
		t.UsedHours, _ = d.usedHours(un, r.field("used_hours"))
	}
	return t
}

// suggestClient names a client that differs only in case, if any.
func suggestClient(f *Firm, name string) string {
	for _, c := range f.Clients {
		if strings.EqualFold(c.Name, name) {
			return fmt.Sprintf(" (did you mean %q?)", c.Name)
		}
	}
	return ""
}
