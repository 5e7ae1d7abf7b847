package workflow

import (
	"context"
	"fmt"
)

// NotInChannelError says drafts wait because the bot is not a member of the
// billing channel; Error gives the fix, for the run summary.
type NotInChannelError struct {
	Channel string
	Drafts  int
}

// Error implements error.
func (e *NotInChannelError) Error() string {
	return fmt.Sprintf("billbot is not in the billing channel %s, so %d draft(s) wait to be posted: type /invite @billbot in that channel, then run the draft again (Slack: not_in_channel)", e.Channel, e.Drafts)
}

// notInChannel reports that drafts could not be posted because the bot is
// not a member of channel: Slack answers chat.postMessage with
// not_in_channel until someone invites it
// (docs.slack.dev/reference/methods/chat.postMessage). The fix goes to the
// log, to the billing manager's DM and into the returned error (the run
// summary); the drafts stay waiting and are posted by the next run.
func (w *Workflow) notInChannel(ctx context.Context, firm *Firm, channel string, drafts int) error {
	err := &NotInChannelError{Channel: channel, Drafts: drafts}
	w.logger.Error("not in the billing channel", "channel", channel, "drafts", drafts, "fix", "/invite @billbot in the channel")
	if m := firm.File.BillingManager; m != "" {
		if dmErr := w.notify.NotInChannel(ctx, m, channel, drafts); dmErr != nil {
			w.logger.Warn("tell the billing manager about the billing channel", "user_id", m, "error", dmErr)
		}
	}
	return err
}

// OnlyNotInChannel returns the NotInChannelError err consists of, when it is
// one or a join of nothing else: the run's other failures must not hide
// behind its friendlier summary.
func OnlyNotInChannel(err error) (*NotInChannelError, bool) {
	if nic, ok := err.(*NotInChannelError); ok {
		return nic, true
	}
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return nil, false
	}
	var first *NotInChannelError
	for _, e := range j.Unwrap() {
		nic, ok := OnlyNotInChannel(e)
		if !ok {
			return nil, false
		}
		if first == nil {
			first = nic
		}
	}
	return first, first != nil
}
