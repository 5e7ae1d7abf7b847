// Package xero is billbot's client for the Xero Accounting API 2.0:
// connections, contacts, items, accounts, tax rates, invoices (draft,
// authorise, email, void), payments and credit notes, with Xero's
// validation errors, idempotent writes (Idempotency-Key), retries that
// honour Retry-After, client-side throttling to Xero's per-tenant limits,
// OAuth 2.0 with rotating refresh tokens persisted encrypted, and webhook
// verification (docs/vendors.md §6).
package xero

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"billbot/internal/httpx"
	"billbot/internal/retry"
)

// ProductionBaseURL is Xero's API host: the Accounting API lives under
// api.xro/2.0/ and the connections list at connections
// (developer.xero.com/documentation/guides/oauth2/auth-flow, docs/vendors.md §6.2).
const ProductionBaseURL = "https://api.xero.com/"

// accountingPath is the Accounting API's path below the base URL.
const accountingPath = "api.xro/2.0/"

// TenantHeader names the organisation each Accounting API call is for
// (docs/vendors.md §6.2).
const TenantHeader = "xero-tenant-id"

// IdempotencyHeader carries a write's idempotency key (docs/vendors.md §6.9).
const IdempotencyHeader = "Idempotency-Key"

// Client calls the Xero Accounting API for one organisation (tenant). Build
// it with NewClient; it is safe for concurrent use.
type Client struct {
	baseURL  *url.URL
	tenantID string
	hc       *http.Client
	logger   *slog.Logger

	sem     chan struct{}
	minLim  *rate.Limiter
	dayLim  *rate.Limiter
	bgLim   *rate.Limiter
	bgSem   chan struct{}
	limits  Limits
	maxWait time.Duration // longest Retry-After the client sleeps through

	attempts      retry.Attempts
	rateLimitWait time.Duration
	userAgent     string

	mu        sync.Mutex
	remaining Remaining
}

// Remaining is what Xero said is left of each limit on its last answer
// (X-MinLimit-Remaining, X-DayLimit-Remaining, X-AppMinLimit-Remaining);
// -1 when no answer carried the header yet.
type Remaining struct {
	Minute, Day, AppMinute int
}

// NewClient builds a client for tenantID at baseURL (ProductionBaseURL or
// a test server such as xerosandbox's). httpClient carries the OAuth token
// (see NewHTTPClient); nil means http.DefaultClient. No I/O happens here.
func NewClient(baseURL, tenantID string, httpClient *http.Client, opts ...Option) (*Client, error) {
	u, ok := httpx.BaseURL(baseURL)
	if !ok {
		return nil, fmt.Errorf("xero: base URL %q: want an absolute URL", baseURL)
	}
	if tenantID == "" {
		return nil, errors.New("xero: tenant id is empty: connect a Xero organisation first")
	}
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	c := &Client{
		baseURL: u, tenantID: tenantID, hc: httpClient,
		logger: slog.New(slog.DiscardHandler), attempts: retry.DefaultAttempts(),
		rateLimitWait: 60 * time.Second, maxWait: 2 * time.Minute, userAgent: "billbot",
		remaining: Remaining{-1, -1, -1},
	}
	c.setLimits(DefaultLimits())
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

func (c *Client) setLimits(l Limits) {
	c.limits = l
	c.sem = make(chan struct{}, l.MaxConcurrent)
	// Calls are spaced a hundredth wider than the limit allows: Xero counts
	// when a call arrives, and calls sent evenly arrive a little unevenly.
	c.minLim = rate.NewLimiter(rate.Every((l.Per+l.Per/100)/time.Duration(l.PerMinute)), 1)
	// The day's allowance is a bucket that holds the whole day and refills
	// evenly: Xero counts a rolling 24 hours (docs/vendors.md §6.10).
	c.dayLim = rate.NewLimiter(rate.Every(l.Day/time.Duration(l.PerDay)), l.PerDay)
	c.bgLim = rate.NewLimiter(rate.Every(l.Per/time.Duration(l.BackgroundPerMinute)), max(1, l.BackgroundPerMinute/5))
	c.bgSem = make(chan struct{}, 1)
}

// TenantID returns the organisation the client works on.
func (c *Client) TenantID() string { return c.tenantID }

// Remaining returns the limits Xero last reported as left.
func (c *Client) Remaining() Remaining {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.remaining
}

// call is one API request, replayable: the body is kept as bytes.
type call struct {
	method   string
	path     string // relative to the base URL
	query    url.Values
	body     []byte
	key      string // Idempotency-Key; writes without one are not retried
	since    time.Time
	noTenant bool // GET connections carries no tenant header
}

func (cl call) retryable() bool { return cl.method == http.MethodGet || cl.key != "" }

// do sends cl, retrying what is safe, and decodes a 2xx JSON body into out.
func (c *Client) do(ctx context.Context, cl call, out any) error {
	var body []byte
	err := c.attempts.Do(ctx, func() (err error) {
		body, err = c.send(ctx, cl)
		return err
	}, func(err error, attempt int) (time.Duration, bool) {
		return c.retryPolicy(cl, err, attempt)
	}, func(attempt int, wait time.Duration, err error) {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "xero request failed, retrying",
			slog.String("method", cl.method), slog.String("path", cl.path),
			slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.String("error", err.Error()))
	})
	if err != nil {
		return fmt.Errorf("xero: %s %s: %w", cl.method, cl.path, err)
	}
	if out == nil || len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if jerr := json.Unmarshal(body, out); jerr != nil {
		return fmt.Errorf("xero: decode %s response: %w", cl.path, jerr)
	}
	return nil
}

// retryPolicy decides whether and how long to wait before another attempt.
func (c *Client) retryPolicy(cl call, err error, attempt int) (time.Duration, bool) {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		// A 429 was not executed, so any request may be sent again after
		// Retry-After (docs/vendors.md §6.10) — unless the wait is longer
		// than a person should wait (the day limit): then the caller hears.
		wait := rl.RetryAfter
		if !rl.told {
			wait = c.rateLimitWait
		}
		if rl.Problem == ProblemDay || wait > c.maxWait {
			return 0, false
		}
		return wait, true
	}
	if !cl.retryable() || errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden) {
		return 0, false
	}
	var ae *APIError
	if errors.As(err, &ae) && ae.StatusCode < 500 {
		return 0, false
	}
	// 5xx, timeout, dropped connection: capped exponential backoff + jitter.
	return c.attempts.Backoff(attempt), true
}

// send performs one attempt under the client-side throttles and returns the
// whole 2xx body. Errors are *APIError, *RateLimitError or transport errors.
func (c *Client) send(ctx context.Context, cl call) ([]byte, error) {
	if isBackground(ctx) {
		release, err := c.admitBackground(ctx)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	if !c.dayLim.Allow() {
		return nil, &RateLimitError{Problem: ProblemDay, Local: true}
	}
	if err := c.minLim.Wait(ctx); err != nil {
		return nil, err
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.sem }()

	u := *c.baseURL
	u.Path += cl.path
	u.RawQuery = cl.query.Encode()
	var rdr io.Reader
	if cl.body != nil {
		rdr = bytes.NewReader(cl.body)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u.String(), rdr)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if !cl.noTenant {
		req.Header.Set(TenantHeader, c.tenantID)
	}
	if cl.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cl.key != "" {
		req.Header.Set(IdempotencyHeader, cl.key)
	}
	if !cl.since.IsZero() {
		req.Header.Set("If-Modified-Since", cl.since.UTC().Format("2006-01-02T15:04:05"))
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	c.noteRemaining(resp.Header)
	if err := checkResponse(resp); err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		// The connection dropped mid-body: the outcome is unknown, like a
		// timeout, and retried the same way.
		return nil, fmt.Errorf("read response: %w", err)
	}
	return body, nil
}

func (c *Client) noteRemaining(h http.Header) {
	read := func(name string, cur int) int {
		if v, err := strconv.Atoi(h.Get(name)); err == nil {
			return v
		}
		return cur
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.remaining.Minute = read("X-MinLimit-Remaining", c.remaining.Minute)
	c.remaining.Day = read("X-DayLimit-Remaining", c.remaining.Day)
	c.remaining.AppMinute = read("X-AppMinLimit-Remaining", c.remaining.AppMinute)
}

// get reads path into out.
func (c *Client) get(ctx context.Context, path string, q url.Values, since time.Time, out any) error {
	return c.do(ctx, call{method: http.MethodGet, path: accountingPath + path, query: q, since: since}, out)
}

// write sends v as JSON with the idempotency key.
func (c *Client) write(ctx context.Context, method, path string, q url.Values, v any, key string, out any) error {
	if key == "" {
		return fmt.Errorf("xero: %s %s: an idempotency key is required for every write", method, path)
	}
	if len(key) > MaxIdempotencyKeyLen {
		return fmt.Errorf("xero: idempotency key of %d characters: at most %d", len(key), MaxIdempotencyKeyLen)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("xero: encode %s: %w", path, err)
	}
	return c.do(ctx, call{method: method, path: accountingPath + path, query: q, body: b, key: key}, out)
}
