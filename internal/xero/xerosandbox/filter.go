package xerosandbox

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// invoiceFilter is what GET /Invoices narrows by besides If-Modified-Since:
// the ContactIDs and Statuses parameters (comma-separated) and the where
// clauses billbot sends — Type=="…" and Date compared with DateTime(y,m,d)
// (developer.xero.com/documentation/api/accounting/invoices#get-invoices).
// Any other where clause is refused, as an unknown field is by Xero.
type invoiceFilter struct {
	contacts, statuses map[string]bool
	typ                string
	from, to           string // YYYY-MM-DD, inclusive; "" open
}

var (
	whereType = regexp.MustCompile(`^Type\s*==\s*"([A-Z]+)"$`)
	whereDate = regexp.MustCompile(`^Date\s*(>=|<=|==)\s*DateTime\((\d{4}),\s*(\d{1,2}),\s*(\d{1,2})\)$`)
)

func parseFilter(q url.Values) (invoiceFilter, error) {
	var f invoiceFilter
	set := func(v string) map[string]bool {
		if v == "" {
			return nil
		}
		m := map[string]bool{}
		for _, s := range strings.Split(v, ",") {
			m[strings.ToLower(strings.TrimSpace(s))] = true
		}
		return m
	}
	f.contacts, f.statuses = set(q.Get("ContactIDs")), set(q.Get("Statuses"))
	where := strings.TrimSpace(q.Get("where"))
	if where == "" {
		return f, nil
	}
	for _, c := range strings.Split(where, " AND ") {
		c = strings.TrimSpace(c)
		if m := whereType.FindStringSubmatch(c); m != nil {
			f.typ = m[1]
			continue
		}
		m := whereDate.FindStringSubmatch(c)
		if m == nil {
			return f, fmt.Errorf("where clause %q is not supported", c)
		}
		var y, mo, d int
		fmt.Sscan(m[2], &y)
		fmt.Sscan(m[3], &mo)
		fmt.Sscan(m[4], &d)
		day := fmt.Sprintf("%04d-%02d-%02d", y, mo, d)
		switch m[1] {
		case ">=":
			f.from = day
		case "<=":
			f.to = day
		default:
			f.from, f.to = day, day
		}
	}
	return f, nil
}

// keeps reports whether inv passes the filter; callers hold s.mu.
func (f invoiceFilter) keeps(inv *invoice) bool {
	switch {
	case f.contacts != nil && !f.contacts[strings.ToLower(inv.contactID)]:
		return false
	case f.statuses != nil && !f.statuses[strings.ToLower(inv.status)]:
		return false
	case f.typ != "" && inv.typ != f.typ:
		return false
	case f.from != "" && inv.date < f.from:
		return false
	case f.to != "" && inv.date > f.to:
		return false
	}
	return true
}
