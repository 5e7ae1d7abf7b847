package billing

// classify routes one entry: ignored, alerted, held by a problem, pending,
// or collected for a line.
func (x *engine) classify(t *TimeEntry) {
	ei, status := int32(-1), unmatched
	if x.gated {
		ei, status = x.index.match(t)
		if x.leftOut(t, ei, status) {
			if eligible(t) {
				x.excluded = append(x.excluded, t.ID)
			}
			return
		}
	}
	if !eligible(t) {
		x.alertUnapproved(t, ei, status)
		return
	}
	if status == unmatched {
		ei, status = x.index.match(t)
	}
	switch status {
	case orphan, ambiguous:
		x.probs.add(probKey{code: ExOrphaned, client: t.Client, projectID: t.ProjectID, tag: ambiguityTag(status)}, true, t)
		return
	case outside:
		e := &x.in.Engagements[ei]
		x.probs.add(probKey{code: ExOutsideDates, eng: e.Key, client: e.Client}, true, t)
		return
	}
	es := &x.engs[ei]
	e := es.eng
	if !es.mapped {
		x.probs.add(probKey{code: ExClientUnmapped, client: e.Client}, true, t).noteEngagement(e.Key)
		return
	}
	if t.Currency != "" && es.client.Currency != "" && t.Currency != es.client.Currency {
		x.probs.add(probKey{code: ExCurrencyMismatch, eng: e.Key, client: e.Client}, true, t)
		return
	}
	var ts *taskState
	if e.Kind != FixedFee {
		ts = x.task(es, t)
		if !ts.rateOK {
			x.probs.add(probKey{code: ExNoRate, eng: e.Key, client: e.Client, task: t.Task}, true, t)
			return
		}
		if ts.itemProblem != "" {
			x.probs.add(probKey{code: ExItemUnmapped, eng: e.Key, client: e.Client, task: t.Task}, true, t).detail = ts.itemProblem
			return
		}
		if t.Rate != 0 && t.Rate != ts.rate {
			// The engagement letter is the contract: bill its rate and say so.
			a := x.probs.add(probKey{code: ExRateMismatch, eng: e.Key, client: e.Client, task: t.Task, rate: t.Rate, letter: ts.rate}, false, t)
			a.letterRate = ts.rate
		}
	}
	if x.mode == modeAssess {
		x.checkLateApproval(es, t)
	}
	if !es.drafting || (x.mode != modeAssess && t.SpentDate.After(x.runDate)) {
		x.pending = append(x.pending, t.ID)
		return
	}
	late := x.mode != modeAssess && t.SpentDate.Before(es.cycle.Start)
	i := x.keep(t)
	switch {
	case ts == nil && (late || x.mode == modeSupplemental):
		es.fixedLate = append(es.fixedLate, i)
	case ts == nil:
		es.fixedOnTime = append(es.fixedOnTime, i)
	case late:
		ts.late = append(ts.late, i)
	default:
		ts.onTime = append(ts.onTime, i)
	}
}

// eligible is Eligible without copying the entry.
func eligible(t *TimeEntry) bool {
	return t.Billable && !t.Running && !t.BilledElsewhere && t.Approved && t.Hours > 0
}

func ambiguityTag(s matchStatus) string {
	if s == ambiguous {
		return "ambiguous"
	}
	return ""
}

// alertUnapproved raises ExUnapproved for billable time left unapproved
// longer than the firm allows. Such time is not eligible, so the problem
// holds nothing; a non-positive UnapprovedAlertDays turns the alert off.
func (x *engine) alertUnapproved(t *TimeEntry, ei int32, status matchStatus) {
	n := x.in.Firm.UnapprovedAlertDays
	if n <= 0 || x.in.Today.IsZero() || !awaitingApproval(t) || t.SpentDate.DaysUntil(x.in.Today) <= n {
		return
	}
	if status == unmatched {
		ei, status = x.index.match(t)
	}
	if status == matched || status == outside {
		e := &x.in.Engagements[ei]
		x.probs.add(probKey{code: ExUnapproved, eng: e.Key, client: e.Client}, false, t)
		return
	}
	x.probs.add(probKey{code: ExUnapproved, client: t.Client}, false, t)
}

// checkLateApproval raises ExLateApproval for an entry approved after its own
// cycle closed: it will join the next cycle unless a partner asks for a
// supplemental invoice. Only the assessment raises it; a draft simply bills
// such entries on lines marked Late.
func (x *engine) checkLateApproval(es *engState, t *TimeEntry) {
	if t.ApprovedAt.IsZero() || x.in.Today.IsZero() {
		return
	}
	own := CycleContaining(es.eng.Cycle, es.eng.StartsOn, t.SpentDate)
	if own.End.Before(x.in.Today) && DateIn(t.ApprovedAt, x.loc).After(own.End) {
		x.probs.add(probKey{code: ExLateApproval, eng: es.eng.Key, client: es.eng.Client}, false, t)
	}
}

// task resolves what the letter says about t's task and person, once per
// engagement, task and rate (RateFor's precedence).
func (x *engine) task(es *engState, t *TimeEntry) *taskState {
	k := taskKey{name: t.Task}
	if es.people != nil {
		pk := personKey{id: t.UserID, name: t.User}
		res, ok := es.people[pk]
		if !ok {
			res.rate, res.ok = personRate(es.eng, x.roster, t.UserID, t.User)
			es.people[pk] = res
		}
		if res.ok {
			k.rate, k.personal = res.rate, true
		}
	}
	if ts, ok := es.tasks[k]; ok {
		return ts
	}
	ts := &taskState{name: t.Task}
	if k.personal {
		ts.rate, ts.rateOK = k.rate, true
	} else {
		ts.rate, ts.rateOK = taskRate(es.eng, t.Task)
	}
	ts.item, ts.itemProblem = x.resolveItem(es.eng, t.Task)
	if es.tasks == nil {
		es.tasks = make(map[taskKey]*taskState, 4)
	}
	es.tasks[k] = ts
	return ts
}
