package interactions_test

import (
	"strconv"
	"strings"
	"testing"

	"billbot/internal/chat"
	"billbot/internal/slackui"
	"billbot/store"
	"billbot/store/storetest"
)

// TestDisputeAndResolve: Mark disputed asks a reason and works only on an
// invoice that went to the client; Resolve asks the outcome; both are
// audited and the open dispute is what pauses collections.
func TestDisputeAndResolve(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	inv := f.pending()
	id := strconv.FormatInt(inv.ID, 10)
	submit := func(user, callback string, vals map[string]map[string]string) (map[string]string, error) {
		resp, work, err := f.h.HandleViewSubmission(t.Context(), chat.ViewSubmission{UserID: user, CallbackID: callback, PrivateMetadata: id, Values: vals})
		if work != nil {
			t.Errorf("%s: work after the ack", callback)
		}
		return resp.Errors, err
	}
	if errs, err := submit(manager, chat.CallbackDispute, values(slackui.BlockDisputeReason, "hours too high")); err != nil || !strings.Contains(errs[slackui.BlockDisputeReason], "went to the client") {
		t.Errorf("dispute of a pending invoice: %v %v", errs, err)
	}
	if _, err := storetest.Move(t.Context(), f.store, inv.ID, store.StateSent, partner, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ user, reason, want string }{
		{manager, "  ", "Say what the client disputes."},
		{staffer, "hours too high", "can change the Acme Corp invoice"},
	} {
		if errs, err := submit(c.user, chat.CallbackDispute, values(slackui.BlockDisputeReason, c.reason)); err != nil || !strings.Contains(errs[slackui.BlockDisputeReason], c.want) {
			t.Errorf("dispute by %s with %q: %v %v", c.user, c.reason, errs, err)
		}
	}
	if errs, err := submit(manager, chat.CallbackDispute, values(slackui.BlockDisputeReason, "hours too high")); err != nil || len(errs) > 0 {
		t.Fatalf("dispute: %v %v", errs, err)
	}
	if _, err := f.store.OpenDisputeOf(t.Context(), inv.ID); err != nil {
		t.Fatalf("no open dispute after marking: %v", err)
	}
	if _, err := f.h.HandleAction(t.Context(), click(chat.ActionResolveDispute, inv.ID, manager)); err != nil {
		t.Fatal(err)
	}
	if n := len(f.views.opened); n == 0 || f.views.opened[n-1].CallbackID != chat.CallbackResolve {
		t.Fatalf("Resolve opened %+v", f.views.opened)
	}
	if errs, _ := submit(manager, chat.CallbackResolve, values(slackui.BlockOutcome, "")); errs[slackui.BlockOutcome] == "" {
		t.Error("resolve without an outcome accepted")
	}
	if errs, err := submit(manager, chat.CallbackResolve, values(slackui.BlockOutcome, "credited", slackui.BlockOutcomeNote, "credit memo 9")); err != nil || len(errs) > 0 {
		t.Fatalf("resolve: %v %v", errs, err)
	}
	if errs, _ := submit(manager, chat.CallbackResolve, values(slackui.BlockOutcome, "upheld")); !strings.Contains(errs[slackui.BlockOutcome], "no open dispute") {
		t.Errorf("second resolve: %v", errs)
	}
	evs, err := f.store.AuditTrail(t.Context(), store.AuditFilter{InvoiceID: inv.ID})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range evs {
		if strings.Contains(ev.Action, "disput") {
			got = append(got, ev.Action+" "+ev.Actor+" "+ev.Note)
		}
	}
	want := "invoice.disputed U0MANAGERA hours too high|invoice.dispute_resolved U0MANAGERA credited: credit memo 9"
	if strings.Join(got, "|") != want {
		t.Errorf("audit %q, want %q", got, want)
	}
}

// TestEntriesButton: Entries shows the lines with their entries to the
// firm's people who may read the client, and nothing to anyone else.
func TestEntriesButton(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	inv := f.pending()
	reply, err := f.h.HandleAction(t.Context(), click(chat.ActionShowEntries, inv.ID, partner))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reply.Text, "Acme Corp") || len(reply.Blocks) < 3 {
		t.Errorf("Entries for the partner: %q, %d blocks", reply.Text, len(reply.Blocks))
	}
	reply, err = f.h.HandleAction(t.Context(), click(chat.ActionShowEntries, inv.ID, staffer))
	if err != nil || !strings.Contains(reply.Text, "that you can see") || len(reply.Blocks) != 0 {
		t.Errorf("Entries for a stranger: %q %d %v", reply.Text, len(reply.Blocks), err)
	}
}
