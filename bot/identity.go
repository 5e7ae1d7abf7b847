package bot

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"
)

// Identity is the one Slack app and workspace billbot serves. Slack signs
// every request to an app's URLs with the app's one signing secret, from
// whichever workspace it comes (docs.slack.dev/authentication/verifying-requests-from-slack):
// a valid signature proves the request came through Slack for this app, not
// that it came from the firm. So every command, interaction and event is
// also checked against Identity, and anything else is refused and changes
// nothing.
type Identity struct {
	// TeamID is the firm's workspace: auth.test's team_id for the bot
	// token, or SLACK_TEAM_ID.
	TeamID string
	// EnterpriseID is the Enterprise Grid organisation the workspace
	// belongs to (auth.test's enterprise_id), empty outside Grid. Requests
	// from other workspaces of the same organisation are accepted: an app
	// deployed to the organisation serves all of them.
	EnterpriseID string
	// AppID is billbot's own app id (api_app_id in payloads): bots.info's
	// app_id for the bot, or SLACK_APP_ID.
	AppID string
}

// A refused request is still answered 200 (and a Socket Mode envelope is
// still acknowledged): a 403 is a transport failure to Slack, which then
// shows the person a bare "failed with the error http_client_error" for a
// command, and retries an event up to three times and turns off the app's
// event subscriptions when most deliveries fail
// (docs.slack.dev/apis/events-api, "Responding to events"). So a command
// gets an ephemeral refusal in the ack body, a modal's submit is replaced
// by the same refusal, and clicks and events get an empty 200. Nothing is
// posted to the request's response_url and no handler runs.

// errForeign is why a request from another workspace or app is refused.
var errForeign = errors.New("request from another workspace or app")

// refusedText is what a person in another workspace is told.
const refusedText = "This app belongs to another Slack workspace; it does not answer requests from yours."

// check returns errForeign unless a request that names team, enterprise
// and app is the firm's. Slack puts api_app_id and team_id in every slash
// command, interaction and event payload, so an absent one is refused too.
func (id Identity) check(team, enterprise, app string) error {
	if app == "" || app != id.AppID {
		return fmt.Errorf("%w: api_app_id %q", errForeign, app)
	}
	if enterprise != "" && id.EnterpriseID != "" && enterprise != id.EnterpriseID {
		return fmt.Errorf("%w: enterprise_id %q", errForeign, enterprise)
	}
	if team != "" && team == id.TeamID {
		return nil
	}
	if id.EnterpriseID != "" && enterprise == id.EnterpriseID {
		return nil
	}
	return fmt.Errorf("%w: team_id %q", errForeign, team)
}

func (id Identity) validate() error {
	if id.TeamID == "" || id.AppID == "" {
		return errors.New("bot: Identity needs the workspace's team id and the app id (see LearnIdentity)")
	}
	return nil
}

// IdentityAPI is the part of the Slack Web API LearnIdentity calls.
type IdentityAPI interface {
	AuthTestContext(ctx context.Context) (*slack.AuthTestResponse, error)
	GetBotInfoContext(ctx context.Context, p slack.GetBotInfoParameters) (*slack.Bot, error)
}

// LearnIdentity asks Slack whose bot token billbot holds: auth.test gives
// the workspace (team_id, enterprise_id) and the bot's bot_id, and
// bots.info gives that bot's app_id (docs.slack.dev/reference/methods/auth.test,
// docs.slack.dev/reference/methods/bots.info: "Use the app_id field to
// identify whether a bot belongs to your Slack app"). pinTeam
// (SLACK_TEAM_ID) and pinApp (SLACK_APP_ID), when set, must agree with
// what Slack says: a token of another workspace is a start-up error, not a
// silent switch. With pinApp set, bots.info is only a cross-check; with
// both set, billbot starts even when Slack cannot be reached.
func LearnIdentity(ctx context.Context, api IdentityAPI, pinTeam, pinApp string) (Identity, error) {
	at, err := api.AuthTestContext(ctx)
	var refusal slack.SlackErrorResponse
	switch {
	case err != nil && pinTeam != "" && pinApp != "" && !errors.As(err, &refusal):
		// Slack unreachable, but both are pinned: serve them rather than
		// not start (a token Slack refuses is still fatal).
		return Identity{TeamID: pinTeam, AppID: pinApp}, nil
	case err != nil:
		return Identity{}, fmt.Errorf("slack auth.test (check SLACK_BOT_TOKEN and SLACK_API_URL; or pin SLACK_TEAM_ID and SLACK_APP_ID): %w", err)
	}
	if at.TeamID == "" {
		return Identity{}, errors.New("slack auth.test returned no team_id")
	}
	if pinTeam != "" && pinTeam != at.TeamID {
		return Identity{}, fmt.Errorf("SLACK_TEAM_ID is %s but SLACK_BOT_TOKEN belongs to workspace %s: use the bot token of the firm's workspace, or correct SLACK_TEAM_ID", pinTeam, at.TeamID)
	}
	id := Identity{TeamID: at.TeamID, EnterpriseID: at.EnterpriseID, AppID: pinApp}
	if at.BotID == "" {
		if pinApp != "" {
			return id, nil
		}
		return Identity{}, errors.New("slack auth.test returned no bot_id: SLACK_BOT_TOKEN must be a bot token (xoxb-), or set SLACK_APP_ID")
	}
	bot, err := api.GetBotInfoContext(ctx, slack.GetBotInfoParameters{Bot: at.BotID})
	switch {
	case err != nil && pinApp != "":
		return id, nil // pinned: bots.info is only a cross-check
	case err != nil:
		return Identity{}, fmt.Errorf("slack bots.info for %s (needs the users:read scope; or set SLACK_APP_ID): %w", at.BotID, err)
	case bot.AppID == "" && pinApp == "":
		return Identity{}, fmt.Errorf("slack bots.info for %s returned no app_id: set SLACK_APP_ID", at.BotID)
	case bot.AppID != "" && pinApp != "" && bot.AppID != pinApp:
		return Identity{}, fmt.Errorf("SLACK_APP_ID is %s but SLACK_BOT_TOKEN belongs to app %s: correct SLACK_APP_ID", pinApp, bot.AppID)
	}
	if bot.AppID != "" {
		id.AppID = bot.AppID
	}
	return id, nil
}
