package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"billbot/internal/chat"
)

// A response_url takes at most 5 posts within 30 minutes (Slack slash
// command docs quoted in docs/vendors.md §1.2: "up to 5 times within 30 minutes").
const (
	responseURLUses     = 5
	responseURLLifetime = 30 * time.Minute
)

// ErrResponseURLSpent means a reply could not go through its response_url
// (used 5 times, older than 30 minutes, or missing) and there was no
// channel and user to send it to instead.
var ErrResponseURLSpent = errors.New("bot: response_url used up or expired")

// replyBody is the JSON of a message sent as an ack body or to a
// response_url (docs/vendors.md §1.2: text/blocks, response_type,
// replace_original).
type replyBody struct {
	ResponseType    string        `json:"response_type,omitempty"`
	ReplaceOriginal bool          `json:"replace_original,omitempty"`
	Text            string        `json:"text,omitempty"`
	Blocks          []slack.Block `json:"blocks,omitempty"`
}

func bodyOf(r chat.Reply) replyBody {
	t := slack.ResponseTypeEphemeral
	if r.InChannel {
		t = slack.ResponseTypeInChannel
	}
	return replyBody{ResponseType: t, ReplaceOriginal: r.ReplaceOriginal, Text: r.Text, Blocks: r.Blocks}
}

func isEmpty(r chat.Reply) bool { return r.Text == "" && len(r.Blocks) == 0 }

// inlineBody is the ack body for a reply; nil (an empty 200) when there is
// nothing to say.
func inlineBody(r chat.Reply) any {
	if isEmpty(r) {
		return nil
	}
	return bodyOf(r)
}

// Responder posts replies to response_urls, keeping to Slack's 5 posts /
// 30 minutes per URL; past that it falls back on chat.postEphemeral to the
// same channel and user.
type Responder struct {
	api    *slack.Client
	http   *http.Client
	logger *slog.Logger
	now    func() time.Time

	mu   sync.Mutex
	uses map[string]*urlUse
}

type urlUse struct {
	issued time.Time
	count  int
}

// ResponderOption configures a Responder.
type ResponderOption func(*Responder)

// ResponderClock sets the clock that ages response_urls (default time.Now).
func ResponderClock(now func() time.Time) ResponderOption {
	return func(r *Responder) { r.now = now }
}

// NewResponder returns a Responder posting with httpClient (default: a
// client with a 10 s timeout). api, which may be nil, sends the ephemeral
// fallback.
func NewResponder(api *slack.Client, httpClient *http.Client, logger *slog.Logger, opts ...ResponderOption) *Responder {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 10 * time.Second}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	r := &Responder{api: api, http: httpClient, logger: logger, now: time.Now, uses: map[string]*urlUse{}}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Respond sends reply to to.URL, or as an ephemeral message when that URL
// is spent. The URL is never logged or put in errors: it grants posting
// rights to whoever holds it.
func (r *Responder) Respond(ctx context.Context, to ResponseTarget, reply chat.Reply) error {
	if to.URL != "" && r.take(to) {
		err := r.post(ctx, to.URL, reply)
		var spent *spentError
		if !errors.As(err, &spent) {
			return err
		}
		r.logger.Warn("response_url refused; falling back on an ephemeral message", "channel_id", to.ChannelID, "user_id", to.UserID, "status", spent.status)
	}
	return r.fallback(ctx, to, reply)
}

// take counts one use of the URL, or reports false when it is spent.
func (r *Responder) take(to ResponseTarget) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	for u, use := range r.uses { // forget URLs past their lifetime
		if now.Sub(use.issued) > responseURLLifetime {
			delete(r.uses, u)
		}
	}
	issued := to.IssuedAt
	if issued.IsZero() {
		issued = now
	}
	if now.Sub(issued) > responseURLLifetime {
		return false
	}
	use := r.uses[to.URL]
	if use == nil {
		use = &urlUse{issued: issued}
		r.uses[to.URL] = use
	}
	if use.count >= responseURLUses {
		return false
	}
	use.count++
	return true
}

// spentError is Slack refusing a response_url post (404 for a used or
// expired URL).
type spentError struct{ status int }

func (e *spentError) Error() string {
	return fmt.Sprintf("response_url refused with HTTP %d", e.status)
}

func (r *Responder) post(ctx context.Context, target string, reply chat.Reply) error {
	body, err := json.Marshal(bodyOf(reply))
	if err != nil {
		return fmt.Errorf("bot: encode reply: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return errors.New("bot: response_url is not a valid URL")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // *url.Error would print the URL
		}
		return fmt.Errorf("bot: post to response_url: %w", err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return &spentError{status: resp.StatusCode}
	case resp.StatusCode/100 != 2:
		return fmt.Errorf("bot: post to response_url: HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(msg))
	}
	return nil
}

func (r *Responder) fallback(ctx context.Context, to ResponseTarget, reply chat.Reply) error {
	if r.api == nil || to.UserID == "" {
		return ErrResponseURLSpent
	}
	opts := []slack.MsgOption{slack.MsgOptionText(reply.Text, false)}
	if len(reply.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(reply.Blocks...))
	}
	if to.ChannelID == "" {
		// Nowhere to answer in place (a modal's submit): the person's DM
		// with billbot (docs.slack.dev/reference/methods/conversations.open).
		ch, _, _, err := r.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{to.UserID}})
		if err != nil {
			return fmt.Errorf("bot: open DM with %s: %w", to.UserID, err)
		}
		if _, _, err := r.api.PostMessageContext(ctx, ch.ID, opts...); err != nil {
			return fmt.Errorf("bot: DM reply to %s: %w", to.UserID, err)
		}
		return nil
	}
	if _, err := r.api.PostEphemeralContext(ctx, to.ChannelID, to.UserID, opts...); err != nil {
		return fmt.Errorf("bot: ephemeral reply to %s in %s: %w", to.UserID, to.ChannelID, err)
	}
	return nil
}
