package billing

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"billbot/internal/money"
)

// retainerThreshold is the share of the prepaid block, in percent, whose
// crossing raises ExRetainerThreshold and drafts the next block.
const retainerThreshold = 80

// usage returns the retainer usage on file for e, or the letter's first
// block with the hours used before billbot took over (UsedHours at
// onboarding). Usage on file includes those hours already.
func (x *engine) usage(e *Engagement) RetainerUsage {
	if u, ok := x.in.Retainers[e.Key]; ok {
		u.Engagement = e.Key
		return u
	}
	u := RetainerUsage{Engagement: e.Key}
	if e.Retainer != nil {
		u.BlockHours, u.Blocks, u.UsedHours = e.Retainer.Hours, 1, e.Retainer.UsedHours
	}
	return u
}

// consumeRetainer draws es's collected entries from the prepaid block in
// (SpentDate, ID) order. The first entry that does not fit, and every one
// after it, is held by ExRetainerExhausted: billing a retainer beyond its
// block needs a new letter or a replenishment. Crossing 80 % of the block
// raises ExRetainerThreshold and, in a draft, the next block's invoice.
func (x *engine) consumeRetainer(es *engState) {
	idx := es.collected()
	if len(idx) == 0 {
		return
	}
	e := es.eng
	item, why := x.resolveItem(e, RetainerTask)
	if why != "" {
		// Without an item there is no credit line, and without the credit
		// the prepaid time would be billed twice: hold it all.
		a := x.probs.get(probKey{code: ExItemUnmapped, eng: e.Key, client: e.Client, task: RetainerTask}, true)
		a.detail = why
		x.hold(es, idx, a)
		return
	}
	es.retainerItem = item
	entries := &x.kept
	slices.SortFunc(idx, func(a, b int32) int {
		return cmp.Or(cmp.Compare(entries.at(a).spent, entries.at(b).spent), cmp.Compare(entries.at(a).id, entries.at(b).id))
	})
	u := x.usage(e)
	used, cut := u.UsedHours, len(idx)
	for k, i := range idx {
		if used+entries.at(i).hours > u.BlockHours {
			cut = k
			break
		}
		used += entries.at(i).hours
	}
	if cut < len(idx) {
		a := x.probs.get(probKey{code: ExRetainerExhausted, eng: e.Key, client: e.Client}, true)
		a.detail = fmt.Sprintf("%s of %s prepaid hours used", used, u.BlockHours)
		x.hold(es, idx[cut:], a)
	}
	if used == u.UsedHours {
		return
	}
	if x.retainers == nil {
		x.retainers = make(map[string]RetainerUsage)
	}
	next := u
	next.UsedHours = used
	x.retainers[e.Key] = next
	b := int64(u.BlockHours)
	if b <= 0 || int64(u.UsedHours)*100 >= b*retainerThreshold || int64(used)*100 < b*retainerThreshold {
		return
	}
	a := x.probs.get(probKey{code: ExRetainerThreshold, eng: e.Key, client: e.Client}, false)
	for _, i := range idx[:cut] {
		x.probs.addKept(a.key, false, entries.at(i))
	}
	a.detail = fmt.Sprintf("%s %% of its prepaid hours (%s of %s h)", money.Ratio(int64(used), b), used, u.BlockHours)
	if x.mode != modeAssess && e.Retainer != nil {
		x.replenish = append(x.replenish, x.replenishment(es, u))
	}
}

// collected returns every entry gathered on es's task lines.
func (es *engState) collected() []int32 {
	var n int
	for _, ts := range es.tasks {
		n += len(ts.onTime) + len(ts.late)
	}
	out := make([]int32, 0, n)
	for _, ts := range es.tasks {
		out = append(out, ts.onTime...)
		out = append(out, ts.late...)
	}
	return out
}

// hold moves entries idx of es off its lines into problem a.
func (x *engine) hold(es *engState, idx []int32, a *probAcc) {
	held := make(map[int32]bool, len(idx))
	for _, i := range idx {
		held[i] = true
		x.probs.addKept(a.key, true, x.kept.at(i))
	}
	drop := func(s []int32) []int32 { return slices.DeleteFunc(s, func(i int32) bool { return held[i] }) }
	for _, ts := range es.tasks {
		ts.onTime, ts.late = drop(ts.onTime), drop(ts.late)
	}
	es.fixedOnTime, es.fixedLate = drop(es.fixedOnTime), drop(es.fixedLate)
}

// replenishment drafts the invoice for the retainer's next prepaid block.
func (x *engine) replenishment(es *engState, u RetainerUsage) Invoice {
	e := es.eng
	n := u.Blocks + 1
	amt := e.Retainer.Amount
	inv := Invoice{
		Key:         slug(e.Client) + "/retainer/" + e.Key + "/block-" + strconv.Itoa(n),
		Client:      e.Client,
		Currency:    x.currency(es),
		Period:      es.cycle,
		InvoiceDate: x.runDate,
		DueDate:     x.runDate.AddDays(e.TermsDays),
		Engagements: []string{e.Key},
		Partners:    nonEmpty(e.Partner),
		Managers:    nonEmpty(e.Manager),
		Replenish:   true,
		Lines: []Line{{
			Kind:        LineRetainerBlock,
			Engagement:  e.Key,
			Item:        es.retainerItem,
			Description: fmt.Sprintf("Retainer — prepaid block %d (%s h)", n, e.Retainer.Hours),
			ServiceDate: x.runDate,
			Qty:         money.HoursScale,
			UnitPrice:   amt,
			Amount:      money.LineAmount(money.HoursScale, amt),
		}},
		Notes: []string{fmt.Sprintf("Retainer %s has used %s of %s prepaid hours: this invoice bills block %d.",
			e.Key, x.retainers[e.Key].UsedHours, u.BlockHours, n)},
	}
	inv.sumTotals()
	return inv
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
