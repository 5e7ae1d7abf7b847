package interactions

import (
	"context"
	"strconv"
	"strings"

	"billbot/internal/chat"
	"billbot/internal/slackui"
	"billbot/internal/workflow"
	"billbot/store"
)

// openDispute asks what the client disputes (the reason is required).
func (h *Handler) openDispute(ctx context.Context, a chat.Action, id int64) (chat.Reply, error) {
	if err := h.wf.CanActOrManager(ctx, id, a.UserID); err != nil {
		return chat.Reply{}, err
	}
	inv, err := h.wf.Invoice(ctx, id)
	if err != nil {
		return chat.Reply{}, err
	}
	_, err = h.views.OpenView(ctx, a.TriggerID, slackui.DisputeModal(id, inv.Client, workflow.InvoiceNumber(inv)))
	return chat.Reply{}, err
}

func (h *Handler) submitDispute(ctx context.Context, v chat.ViewSubmission, id int64) (chat.ViewResponse, func(context.Context) error, error) {
	reason := strings.TrimSpace(value(v, slackui.BlockDisputeReason))
	if reason == "" {
		return errorsAt(slackui.BlockDisputeReason, "Say what the client disputes."), nil, nil
	}
	if err := h.wf.CanActOrManager(ctx, id, v.UserID); err != nil {
		return viewUserError(slackui.BlockDisputeReason, err)
	}
	if _, err := h.wf.MarkDisputed(ctx, id, v.UserID, reason); err != nil {
		return viewUserError(slackui.BlockDisputeReason, err)
	}
	return chat.ViewResponse{}, nil, nil
}

// openResolve asks how the open dispute ended.
func (h *Handler) openResolve(ctx context.Context, a chat.Action, id int64) (chat.Reply, error) {
	if err := h.wf.CanActOrManager(ctx, id, a.UserID); err != nil {
		return chat.Reply{}, err
	}
	inv, err := h.wf.Invoice(ctx, id)
	if err != nil {
		return chat.Reply{}, err
	}
	d, err := h.wf.OpenDispute(ctx, id)
	if err != nil {
		return chat.Reply{}, err
	}
	_, err = h.views.OpenView(ctx, a.TriggerID, slackui.ResolveModal(id, inv.Client, workflow.InvoiceNumber(inv), d.Reason))
	return chat.Reply{}, err
}

func (h *Handler) submitResolve(ctx context.Context, v chat.ViewSubmission, id int64) (chat.ViewResponse, func(context.Context) error, error) {
	outcome := store.DisputeOutcome(strings.TrimSpace(value(v, slackui.BlockOutcome)))
	if outcome == "" {
		return errorsAt(slackui.BlockOutcome, "Choose the outcome."), nil, nil
	}
	note := strings.TrimSpace(value(v, slackui.BlockOutcomeNote))
	if _, err := h.wf.ResolveDispute(ctx, id, v.UserID, outcome, note); err != nil {
		return viewUserError(slackui.BlockOutcome, err)
	}
	return chat.ViewResponse{}, nil, nil
}

// showEntries answers Entries on a draft: the lines with their time
// entries, to whoever clicked, if they may read the client.
func (h *Handler) showEntries(ctx context.Context, a chat.Action, id int64) (chat.Reply, error) {
	inv, err := h.wf.Invoice(ctx, id)
	if err != nil {
		return chat.Reply{}, err
	}
	d, err := h.wf.ReadableDetail(ctx, a.UserID, "#"+itoa(id))
	if err != nil {
		return chat.Reply{}, err
	}
	link, _ := h.wf.DetailLink(inv.Key)
	firm, err := h.wf.LoadFirm(ctx)
	if err != nil {
		return chat.Reply{}, err
	}
	text, blocks := slackui.InvoiceDetailReply(d, link, firm.Location())
	return chat.Reply{Text: text, Blocks: blocks}, nil
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
