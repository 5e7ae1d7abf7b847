package qbtime

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/oauth2"
)

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient makes the client send requests through hc. A zero
// hc.Timeout is replaced by DefaultTimeout on a copy; hc itself is not
// modified.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) { c.core.SetHTTPClient(hc, DefaultTimeout) }
}

// WithLimiter keeps the client under n requests per window instead of
// QuickBooks Time's 300 per 5 minutes. Values below 1 or a non-positive
// window are ignored.
func WithLimiter(n int, window time.Duration) Option {
	return func(c *Client) {
		if n > 0 && window > 0 {
			c.limit, c.window = n, window
		}
	}
}

// WithClock replaces time.Now for rate limiting and Retry-After dates; tests
// pair it with WithSleep to run without real waits.
func WithClock(now func() time.Time) Option {
	return func(c *Client) { c.core.Now = now }
}

// WithSleep replaces the function used for every wait (rate limit,
// Retry-After, backoff). It must return ctx.Err() when ctx ends first.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) { c.core.Sleep = sleep }
}

// WithLogger sets the logger for request-level debug lines and retries.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) { c.core.Logger = l }
}

// WithUserAgent sets the User-Agent header (default DefaultUserAgent).
func WithUserAgent(ua string) Option {
	return func(c *Client) {
		if ua != "" {
			c.core.UserAgent = ua
		}
	}
}

// WithRetry sets how many times a failed GET (5xx or transport error) is
// retried and the backoff bounds. Throttled (429) requests are retried
// separately and do not count.
func WithRetry(maxRetries int, base, max time.Duration) Option {
	return func(c *Client) { c.core.SetRetry(maxRetries, base, max) }
}

// WithTokenSource authenticates with access tokens from ts instead of a
// fixed one: QuickBooks Time's OAuth 2.0 access tokens expire after
// expires_in seconds and are renewed with the refresh token
// (tsheetsteam.github.io/api_docs/ "Refreshing an Access Token"), which an
// oauth2.TokenSource does.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *Client) { c.tokens = ts }
}
