package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
)

// routes registers every endpoint with Go 1.22 method patterns, so unknown
// paths get 404 and known paths with another method get 405 (with Allow).
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.cfg.Metrics.Handler())
	// GET shows the link's confirmation page and consumes nothing; only
	// the page's POST uses up the link (link previews only GET).
	mux.Handle("GET /oauth/qbo/connect", orHint(s.cfg.QBOConnect, qboOAuthHint))
	mux.Handle("POST /oauth/qbo/connect", orHint(s.cfg.QBOConnect, qboOAuthHint))
	mux.Handle("GET /oauth/qbo/callback", orHint(s.cfg.QBOCallback, qboOAuthHint))
	mux.Handle("POST /webhooks/qbo", orHint(s.cfg.QBOWebhook, qboWebhookHint))
	mux.Handle("GET /oauth/xero/connect", orHint(s.cfg.XeroConnect, xeroOAuthHint))
	mux.Handle("POST /oauth/xero/connect", orHint(s.cfg.XeroConnect, xeroOAuthHint))
	mux.Handle("GET /oauth/xero/callback", orHint(s.cfg.XeroCallback, xeroOAuthHint))
	mux.Handle("POST /webhooks/xero", orHint(s.cfg.XeroWebhook, xeroWebhookHint))
	if s.cfg.InvoiceDetail != nil {
		// Signed, expiring links only (BILLBOT_PUBLIC_URL and
		// BILLBOT_ENCRYPTION_KEY set); otherwise the path is unknown.
		mux.Handle("GET /invoices/{number}", s.cfg.InvoiceDetail)
	}
	// The Slack transport routes and checks methods itself.
	hint := s.cfg.SlackHint
	if hint == "" {
		hint = slackHint
	}
	mux.Handle("/slack/", orHint(s.cfg.Slack, hint))
	return mux
}

const (
	qboOAuthHint    = "QuickBooks Online is not configured on this server: set QBO_CLIENT_ID, QBO_CLIENT_SECRET and QBO_REDIRECT_URL."
	qboWebhookHint  = "QuickBooks Online webhooks are not configured on this server: set QBO_WEBHOOK_VERIFIER_TOKEN."
	xeroOAuthHint   = "Xero is not configured on this server: set XERO_CLIENT_ID, XERO_CLIENT_SECRET and XERO_REDIRECT_URL."
	xeroWebhookHint = "Xero webhooks are not configured on this server: set XERO_WEBHOOK_KEY."
	slackHint       = "Slack HTTP endpoints are not enabled on this server: set SLACK_SIGNING_SECRET (or use Socket Mode with SLACK_APP_TOKEN)."
)

// SlackHint says why /slack/* is not served, naming the setting that is
// missing for this configuration: botToken (SLACK_BOT_TOKEN), secret
// (SLACK_SIGNING_SECRET) and socket (SLACK_APP_TOKEN, Socket Mode) tell
// which are set.
func SlackHint(botToken, secret, socket bool) string {
	const off = "Slack HTTP endpoints are not enabled on this server: "
	switch {
	case !botToken && !secret && !socket:
		return off + "set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_BOT_TOKEN and SLACK_APP_TOKEN for Socket Mode)."
	case !botToken:
		return off + "SLACK_BOT_TOKEN is not set; set it (the Bot User OAuth Token, xoxb-…)."
	case socket:
		return off + "Slack runs in Socket Mode (SLACK_APP_TOKEN is set), so its requests arrive over the WebSocket, not here; unset SLACK_APP_TOKEN and set SLACK_SIGNING_SECRET to use request URLs."
	case !secret:
		return off + "SLACK_SIGNING_SECRET is not set; set it (Basic Information → Signing Secret) so Slack's requests can be verified, or set SLACK_APP_TOKEN for Socket Mode."
	}
	return slackHint
}

// orHint returns h, or a handler answering 404 with hint when h is nil.
func orHint(h http.Handler, hint string) http.Handler {
	if h != nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, http.StatusNotFound, hint)
	})
}

// NotReadyError is what Config.Ready returns to give the caller of
// /readyz a short reason. Reason is shown; Err is only logged, since it
// may name hosts or users.
type NotReadyError struct {
	Reason string
	Err    error
}

// Error implements error.
func (e *NotReadyError) Error() string {
	if e.Err == nil {
		return e.Reason
	}
	return e.Reason + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *NotReadyError) Unwrap() error { return e.Err }

// readyz runs Ready with ReadyTimeout. The check runs in its own goroutine
// so a check that ignores its context still cannot hold the probe past
// the deadline.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Ready == nil {
		writeText(w, http.StatusOK, "ready")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ReadyTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.cfg.Ready(ctx) }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err == nil {
		writeText(w, http.StatusOK, "ready")
		return
	}
	reason := "readiness check failed"
	var nr *NotReadyError
	switch {
	case errors.As(err, &nr) && nr.Reason != "":
		reason = nr.Reason
	case errors.Is(err, context.DeadlineExceeded):
		reason = fmt.Sprintf("readiness check timed out after %s", s.cfg.ReadyTimeout)
	}
	s.log.LogAttrs(r.Context(), slog.LevelWarn, "not ready",
		slog.String("request_id", RequestID(r.Context())), slog.String("error", err.Error()))
	writeText(w, http.StatusServiceUnavailable, "not ready: "+reason)
}

// writeText writes a one-line plain-text body.
func writeText(w http.ResponseWriter, code int, line string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = fmt.Fprintln(w, line)
}
