package billing

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"billbot/internal/money"
)

// probKey groups entries into one Problem: one per code and engagement (or
// client, or project), refined by task or rates where the fix differs.
type probKey struct {
	code      ExceptionCode
	eng       string
	client    string
	task      string
	projectID int64
	rate      money.Amount // Harvest rate, for rate mismatches
	letter    money.Amount // the letter's rate (by person, level or task), for rate mismatches
	tag       string       // refines the cause, e.g. "ambiguous" orphans
}

// probAcc accumulates the entries and figures a Problem's message needs.
type probAcc struct {
	key      probKey
	holds    bool
	ids      []int64
	hours    money.Hours
	first    Date
	last     Date
	project  string         // Harvest project name, for orphans
	currency money.Currency // the entries' currency, for currency mismatches
	engs     []string       // engagements concerned, for per-client problems
	detail   string         // extra text decided by the caller
	// letterRate is the engagement letter's rate, for rate mismatches.
	letterRate money.Amount
}

// problemSet collects problems during a run.
type problemSet struct {
	m     map[probKey]*probAcc
	order []*probAcc
}

func newProblemSet() *problemSet { return &problemSet{m: make(map[probKey]*probAcc)} }

// get returns the accumulator for k, creating it.
func (s *problemSet) get(k probKey, holds bool) *probAcc {
	if a, ok := s.m[k]; ok {
		return a
	}
	a := &probAcc{key: k, holds: holds}
	s.m[k] = a
	s.order = append(s.order, a)
	return a
}

// add records entry t under k.
func (s *problemSet) add(k probKey, holds bool, t *TimeEntry) *probAcc {
	a := s.get(k, holds)
	a.ids = append(a.ids, t.ID)
	a.hours += t.Hours
	if a.first.IsZero() || t.SpentDate.Before(a.first) {
		a.first = t.SpentDate
	}
	if t.SpentDate.After(a.last) {
		a.last = t.SpentDate
	}
	if a.project == "" {
		a.project = t.Project
	}
	if a.currency == "" {
		a.currency = t.Currency
	}
	return a
}

// noteEngagement records that eng is concerned by a per-client problem.
func (a *probAcc) noteEngagement(eng string) {
	if eng != "" && !slices.Contains(a.engs, eng) {
		a.engs = append(a.engs, eng)
	}
}

// problems returns the collected problems with sorted entry ids, ordered by
// code, client, engagement and message; describe writes Message and Fix.
func (s *problemSet) problems(describe func(*probAcc) (msg, fix string)) []Problem {
	out := make([]Problem, 0, len(s.order))
	for _, a := range s.order {
		slices.Sort(a.ids)
		slices.Sort(a.engs)
		msg, fix := describe(a)
		out = append(out, Problem{
			Code:       a.key.code,
			Message:    msg,
			Engagement: a.key.eng,
			Client:     a.key.client,
			EntryIDs:   a.ids,
			Fix:        fix,
			Holds:      a.holds,
		})
	}
	slices.SortFunc(out, func(a, b Problem) int {
		return cmp.Or(
			strings.Compare(string(a.Code), string(b.Code)),
			strings.Compare(a.Client, b.Client),
			strings.Compare(a.Engagement, b.Engagement),
			strings.Compare(a.Message, b.Message),
		)
	})
	return out
}

// count formats "3 entries (7.50 h)".
func (a *probAcc) count() string {
	n := "entries"
	if len(a.ids) == 1 {
		n = "entry"
	}
	return fmt.Sprintf("%d %s (%s h)", len(a.ids), n, a.hours)
}

// span formats the spent dates of a's entries.
func (a *probAcc) span() string {
	if a.first == a.last {
		return "spent " + a.first.String()
	}
	return "spent " + a.first.String() + " to " + a.last.String()
}

func quoteList(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}

// v picks the verb form agreeing with the number of entries.
func (a *probAcc) v(one, many string) string {
	if len(a.ids) == 1 {
		return one
	}
	return many
}
