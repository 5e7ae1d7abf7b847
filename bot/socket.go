package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// SocketConfig configures the Socket Mode transport.
type SocketConfig struct {
	// API is built with slack.OptionAppLevelToken (SLACK_APP_TOKEN, scope
	// connections:write) besides the bot token (docs/vendors.md §1.5).
	API *slack.Client
	// Identity is as in HTTPConfig: a Socket Mode connection carries the
	// requests of every workspace the app is installed in.
	Identity     Identity
	Commands     Commands
	Interactions Interactions
	// Events may be nil: events are then acknowledged and dropped.
	Events    Events
	Deduper   Deduper
	Responder ReplySender
	Logger    *slog.Logger
	// Now, AckBudget and WorkTimeout are as in HTTPConfig.
	Now         func() time.Time
	AckBudget   time.Duration
	WorkTimeout time.Duration
}

// Socket receives Slack's requests over a Socket Mode WebSocket. There is
// no HTTP request to sign in this mode (docs/vendors.md §1.5); each envelope is
// acknowledged by its envelope_id instead.
type Socket struct {
	api *slack.Client
	d   *dispatcher
}

// NewSocket checks cfg and returns the transport; it does no I/O.
func NewSocket(cfg SocketConfig) (*Socket, error) {
	if cfg.API == nil {
		return nil, errors.New("bot: Socket Mode needs a Slack client built with the app-level token")
	}
	d, err := newDispatcher(&dispatcher{
		commands: cfg.Commands, interactions: cfg.Interactions, events: cfg.Events, deduper: cfg.Deduper, identity: cfg.Identity,
		responder: cfg.Responder, logger: cfg.Logger, now: cfg.Now, ackBudget: cfg.AckBudget, workTimeout: cfg.WorkTimeout,
	})
	if err != nil {
		return nil, err
	}
	return &Socket{api: cfg.API, d: d}, nil
}

// Run connects and serves until ctx ends (then it waits for work started
// after acks and returns nil) or the connection fails for good.
func (s *Socket) Run(ctx context.Context) error {
	client := socketmode.New(s.api, socketmode.OptionLog(slog.NewLogLogger(s.d.logger.Handler(), slog.LevelDebug)))
	ctx, cancel := context.WithCancel(ctx)
	defer s.d.wait()
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			if code := refusedCode(err); code != "" {
				return refusedError(code)
			}
			return fmt.Errorf("bot: socket mode: %w", err)
		case evt := <-client.Events:
			if evt.Type == socketmode.EventTypeInvalidAuth {
				return refusedError("invalid_auth")
			}
			if ce, ok := evt.Data.(*slack.ConnectionErrorEvent); ok && evt.Type == socketmode.EventTypeConnectionError {
				// slack-go retries every failed apps.connections.open
				// with backoff but for a few codes; a token Slack refuses
				// for good would keep serve up and deaf.
				if code := refusedCode(ce.ErrorObj); code != "" {
					return refusedError(code)
				}
			}
			id := envelopeID(evt)
			ackFn := func(payload any) error {
				if id == "" {
					return nil
				}
				return client.AckCtx(ctx, id, payload)
			}
			// Each envelope on its own goroutine: a modal submit may take
			// up to the ack budget and must not hold up the others.
			s.d.wg.Add(1)
			go func() {
				defer s.d.wg.Done()
				s.handle(ctx, evt, ackFn)
			}()
		}
	}
}

// handle serves one Socket Mode event: requests are decoded, routed through
// the same dispatcher as HTTP, acknowledged (with the response_action
// payload for modal submits, docs/vendors.md §1.3), and their post-ack work
// started.
func (s *Socket) handle(ctx context.Context, evt socketmode.Event, ackFn func(payload any) error) {
	start := s.d.now()
	var a ack
	switch evt.Type {
	case socketmode.EventTypeSlashCommand:
		sc, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			s.unexpected(evt, ackFn)
			return
		}
		a = s.d.command(ctx, sc, false)
	case socketmode.EventTypeInteractive:
		ic, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			s.unexpected(evt, ackFn)
			return
		}
		a = s.d.interaction(ctx, ic)
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok {
			s.unexpected(evt, ackFn)
			return
		}
		a = ack{attrs: []any{"kind", ev.Type, "team_id", ev.TeamID}}
		if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok && cb.InnerEvent != nil {
			a = s.d.event(ctx, eventOrigin{cb.TeamID, cb.EnterpriseID, cb.APIAppID}, cb.EventID, *cb.InnerEvent)
			if evt.Request != nil && evt.Request.RetryAttempt > 0 {
				a.attrs = append(a.attrs, "retry_num", evt.Request.RetryAttempt, "retry_reason", evt.Request.RetryReason)
			}
		}
	case socketmode.EventTypeErrorBadMessage:
		// slack-go could not decode the message (an event type it does
		// not know, a field of an unexpected type). An Events API envelope
		// is acknowledged all the same: Slack retries one that is not, three
		// times (docs/vendors.md §1.9). A slash command or interaction is
		// not: an empty ack would close a modal as if it had been saved,
		// while no ack makes Slack tell the user it failed.
		typ := envelopeType(evt)
		s.d.logger.Warn("slack socket mode message not understood", "envelope_id", envelopeID(evt), "envelope_type", typ, "detail", fmt.Sprint(evt.Data))
		if typ == socketmode.RequestTypeEventsAPI && envelopeID(evt) != "" {
			if err := ackFn(nil); err != nil {
				s.d.logger.Warn("slack socket mode ack failed", "err", err)
			}
		}
		return
	case socketmode.EventTypeIncomingError:
		// slack-go closes a connection Slack asked it to leave
		// (disconnect, docs/vendors.md §1.9) and its pending read then
		// fails with net.ErrClosed: the routine end of a connection.
		if ie, ok := evt.Data.(*slack.IncomingEventError); ok && errors.Is(ie.ErrorObj, net.ErrClosed) {
			s.d.logger.Debug("slack socket mode connection closed", "detail", ie.Error())
			return
		}
		s.d.logger.Warn("slack socket mode trouble", "type", string(evt.Type), "detail", fmt.Sprint(evt.Data))
		return
	case socketmode.EventTypeConnectionError, socketmode.EventTypeErrorWriteFailed:
		s.d.logger.Warn("slack socket mode trouble", "type", string(evt.Type), "detail", fmt.Sprint(evt.Data))
		return
	case socketmode.EventTypeConnected:
		// Once at start and after each refresh (every few hours).
		if c, ok := evt.Data.(*socketmode.ConnectedEvent); ok {
			s.d.logger.Info("slack socket mode connected", "connection_count", c.ConnectionCount)
		}
		return
	default: // connecting, hello: the client reconnects by itself
		s.d.logger.Debug("slack socket mode", "type", string(evt.Type))
		return
	}
	if err := ackFn(a.payload); err != nil {
		s.d.logger.Warn("slack socket mode ack failed", "err", err)
	}
	s.d.logRequest(a, start)
	if a.after != nil {
		a.after()
	}
}

// unexpected acks an envelope whose data slack-go did not decode as
// expected, so Slack does not redeliver it.
func (s *Socket) unexpected(evt socketmode.Event, ackFn func(payload any) error) {
	s.d.logger.Warn("slack socket mode event not understood", "type", string(evt.Type), "data_type", fmt.Sprintf("%T", evt.Data))
	if err := ackFn(nil); err != nil {
		s.d.logger.Warn("slack socket mode ack failed", "err", err)
	}
}

// envelopeID is the envelope_id of the Socket Mode message behind evt, ""
// when there is none (hello, the client's own events). For a message
// slack-go could not decode it is read from the raw message.
func envelopeID(evt socketmode.Event) string {
	if evt.Request != nil {
		return evt.Request.EnvelopeID
	}
	id, _ := rawEnvelope(evt)
	return id
}

// envelopeType is the type of the message behind evt (events_api,
// slash_commands, interactive, ...), read as envelopeID is.
func envelopeType(evt socketmode.Event) string {
	if evt.Request != nil {
		return evt.Request.Type
	}
	_, typ := rawEnvelope(evt)
	return typ
}

// rawEnvelope reads the envelope_id and type of a message slack-go could
// not decode.
func rawEnvelope(evt socketmode.Event) (id, typ string) {
	bad, ok := evt.Data.(*socketmode.ErrorBadMessage)
	if !ok {
		return "", ""
	}
	var env struct {
		EnvelopeID string `json:"envelope_id"`
		Type       string `json:"type"`
	}
	if json.Unmarshal(bad.Message, &env) != nil {
		return "", ""
	}
	return env.EnvelopeID, env.Type
}

// tokenRefusals are apps.connections.open's answers that no retry can
// change: the app-level token is not one, is not valid, or lacks
// connections:write (docs/vendors.md §1.9,
// https://docs.slack.dev/reference/methods/apps.connections.open).
var tokenRefusals = map[string]string{
	"not_authed":             "no app-level token was sent",
	"invalid_auth":           "the app-level token is not valid",
	"token_revoked":          "the app-level token was revoked",
	"token_expired":          "the app-level token has expired",
	"account_inactive":       "the app-level token belongs to a deactivated app or workspace",
	"not_allowed_token_type": "the token is not an app-level token",
	"missing_scope":          "the app-level token lacks the connections:write scope",
}

// refusedCode returns Slack's error code when err is a refusal of the
// app-level token, "" otherwise.
func refusedCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		if _, ok := tokenRefusals[se.Err]; ok {
			return se.Err
		}
		return ""
	}
	// slack-go returns some codes as plain errors.
	if err != nil {
		if _, ok := tokenRefusals[err.Error()]; ok {
			return err.Error()
		}
	}
	return ""
}

func refusedError(code string) error {
	return fmt.Errorf("bot: socket mode: Slack refused SLACK_APP_TOKEN (%s): %s; create an app-level token with connections:write under Basic Information → App-Level Tokens", code, tokenRefusals[code])
}

// CheckAppToken asks Slack for a Socket Mode URL with the app-level token,
// as Run does before every connection, without connecting: doctor's check
// of SLACK_APP_TOKEN.
func CheckAppToken(ctx context.Context, api *slack.Client) error {
	_, _, err := api.StartSocketModeContext(ctx)
	if code := refusedCode(err); code != "" {
		return refusedError(code)
	}
	if err != nil {
		return fmt.Errorf("bot: socket mode: apps.connections.open: %w", err)
	}
	return nil
}
