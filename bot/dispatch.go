package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"billbot/internal/chat"
)

// Defaults of the ack budget and of the deadline of post-ack work. Slack
// waits 3 seconds for an ack (docs/vendors.md §1.2, docs.slack.dev/tools/bolt-python/concepts/acknowledge);
// 2 s leaves room for the network.
const (
	DefaultAckBudget   = 2 * time.Second
	DefaultWorkTimeout = 2 * time.Minute
)

// dispatcher is the routing shared by the HTTP and Socket Mode transports:
// it turns Slack payloads into chat shapes, calls the handlers, and decides
// what the ack carries and what runs after it.
type dispatcher struct {
	commands     Commands
	interactions Interactions
	events       Events
	deduper      Deduper
	responder    ReplySender
	logger       *slog.Logger
	identity     Identity
	now          func() time.Time
	ackBudget    time.Duration
	workTimeout  time.Duration
	wg           sync.WaitGroup
}

// ack is a dispatcher's answer to one request: the ack body, the work to
// start once the ack is sent, and the attributes of the request's log line.
type ack struct {
	payload any
	after   func()
	attrs   []any
}

// newDispatcher checks d and fills in defaults.
func newDispatcher(d *dispatcher) (*dispatcher, error) {
	switch {
	case d.commands == nil:
		return nil, errors.New("bot: Commands handler is required")
	case d.interactions == nil:
		return nil, errors.New("bot: Interactions handler is required")
	case d.responder == nil:
		return nil, errors.New("bot: Responder is required")
	}
	if err := d.identity.validate(); err != nil {
		return nil, err
	}
	if d.deduper == nil {
		d.deduper = NewMemoryDeduper(time.Hour)
	}
	if d.logger == nil {
		d.logger = slog.New(slog.DiscardHandler)
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.ackBudget <= 0 {
		d.ackBudget = DefaultAckBudget
	}
	if d.workTimeout <= 0 {
		d.workTimeout = DefaultWorkTimeout
	}
	return d, nil
}

// wait blocks until all post-ack work has finished.
func (d *dispatcher) wait() { d.wg.Wait() }

// command runs a slash command. With inline set (HTTP) it waits up to the
// ack budget and, if the handler answered, returns the reply as the ack
// body; otherwise the ack is empty and the reply goes to response_url when
// the handler is done.
func (d *dispatcher) command(ctx context.Context, sc slack.SlashCommand, inline bool) ack {
	c := commandFrom(sc)
	a := ack{attrs: []any{"kind", "command", "team_id", c.TeamID, "user_id", c.UserID, "command", c.Command}}
	if d.refused(d.identity.check(sc.TeamID, sc.EnterpriseID, sc.APIAppID), a.attrs) {
		// The refusal is the ack's own body: nothing is posted to the
		// response_url of a request billbot does not serve.
		a.payload = inlineBody(chat.Reply{Text: refusedText})
		return a
	}
	target := ResponseTarget{URL: c.ResponseURL, ChannelID: c.ChannelID, UserID: c.UserID, IssuedAt: d.now()}

	// claim decides, once, who delivers the reply: the ack (inline) or the
	// handler's goroutine (response_url).
	var once sync.Once
	claim := func() (won bool) { once.Do(func() { won = true }); return won }
	done := make(chan chat.Reply, 1)
	if !inline {
		claim()
	}
	d.background(ctx, func(work context.Context) {
		r, err := safeReply(func() (chat.Reply, error) { return d.commands.HandleCommand(work, c) })
		if err != nil {
			r = d.errorReply(err, "command", c.Command, "user_id", c.UserID)
		}
		if claim() {
			done <- r
			return
		}
		if !isEmpty(r) {
			d.respond(work, target, r)
		}
	})
	if !inline {
		return a
	}
	timer := time.NewTimer(d.ackBudget)
	defer timer.Stop()
	select {
	case r := <-done:
		a.payload = inlineBody(r)
	case <-timer.C:
		if !claim() {
			a.payload = inlineBody(<-done)
		}
	}
	return a
}

// interaction routes an interactivity payload by type.
func (d *dispatcher) interaction(ctx context.Context, ic slack.InteractionCallback) ack {
	attrs := []any{"kind", string(ic.Type), "team_id", teamOf(ic), "user_id", ic.User.ID}
	if d.refused(d.identity.check(teamOf(ic), ic.Enterprise.ID, ic.APIAppID), attrs) {
		a := ack{attrs: attrs}
		if ic.Type == slack.InteractionTypeViewSubmission {
			a.payload = slack.NewUpdateViewSubmissionResponse(messageView(refusedText))
		}
		return a
	}
	switch ic.Type {
	case slack.InteractionTypeBlockActions:
		return d.blockActions(ctx, ic)
	case slack.InteractionTypeViewSubmission:
		return d.viewSubmission(ctx, ic)
	default: // view_closed, shortcuts: nothing billbot subscribes to
		return ack{attrs: []any{"kind", string(ic.Type), "team_id", teamOf(ic), "user_id", ic.User.ID}}
	}
}

// blockActions acks at once and runs the handler right after: a trigger_id
// in the payload expires 3 s after the click (docs/vendors.md §1.2), so the
// handler must start without delay.
func (d *dispatcher) blockActions(ctx context.Context, ic slack.InteractionCallback) ack {
	actions := actionsFrom(ic)
	a := ack{attrs: []any{"kind", "block_actions", "team_id", teamOf(ic), "user_id", ic.User.ID}}
	if len(actions) > 0 {
		a.attrs = append(a.attrs, "action_id", actions[0].ActionID)
	}
	received := d.now()
	a.after = func() {
		for _, act := range actions {
			d.background(ctx, func(work context.Context) {
				r, err := safeReply(func() (chat.Reply, error) { return d.interactions.HandleAction(work, act) })
				if err != nil {
					r = d.errorReply(err, "action_id", act.ActionID, "user_id", act.UserID, "value", act.Value)
				}
				if isEmpty(r) {
					return
				}
				d.respond(work, ResponseTarget{URL: act.ResponseURL, ChannelID: act.ChannelID, UserID: act.UserID, IssuedAt: received}, r)
			})
		}
	}
	return a
}

// viewSubmission asks the handler for its validation answer within the ack
// budget. Errors keep the modal open with messages under the inputs
// (response_action "errors"); a failure replaces the modal with a message
// (response_action "update"); otherwise the empty ack closes the modal and
// the handler's follow-up runs after it.
func (d *dispatcher) viewSubmission(ctx context.Context, ic slack.InteractionCallback) ack {
	v := viewSubmissionFrom(ic)
	a := ack{attrs: []any{"kind", "view_submission", "team_id", v.TeamID, "user_id", v.UserID, "callback_id", v.CallbackID}}
	type result struct {
		resp   chat.ViewResponse
		follow func(context.Context) error
		err    error
	}
	done := make(chan result, 1)
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.ackBudget)
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		defer cancel()
		var res result
		defer func() { done <- res }()
		defer recoverPanic(&res.err)
		res.resp, res.follow, res.err = d.interactions.HandleViewSubmission(hctx, v)
	}()
	timer := time.NewTimer(d.ackBudget)
	defer timer.Stop()
	var res result
	select {
	case res = <-done:
	case <-timer.C:
		res.err = fmt.Errorf("view submission %s: no answer within %s", v.CallbackID, d.ackBudget)
	}
	switch {
	case res.err != nil:
		msg := d.errorReply(res.err, "callback_id", v.CallbackID, "user_id", v.UserID).Text
		a.payload = slack.NewUpdateViewSubmissionResponse(messageView(msg))
	case len(res.resp.Errors) > 0:
		a.payload = slack.NewErrorsViewSubmissionResponse(res.resp.Errors)
	case res.follow != nil:
		a.after = func() {
			d.background(ctx, func(work context.Context) {
				if err := res.follow(work); err != nil {
					// The modal is closed and a submission has no
					// response_url: the outcome goes to the person's DM
					// with billbot.
					r := d.errorReply(err, "callback_id", v.CallbackID, "user_id", v.UserID, "stage", "after submit")
					d.respond(work, ResponseTarget{UserID: v.UserID}, r)
				}
			})
		}
	}
	return a
}

// event handles one event_callback after the ack, once per event_id: Slack
// retries deliveries it thinks failed (X-Slack-Retry-Num, docs/vendors.md §1.2)
// and signature checks do not deduplicate (slack-go security.go).
func (d *dispatcher) event(ctx context.Context, o eventOrigin, eventID string, inner json.RawMessage) ack {
	teamID := o.TeamID
	e, err := eventFrom(teamID, eventID, inner)
	a := ack{attrs: []any{"kind", "event", "team_id", teamID, "event_id", eventID, "event_type", e.Type, "user_id", e.UserID}}
	if d.refused(d.identity.check(o.TeamID, o.EnterpriseID, o.AppID), a.attrs) {
		// Acknowledged all the same: Slack retries an event answered
		// with an error, and turns off the subscriptions of an app that
		// keeps failing (docs.slack.dev/apis/events-api).
		return a
	}
	if err != nil {
		d.logger.Warn("slack event not understood", "event_id", eventID, "err", err)
		return a
	}
	if d.events == nil {
		return a
	}
	now := d.now()
	a.after = func() {
		d.background(ctx, func(work context.Context) {
			first, err := d.deduper.ClaimOnce(work, "slack-event:"+eventID, now)
			if err != nil {
				// Handling twice beats not handling: events billbot
				// subscribes to (app_home_opened) are idempotent.
				d.logger.Warn("slack event dedupe failed; handling anyway", "event_id", eventID, "err", err)
			} else if !first {
				d.logger.Debug("slack event already handled", "event_id", eventID)
				return
			}
			if err := d.events.HandleEvent(work, e); err != nil {
				d.errorReply(err, "event_id", eventID, "event_type", e.Type, "user_id", e.UserID)
			}
		})
	}
	return a
}

// eventOrigin is who an Events API delivery says it is for.
type eventOrigin struct{ TeamID, EnterpriseID, AppID string }

// refused logs, at INFO, a request refused for its origin and reports
// whether err refuses it. The request is answered (200, or the envelope's
// ack) but nothing else happens.
func (d *dispatcher) refused(err error, attrs []any) bool {
	if err == nil {
		return false
	}
	d.logger.Info("slack request from another workspace or app refused", append(attrs, "reason", err.Error())...)
	return true
}

// background runs fn after the ack with its own deadline, detached from the
// request's cancellation (the request ends with the ack).
func (d *dispatcher) background(ctx context.Context, fn func(context.Context)) {
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.workTimeout)
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		defer cancel()
		var err error
		defer func() {
			if err != nil {
				d.logger.Error("slack handler panicked", "err", err)
			}
		}()
		defer recoverPanic(&err)
		fn(work)
	}()
}

// respond delivers a post-ack reply; a failure can only be logged.
func (d *dispatcher) respond(ctx context.Context, to ResponseTarget, r chat.Reply) {
	if err := d.responder.Respond(ctx, to, r); err != nil {
		d.logger.Error("slack reply not delivered", "channel_id", to.ChannelID, "user_id", to.UserID, "err", err)
	}
}

// logRequest writes the one debug line per request.
func (d *dispatcher) logRequest(a ack, start time.Time) {
	attrs := append(a.attrs, "duration_ms", d.now().Sub(start).Milliseconds())
	d.logger.Debug("slack request", attrs...)
}
