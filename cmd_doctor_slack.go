package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"billbot/internal/workflow"
)

// doctorBillingChannel checks that the bot is a member of the firm's
// billing channel: Slack refuses its posts there with not_in_channel until
// someone invites it (docs.slack.dev/reference/methods/chat.postMessage).
// conversations.info tells membership in the conversation's is_member
// (docs.slack.dev/reference/methods/conversations.info); it needs the
// channels:read (public) or groups:read (private) scope, and answers
// channel_not_found for a private channel the bot is not in.
func doctorBillingChannel(ctx context.Context, api *slack.Client, wf *workflow.Workflow, bot string, report func(string, error, string)) {
	if wf == nil {
		return
	}
	firm, err := wf.LoadFirm(ctx)
	if err != nil || firm.File.BillingChannel == "" {
		return // no billing channel: drafts go to the partners' DMs
	}
	id := firm.File.BillingChannel
	fix := fmt.Sprintf("type /invite @%s in the channel %s (firm.billing_channel)", bot, id)
	ch, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: id})
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &se) && se.Err == "channel_not_found":
		report("slack", fmt.Errorf("billing channel %s not found: if it is private, %s; else check firm.billing_channel", id, fix), "")
	case errors.As(err, &se) && se.Err == "missing_scope":
		report("slack", fmt.Errorf("cannot check the billing channel %s: add the channels:read and groups:read bot scopes (see manifest.yml) and reinstall the app", id), "")
	case err != nil:
		report("slack", fmt.Errorf("conversations.info %s: %w", id, err), "")
	case !ch.IsMember:
		report("slack", fmt.Errorf("billbot is not a member of the billing channel #%s (%s), so drafts cannot be posted there (not_in_channel): %s", ch.Name, id, fix), "")
	default:
		report("slack", nil, fmt.Sprintf("member of the billing channel #%s (%s)", ch.Name, id))
	}
}
