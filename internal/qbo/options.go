package qbo

import (
	"context"
	"log/slog"
	"time"
)

// Limits are the client-side throttles. QBO allows 500 requests per minute
// per realm, 10 concurrent requests per realm and app, and 40 batch requests
// per minute (developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles,
// docs/vendors.md §2.7–2.8). Per is the window the counts refer to (one minute;
// tests and benchmarks scale it down). BackgroundRequests is the share of
// Requests that background calls (see Background) may use: 100 of the 500
// by default, leaving the rest to people waiting on Slack.
type Limits struct {
	MaxConcurrent      int
	Requests           int
	BatchRequests      int
	BackgroundRequests int
	Per                time.Duration
}

// DefaultLimits returns QBO's documented limits.
func DefaultLimits() Limits {
	return Limits{MaxConcurrent: 10, Requests: 500, BatchRequests: 40, BackgroundRequests: 100, Per: time.Minute}
}

// Option configures a Client.
type Option func(*Client)

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.logger = l } }

// WithSleep replaces the wait between retries (tests inject a no-op or a
// recorder). The function must return ctx.Err() when ctx ends first.
func WithSleep(f func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) { c.attempts.Sleep = f }
}

// WithJitter replaces the backoff jitter; the default picks uniformly in
// [d/2, d].
func WithJitter(f func(d time.Duration) time.Duration) Option {
	return func(c *Client) { c.attempts.Jitter = f }
}

// WithLimits sets the client-side throttles; zero fields keep the defaults.
func WithLimits(l Limits) Option {
	return func(c *Client) {
		d := DefaultLimits()
		if l.MaxConcurrent > 0 {
			d.MaxConcurrent = l.MaxConcurrent
		}
		if l.Requests > 0 {
			d.Requests = l.Requests
		}
		if l.BatchRequests > 0 {
			d.BatchRequests = l.BatchRequests
		}
		switch {
		case l.BackgroundRequests > 0:
			d.BackgroundRequests = l.BackgroundRequests
		case l.Requests > 0:
			d.BackgroundRequests = max(1, l.Requests/5)
		}
		if l.Per > 0 {
			d.Per = l.Per
		}
		c.setLimits(d)
	}
}

// WithRetry sets the maximum attempts per call (transport errors, 5xx, 429)
// and the capped exponential backoff.
func WithRetry(maxAttempts int, base, max time.Duration) Option {
	return func(c *Client) { c.attempts.Set(maxAttempts, base, max) }
}

// WithRateLimitWait sets how long to wait after a 429 that carries no
// Retry-After. QBO's rule is 60 s (docs/vendors.md §2.8), the default.
func WithRateLimitWait(d time.Duration) Option { return func(c *Client) { c.rateLimitWait = d } }

// WithPageSize sets MAXRESULTS for paged queries (1–1000; default 1000, the
// maximum QBO allows, docs/vendors.md §2.6).
func WithPageSize(n int) Option {
	return func(c *Client) {
		if n > 0 && n <= 1000 {
			c.pageSize = n
		}
	}
}
