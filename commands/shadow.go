package commands

import (
	"context"

	"billbot/internal/chat"
	"billbot/internal/slackui"
)

// shadowCycles is how many shadow cycles /billing shadow shows.
const shadowCycles = 7

// shadow answers /billing shadow: the latest shadow cycle's agreement with
// the invoices the firm issued itself, and the cycles before it.
func (h *Handler) shadow(ctx context.Context, arg string) (chat.Reply, error) {
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
