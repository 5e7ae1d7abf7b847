package slacksandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Signer builds requests the way Slack sends them to an app's request URLs:
// form-encoded bodies signed with the app's signing secret (v0 HMAC-SHA256
// over "v0:<timestamp>:<raw body>", docs.slack.dev/authentication/verifying-requests-from-slack).
type Signer struct {
	Secret string
	// Now gives the X-Slack-Request-Timestamp; default time.Now.
	Now func() time.Time
}

func (s Signer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Signature returns the X-Slack-Signature value for body sent at ts.
func Signature(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + strconv.FormatInt(ts, 10) + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// Request builds a signed POST of body to target. It panics on an invalid
// target URL, a mistake in the calling test.
func (s Signer) Request(target, contentType string, body []byte) *http.Request {
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		panic("slacksandbox: " + err.Error())
	}
	ts := s.now().Unix()
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", Signature(s.Secret, ts, body))
	return req
}

// SlashCommand builds a slash command request with the given form fields
// (command, text, user_id, channel_id, response_url, trigger_id, ...; the
// field list is in docs.slack.dev/interactivity/implementing-slash-commands).
// Slack always sends team_id and api_app_id: when fields lack them they
// are the sandbox workspace's and app's.
func (s Signer) SlashCommand(target string, fields url.Values) *http.Request {
	return s.Request(target, "application/x-www-form-urlencoded", []byte(slashCommandFields(fields).Encode()))
}

// slashCommandFields fills in the fields Slack always sends.
func slashCommandFields(fields url.Values) url.Values {
	fields = cloneValues(fields)
	if fields.Get("team_id") == "" {
		fields.Set("team_id", TeamID)
	}
	if fields.Get("api_app_id") == "" {
		fields.Set("api_app_id", AppID)
	}
	return fields
}

// BlockAction is one button click to send as a block_actions payload.
type BlockAction struct {
	TeamID, UserID, UserName string
	ChannelID, MessageTS     string
	// ViewID, when set, makes the click come from a view (App Home or a
	// modal) instead of a message.
	ViewID                   string
	ActionID, BlockID, Value string
	ResponseURL, TriggerID   string
	// AppID is api_app_id, default AppID; EnterpriseID is the Grid
	// organisation, default none.
	AppID, EnterpriseID string
}

// BlockAction builds the interaction request for a button click; the JSON
// follows Slack's block_actions payload reference
// (docs.slack.dev/reference/interaction-payloads/block_actions-payload).
func (s Signer) BlockAction(target string, a BlockAction) *http.Request {
	return s.payload(target, blockActionPayload(s.now(), a))
}

// blockActionPayload is the block_actions payload of a click at now.
func blockActionPayload(now time.Time, a BlockAction) map[string]any {
	p := interactionPayload("block_actions", a.TeamID, a.UserID, a.UserName, a.AppID, a.EnterpriseID, a.TriggerID)
	p["actions"] = []any{map[string]any{
		"type": "button", "action_id": a.ActionID, "block_id": a.BlockID, "value": a.Value,
		"text":      map[string]any{"type": "plain_text", "text": a.ActionID, "emoji": true},
		"action_ts": strconv.FormatInt(now.Unix(), 10) + ".000100",
	}}
	p["state"] = map[string]any{"values": map[string]any{}}
	if a.ResponseURL != "" {
		p["response_url"] = a.ResponseURL
	}
	if a.ViewID != "" {
		p["container"] = map[string]any{"type": "view", "view_id": a.ViewID}
		p["view"] = map[string]any{"id": a.ViewID, "type": "home", "team_id": a.TeamID}
	} else {
		p["container"] = map[string]any{"type": "message", "message_ts": a.MessageTS, "channel_id": a.ChannelID, "is_ephemeral": false}
		p["channel"] = map[string]any{"id": a.ChannelID, "name": "billing"}
		p["message"] = map[string]any{"type": "message", "ts": a.MessageTS, "user": BotUserID, "bot_id": BotID, "text": ""}
	}
	return p
}

// Input is one submitted input of a modal. Type is the element type:
// plain_text_input (the default), static_select, datepicker, users_select.
type Input struct {
	Type  string
	Value string
}

// ViewSubmission is a modal submit to send as a view_submission payload.
type ViewSubmission struct {
	TeamID, UserID, UserName string
	ViewID, CallbackID       string
	PrivateMetadata, Hash    string
	TriggerID                string
	// Values by block id, then action id.
	Values map[string]map[string]Input
	// AppID and EnterpriseID are as in BlockAction.
	AppID, EnterpriseID string
}

// ViewSubmission builds the interaction request for a modal submit; the
// JSON follows Slack's view_submission payload reference
// (docs.slack.dev/reference/interaction-payloads/view-interactions-payload).
func (s Signer) ViewSubmission(target string, v ViewSubmission) *http.Request {
	return s.payload(target, viewSubmissionPayload(v))
}

// viewSubmissionPayload is the view_submission payload of a modal submit.
func viewSubmissionPayload(v ViewSubmission) map[string]any {
	values := map[string]any{}
	for block, actions := range v.Values {
		byAction := map[string]any{}
		for action, in := range actions {
			byAction[action] = stateValue(in)
		}
		values[block] = byAction
	}
	p := interactionPayload("view_submission", v.TeamID, v.UserID, v.UserName, v.AppID, v.EnterpriseID, v.TriggerID)
	p["view"] = map[string]any{
		"id": v.ViewID, "team_id": v.TeamID, "type": "modal", "callback_id": v.CallbackID,
		"private_metadata": v.PrivateMetadata, "hash": v.Hash,
		"title":  map[string]any{"type": "plain_text", "text": "billbot"},
		"blocks": []any{},
		"state":  map[string]any{"values": values},
	}
	p["response_urls"] = []any{}
	p["is_enterprise_install"] = false
	return p
}

// interactionPayload is what every interaction payload of the given type
// carries: the team, the user, the app, the legacy verification token, the
// trigger id and, in an Enterprise Grid workspace, the enterprise
// (docs.slack.dev/reference/interaction-payloads).
func interactionPayload(kind, teamID, userID, userName, appID, enterpriseID, triggerID string) map[string]any {
	p := map[string]any{
		"type":       kind,
		"team":       map[string]any{"id": teamID, "domain": "sandbox"},
		"user":       map[string]any{"id": userID, "username": userName, "name": userName, "team_id": teamID},
		"api_app_id": orDefault(appID, AppID),
		"token":      "legacy-verification-token",
		"trigger_id": triggerID,
	}
	if enterpriseID != "" {
		p["enterprise"] = map[string]any{"id": enterpriseID, "name": "Grid"}
	}
	return p
}

// stateValue renders one input the way view.state.values carries it.
func stateValue(in Input) map[string]any {
	switch in.Type {
	case "static_select":
		return map[string]any{"type": in.Type, "selected_option": map[string]any{
			"value": in.Value, "text": map[string]any{"type": "plain_text", "text": in.Value},
		}}
	case "datepicker":
		return map[string]any{"type": in.Type, "selected_date": in.Value}
	case "users_select":
		return map[string]any{"type": in.Type, "selected_user": in.Value}
	default:
		return map[string]any{"type": "plain_text_input", "value": in.Value}
	}
}

// payload sends p the way Slack sends interactions: a form with one field,
// payload=<JSON> (docs/vendors.md §1.3).
func (s Signer) payload(target string, p map[string]any) *http.Request {
	raw, err := json.Marshal(p)
	if err != nil {
		panic("slacksandbox: " + err.Error())
	}
	form := url.Values{"payload": {string(raw)}}
	return s.Request(target, "application/x-www-form-urlencoded", []byte(form.Encode()))
}

// Event builds a signed Events API request with a JSON body (Events API
// deliveries are JSON, docs.slack.dev/apis/events-api).
func (s Signer) Event(target string, body []byte) *http.Request {
	return s.Request(target, "application/json", body)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
