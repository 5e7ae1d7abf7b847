package httpx

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/retry"
)

// Core is what every vendor client is configured with and counts alike:
// the HTTP client, User-Agent, logger, clock and sleep, the retry budget
// and backoff bounds, and the exchanges, retries and throttled waits so
// far. A vendor client holds one in an unexported field, sets it up with
// Init and lets its options change it.
type Core struct {
	HTTP      *http.Client
	UserAgent string
	Logger    *slog.Logger
	Now       func() time.Time
	// Attempts bound how often a failed read (5xx, transport error) is
	// sent: Max attempts in all, after backoff waits between Base and Cap.
	// Its Sleep is every wait (rate limit, Retry-After, backoff); it
	// returns ctx.Err() when ctx ends first.
	retry.Attempts

	Requests  atomic.Int64 // HTTP exchanges attempted, retries included
	Retries   atomic.Int64 // retries after a 5xx or transport error
	Throttled atomic.Int64 // waits for a limiter or the server's throttling
}

// Init sets the defaults: exchanges bounded by timeout, userAgent, no
// logging, the real clock and sleep, and 4 retries backing off from half a
// second up to 30 seconds.
func (c *Core) Init(timeout time.Duration, userAgent string) {
	c.HTTP = &http.Client{Timeout: timeout}
	c.UserAgent = userAgent
	c.Logger = slog.New(slog.DiscardHandler)
	c.Now = time.Now
	c.Attempts = retry.DefaultAttempts()
	c.Max = 5
}

// SetHTTPClient sends requests through a copy of hc, whose zero Timeout
// becomes timeout; hc itself is not modified.
func (c *Core) SetHTTPClient(hc *http.Client, timeout time.Duration) {
	cp := *hc
	if cp.Timeout == 0 {
		cp.Timeout = timeout
	}
	c.HTTP = &cp
}

// SetRetry sets the retry budget and the backoff bounds; a negative
// maxRetries and non-positive bounds leave theirs as they are.
func (c *Core) SetRetry(maxRetries int, base, max time.Duration) {
	if maxRetries >= 0 {
		c.Max = maxRetries + 1
	}
	c.Set(0, base, max)
}

// MaxRetries is how often a failed read is sent again: Max attempts less
// the first.
func (c *Core) MaxRetries() int { return c.Max - 1 }

// Loop is the retry loop of one request of vendor's client: throttled
// recognises the server's throttling (waited out at most maxThrottled
// times in a row), retryable the failures worth a retry; the waits go to
// the counters.
func (c *Core) Loop(vendor string, throttled func(error) (time.Duration, bool), retryable func(error) bool, maxThrottled int) retry.Loop {
	return retry.Loop{
		Vendor: vendor, Logger: c.Logger, Sleep: c.Sleep,
		Throttled: throttled, Retryable: retryable, Backoff: c.Backoff,
		MaxRetries: c.MaxRetries(), MaxThrottled: maxThrottled,
		OnThrottle: func() { c.Throttled.Add(1) }, OnRetry: func() { c.Retries.Add(1) },
	}
}

// Counts returns the counters.
func (c *Core) Counts() (requests, retries, throttled int64) {
	return c.Requests.Load(), c.Retries.Load(), c.Throttled.Load()
}

// Bearer sets req's Authorization to the bearer token: token, or a fresh
// one from tokens when it is set. Its error starts with vendor.
func Bearer(req *http.Request, vendor, token string, tokens oauth2.TokenSource) error {
	if tokens != nil {
		t, err := tokens.Token()
		if err != nil {
			return fmt.Errorf("%s: get OAuth2 token: %w", vendor, err)
		}
		token = t.AccessToken
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return nil
}
