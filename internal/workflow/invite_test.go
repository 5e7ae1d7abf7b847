package workflow_test

import (
	"strings"
	"testing"

	"billbot/internal/billing"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// TestDraftNotInChannelSaysInvite: when the bot was never invited to the
// billing channel, the run says how to fix it — in its error and in the
// billing manager's DM — and posts the drafts once the bot is invited.
func TestDraftNotInChannelSaysInvite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		e := newEnv(t, s)
		e.slack.RemoveBotFrom(billingChannel)
		e.october()
		_, err := e.wf.Draft(ctx, workflow.DraftOptions{PeriodEnd: billing.MustDate("2026-10-31"), Actor: "test"})
		const fix = "/invite @billbot"
		if err == nil || !strings.Contains(err.Error(), fix) {
			t.Fatalf("draft err = %v, want one saying %q", err, fix)
		}
		nic, ok := workflow.OnlyNotInChannel(err)
		if !ok || nic.Channel != billingChannel || nic.Drafts != 2 {
			t.Errorf("err = %#v, want a NotInChannelError for %s with 2 drafts", err, billingChannel)
		}
		if n := strings.Count(err.Error(), "not_in_channel"); n > 1 {
			t.Errorf("the error repeats not_in_channel %d times: one line says it", n)
		}
		told := false
		for _, m := range e.dms(billingManager) {
			told = told || strings.Contains(m.Text, fix)
		}
		if !told {
			t.Errorf("billing manager's DMs %v do not say %q", e.dms(billingManager), fix)
		}

		e.slack.InviteBot(billingChannel)
		if err := e.wf.Advance(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(e.slack.Messages(billingChannel)); n != 2 {
			t.Errorf("billing channel holds %d messages after /invite, want the 2 drafts", n)
		}
	})
}
