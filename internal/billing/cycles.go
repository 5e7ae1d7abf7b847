package billing

// defaultBiweeklyAnchor aligns biweekly cycles of an engagement without a
// start date: a Monday, so windows run Monday..Sunday fortnights.
var defaultBiweeklyAnchor = Date{Year: 1970, Month: 1, Day: 5}

// CycleContaining returns the billing cycle of the given kind that contains
// day d, in the firm's calendar (callers convert instants with DateIn).
//
//   - Weekly: Monday..Sunday.
//   - Biweekly: 14-day windows aligned to anchor (the engagement's StartsOn);
//     before the anchor the windows continue backwards. A zero anchor aligns
//     to Monday 1970-01-05.
//   - Semimonthly: the 1st..15th and the 16th..end of the month.
//   - Monthly, and any unknown kind: the calendar month.
func CycleContaining(kind CycleKind, anchor Date, d Date) Period {
	switch kind {
	case Weekly:
		n := dayNumber(d)
		start := n - weekdayOf(d)
		return Period{Start: dateOfDay(start), End: dateOfDay(start + 6)}
	case Biweekly:
		if anchor.IsZero() {
			anchor = defaultBiweeklyAnchor
		}
		a := dayNumber(anchor)
		start := a + 14*floorDiv(dayNumber(d)-a, 14)
		return Period{Start: dateOfDay(start), End: dateOfDay(start + 13)}
	case Semimonthly:
		if d.Day <= 15 {
			return Period{Start: Date{d.Year, d.Month, 1}, End: Date{d.Year, d.Month, 15}}
		}
		return Period{Start: Date{d.Year, d.Month, 16}, End: Date{d.Year, d.Month, daysIn(d.Year, d.Month)}}
	default:
		return Period{Start: Date{d.Year, d.Month, 1}, End: Date{d.Year, d.Month, daysIn(d.Year, d.Month)}}
	}
}

// LastClosedCycle returns the most recent cycle whose End is before today:
// the cycle a draft run on today bills.
func LastClosedCycle(kind CycleKind, anchor Date, today Date) Period {
	c := CycleContaining(kind, anchor, today.AddDays(-1))
	if c.End.Before(today) {
		return c
	}
	return CycleContaining(kind, anchor, c.Start.AddDays(-1))
}

// ClosesOn reports whether d is the last day of a cycle.
func ClosesOn(kind CycleKind, anchor Date, d Date) bool {
	return CycleContaining(kind, anchor, d).End == d
}
