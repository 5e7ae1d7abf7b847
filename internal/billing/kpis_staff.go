package billing

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"

	"billbot/internal/money"
)

// NoStaff is the staff key of value on a line that carries no time entry
// (a fixed fee due in a cycle nobody logged time to).
const NoStaff = ""

// StaffLine is one staff member's hours on one invoice line: what staff
// realization reads of the lines of the invoices in a period. A line with
// no time entry comes once with Staff NoStaff and zero hours.
type StaffLine struct {
	LineID     int64
	InvoiceID  int64
	Engagement string
	Kind       LineKind
	Currency   money.Currency
	Standard   money.Amount // the line as first drafted
	Billed     money.Amount // the line as billed
	Staff      string
	Hours      money.Hours
}

// StaffRealization returns billed against standard value per staff member
// and currency, by staff then currency. Each hourly and fixed-fee line's
// standard and billed amounts are shared among the people whose time it
// carries in proportion to their hours on it; a discount line is shared
// among the people of its invoice's engagement in proportion to what they
// were billed on it before the discount. Shares are exact (largest
// remainder), so every line's amount is counted once, and the rows add up
// to realization by client. Retainer lines count on neither side.
func StaffRealization(lines []StaffLine) []RealizationRow {
	type engKey struct {
		invoice int64
		eng     string
	}
	type rowKey struct {
		staff string
		cur   money.Currency
	}
	byLine := map[int64][]StaffLine{}
	var order []int64
	for _, l := range lines {
		if _, seen := byLine[l.LineID]; !seen {
			order = append(order, l.LineID)
		}
		byLine[l.LineID] = append(byLine[l.LineID], l)
	}
	rows := map[rowKey]*RealizationRow{}
	add := func(staff string, cur money.Currency, std, billed money.Amount) {
		k := rowKey{staff, cur}
		r := rows[k]
		if r == nil {
			r = &RealizationRow{Key: staff, Currency: cur}
			rows[k] = r
		}
		r.Standard += std
		r.Billed += billed
	}
	// billedBy is what each person was billed on an engagement's hourly
	// and fixed lines of one invoice: the weights of its discount.
	billedBy := map[engKey]map[string]money.Amount{}
	var discounts []StaffLine
	for _, id := range order {
		ls := byLine[id]
		first := ls[0]
		switch first.Kind {
		case LineHourly, LineFixed:
		case LineDiscount:
			discounts = append(discounts, first)
			continue
		default:
			continue
		}
		staff, weights := staffWeights(ls)
		std := apportion(first.Standard, weights)
		billed := apportion(first.Billed, weights)
		ek := engKey{first.InvoiceID, first.Engagement}
		if billedBy[ek] == nil {
			billedBy[ek] = map[string]money.Amount{}
		}
		for i, s := range staff {
			add(s, first.Currency, std[i], billed[i])
			billedBy[ek][s] += billed[i]
		}
	}
	for _, d := range discounts {
		by := billedBy[engKey{d.InvoiceID, d.Engagement}]
		staff := make([]string, 0, len(by))
		for s := range by {
			staff = append(staff, s)
		}
		slices.Sort(staff)
		weights := make([]int64, len(staff))
		var total int64
		for i, s := range staff {
			weights[i] = max(int64(by[s]), 0)
			total += weights[i]
		}
		if total == 0 {
			add(NoStaff, d.Currency, 0, d.Billed)
			continue
		}
		for i, part := range apportion(d.Billed, weights) {
			add(staff[i], d.Currency, 0, part)
		}
	}
	out := make([]RealizationRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b RealizationRow) int {
		return cmp.Or(strings.Compare(a.Key, b.Key), strings.Compare(string(a.Currency), string(b.Currency)))
	})
	return out
}

// staffWeights returns the people on one line, by name, with their hours
// on it as weights. A line whose people logged no hours at all is shared
// equally among them.
func staffWeights(ls []StaffLine) ([]string, []int64) {
	hours := map[string]int64{}
	for _, l := range ls {
		hours[l.Staff] += int64(l.Hours)
	}
	staff := make([]string, 0, len(hours))
	var total int64
	for s, h := range hours {
		staff = append(staff, s)
		total += h
	}
	slices.Sort(staff)
	weights := make([]int64, len(staff))
	for i, s := range staff {
		weights[i] = hours[s]
		if total == 0 {
			weights[i] = 1
		}
	}
	return staff, weights
}

// apportion splits total among weights (non-negative, not all zero) in
// proportion, exactly: each share is rounded down and the minor units left
// over go one each to the largest remainders (ties to the earlier share),
// so the shares add up to total. A negative total is split as its
// magnitude and negated.
func apportion(total money.Amount, weights []int64) []money.Amount {
	out := make([]money.Amount, len(weights))
	var sum uint64
	for _, w := range weights {
		sum += uint64(w)
	}
	if sum == 0 || len(weights) == 0 {
		if len(out) > 0 {
			out[0] = total
		}
		return out
	}
	neg := total < 0
	mag := uint64(total)
	if neg {
		mag = uint64(-total)
	}
	rems := make([]uint64, len(weights))
	var given uint64
	for i, w := range weights {
		hi, lo := bits.Mul64(mag, uint64(w)) // w ≤ sum, so hi < sum
		q, r := bits.Div64(hi, lo, sum)
		out[i], rems[i] = money.Amount(q), r
		given += q
	}
	idx := make([]int, len(weights))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(rems[b], rems[a]) })
	for k := uint64(0); k < mag-given; k++ {
		out[idx[k]]++
	}
	if neg {
		for i := range out {
			out[i] = -out[i]
		}
	}
	return out
}
