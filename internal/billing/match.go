package billing

import (
	"slices"
	"strings"
)

// matchStatus says how an entry relates to the engagement letters.
type matchStatus int

const (
	matched   matchStatus = iota // one engagement covers the entry
	outside                      // the project's engagement exists but not for that date
	orphan                       // no engagement for the project or client
	ambiguous                    // a CSV entry whose client has several covering engagements
	unmatched                    // not looked up yet
)

// engIndex finds an entry's engagement in O(1): built once per run, it is
// consulted for every entry (a million in a large firm).
type engIndex struct {
	engs      []Engagement
	byProject map[int64][]int32 // newest letter first
	byClient  map[string][]int32
}

func newEngIndex(engs []Engagement) *engIndex {
	x := &engIndex{
		engs:      engs,
		byProject: make(map[int64][]int32, len(engs)),
		byClient:  make(map[string][]int32, len(engs)),
	}
	for i := range engs {
		e := &engs[i]
		if e.SourceProjectID != 0 {
			x.byProject[e.SourceProjectID] = append(x.byProject[e.SourceProjectID], int32(i))
		}
		k := clientKey(e.Client)
		x.byClient[k] = append(x.byClient[k], int32(i))
	}
	// A Harvest project often outlives one engagement letter (a new letter
	// each year): try the newest letter first, deterministically.
	for _, list := range x.byProject {
		slices.SortFunc(list, func(a, b int32) int {
			if c := engs[b].StartsOn.Compare(engs[a].StartsOn); c != 0 {
				return c
			}
			return strings.Compare(engs[a].Key, engs[b].Key)
		})
	}
	return x
}

// clientKey normalises a client name for matching CSV rows: Harvest exports
// name clients but carry no ids.
func clientKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// covers reports whether d falls within the engagement's dates; zero dates
// are open ends.
func covers(e *Engagement, d Date) bool {
	if !e.StartsOn.IsZero() && d.Before(e.StartsOn) {
		return false
	}
	return e.EndsOn.IsZero() || !d.After(e.EndsOn)
}

// match returns the engagement index for t. For outside it is the letter
// whose dates the entry missed (the newest one starting on or before the
// entry, else the earliest); for orphan and ambiguous it is -1.
func (x *engIndex) match(t *TimeEntry) (int32, matchStatus) {
	if t.ProjectID != 0 {
		list := x.byProject[t.ProjectID]
		if len(list) == 0 {
			return -1, orphan
		}
		for _, i := range list {
			if covers(&x.engs[i], t.SpentDate) {
				return i, matched
			}
		}
		for _, i := range list {
			if !x.engs[i].StartsOn.After(t.SpentDate) {
				return i, outside
			}
		}
		return list[len(list)-1], outside
	}
	found, n := int32(-1), 0
	for _, i := range x.byClient[clientKey(t.Client)] {
		if covers(&x.engs[i], t.SpentDate) {
			found = i
			n++
		}
	}
	switch n {
	case 0:
		return -1, orphan
	case 1:
		return found, matched
	}
	return -1, ambiguous
}
