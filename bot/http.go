package bot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"billbot/internal/metrics"
)

// MaxBodyBytes caps a Slack request body; larger bodies get 413 (operator
// contract, CONTRACT.md "HTTP endpoints").
const MaxBodyBytes = 1 << 20

// MinSigningSecretLen is the shortest signing secret accepted: Slack's
// are 32 hex characters, and a short one would be guessable.
const MinSigningSecretLen = 16

// HTTPConfig configures the HTTP transport.
type HTTPConfig struct {
	// SigningSecret verifies every request (SLACK_SIGNING_SECRET).
	SigningSecret string
	// Identity is the workspace and app whose requests are served; all
	// others are refused (see LearnIdentity).
	Identity     Identity
	Commands     Commands
	Interactions Interactions
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
	// Limits bounds the requests handled at once; the zero value sets no
	// bound.
	Limits Limits
	// Metrics receives billbot_slack_busy_replies_total and
	// billbot_slack_errors_total; nil keeps them in a registry of their own.
	Metrics *metrics.Registry
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
	if len(cfg.SigningSecret) < MinSigningSecretLen {
		return nil, fmt.Errorf("bot: SLACK_SIGNING_SECRET is too short: want at least %d characters (Slack's are 32)", MinSigningSecretLen)
	}
	d, err := newDispatcher(&dispatcher{
		commands: cfg.Commands, interactions: cfg.Interactions, events: cfg.Events, deduper: cfg.Deduper, identity: cfg.Identity,
		responder: cfg.Responder, logger: cfg.Logger, now: cfg.Now, ackBudget: cfg.AckBudget, workTimeout: cfg.WorkTimeout,
		limits: cfg.Limits, metrics: newSlackMetrics(cfg.Metrics),
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
// slack-go's parsers, which call ParseForm and so consume it. A declared
// Content-Length over the limit gets 413 before any byte of the body is
// read; a bad signature gets 401 and nothing else happens.
func (h *HTTP) signed(next func(w http.ResponseWriter, r *http.Request, body []byte, start time.Time)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := h.d.now()
		if r.ContentLength > MaxBodyBytes {
			h.reject(w, r, http.StatusRequestEntityTooLarge, "request body too large", fmt.Sprintf("Content-Length %d over %d", r.ContentLength, MaxBodyBytes))
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				h.reject(w, r, http.StatusRequestEntityTooLarge, "request body too large", "body over the limit")
				return
			}
			h.reject(w, r, http.StatusBadRequest, "cannot read request body", err.Error())
			return
		}
		if err := verifySignature(r.Header, body, h.secret, start); err != nil {
			h.reject(w, r, http.StatusUnauthorized, "invalid signature", err.Error())
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r, body, start)
	})
}

// reject answers a request refused for the caller's fault. It is logged at
// INFO: anyone on the internet can send these, and they say nothing is
// wrong with billbot. The reason never holds the body or the secret.
func (h *HTTP) reject(w http.ResponseWriter, r *http.Request, status int, msg, reason string) {
	h.d.logger.Info("slack request rejected", "path", r.URL.Path, "status", status, "reason", reason)
	http.Error(w, msg, status)
}

func (h *HTTP) serveCommand(w http.ResponseWriter, r *http.Request, _ []byte, start time.Time) {
	sc, err := slack.SlashCommandParse(r)
	if err != nil {
		h.reject(w, r, http.StatusBadRequest, "malformed slash command", "slash command form not understood")
		return
	}
	h.finish(w, h.d.command(r.Context(), sc, true), start)
}

func (h *HTTP) serveInteraction(w http.ResponseWriter, r *http.Request, _ []byte, start time.Time) {
	ic, err := slack.InteractionCallbackParse(r)
	if err != nil {
		h.reject(w, r, http.StatusBadRequest, "malformed interaction payload", "interaction payload not understood")
		return
	}
	h.finish(w, h.d.interaction(r.Context(), ic), start)
}

// eventEnvelope is the outer Events API body (docs.slack.dev/apis/events-api:
// url_verification carries challenge; event_callback carries event_id and
// the inner event).
type eventEnvelope struct {
	Type         string          `json:"type"`
	Challenge    string          `json:"challenge"`
	TeamID       string          `json:"team_id"`
	EnterpriseID string          `json:"enterprise_id"`
	APIAppID     string          `json:"api_app_id"`
	EventID      string          `json:"event_id"`
	Event        json.RawMessage `json:"event"`
}

func (h *HTTP) serveEvent(w http.ResponseWriter, r *http.Request, body []byte, start time.Time) {
	var env eventEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		h.reject(w, r, http.StatusBadRequest, "malformed event", "event body is not JSON")
		return
	}
	switch env.Type {
	case "url_verification":
		// Answered only after the signature check: Slack signs it too.
		h.finish(w, ack{payload: map[string]string{"challenge": env.Challenge}, attrs: []any{"kind", "url_verification"}}, start)
	case "event_callback":
		a := h.d.event(r.Context(), eventOrigin{env.TeamID, env.EnterpriseID, env.APIAppID}, env.EventID, env.Event)
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
