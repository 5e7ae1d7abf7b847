package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"billbot/internal/chat"
	"billbot/internal/slacksandbox"
)

// testIdentity is the firm the bot tests' requests come from.
var testIdentity = Identity{TeamID: "T0FIRM", AppID: "A0BILLBOT"}

func TestIdentityCheck(t *testing.T) {
	t.Parallel()
	grid := Identity{TeamID: "T0FIRM", EnterpriseID: "E0FIRM", AppID: "A0BILLBOT"}
	for _, c := range []struct {
		name                  string
		id                    Identity
		team, enterprise, app string
		ok                    bool
	}{
		{"the firm", testIdentity, "T0FIRM", "", "A0BILLBOT", true},
		{"another workspace", testIdentity, "T0ATTACKER", "", "A0BILLBOT", false},
		{"another app", testIdentity, "T0FIRM", "", "A0OTHER", false},
		{"no app id", testIdentity, "T0FIRM", "", "", false},
		{"no team id", testIdentity, "", "", "A0BILLBOT", false},
		{"an enterprise claiming the firm's team outside Grid", testIdentity, "T0FIRM", "E0OTHER", "A0BILLBOT", true},
		{"grid: the firm's workspace", grid, "T0FIRM", "E0FIRM", "A0BILLBOT", true},
		{"grid: another workspace of the firm's organisation", grid, "T0SISTER", "E0FIRM", "A0BILLBOT", true},
		{"grid: org-wide install, no team", grid, "", "E0FIRM", "A0BILLBOT", true},
		{"grid: another organisation", grid, "T0ATTACKER", "E0OTHER", "A0BILLBOT", false},
		{"grid: the firm's team id under another organisation", grid, "T0FIRM", "E0OTHER", "A0BILLBOT", false},
		{"grid: a workspace outside any organisation", grid, "T0ATTACKER", "", "A0BILLBOT", false},
	} {
		if err := c.id.check(c.team, c.enterprise, c.app); (err == nil) != c.ok {
			t.Errorf("%s: check = %v, want ok %v", c.name, err, c.ok)
		}
	}
}

func TestLearnIdentityFromSlack(t *testing.T) {
	t.Parallel()
	sb := slacksandbox.New(slacksandbox.Options{EnterpriseID: "E0SANDBOX"})
	t.Cleanup(sb.Close)
	api := slacksandbox.SlackClient(sb, slacksandbox.DefaultToken)
	id, err := LearnIdentity(t.Context(), api, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Identity{TeamID: slacksandbox.TeamID, EnterpriseID: "E0SANDBOX", AppID: slacksandbox.AppID}); id != want {
		t.Errorf("identity = %+v, want %+v", id, want)
	}
	if id, err := LearnIdentity(t.Context(), api, slacksandbox.TeamID, slacksandbox.AppID); err != nil || id.AppID != slacksandbox.AppID {
		t.Errorf("pinned to the same values: %+v, %v", id, err)
	}
	if _, err := LearnIdentity(t.Context(), api, "T0OTHER", ""); err == nil || !strings.Contains(err.Error(), "SLACK_TEAM_ID") {
		t.Errorf("SLACK_TEAM_ID of another workspace: err = %v, want a start-up error naming SLACK_TEAM_ID", err)
	}
	if _, err := LearnIdentity(t.Context(), api, "", "A0OTHER"); err == nil || !strings.Contains(err.Error(), "SLACK_APP_ID") {
		t.Errorf("SLACK_APP_ID of another app: err = %v, want a start-up error naming SLACK_APP_ID", err)
	}
	down := slacksandbox.New(slacksandbox.Options{})
	downURL := down.APIURL()
	down.Close()
	unreachable := slack.New(slacksandbox.DefaultToken, slack.OptionAPIURL(downURL))
	if id, err := LearnIdentity(t.Context(), unreachable, "T0PINNED", "A0PINNED"); err != nil || id != (Identity{TeamID: "T0PINNED", AppID: "A0PINNED"}) {
		t.Errorf("Slack unreachable, both pinned: %+v, %v; want the pins", id, err)
	}
	if _, err := LearnIdentity(t.Context(), unreachable, "T0PINNED", ""); err == nil {
		t.Error("Slack unreachable, only the team pinned: no error")
	}
	if _, err := LearnIdentity(t.Context(), slacksandbox.SlackClient(sb, "xoxb-not-the-token"), "T0PINNED", "A0PINNED"); err == nil {
		t.Error("a token Slack refuses, both pinned: no error")
	}
	bad := slacksandbox.SlackClient(sb, "xoxb-not-the-token")
	if _, err := LearnIdentity(t.Context(), bad, "", ""); err == nil || !strings.Contains(err.Error(), "SLACK_BOT_TOKEN") {
		t.Errorf("bad token: err = %v, want one naming SLACK_BOT_TOKEN", err)
	}
}

func TestNewHTTPNeedsIdentity(t *testing.T) {
	t.Parallel()
	_, err := NewHTTP(HTTPConfig{SigningSecret: testSecret, Commands: &fakeCommands{}, Interactions: &fakeInteractions{}, Responder: NewResponder(slack.New("xoxb-x"), nil, nil)})
	if err == nil {
		t.Fatal("NewHTTP without an Identity succeeded; every request would be unchecked")
	}
}

// TestHTTPRefusesOtherWorkspaces sends correctly signed requests of every
// kind from another workspace, another app and another Grid organisation:
// Slack signs those with the same secret when the app is installed there.
// None reaches a handler or calls Slack; the person is told why.
func TestHTTPRefusesOtherWorkspaces(t *testing.T) {
	t.Parallel()
	e := newHTTPEnv(t, time.Minute)
	type origin struct{ name, team, enterprise, app string }
	var urls []string
	newURL := func() string { u := e.slack.NewResponseURL(); urls = append(urls, u); return u }
	for _, o := range []origin{
		{"another workspace", "T0ATTACKER", "", "A0BILLBOT"},
		{"another app", "T0FIRM", "", "A0ATTACKER"},
		{"another organisation", "T0ATTACKER", "E0ATTACKER", "A0BILLBOT"},
	} {
		form := commandForm("/billing", "run", newURL())
		form.Set("team_id", o.team)
		form.Set("api_app_id", o.app)
		if o.enterprise != "" {
			form.Set("enterprise_id", o.enterprise)
		}
		status, body := e.do(e.signer.SlashCommand(e.url("/slack/commands"), form))
		if status != http.StatusOK || !strings.Contains(body, "another Slack workspace") || !strings.Contains(body, `"response_type":"ephemeral"`) {
			t.Errorf("%s: command answered %d %q, want 200 with an ephemeral refusal", o.name, status, body)
		}
		status, body = e.do(e.signer.BlockAction(e.url("/slack/interactions"), slacksandbox.BlockAction{
			TeamID: o.team, EnterpriseID: o.enterprise, AppID: o.app, UserID: "U0PARTNER1", ChannelID: "C0BILLING", MessageTS: "1.2",
			ActionID: chat.ActionApprove, BlockID: "draft", Value: "1", ResponseURL: newURL(), TriggerID: "9.9.x",
		}))
		if status != http.StatusOK || body != "" {
			t.Errorf("%s: approve answered %d %q, want an empty 200", o.name, status, body)
		}
		status, body = e.do(e.signer.ViewSubmission(e.url("/slack/interactions"), slacksandbox.ViewSubmission{
			TeamID: o.team, EnterpriseID: o.enterprise, AppID: o.app, UserID: "U0PARTNER1", ViewID: "V1", CallbackID: chat.CallbackHold, PrivateMetadata: "1",
			Values: map[string]map[string]slacksandbox.Input{"reason": {"value": {Value: "x"}}},
		}))
		if status != http.StatusOK || !strings.Contains(body, `"response_action":"update"`) || !strings.Contains(body, "another Slack workspace") {
			t.Errorf("%s: submit answered %d %q, want 200 replacing the modal with the refusal", o.name, status, body)
		}
		ev, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": o.team, "enterprise_id": o.enterprise, "api_app_id": o.app, "event_id": "Ev" + o.team + o.app,
			"event": map[string]any{"type": "app_home_opened", "user": "U0PARTNER1", "tab": "home"}})
		if status, body := e.do(e.signer.Event(e.url("/slack/events"), ev)); status != http.StatusOK || body != "" {
			// A non-2xx would make Slack retry the event, then turn the
			// app's event subscriptions off.
			t.Errorf("%s: event answered %d %q, want an empty 200", o.name, status, body)
		}
	}
	e.h.Wait()
	if n := len(e.cmds.Calls()) + len(e.ints.Actions()) + len(e.ints.Views()) + len(e.events.Events()); n != 0 {
		t.Errorf("handlers called %d times for requests of other workspaces", n)
	}
	if calls := e.slack.Calls(); len(calls) != 0 {
		t.Errorf("Slack called for requests of other workspaces: %+v", calls)
	}
	for _, u := range urls {
		if n := len(e.slack.ResponsePosts(u)); n != 0 {
			t.Errorf("%d response_url posts for a request of another workspace", n)
		}
	}
	if !strings.Contains(e.logs.String(), `"level":"INFO","msg":"slack request from another workspace or app refused"`) {
		t.Errorf("no INFO line for the refusals:\n%s", e.logs.String())
	}
}

func TestSocketRefusesOtherWorkspaces(t *testing.T) {
	t.Parallel()
	e := newSocketEnv(t)
	inner := json.RawMessage(`{"type":"app_home_opened","user":"U0PARTNER1","tab":"home"}`)
	var got acks
	for _, evt := range []socketmode.Event{
		{Type: socketmode.EventTypeSlashCommand, Data: slack.SlashCommand{TeamID: "T0ATTACKER", APIAppID: "A0BILLBOT", UserID: "U0PARTNER1", Command: "/billing", Text: "run", ResponseURL: e.slack.NewResponseURL()}},
		{Type: socketmode.EventTypeInteractive, Data: slack.InteractionCallback{
			Type: slack.InteractionTypeBlockActions, APIAppID: "A0BILLBOT", Team: slack.Team{ID: "T0ATTACKER"}, User: slack.User{ID: "U0PARTNER1"},
			ActionCallback: slack.ActionCallbacks{BlockActions: []*slack.BlockAction{{ActionID: chat.ActionApprove, Value: "1"}}},
		}},
		{Type: socketmode.EventTypeInteractive, Data: slack.InteractionCallback{
			Type: slack.InteractionTypeViewSubmission, APIAppID: "A0BILLBOT", Team: slack.Team{ID: "T0ATTACKER"}, User: slack.User{ID: "U0PARTNER1"},
			View: slack.View{ID: "V1", CallbackID: chat.CallbackHold, PrivateMetadata: "1"},
		}},
		{Type: socketmode.EventTypeEventsAPI, Data: slackevents.EventsAPIEvent{Type: "event_callback", TeamID: "T0ATTACKER", APIAppID: "A0BILLBOT", Data: &slackevents.EventsAPICallbackEvent{
			Type: "event_callback", TeamID: "T0ATTACKER", APIAppID: "A0BILLBOT", EventID: "Ev0FOREIGN", InnerEvent: &inner,
		}}},
	} {
		evt.Request = &socketmode.Request{EnvelopeID: "env"}
		e.s.handle(context.Background(), evt, got.fn)
	}
	e.s.d.wait()
	if n := len(e.cmds.Calls()) + len(e.ints.Actions()) + len(e.ints.Views()) + len(e.events.Events()); n != 0 {
		t.Errorf("handlers called %d times for envelopes of another workspace", n)
	}
	if len(got.payloads) != 4 {
		t.Fatalf("acks = %d, want every envelope acknowledged", len(got.payloads))
	}
	raw, _ := json.Marshal(got.payloads[0])
	if !strings.Contains(string(raw), "another Slack workspace") {
		t.Errorf("command ack = %s, want the refusal", raw)
	}
	if calls := e.slack.Calls(); len(calls) != 0 {
		t.Errorf("Slack called: %+v", calls)
	}
}
