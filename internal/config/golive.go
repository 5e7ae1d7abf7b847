package config

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// staffKeys are the keys of one firm.staff item.
var staffKeys = []string{"harvest_user_id", "name", "level", "slack"}

var (
	firmModes   = []billing.Mode{billing.ModeLive, billing.ModeShadow}
	clientModes = []billing.Mode{billing.ModeLive, billing.ModeShadow, billing.ModeOff}
)

// mode reads a mode from modes, or def when absent.
func (f *fields) mode(key string, modes []billing.Mode, def billing.Mode) billing.Mode {
	names := make([]string, len(modes))
	for i, m := range modes {
		names[i] = string(m)
	}
	return oneOf(f, key, false, modes, def, strings.Join(names, " or "))
}

// goLive reads firm.go_live and firm.mode.
func (d *decoder) goLive(f *Firm, m *fields) {
	f.GoLive, _ = m.date("go_live")
	f.Mode = m.mode("mode", firmModes, billing.ModeLive)
}

// staff reads firm.staff: Harvest users with their level and Slack person.
func (d *decoder) staff(f *Firm, m *fields) {
	items, _ := m.list("staff")
	ids := map[int64]string{}    // Harvest user id → path of its first use
	names := map[string]string{} // case-folded name → path of its first use
	for i, n := range items {
		path := index(m.field("staff"), i)
		s := d.fields(n, path, staffKeys...)
		st := billing.Staff{Name: s.str("name", true), Level: s.str("level", false), Slack: s.userID("slack", false)}
		id, ok := s.int("harvest_user_id")
		switch {
		case !ok && s.node("harvest_user_id") == nil && !s.bad:
			s.errorf("harvest_user_id", "required: the person's Harvest user id")
		case ok && id <= 0:
			s.errorf("harvest_user_id", "%d is not a Harvest user id (a positive number)", id)
		case ok:
			once(s, ids, id, path, "harvest_user_id", fmt.Sprintf("Harvest user id %d", id))
		}
		st.SourceUserID = id
		if st.Name != "" {
			once(s, names, strings.ToLower(st.Name), path, "name", fmt.Sprintf("staff name %q", st.Name))
		}
		f.Staff = append(f.Staff, st)
	}
}

// rateMap reads a mapping of name → rate (person_rates, level_rates).
// check, when it returns a message, rejects a key. ok is false when any
// entry was bad.
func (d *decoder) rateMap(m *fields, key string, cur money.Currency, check func(string) string) (map[string]money.Amount, bool) {
	n := m.node(key)
	if n == nil {
		return nil, true
	}
	es, ok := d.entries(n, m.field(key))
	var out map[string]money.Amount
	for _, r := range es {
		field := join(m.field(key), r.key)
		msg := "a name must not be empty"
		if strings.TrimSpace(r.key) != "" {
			msg = check(r.key)
		}
		if msg != "" {
			d.add(r.kline, field, "%s", msg)
			ok = false
			continue
		}
		a, good := d.amount(r.val, field, cur)
		if !good {
			ok = false
			continue
		}
		if out == nil {
			out = map[string]money.Amount{}
		}
		out[r.key] = a
	}
	return out, ok
}

// personRates reads person_rates: keys are Harvest user ids or names.
func (d *decoder) personRates(e *billing.Engagement, m *fields, cur money.Currency) bool {
	var ok bool
	e.PersonRates, ok = d.rateMap(m, "person_rates", cur, func(k string) string {
		if id, err := strconv.ParseInt(k, 10, 64); err == nil && id <= 0 {
			return k + " is not a Harvest user id (a positive number)"
		}
		return ""
	})
	return ok
}

// levelRates reads level_rates: keys are staff levels of firm.staff.
func (d *decoder) levelRates(f *Firm, e *billing.Engagement, m *fields, cur money.Currency) bool {
	levels := map[string]bool{}
	for _, s := range f.Staff {
		if s.Level != "" {
			levels[s.Level] = true
		}
	}
	var ok bool
	e.LevelRates, ok = d.rateMap(m, "level_rates", cur, func(k string) string {
		if levels[k] {
			return ""
		}
		if len(levels) == 0 {
			return fmt.Sprintf("no staff member has level %q (firm.staff gives nobody a level)", k)
		}
		return fmt.Sprintf("no staff member has level %q (levels in firm.staff: %s)", k, strings.Join(slices.Sorted(maps.Keys(levels)), ", "))
	})
	return ok
}

// exportStaff writes firm.staff.
func exportStaff(staff []billing.Staff) *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, s := range staff {
		m := mapping(false)
		put(m, "harvest_user_id", integer(s.SourceUserID))
		put(m, "name", str(s.Name))
		putStr(m, "level", s.Level)
		putStr(m, "slack", s.Slack)
		seq.Content = append(seq.Content, m)
	}
	return seq
}

// exportRates writes a name → rate mapping in key order.
func exportRates(rates map[string]money.Amount, cur money.Currency) *yaml.Node {
	r := mapping(false)
	for _, k := range slices.Sorted(maps.Keys(rates)) {
		put(r, k, quoted(rates[k].Format(cur)))
	}
	return r
}

// usedHours parses a retainer's hours already used at onboarding: zero or
// more.
func (d *decoder) usedHours(n *yaml.Node, field string) (money.Hours, bool) {
	return d.hoursFrom(n, field, true)
}
