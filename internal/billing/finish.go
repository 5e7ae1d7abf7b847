package billing

// finish settles, per engagement, what needs every entry seen first:
// retainer consumption, fixed fees and, when assessing, the pending list.
func (x *engine) finish() {
	for i := range x.engs {
		es := &x.engs[i]
		if es.eng.Kind == Retainer {
			x.consumeRetainer(es)
		}
		if x.mode == modeAssess {
			x.settleAssess(es)
			continue
		}
		x.settleFixedFee(es)
	}
}

// settleAssess leaves every collected entry pending: an assessment drafts
// nothing. Time on fixed-fee engagements is reported as absorbed.
func (x *engine) settleAssess(es *engState) {
	for _, i := range es.fixedOnTime {
		k := x.kept.at(i)
		x.probs.addKept(probKey{code: ExFixedFeeTime, eng: es.eng.Key, client: es.eng.Client}, false, k)
		x.pending = append(x.pending, k.id)
	}
	for _, i := range es.fixedLate {
		x.pending = append(x.pending, x.kept.at(i).id)
	}
	for _, i := range es.collected() {
		x.pending = append(x.pending, x.kept.at(i).id)
	}
	es.fixedOnTime, es.fixedLate = nil, nil
	for _, ts := range es.tasks {
		ts.onTime, ts.late = nil, nil
	}
}

// settleFixedFee decides whether the cycle's fixed fee is billed and checks
// what its line needs (a QBO customer and item). Harvest fixed-fee projects
// "should not be invoiced from hours" (docs/vendors.md §3.3): the fee is billed
// once per cycle while the engagement runs, whatever time was spent.
func (x *engine) settleFixedFee(es *engState) {
	e := es.eng
	if e.Kind != FixedFee && e.Kind != Mixed {
		return
	}
	// The fee of a cycle that ended before the cut-over is the firm's own
	// business, like the time spent then.
	es.feeDue = x.mode == modeDraft && es.drafting && overlaps(e, es.cycle) && !es.cycle.End.Before(es.from) &&
		(e.FixedFee != 0 || len(es.fixedOnTime) > 0)
	if !es.feeDue && len(es.fixedLate) == 0 {
		return
	}
	if !es.mapped {
		// The entries are already held by the same problem; make sure the
		// fee itself is named there too.
		x.probs.get(probKey{code: ExClientUnmapped, client: e.Client}, true).noteEngagement(e.Key)
		es.feeDue = false
		return
	}
	item, why := x.resolveItem(e, FixedFeeTask)
	if why != "" {
		a := x.probs.get(probKey{code: ExItemUnmapped, eng: e.Key, client: e.Client, task: FixedFeeTask}, true)
		a.detail = why
		x.hold(es, append(append([]int32(nil), es.fixedOnTime...), es.fixedLate...), a)
		es.feeDue = false
		return
	}
	es.feeItem = item
	for _, list := range [][]int32{es.fixedOnTime, es.fixedLate} {
		for _, i := range list {
			x.probs.addKept(probKey{code: ExFixedFeeTime, eng: e.Key, client: e.Client}, false, x.kept.at(i))
		}
	}
}

// overlaps reports whether the engagement runs on any day of p.
func overlaps(e *Engagement, p Period) bool {
	if !e.EndsOn.IsZero() && e.EndsOn.Before(p.Start) {
		return false
	}
	return e.StartsOn.IsZero() || !e.StartsOn.After(p.End)
}
