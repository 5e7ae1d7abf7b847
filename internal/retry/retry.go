// Package retry is what billbot's vendor clients share when they wait and
// try again: a sleep that ends with its context, capped exponential backoff
// with equal jitter, and the reading of an HTTP Retry-After header. It knows
// nothing of billing or of any one vendor.
package retry

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sleep waits for d or until ctx is done, whichever comes first, and
// returns ctx.Err() when ctx ended the wait. A d of zero or less does not
// wait: it returns ctx.Err() at once.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Backoff returns the wait before retry n (1-based) without jitter:
// base·2^(n-1), capped at max.
func Backoff(base, max time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// Jitter spreads d with "equal jitter": half of it fixed, the other half
// uniformly random, so that clients failing together do not retry together.
// The result lies in [d/2, d].
func Jitter(d time.Duration) time.Duration {
	half := d / 2
	return half + rand.N(half+1)
}

// After reads a Retry-After header value, delta seconds or an HTTP date
// (RFC 9110 §10.2.3), as a wait from now. ok is false when v is empty or
// unreadable; a negative delta or a date already past is a wait of zero.
func After(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// AfterOr is After's wait, or fallback when v is empty or unreadable.
func AfterOr(v string, now time.Time, fallback time.Duration) time.Duration {
	if d, ok := After(v, now); ok {
		return d
	}
	return fallback
}
