package bot

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/slack-go/slack"
)

// MaxBodyBytes caps a Slack request body; larger bodies get 413 (operator
// contract, CONTRACT.md "HTTP endpoints").
const MaxBodyBytes = 1 << 20

// HTTPConfig configures the HTTP transport.
type HTTPConfig struct {
	// SigningSecret verifies every request (SLACK_SIGNING_SECRET).
	SigningSecret string
	Commands      Commands
	Interactions  Interactions
	// Events may be nil: events are then acknowledged and dropped.
	Events Events
	// Deduper defaults to an in-memory one.
	Deduper   Deduper
	Responder ReplySender
	Logger    *slog.Logger
	// Now is the clock for signature timestamps and logs; default time.Now.
	Now func() time.Time
	// AckBudget is how long a slash command may take to answer inline, and
	// a modal submit to validate; default DefaultAckBudget.
	AckBudget time.Duration
	// WorkTimeout bounds the work done after an ack; default
	// DefaultWorkTimeout.
	WorkTimeout time.Duration
}

// HTTP serves Slack's request URLs: POST /slack/commands,
// /slack/interactions and /slack/events.
type HTTP struct {
	secret string
	d      *dispatcher
}

// NewHTTP checks cfg and returns the transport; it does no I/O.
func NewHTTP(cfg HTTPConfig) (*HTTP, error) {
	if cfg.SigningSecret == "" {
		return nil, errors.New("bot: HTTP mode needs SLACK_SIGNING_SECRET (the Signing Secret under Basic Information of the Slack app), or set SLACK_APP_TOKEN for Socket Mode")
	}
	d, err := newDispatcher(&dispatcher{
		commands: cfg.Commands, interactions: cfg.Interactions, events: cfg.Events, deduper: cfg.Deduper,
		responder: cfg.Responder, logger: cfg.Logger, now: cfg.Now, ackBudget: cfg.AckBudget, workTimeout: cfg.WorkTimeout,
	})
	if err != nil {
		return nil, err
	}
	return &HTTP{secret: cfg.SigningSecret, d: d}, nil
}

// Handler returns the routes.
func (h *HTTP) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /slack/commands", h.signed(h.serveCommand))
	mux.Handle("POST /slack/interactions", h.signed(h.serveInteraction))
	mux.Handle("POST /slack/events", h.signed(h.serveEvent))
	return mux
}

// Wait blocks until the work started after acks has finished; call it on
// shutdown after the server has stopped accepting requests.
func (h *HTTP) Wait() { h.d.wait() }

// signed reads the body (at most MaxBodyBytes), verifies Slack's signature
// on the raw bytes before anything parses them, and puts the body back for
// slack-go's parsers, which call ParseForm and so consume it (VENDORS.md
// §1.6). A bad signature gets 401 and nothing else happens.
func (h *HTTP) signed(next func(w http.ResponseWriter, r *http.Request, body []byte, start time.Time)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := h.d.now()
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read request body", http.StatusBadRequest)
			return
		}
		if err := verifySignature(r.Header, body, h.secret, start); err != nil {
			h.d.logger.Debug("slack request rejected", "path", r.URL.Path, "reason", err.Error())
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r, body, start)
	})
}

func (h *HTTP) serveCommand(w http.ResponseWriter, r *http.Request, _ []byte, start time.Time) {
	sc, err := slack.SlashCommandParse(r)
	if err != nil {
		http.Error(w, "malformed slash command", http.StatusBadRequest)
		return
	}
	h.finish(w, h.d.command(r.Context(), sc, true), start)
}

func (h *HTTP) serveInteraction(w http.ResponseWriter, r *http.Request, _ []byte, start time.Time) {
	ic, err := slack.InteractionCallbackParse(r)
	if err != nil {
		http.Error(w, "malformed interaction payload", http.StatusBadRequest)
		return
	}
	h.finish(w, h.d.interaction(r.Context(), ic), start)
}

// eventEnvelope is the outer Events API body (docs.slack.dev/apis/events-api:
// url_verification carries challenge; event_callback carries event_id and
// the inner event).
type eventEnvelope struct {
	Type      string          `json:"type"`
	Challenge string          `json:"challenge"`
	TeamID    string          `json:"team_id"`
	EventID   string          `json:"event_id"`
	Event     json.RawMessage `json:"event"`
}

func (h *HTTP) serveEvent(w http.ResponseWriter, r *http.Request, body []byte, start time.Time) {
	var env eventEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		http.Error(w, "malformed event", http.StatusBadRequest)
		return
	}
	switch env.Type {
	case "url_verification":
		// Answered only after the signature check: Slack signs it too.
		h.finish(w, ack{payload: map[string]string{"challenge": env.Challenge}, attrs: []any{"kind", "url_verification"}}, start)
	case "event_callback":
		a := h.d.event(r.Context(), env.TeamID, env.EventID, env.Event)
		if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
			a.attrs = append(a.attrs, "retry_num", n, "retry_reason", r.Header.Get("X-Slack-Retry-Reason"))
		}
		h.finish(w, a, start)
	default: // app_rate_limited and future types: acknowledged, nothing to do
		h.finish(w, ack{attrs: []any{"kind", env.Type, "team_id", env.TeamID}}, start)
	}
}

// finish writes the ack, flushes it so Slack sees it now, then starts the
// post-ack work.
func (h *HTTP) finish(w http.ResponseWriter, a ack, start time.Time) {
	if a.payload != nil {
		body, err := json.Marshal(a.payload)
		if err != nil {
			h.d.logger.Error("slack ack not encodable", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	} else {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	h.d.logRequest(a, start)
	if a.after != nil {
		a.after()
	}
}
