package billing

import (
	"fmt"
	"slices"
	"strings"

	"billbot/internal/money"
)

// WriteDownReasons are the reasons a partner may give for billing less than
// the time recorded; they feed realization reporting.
var WriteDownReasons = []string{"scope", "efficiency", "client_relationship", "rate_error", "other"}

// Edit is a partner's change to a draft before approval.
type Edit struct {
	Lines   []LineEdit
	Memo    string
	DueDate Date // zero: unchanged
	// DiscountPercent, when set, is the discount of every engagement on the
	// invoice (0 removes it); nil keeps each engagement's own.
	DiscountPercent *money.Percent
	WriteDownReason string // required when any line is billed for less
	WriteDownNote   string
}

// LineEdit changes one line, by its index in the invoice's lines.
type LineEdit struct {
	Index       int
	Hours       money.Hours
	Rate        money.Amount
	Description string
}

// FieldError is an edit a person must correct; Field names the input
// ("line:3:hours", "due_date", "discount", "write_down").
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// discountText is a discount line's description: it names the percent the
// line's amount was computed with, and DiscountsOf reads it back.
func discountText(p money.Percent) string { return fmt.Sprintf("Discount %s %%", p) }

// discountLine is the one discount rule, for drafting and for edits alike:
// an engagement whose other lines on the invoice (fixed fee, hourly time,
// retainer block, less its retainer credit) come to base gets a discount of
// pct of base, rounded once, never more than base — or no line at all when
// pct or base is not positive.
func discountLine(eng string, base money.Amount, pct money.Percent, day Date) (Line, bool, error) {
	if pct <= 0 || base <= 0 {
		return Line{}, false, nil
	}
	d, err := money.Percentage(base, pct)
	if err != nil {
		return Line{}, false, err
	}
	d = min(d, base) // never below zero
	return Line{
		Kind:        LineDiscount,
		Engagement:  eng,
		Description: discountText(pct),
		ServiceDate: day,
		Qty:         oneUnit,
		UnitPrice:   -d,
		Amount:      money.LineAmount(oneUnit, -d),
	}, true, nil
}

// DiscountsOf returns the discount percent of each engagement with a
// discount line on inv: the percent its description names (the discount
// rule writes it), else — a description changed in QuickBooks — the
// engagement's configured percent. Engagements without a discount line have
// none, whatever their letter says, so that an edit keeps what was drafted.
func DiscountsOf(inv Invoice, configured map[string]money.Percent) map[string]money.Percent {
	out := map[string]money.Percent{}
	for _, l := range inv.Lines {
		if l.Kind != LineDiscount {
			continue
		}
		if p, ok := percentOfText(l.Description); ok {
			out[l.Engagement] = p
		} else if p := configured[l.Engagement]; p > 0 {
			out[l.Engagement] = p
		}
	}
	return out
}

// percentOfText reads the percent back from discountText.
func percentOfText(s string) (money.Percent, bool) {
	s, ok := strings.CutPrefix(s, "Discount ")
	if !ok {
		return 0, false
	}
	if s, ok = strings.CutSuffix(s, " %"); !ok {
		return 0, false
	}
	p, err := money.ParsePercent(s)
	return p, err == nil && p > 0 && p <= 100*money.PercentScale
}

// CommonDiscount is the discount percent shared by every engagement of inv
// (zero when none has one), and whether there is one such percent: an Edit
// whose DiscountPercent is that percent changes no engagement's discount.
func CommonDiscount(inv Invoice, discounts map[string]money.Percent) (money.Percent, bool) {
	var p money.Percent
	for i, eng := range engagementsOf(inv) {
		if i == 0 {
			p = discounts[eng]
		} else if discounts[eng] != p {
			return 0, false
		}
	}
	return p, true
}

// engagementsOf lists the engagements of inv's lines, in order of first line.
func engagementsOf(inv Invoice) []string {
	var out []string
	for _, l := range inv.Lines {
		if !slices.Contains(out, l.Engagement) {
			out = append(out, l.Engagement)
		}
	}
	return out
}

// ApplyEdit validates e against inv and returns the edited invoice with its
// lines and totals recomputed — every Amount once more Qty × UnitPrice under
// money's rounding rule — and whether anything was written down. discounts
// holds each engagement's discount percent before the edit (absent: none);
// the discount and retainer-credit lines follow from the other lines of
// their engagement by the same rule as drafting. inv is not changed.
func ApplyEdit(inv Invoice, discounts map[string]money.Percent, e Edit) (Invoice, bool, error) {
	out := inv
	out.Lines = slices.Clone(inv.Lines)
	writtenDown := false
	for _, le := range e.Lines {
		if le.Index < 0 || le.Index >= len(out.Lines) {
			return inv, false, &FieldError{Field: fmt.Sprintf("line:%d", le.Index), Msg: "no such line"}
		}
		l := &out.Lines[le.Index]
		if l.Kind != LineHourly && l.Kind != LineFixed && l.Kind != LineRetainerBlock {
			continue // discounts and retainer credits follow from the other lines
		}
		if le.Hours < 0 {
			return inv, false, &FieldError{Field: fmt.Sprintf("line:%d:hours", le.Index), Msg: "Hours cannot be negative."}
		}
		if le.Rate < 0 {
			return inv, false, &FieldError{Field: fmt.Sprintf("line:%d:rate", le.Index), Msg: "The rate cannot be negative."}
		}
		if strings.TrimSpace(le.Description) == "" {
			return inv, false, &FieldError{Field: fmt.Sprintf("line:%d:description", le.Index), Msg: "A line needs a description."}
		}
		amount, err := money.Mul(le.Hours, le.Rate)
		if err == nil {
			amount, err = money.Bounded(amount)
		}
		if err != nil {
			return inv, false, &FieldError{Field: fmt.Sprintf("line:%d:hours", le.Index), Msg: tooLarge(inv.Currency, "Hours × rate")}
		}
		if amount < l.Amount {
			writtenDown = true
		}
		l.Qty, l.UnitPrice, l.Amount, l.Description = le.Hours, le.Rate, amount, strings.TrimSpace(le.Description)
	}
	if writtenDown && e.WriteDownReason == "" {
		return inv, false, &FieldError{Field: "write_down", Msg: "A line is billed for less than before: choose a write-down reason."}
	}
	if e.WriteDownReason != "" && !slices.Contains(WriteDownReasons, e.WriteDownReason) {
		return inv, false, &FieldError{Field: "write_down", Msg: "Unknown write-down reason."}
	}
	if !e.DueDate.IsZero() {
		if e.DueDate.Before(inv.InvoiceDate) {
			return inv, false, &FieldError{Field: "due_date", Msg: "The due date cannot be before the invoice date."}
		}
		out.DueDate = e.DueDate
	}
	pct := func(eng string) money.Percent { return discounts[eng] }
	if e.DiscountPercent != nil {
		p := *e.DiscountPercent
		if p < 0 || p > 100*money.PercentScale {
			return inv, false, &FieldError{Field: "discount", Msg: "A discount is between 0 and 100 percent."}
		}
		pct = func(string) money.Percent { return p }
	}
	lines, err := rederive(out.Lines, pct, out.InvoiceDate)
	if err == nil {
		out.Lines = lines
		err = Retotal(&out)
	}
	if err != nil {
		field := "discount"
		if n := len(e.Lines); n > 0 {
			field = fmt.Sprintf("line:%d:hours", e.Lines[n-1].Index)
		}
		return inv, false, &FieldError{Field: field, Msg: tooLarge(inv.Currency, "The invoice total")}
	}
	if out.Total < 0 {
		return inv, false, &FieldError{Field: "discount", Msg: "The invoice total cannot be negative."}
	}
	return out, writtenDown, nil
}

// rederive rebuilds, engagement by engagement, the lines that follow from
// the others: the retainer credit offsets the engagement's hourly time, and
// the discount line (added, changed or dropped) is the discount rule applied
// to the rest, last of the engagement's lines as drafting places it.
// Arithmetic is checked.
func rederive(lines []Line, pct func(eng string) money.Percent, day Date) ([]Line, error) {
	hourly := map[string]money.Amount{} // engagement → hourly, for credits
	var order []string                  // engagements in order of first line
	var err error
	for _, l := range lines {
		if _, seen := hourly[l.Engagement]; !seen {
			order = append(order, l.Engagement)
			hourly[l.Engagement] = 0
		}
		if l.Kind == LineHourly {
			if hourly[l.Engagement], err = money.Add(hourly[l.Engagement], l.Amount); err != nil {
				return nil, err
			}
		}
	}
	out := make([]Line, 0, len(lines)+len(order))
	for _, eng := range order {
		var base money.Amount
		at := -1 // index in out of the engagement's discount line
		for _, l := range lines {
			if l.Engagement != eng {
				continue
			}
			switch l.Kind {
			case LineDiscount:
				if at < 0 {
					at = len(out)
					out = append(out, l)
				}
				continue // one discount line per engagement
			case LineRetainerCredit:
				l.UnitPrice, l.Qty, l.Amount = -hourly[eng], oneUnit, -hourly[eng]
			}
			if base, err = money.Add(base, l.Amount); err != nil {
				return nil, err
			}
			out = append(out, l)
		}
		d, ok, err := discountLine(eng, base, pct(eng), day)
		if err != nil {
			return nil, err
		}
		switch {
		case ok && at >= 0:
			// The line keeps its date; amount and text follow the rule.
			d.ServiceDate = out[at].ServiceDate
			out = append(slices.Delete(out, at, at+1), d)
		case ok:
			out = append(out, d)
		case at >= 0:
			out = slices.Delete(out, at, at+1)
		}
	}
	return out, nil
}

// Retotal recomputes an invoice's totals from its lines with checked
// arithmetic: an error (money.ErrOverflow) when a line or a total is beyond
// money.MaxAmount, and then inv's totals are not to be used.
func Retotal(inv *Invoice) error {
	var sub, disc, credit, total money.Amount
	var hours money.Hours
	for i, l := range inv.Lines {
		if _, err := money.Bounded(l.Amount); err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
		var err error
		switch l.Kind {
		case LineDiscount:
			disc, err = money.Add(disc, l.Amount)
		case LineRetainerCredit:
			credit, err = money.Add(credit, l.Amount)
		default:
			sub, err = money.Add(sub, l.Amount)
		}
		if err != nil {
			return err
		}
		if l.Kind == LineHourly {
			if hours, err = money.AddHours(hours, l.Qty); err != nil {
				return err
			}
		}
		if total, err = money.Add(total, l.Amount); err != nil {
			return err
		}
	}
	for _, a := range []money.Amount{sub, disc, credit, total} {
		if _, err := money.Bounded(a); err != nil {
			return fmt.Errorf("invoice total: %w", err)
		}
	}
	inv.Subtotal, inv.Discount, inv.Credit, inv.Total, inv.Hours = sub, disc, credit, total, hours
	return nil
}

// tooLarge is the field error for an amount beyond money.MaxAmount.
func tooLarge(cur money.Currency, what string) string {
	return what + " would be more than " + money.MaxAmount.Display(cur) + ", the most billbot puts on one line or one invoice. Check the hours and the rate."
}
