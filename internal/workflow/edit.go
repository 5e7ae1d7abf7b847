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
		amount := money.LineAmount(le.Hours, le.Rate)
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
	out.Lines = recomputeDerived(out.Lines, discount)
	Retotal(&out)
	if out.Total < 0 {
		return inv, false, &FieldError{Field: "discount", Msg: "The invoice total cannot be negative."}
	}
	return out, writtenDown, nil
}

// recomputeDerived rebuilds the discount and retainer-credit lines from the
// billed lines they depend on.
func recomputeDerived(lines []billing.Line, discount money.Percent) []billing.Line {
	billed := map[string]money.Amount{}   // engagement → hourly + fixed
	retainer := map[string]money.Amount{} // engagement → hourly, for credits
	var kept []billing.Line
	for _, l := range lines {
		switch l.Kind {
		case billing.LineHourly:
			billed[l.Engagement] += l.Amount
			retainer[l.Engagement] += l.Amount
		case billing.LineFixed:
			billed[l.Engagement] += l.Amount
		}
	}
	for _, l := range lines {
		switch l.Kind {
		case billing.LineDiscount:
			if discount == 0 {
				continue
			}
			l.UnitPrice = -money.PercentOf(billed[l.Engagement], discount)
			l.Qty = money.HoursScale
			l.Amount = money.LineAmount(l.Qty, l.UnitPrice)
		case billing.LineRetainerCredit:
			l.UnitPrice = -retainer[l.Engagement]
			l.Qty = money.HoursScale
			l.Amount = money.LineAmount(l.Qty, l.UnitPrice)
		}
		kept = append(kept, l)
	}
	return kept
}

// Retotal recomputes an invoice's totals from its lines.
func Retotal(inv *billing.Invoice) {
	inv.Subtotal, inv.Discount, inv.Credit, inv.Total, inv.Hours = 0, 0, 0, 0, 0
	for _, l := range inv.Lines {
		switch l.Kind {
		case billing.LineDiscount:
			inv.Discount += l.Amount
		case billing.LineRetainerCredit:
			inv.Credit += l.Amount
		default:
			inv.Subtotal += l.Amount
		}
		if l.Kind == billing.LineHourly {
			inv.Hours += l.Qty
		}
		inv.Total += l.Amount
	}
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
