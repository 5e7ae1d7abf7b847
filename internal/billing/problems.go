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
	// projectAt and currencyAt are the input positions of the entries
	// project and currency were taken from: the first that had one.
	projectAt, currencyAt position
}

// problemSet collects problems during a run.
type problemSet struct {
	m     map[probKey]*probAcc
	order []*probAcc
	// at is the input position of the entry being classified.
	at position
}

// position orders entries as a run's input does: Assess by index in
// Input.Entries; a Stream as Assess would over its entries sorted by
// (SpentDate, ID), then its later ones by ID. Whatever the order entries
// arrive in, what a problem takes from "the first entry" is the same.
type position struct {
	tier, a, b int64
}

func (p position) less(q position) bool {
	return cmp.Or(cmp.Compare(p.tier, q.tier), cmp.Compare(p.a, q.a), cmp.Compare(p.b, q.b)) < 0
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

// add records entry t, the one being classified, under k.
func (s *problemSet) add(k probKey, holds bool, t *TimeEntry) *probAcc {
	a := s.get(k, holds)
	a.addEntry(t.ID, t.Hours, t.SpentDate)
	if t.Project != "" && (a.project == "" || s.at.less(a.projectAt)) {
		a.project, a.projectAt = t.Project, s.at
	}
	if t.Currency != "" && (a.currency == "" || s.at.less(a.currencyAt)) {
		a.currency, a.currencyAt = t.Currency, s.at
	}
	return a
}

// addKept records a collected entry under k. Only problems found while
// classifying (orphans, currency mismatches) name a project or currency,
// so a kept entry carries neither.
func (s *problemSet) addKept(k probKey, holds bool, e kept) *probAcc {
	a := s.get(k, holds)
	a.addEntry(e.id, e.hours, e.day())
	return a
}

func (a *probAcc) addEntry(id int64, h money.Hours, d Date) {
	a.ids = append(a.ids, id)
	a.hours += h
	if a.first.IsZero() || d.Before(a.first) {
		a.first = d
	}
	if d.After(a.last) {
		a.last = d
	}
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
			slices.Compare(a.EntryIDs, b.EntryIDs),
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
