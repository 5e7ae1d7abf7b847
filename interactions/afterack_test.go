package interactions_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"billbot/internal/chat"
	"billbot/internal/slackui"
	"billbot/store"
)

// TestChangedStateIsSaid: Edit and Hold on an invoice that moved on, and
// Approve of a held invoice, tell the person what happened instead of
// doing nothing in silence.
func TestChangedStateIsSaid(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	inv := f.pending()
	id := strconv.FormatInt(inv.ID, 10)
	ctx := t.Context()

	// Hold it (as a partner would, through the modal).
	resp, work, err := f.h.HandleViewSubmission(ctx, chat.ViewSubmission{UserID: partner, CallbackID: chat.CallbackHold, PrivateMetadata: id, Values: values(slackui.BlockHoldReason, "Scope call Friday")})
	if err != nil || len(resp.Errors) != 0 || work == nil {
		t.Fatalf("hold: %v %v %v", resp.Errors, work != nil, err)
	}
	// A second Hold modal, opened before the first was submitted, is
	// submitted after: the work would change nothing.
	if err := work(ctx); err != nil {
		t.Fatal(err)
	}

	// Approve of the held invoice: said, nothing sent.
	r, err := f.h.HandleAction(ctx, click(chat.ActionApprove, inv.ID, partner))
	if err != nil || !strings.Contains(r.Text, "on hold") || !strings.Contains(r.Text, "Scope call Friday") {
		t.Errorf("approve of a held invoice: %q, %v; want it said to be on hold, with the reason", r.Text, err)
	}
	if f.qbo.sends != 0 {
		t.Errorf("QBO sends = %d, want 0", f.qbo.sends)
	}

	// Hold and Edit submitted against the held invoice: errors in the modal.
	resp, work, err = f.h.HandleViewSubmission(ctx, chat.ViewSubmission{UserID: partner, CallbackID: chat.CallbackHold, PrivateMetadata: id, Values: values(slackui.BlockHoldReason, "again")})
	if err != nil || work != nil || !strings.Contains(resp.Errors[slackui.BlockHoldReason], "held") {
		t.Errorf("hold of a held invoice: errors %v, work %v, err %v", resp.Errors, work != nil, err)
	}
	resp, work, err = f.h.HandleViewSubmission(ctx, chat.ViewSubmission{UserID: partner, CallbackID: chat.CallbackEdit, PrivateMetadata: id, Values: values(slackui.BlockMemo, "new memo")})
	if err != nil || work != nil || !strings.Contains(resp.Errors[slackui.BlockMemo], "held") {
		t.Errorf("edit of a held invoice: errors %v, work %v, err %v", resp.Errors, work != nil, err)
	}
	// Clicking Edit or Hold on it says so instead of opening a modal.
	for _, action := range []string{chat.ActionEdit, chat.ActionHold} {
		r, err := f.h.HandleAction(ctx, click(action, inv.ID, partner))
		if err != nil || !strings.Contains(r.Text, "held") {
			t.Errorf("%s on a held invoice: %q, %v", action, r.Text, err)
		}
	}
	if len(f.views.opened) != 0 {
		t.Errorf("modals opened on a held invoice: %d", len(f.views.opened))
	}
	if got := f.invoice(inv.ID); got.State != store.StateHeld || got.HoldReason != "Scope call Friday" {
		t.Errorf("invoice after the refusals: %s %q", got.State, got.HoldReason)
	}
}

// TestFollowUpOfStaleSubmitIsAUserError: the state can change between the
// submit (checked) and the work after the ack; the work then fails with a
// message for the person, which the transport delivers.
func TestFollowUpOfStaleSubmitIsAUserError(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	inv := f.pending()
	id := strconv.FormatInt(inv.ID, 10)
	ctx := t.Context()
	_, holdWork, err := f.h.HandleViewSubmission(ctx, chat.ViewSubmission{UserID: partner, CallbackID: chat.CallbackHold, PrivateMetadata: id, Values: values(slackui.BlockHoldReason, "first")})
	if err != nil || holdWork == nil {
		t.Fatal(err)
	}
	_, editWork, err := f.h.HandleViewSubmission(ctx, chat.ViewSubmission{UserID: partner, CallbackID: chat.CallbackEdit, PrivateMetadata: id, Values: values(slackui.BlockMemo, "memo")})
	if err != nil || editWork == nil {
		t.Fatal(err)
	}
	// Approved and sent in between.
	if _, err := f.h.HandleAction(ctx, click(chat.ActionApprove, inv.ID, partner)); err != nil {
		t.Fatal(err)
	}
	for name, work := range map[string]func() error{"hold": func() error { return holdWork(ctx) }, "edit": func() error { return editWork(ctx) }} {
		err := work()
		var ue *chat.UserError
		if !errors.As(err, &ue) || !strings.Contains(ue.Msg, "sent") {
			t.Errorf("%s after the invoice was sent: %v, want a chat.UserError saying it is sent", name, err)
		}
	}
	if got := f.invoice(inv.ID); got.State != store.StateSent || got.HoldReason != "" {
		t.Errorf("invoice: %s %q", got.State, got.HoldReason)
	}
}

// TestDisputeByAStrangerChangesNothing: marking an invoice disputed stops
// its reminders and escalations, so only its partners, managers and the
// firm's approvers may do it.
func TestDisputeByAStrangerChangesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	inv := f.pending()
	r, err := f.h.HandleAction(t.Context(), click(chat.ActionDispute, inv.ID, staffer))
	if err != nil || strings.Contains(r.Text, "Marked disputed") || !strings.Contains(r.Text, "Only") {
		t.Errorf("dispute by a stranger: %q, %v; want a refusal", r.Text, err)
	}
	evs, err := f.store.AuditEvents(t.Context(), "invoice", strconv.FormatInt(inv.ID, 10))
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Actor == staffer {
			t.Errorf("audit event %s by the stranger", ev.Action)
		}
	}
}
