package commands

import (
	"context"

	"billbot/internal/chat"
	"billbot/internal/slackui"
	"billbot/internal/workflow"
)

// shadowCycles is how many shadow cycles /billing shadow shows.
const shadowCycles = 7

// shadowWholeFirm refuses the firm-wide shadow report to a manager who
// reads only their own clients.
const shadowWholeFirm = "The shadow report covers every client of the firm; it is shown to partners, approvers, the billing manager and firm.viewers. Ask the billing manager for it."

// shadow answers /billing shadow: the latest shadow cycle's agreement with
// the invoices the firm issued itself, and the cycles before it.
func (h *Handler) shadow(ctx context.Context, rd workflow.Reader, arg string) (chat.Reply, error) {
	if !rd.All {
		// The report sums every client: a manager who reads only their own
		// clients' figures does not get the firm's.
		return chat.Reply{Text: shadowWholeFirm}, nil
	}
	if arg != "" {
		return render(slackui.UsageError(Billing, "`shadow` takes nothing after it.")), nil
	}
	if _, err := h.wf.LoadFirm(ctx); err != nil {
		return chat.Reply{}, err
	}
	cycles, err := h.wf.ShadowHistory(ctx, shadowCycles)
	if err != nil {
		return chat.Reply{}, err
	}
	return render(slackui.ShadowReport(cycles, nil)), nil
}
