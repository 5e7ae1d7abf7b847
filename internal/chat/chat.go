// Package chat holds billbot's own, transport-neutral shapes of what Slack
// sends (slash commands, button clicks, modal submissions, events) and what
// billbot answers, plus the action and callback ids that tie rendered
// messages to their handlers. The bot package decodes Slack's HTTP and
// Socket Mode payloads into these; commands and interactions consume them.
package chat

import (
	"context"

	"github.com/slack-go/slack"
)

// Action ids of buttons and inputs. Draft buttons use the names the operator
// contract promises; each button's value is the invoice id.
const (
	ActionApprove      = "approve_invoice"
	ActionEdit         = "edit_invoice"
	ActionHold         = "hold_invoice"
	ActionRelease      = "release_invoice"
	ActionSnooze       = "snooze_escalation"
	ActionDispute      = "mark_disputed"
	ActionSupplemental = "supplemental_invoice"
	ActionOpenInQBO    = "open_in_qbo" // a link button: Slack still sends a block_actions payload
	ActionConnectQBO   = "connect_qbo" // App Home's one-time QuickBooks connect link (a link button)
)

// Callback ids of modals.
const (
	CallbackEdit = "edit_invoice_modal"
	CallbackHold = "hold_invoice_modal"
)

// Command is a slash command invocation.
type Command struct {
	TeamID      string
	ChannelID   string
	UserID      string
	Command     string // "/billing"
	Text        string // everything after the command
	ResponseURL string
	TriggerID   string
}

// Reply is what a command or action answers with.
type Reply struct {
	Text   string // fallback text, also used for notifications
	Blocks []slack.Block
	// InChannel makes the reply visible to the channel; the default is
	// ephemeral, seen only by the user who asked.
	InChannel bool
	// ReplaceOriginal replaces the message a button was clicked on.
	ReplaceOriginal bool
	// Then, when set, is work the reply does not wait for: it runs once
	// the reply is delivered (after Slack's ack), and what it returns, if
	// not empty, follows as another message to the same response_url (a
	// slash command's allows five; docs/vendors.md §1.2).
	Then func(ctx context.Context) Reply
}

// Action is one click on a button (a block_actions payload).
type Action struct {
	TeamID      string
	UserID      string
	ActionID    string
	BlockID     string
	Value       string
	ChannelID   string
	MessageTS   string
	ResponseURL string
	TriggerID   string
	// ViewID is set when the click happened inside a view (App Home, modal).
	ViewID string
}

// ViewSubmission is a modal's submit.
type ViewSubmission struct {
	TeamID          string
	UserID          string
	CallbackID      string
	ViewID          string
	PrivateMetadata string
	// Values holds each input's value by block id then action id: plain
	// text inputs give their text, selects their selected option's value,
	// date pickers the date.
	Values map[string]map[string]string
}

// ViewResponse is the synchronous answer to a view submission. Errors maps
// block ids to messages shown inline under the inputs (response_action
// "errors"); an empty Errors closes the modal.
type ViewResponse struct {
	Errors map[string]string
}

// Event is an Events API event billbot handles.
type Event struct {
	TeamID  string
	EventID string // for de-duplicating Slack's retries
	Type    string // "app_home_opened"
	UserID  string
	Tab     string // "home" for app_home_opened
}
