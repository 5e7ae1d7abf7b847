package interactions

import (
	"context"
	"errors"
	"fmt"

	"billbot/internal/billing"
	"billbot/internal/chat"
	"billbot/internal/workflow"
	"billbot/store"
)

// changeable reports whether an invoice in state may still be edited
// (billing.Editable) or held (billing.CanTransition to held), as the
// workflows allow: while it awaits approval.
func changeable(s store.InvoiceState, verb string) bool {
	if verb == "held" {
		return billing.CanTransition(s, billing.StateHeld)
	}
	return billing.Editable(s)
}

// notChangeable says why inv can no longer be edited or held (verb).
func notChangeable(inv store.Invoice, verb string) string {
	msg := fmt.Sprintf("The %s invoice is %s and can no longer be %s here.", inv.Client, inv.State, verb)
	if inv.State == store.StateHeld && inv.HoldReason != "" {
		msg += fmt.Sprintf(" It was held: “%s”; Release it first.", inv.HoldReason)
	}
	return msg
}

// checkChangeable returns a workflow.UserError unless the invoice may still
// be edited or held.
func (h *Handler) checkChangeable(ctx context.Context, id int64, verb string) error {
	inv, err := h.wf.Invoice(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return &workflow.UserError{Msg: fmt.Sprintf("Invoice %d no longer exists.", id)}
	}
	if err != nil {
		return err
	}
	if !changeable(inv.State, verb) {
		return &workflow.UserError{Msg: notChangeable(inv, verb)}
	}
	return nil
}

// forUser turns a workflow.UserError from work done after the ack into a
// chat.UserError, which the transport shows to the person as is.
func forUser(err error) error {
	var ue *workflow.UserError
	if errors.As(err, &ue) {
		return &chat.UserError{Msg: ue.Msg}
	}
	return err
}
