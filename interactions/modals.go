package interactions

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"billbot/internal/billing"
	"billbot/internal/chat"
	"billbot/internal/money"
	"billbot/internal/slackui"
	"billbot/internal/workflow"
	"billbot/store"
)

func (h *Handler) openEdit(ctx context.Context, a chat.Action, id int64) (chat.Reply, error) {
	if err := h.wf.CanAct(ctx, id, a.UserID, "edit"); err != nil {
		return chat.Reply{}, err
	}
	if err := h.checkChangeable(ctx, id, "edited"); err != nil {
		return chat.Reply{}, err
	}
	view, _, err := h.wf.DraftView(ctx, id)
	if err != nil {
		return chat.Reply{}, err
	}
	_, err = h.views.OpenView(ctx, a.TriggerID, slackui.EditModal(view))
	return chat.Reply{}, err
}

func (h *Handler) openHold(ctx context.Context, a chat.Action, id int64) (chat.Reply, error) {
	if err := h.wf.CanAct(ctx, id, a.UserID, "hold"); err != nil {
		return chat.Reply{}, err
	}
	if err := h.checkChangeable(ctx, id, "held"); err != nil {
		return chat.Reply{}, err
	}
	inv, err := h.wf.Invoice(ctx, id)
	if err != nil {
		return chat.Reply{}, err
	}
	_, err = h.views.OpenView(ctx, a.TriggerID, slackui.HoldModalIn(id, inv.Client, h.wf.ViewLedger()))
	return chat.Reply{}, err
}

func (h *Handler) submitHold(ctx context.Context, v chat.ViewSubmission, id int64) (chat.ViewResponse, func(context.Context) error, error) {
	reason := strings.TrimSpace(value(v, slackui.BlockHoldReason))
	if reason == "" {
		return errorsAt(slackui.BlockHoldReason, "Say why the invoice is held."), nil, nil
	}
	if err := h.wf.CanAct(ctx, id, v.UserID, "hold"); err != nil {
		return viewUserError(slackui.BlockHoldReason, err)
	}
	if err := h.checkChangeable(ctx, id, "held"); err != nil {
		return viewUserError(slackui.BlockHoldReason, err)
	}
	return chat.ViewResponse{}, func(ctx context.Context) error {
		inv, err := h.wf.Hold(ctx, id, v.UserID, reason)
		if err != nil {
			return forUser(err)
		}
		if inv.State != store.StateHeld || inv.HoldReason != reason {
			// Someone else acted between the submit and now: the
			// workflow left the invoice as it was.
			return &chat.UserError{Msg: notChangeable(inv, "held")}
		}
		return nil
	}, nil
}

// submitEdit reads the edit modal, validates it against the invoice at
// once (errors show under the inputs), and applies it after the ack.
func (h *Handler) submitEdit(ctx context.Context, v chat.ViewSubmission, id int64) (chat.ViewResponse, func(context.Context) error, error) {
	if err := h.wf.CanAct(ctx, id, v.UserID, "edit"); err != nil {
		return viewUserError(slackui.BlockMemo, err)
	}
	inv, err := h.wf.Invoice(ctx, id)
	if err != nil {
		return chat.ViewResponse{}, nil, err
	}
	if !changeable(inv.State, "edited") {
		return errorsAt(slackui.BlockMemo, notChangeable(inv, "edited")), nil, nil
	}
	edit, errs := ParseEdit(v.Values, inv.Billing())
	if len(errs) > 0 {
		return chat.ViewResponse{Errors: errs}, nil, nil
	}
	if err := h.wf.CheckEdit(ctx, id, edit); err != nil {
		var fe *workflow.FieldError
		if errors.As(err, &fe) {
			return errorsAt(blockOf(fe.Field), fe.Msg), nil, nil
		}
		return chat.ViewResponse{}, nil, err
	}
	return chat.ViewResponse{}, func(ctx context.Context) error {
		_, err := h.wf.EditInvoice(ctx, id, v.UserID, edit)
		return forUser(err)
	}, nil
}

// ParseEdit reads the edit modal's values into an Edit. Errors are keyed by
// the block id of the input at fault.
func ParseEdit(values map[string]map[string]string, inv billing.Invoice) (workflow.Edit, map[string]string) {
	errs := map[string]string{}
	var e workflow.Edit
	lines := map[int]*workflow.LineEdit{}
	for blockID, byAction := range values {
		raw := strings.TrimSpace(byAction[slackui.InputAction])
		if line, field, ok := slackui.ParseEditBlockID(blockID); ok {
			if line >= len(inv.Lines) {
				errs[blockID] = "This line no longer exists; reopen the editor."
				continue
			}
			le := lines[line]
			if le == nil {
				l := inv.Lines[line]
				le = &workflow.LineEdit{Index: line, Hours: l.Qty, Rate: l.UnitPrice, Description: l.Description}
				lines[line] = le
			}
			switch field {
			case slackui.FieldHours:
				hrs, err := money.ParseHours(raw)
				if err != nil || hrs < 0 {
					errs[blockID] = "Hours are a number like 7.5 or 1.25."
					continue
				}
				le.Hours = hrs
			case slackui.FieldRate:
				rate, err := money.Parse(raw, inv.Currency)
				if err != nil || rate < 0 {
					errs[blockID] = "A rate is an amount like 195.00."
					continue
				}
				le.Rate = rate
			case slackui.FieldDescription:
				le.Description = raw
			}
			continue
		}
		switch blockID {
		case slackui.BlockMemo:
			e.Memo = raw
		case slackui.BlockDueDate:
			if raw != "" {
				d, err := billing.ParseDate(raw)
				if err != nil {
					errs[blockID] = "Pick a due date."
					continue
				}
				e.DueDate = d
			}
		case slackui.BlockDiscount:
			if raw != "" {
				p, err := money.ParsePercent(raw)
				if err != nil {
					errs[blockID] = "A discount is a percentage like 10 or 12.5."
					continue
				}
				e.DiscountPercent = &p
			}
		case slackui.BlockWriteDown:
			e.WriteDownReason = raw
		case slackui.BlockWriteDownNote:
			e.WriteDownNote = raw
		}
	}
	for i := 0; i < len(inv.Lines); i++ {
		if le := lines[i]; le != nil {
			e.Lines = append(e.Lines, *le)
		}
	}
	if len(errs) == 0 {
		errs = nil
	}
	return e, errs
}

// blockOf maps a workflow.FieldError field to the modal's block id.
func blockOf(field string) string {
	switch field {
	case "due_date":
		return slackui.BlockDueDate
	case "discount":
		return slackui.BlockDiscount
	case "write_down":
		return slackui.BlockWriteDown
	}
	parts := strings.Split(field, ":") // line:3:hours
	if len(parts) == 3 && parts[0] == "line" {
		if n, err := strconv.Atoi(parts[1]); err == nil {
			return slackui.EditBlockID(n, parts[2])
		}
	}
	return slackui.BlockMemo
}

func value(v chat.ViewSubmission, block string) string { return v.Values[block][slackui.InputAction] }

func errorsAt(block, msg string) chat.ViewResponse {
	return chat.ViewResponse{Errors: map[string]string{block: msg}}
}

// viewUserError shows a workflow.UserError under an input; other errors
// pass through.
func viewUserError(block string, err error) (chat.ViewResponse, func(context.Context) error, error) {
	var ue *workflow.UserError
	if errors.As(err, &ue) {
		return errorsAt(block, ue.Msg), nil, nil
	}
	return chat.ViewResponse{}, nil, err
}
