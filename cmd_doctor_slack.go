package main

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"

	"billbot/bot"
)

// doctorSlack checks the bot token and says which workspace and app serve
// will serve, the way serve learns them (bot.LearnIdentity: auth.test,
// bots.info, and the SLACK_TEAM_ID / SLACK_APP_ID pins). A pin that Slack
// disagrees with is an error; unlike serve, doctor needs Slack to answer
// even when both are pinned. It returns doctor's line.
func (c *cli) doctorSlack(ctx context.Context, api *slack.Client) (string, error) {
	at, err := api.AuthTestContext(ctx)
	if err != nil {
		return "", fmt.Errorf("auth.test: %w (check SLACK_BOT_TOKEN and SLACK_API_URL)", err)
	}
	id, err := bot.LearnIdentity(ctx, api, c.env.SlackTeamID, c.env.SlackAppID)
	if err != nil {
		return "", err
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
	return fmt.Sprintf("serves workspace %s (%s%s) and app %s as %s; %s", at.Team, id.TeamID, grid, id.AppID, at.User, pins), nil
}
