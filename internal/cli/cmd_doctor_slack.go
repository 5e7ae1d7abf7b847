package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"billbot/bot"
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

// doctorSlack checks the bot token and says which workspace and app serve
// will serve, the way serve learns them (bot.LearnIdentity: auth.test,
// bots.info, and the SLACK_TEAM_ID / SLACK_APP_ID pins). A pin that Slack
// disagrees with is an error; unlike serve, doctor needs Slack to answer
// even when both are pinned. It returns doctor's line and the bot's user name.
func (c *cli) doctorSlack(ctx context.Context, api *slack.Client) (string, string, error) {
	at, err := api.AuthTestContext(ctx)
	if err != nil {
		return "", "", fmt.Errorf("auth.test: %w (check SLACK_BOT_TOKEN and SLACK_API_URL)", err)
	}
	id, err := bot.LearnIdentity(ctx, api, c.env.SlackTeamID, c.env.SlackAppID)
	if err != nil {
		return "", "", err
	}
	pins := "learned from the bot token; pin with SLACK_TEAM_ID and SLACK_APP_ID"
	switch {
	case c.env.SlackTeamID != "" && c.env.SlackAppID != "":
		pins = "SLACK_TEAM_ID and SLACK_APP_ID agree"
	case c.env.SlackTeamID != "":
		pins = "SLACK_TEAM_ID agrees; app learned from bots.info"
	case c.env.SlackAppID != "":
		pins = "SLACK_APP_ID agrees; workspace learned from auth.test"
	}
	grid := ""
	if id.EnterpriseID != "" {
		grid = ", Enterprise Grid " + id.EnterpriseID
	}
	return fmt.Sprintf("serves workspace %s (%s%s) and app %s as %s; %s", at.Team, id.TeamID, grid, id.AppID, at.User, pins), at.User, nil
}
