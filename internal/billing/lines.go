package billing

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"billbot/internal/money"
)

// oneUnit is a quantity of 1 for fixed, discount and retainer lines.
const oneUnit = money.Hours(money.HoursScale)

// engagementLines drafts es's lines in order: fixed fee, hourly lines by
// task, rate and lateness, retainer credit, discount. Rounding happens once
// per line, in money.LineAmount, so Amount == LineAmount(Qty, UnitPrice): a
// QBO SalesItemLine carries Amount = Qty × UnitPrice (docs/vendors.md §2.2).
func (x *engine) engagementLines(es *engState) []Line {
	e := es.eng
	var lines []Line
	var base money.Amount // what the discount applies to
	if es.feeDue {
		l := x.fixedLine(es, es.fixedOnTime, e.FixedFee, false)
		l.Description = fmt.Sprintf("Fixed fee — %s to %s", es.cycle.Start, es.cycle.End)
		lines = append(lines, l)
		base += l.Amount
	}
	if len(es.fixedLate) > 0 {
		// Late time on a fixed-fee engagement was covered by its own cycle's
		// fee: it is listed at no charge so that it is allocated once.
		l := x.fixedLine(es, es.fixedLate, 0, true)
		first, last := x.span(es.fixedLate)
		l.Description = fmt.Sprintf("Time covered by the fixed fee, approved late — %s (%s)",
			spanText(first, last), plural(len(es.fixedLate), "entry", "entries"))
		lines = append(lines, l)
	}
	if n := len(es.fixedOnTime) + len(es.fixedLate); n > 0 && (es.feeDue || len(es.fixedLate) > 0) {
		var h money.Hours
		for _, list := range [][]int32{es.fixedOnTime, es.fixedLate} {
			for _, i := range list {
				h += x.kept.at(i).hours
			}
		}
		es.notes = append(es.notes, fmt.Sprintf("Fixed fee %s: %s h of time (%s) covered by the fee, not billed by the hour.", e.Key, h, plural(n, "entry", "entries")))
	}
	first := len(lines)
	var hourly money.Amount
	for _, ts := range es.sortedTasks() {
		for _, late := range []bool{false, true} {
			idx := ts.onTime
			if late {
				idx = ts.late
			}
			if len(idx) == 0 {
				continue
			}
			l := x.hourlyLine(es, ts, idx, late)
			hourly += l.Amount
			lines = append(lines, l)
		}
	}
	slices.SortFunc(lines[first:], func(a, b Line) int { return compareLines(&a, &b) })
	base += hourly
	if e.Kind == Retainer && hourly != 0 {
		// The client prepaid this time: credit it so that it nets to zero.
		l := Line{
			Kind:        LineRetainerCredit,
			Engagement:  e.Key,
			Item:        es.retainerItem,
			Description: "Prepaid retainer hours applied",
			ServiceDate: x.runDate,
			Qty:         oneUnit,
			UnitPrice:   -hourly,
			Amount:      money.LineAmount(oneUnit, -hourly),
		}
		lines = append(lines, l)
		base += l.Amount
		u := x.retainers[e.Key]
		es.notes = append(es.notes, fmt.Sprintf("Retainer %s: %s of %s prepaid hours used after this invoice.", e.Key, u.UsedHours, u.BlockHours))
	}
	if d, ok, err := discountLine(e.Key, base, e.DiscountPercent, x.runDate); err != nil {
		panic(fmt.Sprintf("billing: discount of %s: %v", e.Key, err)) // amounts are bounded before this
	} else if ok {
		lines = append(lines, d)
	}
	return lines
}

// fixedLine is a Qty 1 fixed-fee line carrying entries idx.
func (x *engine) fixedLine(es *engState, idx []int32, price money.Amount, late bool) Line {
	svc := es.cycle.End
	if end := es.eng.EndsOn; !end.IsZero() && end.Before(svc) {
		svc = end
	}
	return Line{
		Kind:        LineFixed,
		Engagement:  es.eng.Key,
		Item:        es.feeItem,
		ServiceDate: svc,
		Qty:         oneUnit,
		UnitPrice:   price,
		Amount:      money.LineAmount(oneUnit, price),
		EntryIDs:    x.ids(idx),
		Late:        late,
	}
}

// hourlyLine bills entries idx of one task at the letter's rate.
func (x *engine) hourlyLine(es *engState, ts *taskState, idx []int32, late bool) Line {
	var qty money.Hours
	adjusted := map[money.Amount]int{} // Harvest rate → entries billed at the letter's instead
	for _, i := range idx {
		t := x.kept.at(i)
		qty += t.hours
		if t.rate != 0 && t.rate != ts.rate {
			adjusted[t.rate]++
		}
	}
	first, last := x.span(idx)
	l := Line{
		Kind:        LineHourly,
		Engagement:  es.eng.Key,
		Task:        ts.name,
		Item:        ts.item,
		ServiceDate: last,
		Qty:         qty,
		UnitPrice:   ts.rate,
		Amount:      money.LineAmount(qty, ts.rate),
		EntryIDs:    x.ids(idx),
		Late:        late,
	}
	n := plural(len(idx), "entry", "entries")
	if late {
		l.Description = fmt.Sprintf("%s (approved late) — %s (%s)", ts.name, spanText(first, last), n)
	} else {
		l.Description = fmt.Sprintf("%s — %s to %s (%s)", ts.name, es.cycle.Start, es.cycle.End, n)
	}
	cur := x.currency(es)
	rates := make([]money.Amount, 0, len(adjusted))
	for r := range adjusted {
		rates = append(rates, r)
	}
	slices.Sort(rates)
	for _, r := range rates {
		es.notes = append(es.notes, fmt.Sprintf("Rate adjusted: %s %q billed at %s per the engagement letter instead of Harvest's %s (%s).",
			es.eng.Key, ts.name, ts.rate.Format(cur), r.Format(cur), plural(adjusted[r], "entry", "entries")))
	}
	return l
}

// ids returns the entry ids of idx, ascending.
func (x *engine) ids(idx []int32) []int64 {
	if len(idx) == 0 {
		return nil
	}
	out := make([]int64, len(idx))
	for k, i := range idx {
		out[k] = x.kept.at(i).id
	}
	slices.Sort(out)
	return out
}

// span returns the first and last spent dates of idx.
func (x *engine) span(idx []int32) (first, last Date) {
	for k, i := range idx {
		d := x.kept.at(i).day()
		if k == 0 || d.Before(first) {
			first = d
		}
		if d.After(last) {
			last = d
		}
	}
	return first, last
}

// sortedTasks returns es's tasks by name and rate, so that notes come out in a
// stable order.
func (es *engState) sortedTasks() []*taskState {
	out := make([]*taskState, 0, len(es.tasks))
	for _, ts := range es.tasks {
		out = append(out, ts)
	}
	slices.SortFunc(out, func(a, b *taskState) int { return cmp.Or(strings.Compare(a.name, b.name), cmp.Compare(a.rate, b.rate)) })
	return out
}

// spanText formats a range of days, or one day.
func spanText(first, last Date) string {
	if first == last {
		return first.String()
	}
	return first.String() + " to " + last.String()
}
