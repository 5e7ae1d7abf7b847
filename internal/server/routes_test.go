package server

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRoutes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{
		Slack:       echo("slack"),
		QBOConnect:  echo("connect"),
		QBOCallback: echo("callback"),
		QBOWebhook:  echo("webhook"),

		XeroConnect:  echo("xconnect"),
		XeroCallback: echo("xcallback"),
		XeroWebhook:  echo("xwebhook"),
	})
	tests := []struct {
		name, method, target string
		wantCode             int
		wantBody             string // prefix
		wantAllow            string
	}{
		{"healthz", "GET", "/healthz", 200, "ok\n", ""},
		{"healthz head", "HEAD", "/healthz", 200, "", ""},
		{"readyz without check", "GET", "/readyz", 200, "ready\n", ""},
		{"metrics", "GET", "/metrics", 200, "# HELP billbot_http_request_duration_seconds", ""},
		{"qbo connect", "GET", "/oauth/qbo/connect", 200, "connect /oauth/qbo/connect", ""},
		{"qbo connect press", "POST", "/oauth/qbo/connect", 200, "connect /oauth/qbo/connect", ""},
		{"qbo callback", "GET", "/oauth/qbo/callback?code=c&state=s", 200, "callback /oauth/qbo/callback", ""},
		{"qbo webhook", "POST", "/webhooks/qbo", 200, "webhook /webhooks/qbo", ""},
		{"xero connect", "GET", "/oauth/xero/connect", 200, "xconnect /oauth/xero/connect", ""},
		{"xero connect press", "POST", "/oauth/xero/connect", 200, "xconnect /oauth/xero/connect", ""},
		{"xero callback", "GET", "/oauth/xero/callback?code=c&state=s", 200, "xcallback /oauth/xero/callback", ""},
		{"xero webhook", "POST", "/webhooks/xero", 200, "xwebhook /webhooks/xero", ""},
		{"xero webhook wrong method", "GET", "/webhooks/xero", 405, "Method Not Allowed", "POST"},
		{"slack commands", "POST", "/slack/commands", 200, "slack /slack/commands", ""},
		{"slack interactions", "POST", "/slack/interactions", 200, "slack /slack/interactions", ""},
		{"slack events", "POST", "/slack/events", 200, "slack /slack/events", ""},
		{"unknown path", "GET", "/nope", 404, "404 page not found", ""},
		{"root", "GET", "/", 404, "404 page not found", ""},
		{"healthz wrong method", "POST", "/healthz", 405, "Method Not Allowed", "GET, HEAD"},
		{"metrics wrong method", "DELETE", "/metrics", 405, "Method Not Allowed", "GET, HEAD"},
		{"webhook wrong method", "GET", "/webhooks/qbo", 405, "Method Not Allowed", "POST"},
		{"callback wrong method", "POST", "/oauth/qbo/callback", 405, "Method Not Allowed", "GET, HEAD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := f.do(t, tc.method, tc.target, nil)
			if rec.Code != tc.wantCode {
				t.Errorf("status = %d, want %d (body %q)", rec.Code, tc.wantCode, rec.Body.String())
			}
			if !strings.HasPrefix(rec.Body.String(), tc.wantBody) {
				t.Errorf("body = %q, want prefix %q", rec.Body.String(), tc.wantBody)
			}
			if got := rec.Header().Get("Allow"); got != tc.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tc.wantAllow)
			}
		})
	}
}

func TestMetricsContentType(t *testing.T) {
	t.Parallel()
	rec := newFixture(t, Config{}).do(t, "GET", "/metrics", nil)
	// promhttp names the text format 0.0.4 and the name escaping it used.
	mt, params, err := mime.ParseMediaType(rec.Header().Get("Content-Type"))
	if err != nil || mt != "text/plain" || params["version"] != "0.0.4" || params["charset"] != "utf-8" {
		t.Errorf("Content-Type = %q, want the text format 0.0.4", rec.Header().Get("Content-Type"))
	}
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
}

func TestUnconfiguredHandlersHint(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	tests := []struct{ method, target, want string }{
		{"GET", "/oauth/qbo/connect", qboOAuthHint + "\n"},
		{"GET", "/oauth/qbo/callback", qboOAuthHint + "\n"},
		{"POST", "/webhooks/qbo", qboWebhookHint + "\n"},
		{"GET", "/oauth/xero/connect", xeroOAuthHint + "\n"},
		{"GET", "/oauth/xero/callback", xeroOAuthHint + "\n"},
		{"POST", "/webhooks/xero", xeroWebhookHint + "\n"},
		{"POST", "/slack/commands", slackHint + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.target, func(t *testing.T) {
			t.Parallel()
			rec := f.do(t, tc.method, tc.target, nil)
			if rec.Code != http.StatusNotFound || rec.Body.String() != tc.want {
				t.Errorf("got %d %q, want 404 %q", rec.Code, rec.Body.String(), tc.want)
			}
			if strings.Count(rec.Body.String(), "\n") != 1 {
				t.Errorf("hint is not one line: %q", rec.Body.String())
			}
		})
	}
}

// TestSlackHintNamesWhatIsMissing: the 404 under /slack/ says which
// setting is missing for the configuration at hand, and the server serves
// the hint it is given.
func TestSlackHintNamesWhatIsMissing(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name                     string
		botToken, secret, socket bool
		want, wantNot            string
	}{
		{"nothing set", false, false, false, "set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET", ""},
		{"secret without bot token", false, true, false, "SLACK_BOT_TOKEN is not set", "SLACK_SIGNING_SECRET is not"},
		{"bot token without secret", true, false, false, "SLACK_SIGNING_SECRET is not set", "SLACK_BOT_TOKEN is not"},
		{"socket mode", true, false, true, "Socket Mode", "SLACK_BOT_TOKEN is not"},
		{"socket mode with a secret too", true, true, true, "unset SLACK_APP_TOKEN", ""},
		{"app token without bot token", false, false, true, "SLACK_BOT_TOKEN is not set", ""},
	} {
		hint := SlackHint(c.botToken, c.secret, c.socket)
		if !strings.Contains(hint, c.want) || (c.wantNot != "" && strings.Contains(hint, c.wantNot)) || strings.Contains(hint, "\n") {
			t.Errorf("%s: hint %q, want it to say %q (and not %q)", c.name, hint, c.want, c.wantNot)
		}
		rec := newFixture(t, Config{SlackHint: hint}).do(t, "POST", "/slack/commands", nil)
		if rec.Code != http.StatusNotFound || rec.Body.String() != hint+"\n" {
			t.Errorf("%s: got %d %q, want 404 with the hint", c.name, rec.Code, rec.Body.String())
		}
	}
}

func TestReadiness(t *testing.T) {
	t.Parallel()
	const secret = "postgres://billbot:hunter2@db"
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	tests := []struct {
		name     string
		timeout  time.Duration
		ready    func(context.Context) error
		wantCode int
		wantBody string
	}{
		{"ok", 0, func(context.Context) error { return nil }, 200, "ready\n"},
		{"plain error hides details", 0, func(context.Context) error { return errors.New("dial " + secret + ": refused") },
			503, "not ready: readiness check failed\n"},
		{"reason shown, cause hidden", 0, func(context.Context) error {
			return &NotReadyError{Reason: "database unreachable", Err: errors.New(secret)}
		}, 503, "not ready: database unreachable\n"},
		{"wrapped reason", 0, func(context.Context) error {
			return errors.Join(errors.New(secret), &NotReadyError{Reason: "database unreachable"})
		}, 503, "not ready: database unreachable\n"},
		{"check honours deadline", time.Millisecond, func(ctx context.Context) error {
			<-ctx.Done()
			return ctx.Err()
		}, 503, "not ready: readiness check timed out after 1ms\n"},
		{"check ignores deadline", time.Millisecond, func(context.Context) error {
			<-release
			return nil
		}, 503, "not ready: readiness check timed out after 1ms\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, Config{Ready: tc.ready, ReadyTimeout: tc.timeout})
			rec := f.do(t, "GET", "/readyz", nil)
			if rec.Code != tc.wantCode || rec.Body.String() != tc.wantBody {
				t.Errorf("got %d %q, want %d %q", rec.Code, rec.Body.String(), tc.wantCode, tc.wantBody)
			}
			if strings.Contains(rec.Body.String(), "hunter2") {
				t.Errorf("response leaks a secret: %q", rec.Body.String())
			}
		})
	}
}

func TestReadinessDefaultDeadline(t *testing.T) {
	t.Parallel()
	var left time.Duration
	var hasDeadline bool
	f := newFixture(t, Config{Ready: func(ctx context.Context) error {
		var dl time.Time
		dl, hasDeadline = ctx.Deadline()
		left = time.Until(dl)
		return nil
	}})
	if rec := f.do(t, "GET", "/readyz", nil); rec.Code != 200 {
		t.Fatalf("status = %d", rec.Code)
	}
	if !hasDeadline || left > DefaultReadyTimeout {
		t.Errorf("Ready got deadline %v in %v, want within %v", hasDeadline, left, DefaultReadyTimeout)
	}
}
