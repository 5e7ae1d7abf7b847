package billing

import (
	"slices"
	"strings"

	"billbot/internal/money"
)

// ClosedTime is one client's approved, billable time after its cut-over in
// cycles already closed and on no invoice: what the next draft bills at once
// when the client goes live. The firm may have billed it by hand meanwhile.
type ClosedTime struct {
	Client  string
	Entries int
	Hours   money.Hours
	First   Period // the cycle of the earliest such entry
	Last    Period // the last closed cycle of the client's engagements
}

// ClosedCycleTime returns, per client named in clients (ordered by name),
// the entries a live draft would bill from closed cycles: billable,
// approved, not running, not billed elsewhere, matched to an engagement,
// spent on or after its BillFrom and on or before the end of its last
// closed cycle (LastClosedCycle on today). entries should be those on no
// invoice or exception. Clients with no such time are left out.
func ClosedCycleTime(f Firm, engs []Engagement, entries []TimeEntry, today Date, clients map[string]bool) []ClosedTime {
	if len(clients) == 0 || len(engs) == 0 {
		return nil
	}
	idx := newEngIndex(engs)
	last := make([]Period, len(engs))
	for i := range engs {
		last[i] = LastClosedCycle(engs[i].Cycle, engs[i].StartsOn, today)
	}
	by := map[string]*ClosedTime{}
	for i := range entries {
		t := &entries[i]
		if !t.Billable || !t.Approved || t.Running || t.BilledElsewhere {
			continue
		}
		ei, status := idx.match(t)
		if status != matched {
			continue
		}
		e := &engs[ei]
		if !clients[e.Client] || t.SpentDate.Before(BillFrom(&f, e)) || t.SpentDate.After(last[ei].End) {
			continue
		}
		c := by[e.Client]
		if c == nil {
			c = &ClosedTime{Client: e.Client}
			by[e.Client] = c
		}
		c.Entries++
		c.Hours += t.Hours
		if first := CycleContaining(e.Cycle, e.StartsOn, t.SpentDate); c.First.Start.IsZero() || first.Start.Before(c.First.Start) {
			c.First = first
		}
		if last[ei].End.After(c.Last.End) {
			c.Last = last[ei]
		}
	}
	out := make([]ClosedTime, 0, len(by))
	for _, c := range by {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b ClosedTime) int { return strings.Compare(a.Client, b.Client) })
	return out
}
