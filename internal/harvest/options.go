package harvest

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
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

// WithUserAgent sets whom Harvest can contact about this integration. A bare
// contact ("ops@firm.example") becomes "billbot (ops@firm.example)"; a value
// that already has the "Name (contact)" shape is sent as is. Harvest requires
// a User-Agent naming the application and a contact and answers 400 without
// one (help.getharvest.com/api-v2/introduction/overview/general/).
func WithUserAgent(contact string) Option {
	return func(c *Client) {
		contact = strings.TrimSpace(contact)
		if contact == "" {
			return
		}
		if strings.Contains(contact, "(") {
			c.core.UserAgent = contact
			return
		}
		c.core.UserAgent = "billbot (" + contact + ")"
	}
}

// WithLimiter keeps the client under n requests per window instead of
// Harvest's 100 per 15 seconds. Values below 1 or a non-positive window
// disable nothing: they are ignored.
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

// WithTokenSource authenticates with OAuth2 access tokens from ts (Harvest's
// OAuth2 flow at id.getharvest.com) instead of a personal access token.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *Client) { c.tokens = ts }
}

// WithRetry sets how many times a failed GET (5xx or transport error) is
// retried and the backoff bounds. Throttled (429) requests are retried
// separately and do not count.
func WithRetry(maxRetries int, base, max time.Duration) Option {
	return func(c *Client) { c.core.SetRetry(maxRetries, base, max) }
}
