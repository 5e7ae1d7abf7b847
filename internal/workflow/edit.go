package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/store"
)

// WriteDownReasons are the reasons a partner may give for billing less than
// the time recorded; they feed realization reporting.
var WriteDownReasons = []string{"scope", "efficiency", "client_relationship", "rate_error", "other"}

// Edit is a partner's change to a draft before approval.
type Edit struct {
	Lines           []LineEdit
	Memo            string
	DueDate         billing.Date   // zero: unchanged
	DiscountPercent *money.Percent // nil: unchanged
	WriteDownReason string         // required when any line is billed for less
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

// ApplyEdit validates e against inv and returns the edited invoice with its
// lines and totals recomputed — every Amount once more Qty × UnitPrice under
// money's rounding rule — and whether anything was written down.
func ApplyEdit(inv billing.Invoice, discount money.Percent, e Edit) (billing.Invoice, bool, error) {
	out := inv
	out.Lines = append([]billing.Line(nil), inv.Lines...)
	writtenDown := false
	for _, le := range e.Lines {
		if le.Index < 0 || le.Index >= len(out.Lines) {
			return inv, false, &FieldError{Field: fmt.Sprintf("line:%d", le.Index), Msg: "no such line"}
		}
		l := &out.Lines[le.Index]
		if l.Kind != billing.LineHourly && l.Kind != billing.LineFixed && l.Kind != billing.LineRetainerBlock {
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
	if e.WriteDownReason != "" && !contains(WriteDownReasons, e.WriteDownReason) {
		return inv, false, &FieldError{Field: "write_down", Msg: "Unknown write-down reason."}
	}
	if !e.DueDate.IsZero() {
		if e.DueDate.Before(inv.InvoiceDate) {
			return inv, false, &FieldError{Field: "due_date", Msg: "The due date cannot be before the invoice date."}
		}
		out.DueDate = e.DueDate
	}
	if e.DiscountPercent != nil {
		if *e.DiscountPercent < 0 || *e.DiscountPercent > 100*money.PercentScale {
			return inv, false, &FieldError{Field: "discount", Msg: "A discount is between 0 and 100 percent."}
		}
		discount = *e.DiscountPercent
	}
	lines, err := recomputeDerived(out.Lines, discount)
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

// recomputeDerived rebuilds the discount and retainer-credit lines from the
// billed lines they depend on, with checked arithmetic.
func recomputeDerived(lines []billing.Line, discount money.Percent) ([]billing.Line, error) {
	billed := map[string]money.Amount{}   // engagement → hourly + fixed
	retainer := map[string]money.Amount{} // engagement → hourly, for credits
	var kept []billing.Line
	var err error
	for _, l := range lines {
		switch l.Kind {
		case billing.LineHourly:
			if billed[l.Engagement], err = money.Add(billed[l.Engagement], l.Amount); err != nil {
				return nil, err
			}
			if retainer[l.Engagement], err = money.Add(retainer[l.Engagement], l.Amount); err != nil {
				return nil, err
			}
		case billing.LineFixed:
			if billed[l.Engagement], err = money.Add(billed[l.Engagement], l.Amount); err != nil {
				return nil, err
			}
		}
	}
	for _, l := range lines {
		switch l.Kind {
		case billing.LineDiscount:
			if discount == 0 {
				continue
			}
			d, err := money.Percentage(billed[l.Engagement], discount)
			if err != nil {
				return nil, err
			}
			l.UnitPrice, l.Qty, l.Amount = -d, money.HoursScale, -d
		case billing.LineRetainerCredit:
			l.UnitPrice, l.Qty, l.Amount = -retainer[l.Engagement], money.HoursScale, -retainer[l.Engagement]
		}
		kept = append(kept, l)
	}
	return kept, nil
}

// Retotal recomputes an invoice's totals from its lines with checked
// arithmetic: an error (money.ErrOverflow) when a line or a total is beyond
// money.MaxAmount, and then inv's totals are not to be used.
func Retotal(inv *billing.Invoice) error {
	var sub, disc, credit, total money.Amount
	var hours money.Hours
	for i, l := range inv.Lines {
		if _, err := money.Bounded(l.Amount); err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
		var err error
		switch l.Kind {
		case billing.LineDiscount:
			disc, err = money.Add(disc, l.Amount)
		case billing.LineRetainerCredit:
			credit, err = money.Add(credit, l.Amount)
		default:
			sub, err = money.Add(sub, l.Amount)
		}
		if err != nil {
			return err
		}
		if l.Kind == billing.LineHourly {
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

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// EditInvoice applies a partner's edit: QBO first (a sparse update), then
// the store, then the Slack message. An invoice already approved, sent or
// held cannot be edited.
func (w *Workflow) EditInvoice(ctx context.Context, invoiceID int64, user string, e Edit) (store.Invoice, error) {
	defer w.locks.lock(invoiceID)()
	firm, inv, err := w.authorize(ctx, invoiceID, user, "edit")
	if err != nil {
		return inv, err
	}
	if inv.State != store.StatePending && inv.State != store.StateFlagged {
		return inv, userErrorf("The %s invoice is %s and can no longer be edited here.", inv.Client, inv.State)
	}
	var discount money.Percent
	for _, key := range inv.Engagements {
		if eng, ok := firm.Engagement(key); ok && eng.DiscountPercent != 0 {
			discount = eng.DiscountPercent
		}
	}
	edited, _, err := ApplyEdit(inv.Billing(), discount, e)
	if err != nil {
		return inv, err
	}
	reason := e.WriteDownReason
	if e.WriteDownNote != "" {
		reason += ": " + e.WriteDownNote
	}
	if w.qboReady(ctx) && inv.QBOID != "" {
		client, _ := firm.Client(inv.Client)
		items, err := w.qbo.Items(ctx)
		if err != nil {
			return inv, fmt.Errorf("list QBO items: %w", err)
		}
		remote, err := w.qbo.ReplaceDraft(ctx, inv.QBOID, edited, client, items, e.Memo)
		if err != nil {
			return inv, fmt.Errorf("update invoice %s in QBO: %w", inv.Key, err)
		}
		if inv, err = w.store.ReplaceLines(ctx, invoiceID, edited.Lines, edited, user, reason); err != nil {
			return inv, err
		}
		inv, err = w.store.UpdateInvoice(ctx, invoiceID, user, "qbo_updated", func(i *store.Invoice) error {
			i.SyncToken, i.QBOTotal, i.Balance, i.DueDate = remote.SyncToken, remote.Total, remote.Balance, edited.DueDate
			return nil
		})
		if err != nil {
			return inv, err
		}
	} else if inv, err = w.store.ReplaceLines(ctx, invoiceID, edited.Lines, edited, user, reason); err != nil {
		return inv, err
	}
	to := store.StatePending
	if inv.QBOTotal != inv.Total && inv.QBOID != "" {
		to = store.StateFlagged
	}
	if inv.State != to {
		inv, err = w.store.Transition(ctx, invoiceID, []store.InvoiceState{inv.State}, to, user, "edited", nil)
		if err != nil && !errors.Is(err, store.ErrConflict) {
			return inv, err
		}
	}
	now := w.now()
	inv, err = w.store.UpdateInvoice(ctx, invoiceID, user, "edited", func(i *store.Invoice) error {
		i.ActedBy, i.ActedAt = user, now
		return nil
	})
	if err != nil {
		return inv, err
	}
	return inv, w.refreshMessage(ctx, firm, inv)
}
