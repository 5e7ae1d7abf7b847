// Package server assembles billbot's HTTP endpoints (CONTRACT.md "HTTP
// endpoints of serve"): Slack request URLs, the QuickBooks Online connect
// flow and webhooks, health, readiness and Prometheus metrics, behind one
// middleware chain for request ids, access logs, panic recovery and
// request metrics.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"billbot/internal/metrics"
)

// Defaults for the Config fields left zero.
const (
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 15 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultShutdownTimeout   = 10 * time.Second
	DefaultReadyTimeout      = 2 * time.Second
)

// Config is what the server serves and how. Only Addr is needed by Run;
// every handler may be nil.
type Config struct {
	// Addr is the listen address (LISTEN_ADDR), e.g. ":3000".
	Addr string
	// Slack serves /slack/commands, /slack/interactions and /slack/events;
	// it receives the request with its full path. Nil (Socket Mode only)
	// answers 404 with SlackHint.
	Slack http.Handler
	// SlackHint is the one-line 404 answer under /slack/ when Slack is nil;
	// build it with SlackHint(...) so it names the missing setting. Empty
	// gives a generic hint.
	SlackHint string
	// QBOConnect, QBOCallback and QBOWebhook serve GET /oauth/qbo/connect,
	// GET /oauth/qbo/callback and POST /webhooks/qbo. Nil answers 404 with
	// a hint naming the settings that enable them.
	QBOConnect, QBOCallback, QBOWebhook http.Handler
	// XeroConnect, XeroCallback and XeroWebhook serve GET (and POST)
	// /oauth/xero/connect, GET /oauth/xero/callback and POST /webhooks/xero;
	// nil answers 404 with the settings Xero needs.
	XeroConnect, XeroCallback, XeroWebhook http.Handler
	// InvoiceDetail serves GET /invoices/{number}, the read-only invoice
	// detail page behind a signed link; nil leaves the path unmounted.
	InvoiceDetail http.Handler
	// Ready reports whether the service can take traffic (e.g. a database
	// ping). Nil means always ready. Return a *NotReadyError to choose the
	// reason shown to the caller; other errors show a generic one.
	Ready func(ctx context.Context) error
	// Metrics receives the HTTP metrics and is served at GET /metrics; nil
	// gives the server a registry of its own.
	Metrics *metrics.Registry
	// Logger gets the access log and server errors; nil discards.
	Logger *slog.Logger
	// Now is the clock for request durations; nil means time.Now.
	Now func() time.Time

	// Timeouts; zero means the Default* constant of the same name.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// ShutdownTimeout bounds the graceful shutdown in Run.
	ShutdownTimeout time.Duration
	// ReadyTimeout bounds one call of Ready.
	ReadyTimeout time.Duration
}

// Server is billbot's HTTP server. Build it with New.
type Server struct {
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	handler http.Handler

	requests *metrics.Counter
	duration *metrics.Histogram
}

// New fills the defaults of cfg and builds the routes; it does no I/O.
func New(cfg Config) *Server {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	def(&cfg.ReadTimeout, DefaultReadTimeout)
	def(&cfg.WriteTimeout, DefaultWriteTimeout)
	def(&cfg.IdleTimeout, DefaultIdleTimeout)
	def(&cfg.ShutdownTimeout, DefaultShutdownTimeout)
	def(&cfg.ReadyTimeout, DefaultReadyTimeout)
	if cfg.Metrics == nil {
		cfg.Metrics = metrics.NewRegistry()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{
		cfg: cfg,
		log: cfg.Logger.With("component", "http"),
		now: cfg.Now,
		requests: cfg.Metrics.NewCounter("billbot_http_requests_total",
			"HTTP requests served, by route pattern, method and status code.", "route", "method", "code"),
		duration: cfg.Metrics.NewHistogram("billbot_http_request_duration_seconds",
			"Time to serve an HTTP request, by route pattern.", metrics.DefaultBuckets(), "route"),
	}
	s.handler = s.middleware(s.routes())
	return s
}

// Handler returns the routes with the middleware, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// Run listens on cfg.Addr and serves until ctx is cancelled, then shuts
// down gracefully; see Serve.
func (s *Server) Run(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("server: listen on %s: %w (set LISTEN_ADDR to a free address)", s.cfg.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is cancelled. It then stops accepting
// connections and waits up to ShutdownTimeout for requests in flight; it
// returns nil when they all finished, and an error when serving failed or
// the deadline passed (remaining connections are then closed). Serve
// closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("http server listening", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return fmt.Errorf("server: serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}

	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		<-errc
		return fmt.Errorf("server: graceful shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("server: serve on %s: %w", ln.Addr(), err)
	}
	s.log.Info("http server stopped")
	return nil
}
