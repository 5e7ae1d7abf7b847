package bot

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"billbot/internal/chat"
)

// UserError is an error meant for the person who asked: its Msg is shown to
// them as is (ephemeral). Any other error is logged and the user sees a
// short generic message with a correlation id.
type UserError struct {
	Msg string
}

// Error returns the message.
func (e *UserError) Error() string { return e.Msg }

// recoverPanic turns a handler panic into *err so one bad request cannot
// stop the server. It must be deferred directly.
func recoverPanic(err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("panic: %v", p)
	}
}

// safeReply calls a handler, turning a panic into an error so the user
// still gets an answer.
func safeReply(fn func() (chat.Reply, error)) (r chat.Reply, err error) {
	defer recoverPanic(&err)
	return fn()
}

// genericFailure is what a user sees when a handler fails unexpectedly.
const genericFailure = "Sorry, something went wrong on billbot's side. Please try again; if it keeps failing, give your admin this reference: %s"

// errorReply turns a handler error into what the user sees: a UserError's
// message as is; anything else is logged with the request's context and a
// correlation id the user can quote, and reported as failed (see
// failReply, which counts it). The error's own text never reaches the
// user: it may be a database's.
func (d *dispatcher) errorReply(err error, attrs ...any) (r chat.Reply, failed bool) {
	var ue *UserError
	if errors.As(err, &ue) {
		d.logger.Info("slack request refused", append(attrs, "reason", ue.Msg)...)
		return chat.Reply{Text: ue.Msg}, false
	}
	var cue *chat.UserError
	if errors.As(err, &cue) {
		d.logger.Info("slack request refused", append(attrs, "reason", cue.Msg)...)
		return chat.Reply{Text: cue.Msg}, false
	}
	id := correlationID()
	d.logger.Error("slack handler failed", append(attrs, "correlation_id", id, "err", err)...)
	return chat.Reply{Text: fmt.Sprintf(genericFailure, id)}, true
}

func correlationID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// messageView is a one-message modal that replaces a submitted one.
func messageView(text string) *slack.ModalViewRequest {
	return &slack.ModalViewRequest{
		Type:  slack.VTModal,
		Title: slack.NewTextBlockObject(slack.PlainTextType, "billbot", false, false),
		Close: slack.NewTextBlockObject(slack.PlainTextType, "Close", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil),
		}},
	}
}
