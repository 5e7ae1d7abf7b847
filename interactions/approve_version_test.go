package interactions_test

import (
	"strconv"
	"strings"
	"testing"

	"billbot/internal/chat"
	"billbot/internal/workflow"
	"billbot/store"
)

// TestApproveCarriesTheVersionShown: the Approve button's value is
// "<id>:<version>"; a click whose version is not the invoice's current one
// (the message was rendered before the invoice changed) sends nothing and
// says so, and a click with the current version sends.
func TestApproveCarriesTheVersionShown(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	inv := f.pending()
	id := strconv.FormatInt(inv.ID, 10)
	a := click(chat.ActionApprove, inv.ID, partner)
	a.Value = id + ":0123456789abcdef"
	reply, err := f.h.HandleAction(t.Context(), a)
	if err != nil || !strings.Contains(reply.Text, "nothing was sent") {
		t.Fatalf("stale click: reply %q, err %v", reply.Text, err)
	}
	if got := f.invoice(inv.ID); got.State != store.StatePending || f.qbo.sends != 0 {
		t.Fatalf("stale click: state %s, sends %d", got.State, f.qbo.sends)
	}
	a.Value = id + ":" + workflow.Version(f.invoice(inv.ID))
	if reply, err := f.h.HandleAction(t.Context(), a); err != nil || reply.Text != "" {
		t.Fatalf("current click: reply %q, err %v", reply.Text, err)
	}
	if got := f.invoice(inv.ID); got.State != store.StateSent || f.qbo.sends != 1 {
		t.Errorf("current click: state %s, sends %d", got.State, f.qbo.sends)
	}
}
