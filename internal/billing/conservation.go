package billing

import (
	"fmt"
	"slices"
	"strings"
)

// ConservationError says how a Result fails to account for its entries.
// Each list is ascending.
type ConservationError struct {
	Missing    []int64 // eligible entries on no line, held by no problem, not pending or excluded
	Duplicated []int64 // eligible entries in more than one of those places
	Ineligible []int64 // ineligible entries on a line, held, or pending
	Unknown    []int64 // ids in the result that are not among the entries
}

// Error summarises the failure with the first few ids of each kind.
func (e *ConservationError) Error() string {
	var parts []string
	for _, p := range []struct {
		name string
		ids  []int64
	}{{"missing", e.Missing}, {"duplicated", e.Duplicated}, {"ineligible", e.Ineligible}, {"unknown", e.Unknown}} {
		if len(p.ids) == 0 {
			continue
		}
		shown := p.ids[:min(len(p.ids), 5)]
		more := ""
		if len(p.ids) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(p.ids)-len(shown))
		}
		parts = append(parts, fmt.Sprintf("%d %s %v%s", len(p.ids), p.name, shown, more))
	}
	return "billing: entries not conserved: " + strings.Join(parts, "; ")
}

// CheckConservation verifies that r accounts for every eligible entry of
// entries exactly once: on an invoice line, in a holding problem, in
// r.Pending or in r.Excluded; that no ineligible entry is billed, held or pending; and that
// r names no unknown id. It returns a *ConservationError or nil.
func CheckConservation(entries []TimeEntry, r Result) error {
	seen := make(map[int64]int32, len(entries))
	ok := make(map[int64]bool, len(entries))
	for i := range entries {
		ok[entries[i].ID] = eligible(&entries[i])
	}
	var ce ConservationError
	count := func(id int64) {
		el, known := ok[id]
		switch {
		case !known:
			ce.Unknown = append(ce.Unknown, id)
		case !el:
			ce.Ineligible = append(ce.Ineligible, id)
		default:
			seen[id]++
		}
	}
	for _, inv := range r.Invoices {
		for _, l := range inv.Lines {
			for _, id := range l.EntryIDs {
				count(id)
			}
		}
	}
	for _, p := range r.Problems {
		if p.Holds {
			for _, id := range p.EntryIDs {
				count(id)
			}
		}
	}
	for _, id := range r.Pending {
		count(id)
	}
	for _, id := range r.Excluded {
		count(id)
	}
	for id, el := range ok {
		switch {
		case !el:
		case seen[id] == 0:
			ce.Missing = append(ce.Missing, id)
		case seen[id] > 1:
			ce.Duplicated = append(ce.Duplicated, id)
		}
	}
	if len(ce.Missing)+len(ce.Duplicated)+len(ce.Ineligible)+len(ce.Unknown) == 0 {
		return nil
	}
	for _, s := range [][]int64{ce.Missing, ce.Duplicated, ce.Ineligible, ce.Unknown} {
		slices.Sort(s)
	}
	ce.Ineligible = slices.Compact(ce.Ineligible)
	ce.Unknown = slices.Compact(ce.Unknown)
	return &ce
}
