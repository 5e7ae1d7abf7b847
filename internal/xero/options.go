package xero

import (
	"context"
	"log/slog"
	"time"
)

// Limits are the client-side throttles. Xero allows, per tenant, 60 calls a
// minute, 5,000 a day and 5 at once, and 10,000 calls a minute per app
// across tenants (developer.xero.com/documentation/guides/oauth2/limits,
// docs/vendors.md §6.10). Per and Day are the windows the counts refer to
// (tests and benchmarks scale them down). BackgroundPerMinute is the share
// of PerMinute that background calls (see Background) may use: 12 of the
// 60 by default, leaving the rest to people waiting in Slack.
type Limits struct {
	MaxConcurrent       int
	PerMinute           int
	PerDay              int
	BackgroundPerMinute int
	Per                 time.Duration
	Day                 time.Duration
}

// DefaultLimits returns Xero's documented per-tenant limits.
func DefaultLimits() Limits {
	return Limits{MaxConcurrent: 5, PerMinute: 60, PerDay: 5000, BackgroundPerMinute: 12, Per: time.Minute, Day: 24 * time.Hour}
}

// Option configures a Client.
type Option func(*Client)

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.logger = l } }

// WithSleep replaces the wait between retries (tests inject a recorder).
// The function must return ctx.Err() when ctx ends first.
func WithSleep(f func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) { c.attempts.Sleep = f }
}

// WithJitter replaces the backoff jitter; the default picks in [d/2, d].
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
		if l.PerMinute > 0 {
			d.PerMinute = l.PerMinute
		}
		if l.PerDay > 0 {
			d.PerDay = l.PerDay
		}
		switch {
		case l.BackgroundPerMinute > 0:
			d.BackgroundPerMinute = l.BackgroundPerMinute
		case l.PerMinute > 0:
			d.BackgroundPerMinute = max(1, l.PerMinute/5)
		}
		if l.Per > 0 {
			d.Per = l.Per
		}
		if l.Day > 0 {
			d.Day = l.Day
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
// Retry-After (default 60 s, the minute window), and the longest
// Retry-After the client sleeps through before it hands the 429 to the
// caller (default 2 minutes; a day-limit 429 is never slept through).
func WithRateLimitWait(d, longest time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.rateLimitWait = d
		}
		if longest > 0 {
			c.maxWait = longest
		}
	}
}
