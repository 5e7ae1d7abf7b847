package workflow

import (
	"context"
	"fmt"
)

// notInChannel reports that drafts could not be posted because the bot is
// not a member of channel: Slack answers chat.postMessage with
// not_in_channel until someone invites it
// (docs.slack.dev/reference/methods/chat.postMessage). The fix goes to the
// log, to the billing manager's DM and into the returned error (the run
// summary); the drafts stay waiting and are posted by the next run.
func (w *Workflow) notInChannel(ctx context.Context, firm *Firm, channel string, drafts int) error {
	const fix = "/invite @billbot"
	err := fmt.Errorf("billbot is not in the billing channel %s, so %d draft(s) wait to be posted: type %s in that channel, then run the draft again (Slack: not_in_channel)", channel, drafts, fix)
	w.logger.Error("not in the billing channel", "channel", channel, "drafts", drafts, "fix", fix+" in the channel")
	if m := firm.File.BillingManager; m != "" {
		text := fmt.Sprintf(":warning: I am not in the billing channel <#%s>, so %d draft invoice(s) wait to be posted. Type `%s` in <#%s>; I post them at the next run (or `/billing run`).", channel, drafts, fix, channel)
		if _, _, dmErr := w.slack.DM(ctx, m, text, nil); dmErr != nil {
			w.logger.Warn("tell the billing manager about the billing channel", "user_id", m, "error", dmErr)
		}
	}
	return err
}
