// Package notify is everything billbot says in Slack on its own: draft
// invoice messages (posted once, updated in place), the direct messages its
// jobs send (reminders to approve, escalations, nudges, retainer alerts, the
// approval digest, the monthly figures) and its announcements in the billing
// channel. The workflows decide what to say, in billbot's own types
// (store.Invoice, the view models of internal/view); notify renders it with
// internal/slackui and sends it through the Slack messenger.
package notify

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/slack-go/slack"
)

// Messenger is what notify needs of the Slack transport; *bot.Messenger is
// one.
type Messenger interface {
	Post(ctx context.Context, channel, text string, blocks []slack.Block) (ts string, err error)
	Update(ctx context.Context, channel, ts, text string, blocks []slack.Block) error
	DM(ctx context.Context, user, text string, blocks []slack.Block) (channel, ts string, err error)
}

// PostFinder is what notify uses, when the Messenger offers it, to post a
// draft (an escalation, a nudge) exactly once: the message carries Slack
// message metadata naming it (docs.slack.dev/messaging/message-metadata),
// and after a crash between posting and recording, the re-run finds that
// message in the channel's history (conversations.history with
// include_all_metadata) instead of posting again. Messengers without it
// keep working: they post without the search.
type PostFinder interface {
	// PostTagged posts to channel with metadata {event_type: eventType,
	// event_payload: {"<noun>_key": key}} and returns the ts.
	PostTagged(ctx context.Context, channel, text string, blocks []slack.Block, eventType, key string) (ts string, err error)
	// OpenDM returns the direct-message channel with user.
	OpenDM(ctx context.Context, user string) (channel string, err error)
	// FindPosted returns the ts of a message in channel newer than since
	// tagged (eventType, key), if there is one among the recent messages.
	FindPosted(ctx context.Context, channel, eventType, key string, since time.Time) (ts string, found bool, err error)
}

// emailResolver finds a Slack user id by email address
// (users.lookupByEmail); *bot.Messenger is one.
type emailResolver interface {
	UserIDByEmail(ctx context.Context, email string) (string, error)
}

// Event types of tagged messages (Slack message metadata).
const (
	// draftEventType tags draft messages; their payload carries the
	// invoice key.
	draftEventType = "billbot_invoice"
	// escalationEventType tags escalation DMs so that a retried step finds
	// the DM an earlier attempt posted.
	escalationEventType = "billbot_escalation"
	// nudgeEventType tags nudge DMs, as escalations are.
	nudgeEventType = "billbot_nudge"
)

// postSearchSlack widens the search for an earlier post to before the
// thing posted about was stored, against clock skew between billbot and
// Slack.
const postSearchSlack = time.Hour

// Notifier says billbot's messages in Slack through a Messenger.
type Notifier struct {
	m      Messenger
	logger *slog.Logger
}

// New returns a Notifier sending through m; a nil logger discards.
func New(m Messenger, logger *slog.Logger) *Notifier {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Notifier{m: m, logger: logger}
}

// ErrNoDirectory is UserIDByEmail's answer when the messenger cannot look
// people up by email.
var ErrNoDirectory = errors.New("the Slack messenger cannot look up users by email")

// UserIDByEmail finds a Slack user id by email address
// (users.lookupByEmail), when the messenger can.
func (n *Notifier) UserIDByEmail(ctx context.Context, email string) (string, error) {
	r, ok := n.m.(emailResolver)
	if !ok {
		return "", ErrNoDirectory
	}
	return r.UserIDByEmail(ctx, email)
}

// slackErrorCode returns Slack's error code in err ("" when none).
func slackErrorCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

// IsNotInChannel reports whether err is Slack refusing a post because
// billbot is not a member of the channel: chat.postMessage answers
// not_in_channel until someone invites it
// (docs.slack.dev/reference/methods/chat.postMessage).
func (n *Notifier) IsNotInChannel(err error) bool {
	return slackErrorCode(err) == "not_in_channel"
}

// postOrDM posts to channel, else DMs user, else says nothing; sent
// reports whether it said anything.
func (n *Notifier) postOrDM(ctx context.Context, channel, user, text string, blocks []slack.Block) (sent bool, err error) {
	switch {
	case channel != "":
		_, err = n.m.Post(ctx, channel, text, blocks)
	case user != "":
		_, _, err = n.m.DM(ctx, user, text, blocks)
	default:
		return false, nil
	}
	return err == nil, err
}

// dm sends one direct message.
func (n *Notifier) dm(ctx context.Context, user, text string, blocks []slack.Block) error {
	_, _, err := n.m.DM(ctx, user, text, blocks)
	return err
}
