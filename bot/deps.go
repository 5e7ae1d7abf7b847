// Package bot is billbot's Slack transport: it receives slash commands,
// interactions and events over HTTP (signed requests) or Socket Mode,
// acknowledges them within Slack's 3-second deadline, turns them into the
// transport-neutral shapes of package chat, routes them to the handlers
// below, and delivers the handlers' replies (response_url, chat.postMessage,
// views.*). It holds no billing logic.
package bot

import (
	"context"
	"time"

	"billbot/internal/chat"
)

// Commands answers slash commands.
type Commands interface {
	HandleCommand(ctx context.Context, c chat.Command) (chat.Reply, error)
}

// Interactions answers button clicks and modal submissions.
type Interactions interface {
	// HandleAction handles a block_actions click. A non-empty Reply is
	// sent through the action's response_url (ReplaceOriginal honoured).
	HandleAction(ctx context.Context, a chat.Action) (chat.Reply, error)
	// HandleViewSubmission validates a modal submit and answers at once;
	// the returned func (may be nil) does the work after Slack has been
	// answered, and runs only when the answer closes the modal.
	HandleViewSubmission(ctx context.Context, v chat.ViewSubmission) (chat.ViewResponse, func(context.Context) error, error)
}

// Events handles Events API events (app_home_opened).
type Events interface {
	HandleEvent(ctx context.Context, e chat.Event) error
}

// Deduper remembers keys already handled. ClaimOnce reports true for the
// first claim of key and false for every later one.
type Deduper interface {
	ClaimOnce(ctx context.Context, key string, now time.Time) (bool, error)
}

// ReplySender delivers a reply after the ack, through the response_url of
// the request it answers. *Responder implements it.
type ReplySender interface {
	Respond(ctx context.Context, to ResponseTarget, r chat.Reply) error
}

// ResponseTarget says where a deferred reply goes: the request's
// response_url, and the channel and user to fall back on with an ephemeral
// message when that URL can no longer be used.
type ResponseTarget struct {
	URL       string
	ChannelID string
	UserID    string
	// IssuedAt is when Slack issued the URL (when the request arrived); its
	// 30-minute lifetime counts from there.
	IssuedAt time.Time
}
