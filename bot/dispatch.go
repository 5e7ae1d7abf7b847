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
	limits       Limits
	metrics      slackMetrics
	// slots holds one token per request in flight when limits.MaxInFlight
	// is set; nil means no cap.
	slots chan struct{}
	wg    sync.WaitGroup
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
	if d.limits.MaxInFlight < 0 {
		return nil, fmt.Errorf("bot: MaxInFlight %d: want 0 (no cap) or more", d.limits.MaxInFlight)
	}
	if d.limits.MaxInFlight > 0 {
		d.slots = make(chan struct{}, d.limits.MaxInFlight)
	}
	if d.limits.Wait <= 0 {
		d.limits.Wait = DefaultBusyWait
	}
	if d.metrics.busy == nil {
		d.metrics = newSlackMetrics(nil)
	}
	return d, nil
}

// wait blocks until all post-ack work has finished.
func (d *dispatcher) wait() { d.wg.Wait() }

// command runs a slash command once it is admitted (see admit; refused, the
// busy reply is the ack body). With inline set (HTTP) it waits up to the
// ack budget, counted from before admission, and, if the handler answered,
// returns the reply as the ack body; otherwise the ack is empty and the
// reply goes to response_url when the handler is done.
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
	began := time.Now()
	release, err := d.admit(ctx)
	if err != nil {
		a.payload = inlineBody(d.failReply("command", err, "command", c.Command, "user_id", c.UserID))
		return a
	}

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
		release()
		if err != nil {
			r = d.failReply("command", err, "command", c.Command, "user_id", c.UserID)
		}
		if claim() {
			done <- r
			return
		}
		if !isEmpty(r) {
			d.respond(work, target, r)
		}
		d.followUp(work, target, r)
	})
	if !inline {
		return a
	}
	timer := time.NewTimer(max(d.ackBudget-time.Since(began), 0))
	defer timer.Stop()
	var r chat.Reply
	select {
	case r = <-done:
	case <-timer.C:
		if claim() {
			return a
		}
		r = <-done
	}
	a.payload = inlineBody(r)
	if r.Then != nil {
		a.after = func() { d.background(ctx, func(work context.Context) { d.followUp(work, target, r) }) }
	}
	return a
}

// followUp runs the work a delivered reply left for later (chat.Reply.Then)
// and sends what it returns to the same target.
func (d *dispatcher) followUp(ctx context.Context, to ResponseTarget, r chat.Reply) {
	if r.Then == nil {
		return
	}
	next, err := safeReply(func() (chat.Reply, error) { return r.Then(ctx), nil })
	if err != nil {
		d.logger.Error("slack follow-up failed", "user_id", to.UserID, "err", err)
		return
	}
	if !isEmpty(next) {
		d.respond(ctx, to, next)
	}
	d.followUp(ctx, to, next)
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
// handler must start without delay. Each action is admitted first (see
// admit); refused, the busy reply goes to its response_url as a new
// ephemeral message, leaving the clicked message as it was.
func (d *dispatcher) blockActions(ctx context.Context, ic slack.InteractionCallback) ack {
	actions := actionsFrom(ic)
	a := ack{attrs: []any{"kind", "block_actions", "team_id", teamOf(ic), "user_id", ic.User.ID}}
	if len(actions) > 0 {
		a.attrs = append(a.attrs, "action_id", actions[0].ActionID)
	}
	received := d.now()
	a.after = func() {
		for _, act := range actions {
			to := ResponseTarget{URL: act.ResponseURL, ChannelID: act.ChannelID, UserID: act.UserID, IssuedAt: received}
			release, err := d.admit(ctx)
			if err != nil {
				// Sent from this request's goroutine: no new one is
				// started for work that was turned away.
				r := d.failReply("block_actions", err, "action_id", act.ActionID, "user_id", act.UserID)
				work, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.workTimeout)
				d.respond(work, to, r)
				cancel()
				continue
			}
			d.background(ctx, func(work context.Context) {
				r, err := safeReply(func() (chat.Reply, error) { return d.interactions.HandleAction(work, act) })
				release()
				if err != nil {
					r = d.failReply("block_actions", err, "action_id", act.ActionID, "user_id", act.UserID, "value", act.Value)
				}
				if isEmpty(r) {
					return
				}
				d.respond(work, to, r)
			})
		}
	}
	return a
}

// viewSubmission asks the handler for its validation answer within the ack
// budget, counted from before admission (see admit). Errors keep the modal
// open with messages under the inputs (response_action "errors"); a
// failure, or no room to take the submission on, replaces the modal with a
// message (response_action "update"); otherwise the empty ack closes the
// modal and the handler's follow-up runs after it, in the same in-flight
// slot.
func (d *dispatcher) viewSubmission(ctx context.Context, ic slack.InteractionCallback) ack {
	v := viewSubmissionFrom(ic)
	a := ack{attrs: []any{"kind", "view_submission", "team_id", v.TeamID, "user_id", v.UserID, "callback_id", v.CallbackID}}
	fail := func(err error, attrs ...any) {
		msg := d.failReply("view_submission", err, append([]any{"callback_id", v.CallbackID, "user_id", v.UserID}, attrs...)...).Text
		a.payload = slack.NewUpdateViewSubmissionResponse(messageView(msg))
	}
	began := time.Now()
	release, err := d.admit(ctx)
	if err != nil {
		fail(err)
		return a
	}
	type result struct {
		resp   chat.ViewResponse
		follow func(context.Context) error
		err    error
	}
	// claim decides, once, who owns the handler's result and its slot: this
	// request (answered in time) or the handler's goroutine (too late; it
	// gives the slot back itself).
	var once sync.Once
	claim := func() (won bool) { once.Do(func() { won = true }); return won }
	budget := max(d.ackBudget-time.Since(began), 0)
	done := make(chan result, 1)
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), budget)
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		defer cancel()
		var res result
		func() {
			defer recoverPanic(&res.err)
			res.resp, res.follow, res.err = d.interactions.HandleViewSubmission(hctx, v)
		}()
		if claim() {
			done <- res
			return
		}
		release()
	}()
	timer := time.NewTimer(budget)
	defer timer.Stop()
	var res result
	select {
	case res = <-done:
	case <-timer.C:
		if claim() {
			fail(fmt.Errorf("view submission %s: no answer within %s", v.CallbackID, d.ackBudget))
			return a
		}
		res = <-done
	}
	switch {
	case res.err != nil:
		release()
		fail(res.err)
	case len(res.resp.Errors) > 0:
		release()
		a.payload = slack.NewErrorsViewSubmissionResponse(res.resp.Errors)
	case res.follow != nil:
		a.after = func() {
			d.background(ctx, func(work context.Context) {
				defer release()
				if err := res.follow(work); err != nil {
					// The modal is closed and a submission has no
					// response_url: the outcome goes to the person's DM
					// with billbot.
					r := d.failReply("view_submission", err, "callback_id", v.CallbackID, "user_id", v.UserID, "stage", "after submit")
					d.respond(work, ResponseTarget{UserID: v.UserID}, r)
				}
			})
		}
	default:
		release()
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
		release, err := d.admit(ctx)
		if err != nil {
			// Nobody to answer: the event is dropped, logged and counted
			// (an App Home stays as it was until next opened).
			d.failReply("event", err, "event_id", eventID, "event_type", e.Type, "user_id", e.UserID)
			return
		}
		d.background(ctx, func(work context.Context) {
			defer release()
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
				d.failReply("event", err, "event_id", eventID, "event_type", e.Type, "user_id", e.UserID)
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
