package toggl

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sends requests through a copy of hc (a zero Timeout
// becomes DefaultTimeout).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) { c.core.SetHTTPClient(hc, DefaultTimeout) }
}

// WithUserAgent sets the User-Agent (default "billbot").
func WithUserAgent(ua string) Option {
	return func(c *Client) {
		if ua = strings.TrimSpace(ua); ua != "" {
			c.core.UserAgent = ua
		}
	}
}

// WithInterval paces requests at one per d instead of Toggl's one per
// second. A non-positive d is ignored.
func WithInterval(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.interval = d
		}
	}
}

// WithQuota keeps the client under n requests per window instead of the
// Premium plan's 600 per hour (Free 30, Starter 240). n = 0 turns the
// client-side count off (the server's 402 and headers are still heeded);
// a negative n or non-positive window is ignored.
func WithQuota(n int, window time.Duration) Option {
	return func(c *Client) {
		if n >= 0 && window > 0 {
			c.quota, c.quotaWindow = n, window
		}
	}
}

// WithClock replaces time.Now for pacing and Retry-After dates.
func WithClock(now func() time.Time) Option {
	return func(c *Client) { c.core.Now = now }
}

// WithSleep replaces the function used for every wait; it must return
// ctx.Err() when ctx ends first.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) { c.core.Sleep = sleep }
}

// WithLogger sets the logger for request-level debug lines and retries.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) { c.core.Logger = l }
}

// WithRetry sets how often a failed read (5xx, transport error) is retried
// and the backoff bounds. Throttled requests are retried separately.
func WithRetry(maxRetries int, base, max time.Duration) Option {
	return func(c *Client) { c.core.SetRetry(maxRetries, base, max) }
}
