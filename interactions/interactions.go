// Package interactions answers clicks and modal submissions: Approve, Edit,
// Hold and Release on draft invoices, Snooze and Dispute on escalations,
// and Supplemental on late approvals. Routing is a map from action or
// callback id to a method, checked at start-up; handlers call the
// workflows and never talk to Slack but to open a modal.
package interactions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"billbot/internal/billing"
	"billbot/internal/chat"
	"billbot/internal/workflow"
	"billbot/store"
)

// Views opens modals; the bot's Messenger satisfies it.
type Views interface {
	OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) (string, error)
}

// Handler answers interactions.
type Handler struct {
	wf      *workflow.Workflow
	views   Views
	logger  *slog.Logger
	actions map[string]func(context.Context, chat.Action, int64) (chat.Reply, error)
	submits map[string]func(context.Context, chat.ViewSubmission, int64) (chat.ViewResponse, func(context.Context) error, error)
}

// New returns a Handler.
func New(wf *workflow.Workflow, views Views, logger *slog.Logger) *Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{wf: wf, views: views, logger: logger}
	h.actions = map[string]func(context.Context, chat.Action, int64) (chat.Reply, error){
		chat.ActionApprove:      h.approve,
		chat.ActionEdit:         h.openEdit,
		chat.ActionHold:         h.openHold,
		chat.ActionRelease:      h.release,
		chat.ActionSnooze:       h.snooze,
		chat.ActionDispute:      h.openDispute,
		chat.ActionSupplemental: h.supplemental,
		// invoice detail and disputes (disputes.go)
		chat.ActionShowEntries:    h.showEntries,
		chat.ActionResolveDispute: h.openResolve,
	}
	h.submits = map[string]func(context.Context, chat.ViewSubmission, int64) (chat.ViewResponse, func(context.Context) error, error){
		chat.CallbackEdit:    h.submitEdit,
		chat.CallbackHold:    h.submitHold,
		chat.CallbackDispute: h.submitDispute,
		chat.CallbackResolve: h.submitResolve,
	}
	return h
}

// ActionIDs lists the action ids the Handler answers.
func (h *Handler) ActionIDs() []string { return keys(h.actions) }

// CallbackIDs lists the modal callback ids the Handler answers.
func (h *Handler) CallbackIDs() []string { return keys(h.submits) }

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// HandleAction answers one button click. The draft message itself is
// updated by the workflow (chat.update); the reply, when not empty, is an
// ephemeral note to whoever clicked.
func (h *Handler) HandleAction(ctx context.Context, a chat.Action) (chat.Reply, error) {
	if a.ActionID == chat.ActionOpenInQBO || a.ActionID == chat.ActionConnectQBO || a.ActionID == chat.ActionOpenDetail {
		return chat.Reply{}, nil // a link: Slack opens it, nothing to do
	}
	fn, ok := h.actions[a.ActionID]
	if !ok {
		return chat.Reply{}, fmt.Errorf("interactions: unknown action id %q", a.ActionID)
	}
	// The Approve button's value is "<id>:<version>" (the version the
	// partner saw); every other button's is the id.
	idText, _, _ := strings.Cut(strings.TrimSpace(a.Value), ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return chat.Reply{}, fmt.Errorf("interactions: action %s: bad value %q", a.ActionID, a.Value)
	}
	reply, err := fn(ctx, a, id)
	return userReply(reply, err)
}

// HandleViewSubmission answers a modal's submit: validation errors at once,
// the work after the ack.
func (h *Handler) HandleViewSubmission(ctx context.Context, v chat.ViewSubmission) (chat.ViewResponse, func(context.Context) error, error) {
	fn, ok := h.submits[v.CallbackID]
	if !ok {
		return chat.ViewResponse{}, nil, fmt.Errorf("interactions: unknown callback id %q", v.CallbackID)
	}
	id, err := strconv.ParseInt(strings.TrimSpace(v.PrivateMetadata), 10, 64)
	if err != nil || id <= 0 {
		return chat.ViewResponse{}, nil, fmt.Errorf("interactions: %s: bad private_metadata %q", v.CallbackID, v.PrivateMetadata)
	}
	return fn(ctx, v, id)
}

// userReply turns a workflow.UserError into an ephemeral reply; other
// errors go to the bot, which logs them and shows a generic message.
func userReply(r chat.Reply, err error) (chat.Reply, error) {
	var ue *workflow.UserError
	if errors.As(err, &ue) {
		return chat.Reply{Text: ue.Msg}, nil
	}
	return r, err
}

func (h *Handler) approve(ctx context.Context, a chat.Action, id int64) (chat.Reply, error) {
	_, version, _ := strings.Cut(strings.TrimSpace(a.Value), ":")
	inv, err := h.wf.ApproveVersion(ctx, id, a.UserID, version)
	if err != nil {
		return chat.Reply{}, err
	}
	// Approve leaves an invoice that moved on as it is; say why nothing
	// happened rather than nothing at all.
	switch {
	case inv.State == store.StateHeld:
		msg := fmt.Sprintf("The %s invoice is on hold", inv.Client)
		if inv.HoldReason != "" {
			msg += fmt.Sprintf(" (“%s”)", inv.HoldReason)
		}
		return chat.Reply{Text: msg + ": Release it before approving. Nothing was sent."}, nil
	case inv.State == store.StateVoided || inv.State == store.StateDraft:
		return chat.Reply{Text: fmt.Sprintf("The %s invoice is %s and cannot be approved. Nothing was sent.", inv.Client, inv.State)}, nil
	case inv.ActedBy != "" && inv.ActedBy != a.UserID && (inv.State == store.StateApproved || inv.State == store.StateSent || inv.State == store.StatePaid):
		return chat.Reply{Text: fmt.Sprintf("The %s invoice was already approved by <@%s>; it was sent once.", inv.Client, inv.ActedBy)}, nil
	}
	return chat.Reply{}, nil
}

func (h *Handler) release(ctx context.Context, a chat.Action, id int64) (chat.Reply, error) {
	_, err := h.wf.Release(ctx, id, a.UserID)
	return chat.Reply{}, err
}

func (h *Handler) snooze(ctx context.Context, a chat.Action, id int64) (chat.Reply, error) {
	if err := h.wf.Snooze(ctx, id, a.UserID); err != nil {
		return chat.Reply{}, err
	}
	return chat.Reply{Text: fmt.Sprintf("Snoozed: no escalation for this invoice for %d days.", billing.SnoozeDays)}, nil
}

func (h *Handler) supplemental(ctx context.Context, a chat.Action, id int64) (chat.Reply, error) {
	inv, err := h.wf.DraftSupplemental(ctx, id, a.UserID)
	if err != nil {
		return chat.Reply{}, err
	}
	return chat.Reply{Text: fmt.Sprintf("Supplemental invoice drafted for %s (%s); it is posted for approval.", inv.Client, inv.Total.Display(inv.Currency))}, nil
}
