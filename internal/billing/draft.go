package billing

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"billbot/internal/money"
)

// invKey groups engagements onto one invoice.
type invKey struct {
	client   string
	currency money.Currency
}

// invAcc accumulates one invoice.
type invAcc struct {
	key       invKey
	clientCur money.Currency
	lines     []Line
	engs      []string
	partners  []string
	managers  []string
	terms     int
	start     Date
	notes     []string
	lateN     int
	lateHours money.Hours
	total     money.Amount // billed (hourly and fixed) so far, checked against money.MaxAmount
}

// draftInvoices turns the collected entries into invoices: one per client
// and currency, engagements in key order.
func (x *engine) draftInvoices() []Invoice {
	if x.mode == modeAssess {
		return nil
	}
	order := make([]int, len(x.engs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(x.engs[a].eng.Key, x.engs[b].eng.Key) })
	accs := make(map[invKey]*invAcc)
	var keys []invKey
	for _, i := range order {
		es := &x.engs[i]
		if !es.drafting || !es.mapped {
			continue
		}
		k := invKey{client: es.eng.Client, currency: x.currency(es)}
		base := money.Amount(0)
		if acc := accs[k]; acc != nil {
			base = acc.total
		}
		total, ok := x.amountsInRange(es, base)
		if !ok {
			continue
		}
		lines := x.engagementLines(es)
		if len(lines) == 0 {
			continue
		}
		acc := accs[k]
		if acc == nil {
			acc = &invAcc{key: k, clientCur: es.client.Currency, terms: es.eng.TermsDays, start: es.cycle.Start}
			accs[k] = acc
			keys = append(keys, k)
		}
		acc.add(es, lines)
		acc.total = total
	}
	out := make([]Invoice, 0, len(keys))
	for _, k := range keys {
		out = append(out, x.invoice(accs[k]))
	}
	return out
}

// currency is the currency es is billed in: its client's, else the firm's.
func (x *engine) currency(es *engState) money.Currency {
	if es.client != nil && es.client.Currency != "" {
		return es.client.Currency
	}
	return x.in.Firm.HomeCurrency
}

func (a *invAcc) add(es *engState, lines []Line) {
	e := es.eng
	a.lines = append(a.lines, lines...)
	a.engs = append(a.engs, e.Key)
	if e.Partner != "" {
		a.partners = append(a.partners, e.Partner)
	}
	if e.Manager != "" {
		a.managers = append(a.managers, e.Manager)
	}
	a.terms = min(a.terms, e.TermsDays)
	if es.cycle.Start.Before(a.start) {
		a.start = es.cycle.Start
	}
	for _, l := range lines {
		if l.Late {
			a.lateN += len(l.EntryIDs)
			if l.Kind == LineHourly {
				a.lateHours += l.Qty
			}
		}
	}
	a.notes = append(a.notes, es.notes...)
}

// invoice finishes one accumulated invoice.
func (x *engine) invoice(a *invAcc) Invoice {
	inv := Invoice{
		Key:          slug(a.key.client) + "/" + x.runDate.String(),
		Client:       a.key.client,
		Currency:     a.key.currency,
		Period:       Period{Start: a.start, End: x.runDate},
		InvoiceDate:  x.runDate,
		DueDate:      x.runDate.AddDays(a.terms),
		Engagements:  sortedUnique(a.engs),
		Partners:     sortedUnique(a.partners),
		Managers:     sortedUnique(a.managers),
		Lines:        a.lines,
		Supplemental: x.mode == modeSupplemental,
	}
	if a.key.currency != a.clientCur {
		inv.Key += "/" + strings.ToLower(string(a.key.currency))
	}
	if inv.Supplemental {
		var ids []int64
		for _, l := range inv.Lines {
			ids = append(ids, l.EntryIDs...)
		}
		slices.Sort(ids)
		inv.Key += "/supplemental-" + idsHash(ids)
		inv.Notes = append(inv.Notes, "Supplemental invoice: late-approved time billed outside its regular cycle.")
	}
	if a.lateN > 0 {
		inv.Notes = append(inv.Notes, fmt.Sprintf("Late approvals: %s (%s h) spent before this cycle, approved after their own cycle closed, are on lines marked late.",
			plural(a.lateN, "entry", "entries"), a.lateHours))
	}
	inv.Notes = append(inv.Notes, a.notes...)
	inv.sumTotals()
	return inv
}

// sumTotals sets the invoice totals from its lines.
func (inv *Invoice) sumTotals() {
	inv.Subtotal, inv.Discount, inv.Credit, inv.Total, inv.Hours = 0, 0, 0, 0, 0
	for _, l := range inv.Lines {
		switch l.Kind {
		case LineDiscount:
			inv.Discount += l.Amount
		case LineRetainerCredit:
			inv.Credit += l.Amount
		default:
			inv.Subtotal += l.Amount
		}
		if l.Kind == LineHourly {
			inv.Hours += l.Qty
		}
		inv.Total += l.Amount
	}
}

func sortedUnique(xs []string) []string {
	if len(xs) == 0 {
		return nil
	}
	out := slices.Clone(xs)
	slices.Sort(out)
	return slices.Compact(out)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// slug makes a client name safe for an invoice key: lower-case ASCII
// letters and digits, other runs of characters as one dash.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	if b.Len() == 0 {
		return "client"
	}
	return b.String()
}

// idsHash is a short, stable digest of sorted entry ids (FNV-1a, 32 bits).
func idsHash(ids []int64) string {
	h := uint32(2166136261)
	for _, id := range ids {
		for s := 0; s < 64; s += 8 {
			h ^= uint32(byte(id >> s))
			h *= 16777619
		}
	}
	return fmt.Sprintf("%08x", h)
}

// compareLines orders an engagement's hourly lines by task, rate, on-time
// before late.
func compareLines(a, b *Line) int {
	return cmp.Or(strings.Compare(a.Task, b.Task), cmp.Compare(a.UnitPrice, b.UnitPrice), boolCmp(a.Late, b.Late))
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}
