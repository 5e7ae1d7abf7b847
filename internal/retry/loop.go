package retry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Loop is how a vendor client sends one request again: a throttled answer
// is waited out for as long as the server asked and retried without
// counting as a failure (at most MaxThrottled times in a row); any other
// failure Retryable allows is retried, for GETs only, after Backoff's wait,
// at most MaxRetries times.
type Loop struct {
	// Vendor starts the log messages and the errors' texts ("harvest").
	Vendor string
	Logger *slog.Logger
	// Sleep waits, returning ctx's error when ctx ends first.
	Sleep func(ctx context.Context, d time.Duration) error
	// Throttled reports whether err is the server's throttling, and how
	// long it asked to wait.
	Throttled func(err error) (time.Duration, bool)
	// Retryable reports whether a failure other than throttling may be
	// retried.
	Retryable    func(err error) bool
	Backoff      func(failures int) time.Duration
	MaxRetries   int
	MaxThrottled int
	// OnThrottle and OnRetry count the waits (the client's metrics).
	OnThrottle, OnRetry func()
}

// Do calls once until it succeeds or the loop gives up, and returns its
// last error. A context that ends stops it with an error naming the path.
func (l Loop) Do(req *http.Request, once func() error) error {
	ctx := req.Context()
	failures, throttles := 0, 0
	for {
		err := once()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: GET %s: %w", l.Vendor, req.URL.Path, ctx.Err())
		}
		if after, ok := l.Throttled(err); ok {
			throttles++
			if throttles > l.MaxThrottled {
				return err
			}
			l.OnThrottle()
			l.Logger.WarnContext(ctx, l.Vendor+" throttled", slog.String("path", req.URL.Path), slog.Duration("retry_after", after))
			if err := l.Sleep(ctx, after); err != nil {
				return fmt.Errorf("%s: GET %s: waiting out rate limit: %w", l.Vendor, req.URL.Path, err)
			}
			continue
		}
		if !l.Retryable(err) || req.Method != http.MethodGet || failures >= l.MaxRetries {
			return err
		}
		failures++
		l.OnRetry()
		wait := l.Backoff(failures)
		l.Logger.WarnContext(ctx, l.Vendor+" request failed, retrying", slog.String("path", req.URL.Path),
			slog.Int("attempt", failures), slog.Duration("wait", wait), slog.Any("error", err))
		if err := l.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s: GET %s: backing off: %w", l.Vendor, req.URL.Path, err)
		}
	}
}

// ThrottledAs makes a Loop.Throttled from a vendor's throttling error
// type T and the wait it carries.
func ThrottledAs[T error](wait func(T) time.Duration) func(err error) (time.Duration, bool) {
	return func(err error) (time.Duration, bool) {
		var t T
		if errors.As(err, &t) {
			return wait(t), true
		}
		return 0, false
	}
}
