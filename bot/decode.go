package bot

import (
	"encoding/json"
	"fmt"

	"github.com/slack-go/slack"

	"billbot/internal/chat"
)

// commandFrom maps a parsed slash command (HTTP form or Socket Mode
// payload) onto chat.Command.
func commandFrom(sc slack.SlashCommand) chat.Command {
	return chat.Command{
		TeamID:      sc.TeamID,
		ChannelID:   sc.ChannelID,
		UserID:      sc.UserID,
		Command:     sc.Command,
		Text:        cleanText(sc.Text),
		ResponseURL: sc.ResponseURL,
		TriggerID:   sc.TriggerID,
	}
}

// actionsFrom maps a block_actions payload onto one chat.Action per action
// it carries (Slack sends one per click; the list shape allows more).
func actionsFrom(ic slack.InteractionCallback) []chat.Action {
	channel := ic.Channel.ID
	if channel == "" {
		channel = ic.Container.ChannelID
	}
	ts := ic.Container.MessageTs
	if ts == "" {
		ts = ic.Message.Timestamp
	}
	viewID := ic.View.ID
	if viewID == "" {
		viewID = ic.Container.ViewID
	}
	out := make([]chat.Action, 0, len(ic.ActionCallback.BlockActions))
	for _, ba := range ic.ActionCallback.BlockActions {
		if ba == nil {
			continue
		}
		value := ba.Value
		if value == "" {
			value = ba.SelectedOption.Value // an overflow or select menu
		}
		out = append(out, chat.Action{
			TeamID:      teamOf(ic),
			UserID:      ic.User.ID,
			ActionID:    ba.ActionID,
			BlockID:     ba.BlockID,
			Value:       cleanText(value),
			ChannelID:   channel,
			MessageTS:   ts,
			ResponseURL: ic.ResponseURL,
			TriggerID:   ic.TriggerID,
			ViewID:      viewID,
		})
	}
	return out
}

// viewSubmissionFrom maps a view_submission payload onto chat.ViewSubmission.
func viewSubmissionFrom(ic slack.InteractionCallback) chat.ViewSubmission {
	values := map[string]map[string]string{}
	if ic.View.State != nil {
		for block, actions := range ic.View.State.Values {
			byAction := make(map[string]string, len(actions))
			for action, ba := range actions {
				byAction[action] = cleanText(inputValue(ba))
			}
			values[block] = byAction
		}
	}
	return chat.ViewSubmission{
		TeamID:          teamOf(ic),
		UserID:          ic.User.ID,
		CallbackID:      ic.View.CallbackID,
		ViewID:          ic.View.ID,
		PrivateMetadata: cleanText(ic.View.PrivateMetadata),
		Values:          values,
	}
}

// inputValue reads the one value an input element carries in
// view.state.values: text for plain_text_input, the option value for
// selects, the date for date pickers, the id for user pickers.
func inputValue(ba slack.BlockAction) string {
	switch {
	case ba.SelectedOption.Value != "":
		return ba.SelectedOption.Value
	case ba.SelectedDate != "":
		return ba.SelectedDate
	case ba.SelectedUser != "":
		return ba.SelectedUser
	case ba.SelectedTime != "":
		return ba.SelectedTime
	case ba.SelectedChannel != "":
		return ba.SelectedChannel
	case ba.SelectedConversation != "":
		return ba.SelectedConversation
	}
	return ba.Value
}

func teamOf(ic slack.InteractionCallback) string {
	if ic.Team.ID != "" {
		return ic.Team.ID
	}
	return ic.User.TeamID
}

// innerEvent is the part of an Events API inner event billbot reads; the
// full shape is docs.slack.dev/reference/events/app_home_opened.
type innerEvent struct {
	Type string `json:"type"`
	User string `json:"user"`
	Tab  string `json:"tab"`
}

// eventFrom maps an event_callback's inner event onto chat.Event.
func eventFrom(teamID, eventID string, inner json.RawMessage) (chat.Event, error) {
	var ie innerEvent
	if err := json.Unmarshal(inner, &ie); err != nil {
		return chat.Event{}, fmt.Errorf("decode inner event %s: %w", eventID, err)
	}
	return chat.Event{TeamID: teamID, EventID: eventID, Type: ie.Type, UserID: ie.User, Tab: ie.Tab}, nil
}
