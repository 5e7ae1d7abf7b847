package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"billbot/internal/chat"
	"billbot/internal/metrics"
)

// DefaultBusyWait is how long a request waits for room before it is
// answered busy: short enough that the busy reply still beats Slack's
// 3-second deadline (docs/vendors.md §1.2) with the ack budget to spare.
const DefaultBusyWait = time.Second

// BusyText is the whole reply, ephemeral, when billbot cannot take a request
// on now. It names no cause: the cause is logged and counted.
const BusyText = "billbot is busy, try again in a minute."

// Limits bounds the Slack work one process takes on at once, so a burst
// waits a little, then gets a plain busy reply, instead of piling up
// goroutines and database sessions.
type Limits struct {
	// MaxInFlight caps the commands, clicks, modal submissions and events
	// handled at once; 0 means no cap. A request waits up to Wait for a
	// slot.
	MaxInFlight int
	// Wait bounds the wait for a slot and for Ready; default
	// DefaultBusyWait.
	Wait time.Duration
	// Ready, when set, is asked within Wait whether what the handlers need
	// can serve now (serve: a free database connection). Running out of
	// time answers busy; another error is a failure.
	Ready func(ctx context.Context) error
	// Busy, when set, tells the handler errors that mean overload (serve:
	// the database refusing one more session); they get the busy reply.
	Busy func(error) bool
}

// errNoSlot means every in-flight slot stayed taken for the whole wait.
var errNoSlot = errors.New("bot: every in-flight slot taken")

// slackMetrics counts what users were told instead of an answer.
type slackMetrics struct {
	busy   *metrics.Counter
	errors *metrics.Counter
}

func newSlackMetrics(reg *metrics.Registry) slackMetrics {
	if reg == nil {
		reg = metrics.NewRegistry()
	}
	m := slackMetrics{
		busy: reg.NewCounter("billbot_slack_busy_replies_total",
			"Slack requests answered \"billbot is busy\" (no slot or database connection within the wait, or the database refused), by kind: command, block_actions, view_submission, event.", "kind"),
		errors: reg.NewCounter("billbot_slack_errors_total",
			"Slack requests whose handler failed and got the generic failure reply (each is logged with a correlation id), by kind.", "kind"),
	}
	for _, kind := range []string{"command", "block_actions", "view_submission", "event"} {
		m.busy.Init(kind)
		m.errors.Init(kind)
	}
	return m
}

// admit takes an in-flight slot and checks Ready, both within the wait. It
// returns the func that gives the slot back (call it once), or an error
// for overload (errNoSlot, a deadline) or from Ready.
func (d *dispatcher) admit(ctx context.Context) (release func(), err error) {
	if d.slots == nil && d.limits.Ready == nil {
		return func() {}, nil
	}
	wait, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.limits.Wait)
	defer cancel()
	release = func() {}
	if d.slots != nil {
		select {
		case d.slots <- struct{}{}:
			release = func() { <-d.slots }
		case <-wait.Done():
			return nil, notAdmitted(errNoSlot)
		}
	}
	if d.limits.Ready != nil {
		if err := d.limits.Ready(wait); err != nil {
			release()
			return nil, notAdmitted(err)
		}
	}
	return release, nil
}

// errAdmit marks the errors of admission, so running out of time while
// waiting for room counts as busy and a handler's own deadline as a
// failure.
var errAdmit = errors.New("bot: not admitted")

// notAdmitted wraps an admission error with errAdmit.
func notAdmitted(err error) error { return fmt.Errorf("%w: %w", errAdmit, err) }

// overloaded reports whether err means billbot (or its database) was too
// busy, as opposed to a fault: no room within the wait, or an error Busy
// recognises.
func (d *dispatcher) overloaded(err error) bool {
	if errors.Is(err, errAdmit) && (errors.Is(err, errNoSlot) || errors.Is(err, context.DeadlineExceeded)) {
		return true
	}
	return d.limits.Busy != nil && d.limits.Busy(err)
}

// failReply turns a handler error into what the user sees, and counts
// it: a user error's message as is (not counted); overload gets BusyText
// (billbot_slack_busy_replies_total, logged at WARN); anything else the
// generic failure with a correlation id (billbot_slack_errors_total,
// logged at ERROR). kind is the request's kind (command, block_actions,
// view_submission, event).
func (d *dispatcher) failReply(kind string, err error, attrs ...any) chat.Reply {
	if d.overloaded(err) {
		d.metrics.busy.Inc(kind)
		d.logger.Warn("slack request answered busy", append(attrs, "kind", kind, "err", err)...)
		return chat.Reply{Text: BusyText}
	}
	r, failed := d.errorReply(err, attrs...)
	if failed {
		d.metrics.errors.Inc(kind)
	}
	return r
}
