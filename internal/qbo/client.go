// Package qbo is billbot's client for the QuickBooks Online Accounting API
// v3: invoices, customers, items, payments, queries, batch and change data
// capture, with QBO's Fault errors, idempotent writes (requestid), retries,
// client-side throttling, OAuth 2.0 token persistence and webhook
// verification. Mapping from billing drafts lives in mapping.go.
package qbo

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
	"strings"
	"time"

	"golang.org/x/time/rate"

	"billbot/internal/httpx"
	"billbot/internal/retry"
)

// Intuit's API hosts (docs/vendors.md §2.1).
const (
	ProductionBaseURL = "https://quickbooks.api.intuit.com/"
	SandboxBaseURL    = "https://sandbox-quickbooks.api.intuit.com/"
)

// APIBaseURL returns Intuit's API host for QBO_ENVIRONMENT ("sandbox",
// the default, or "production").
func APIBaseURL(environment string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(environment)) {
	case "", "sandbox":
		return SandboxBaseURL, nil
	case "production":
		return ProductionBaseURL, nil
	}
	return "", fmt.Errorf("qbo: environment %q: want sandbox or production", environment)
}

// MinorVersion is sent as minorversion on every call; Intuit requires ≥ 75
// since August 2025 (docs/vendors.md §2.1, learn/explore-the-quickbooks-online-api/minor-versions).
const MinorVersion = "75"

// Client calls the QBO API for one company (realm). Build it with NewClient;
// it is safe for concurrent use.
type Client struct {
	baseURL  *url.URL
	realmID  string
	hc       *http.Client
	logger   *slog.Logger
	sem      chan struct{}
	limiter  *rate.Limiter
	batchLim *rate.Limiter
	bgLim    *rate.Limiter // background calls' share (see Background)
	bgSem    chan struct{}

	attempts      retry.Attempts
	staleAttempts int
	rateLimitWait time.Duration
	pageSize      int
	userAgent     string
}

// NewClient builds a client for realmID at baseURL (ProductionBaseURL,
// SandboxBaseURL or a test server). httpClient carries the OAuth token (see
// NewHTTPClient); nil means http.DefaultClient. No I/O happens here.
func NewClient(baseURL, realmID string, httpClient *http.Client, opts ...Option) (*Client, error) {
	u, ok := httpx.BaseURL(baseURL)
	if !ok {
		return nil, fmt.Errorf("qbo: base URL %q: want an absolute URL", baseURL)
	}
	if realmID == "" {
		return nil, errors.New("qbo: realm id is empty: connect a QuickBooks company first")
	}
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	c := &Client{
		baseURL:       u,
		realmID:       realmID,
		hc:            httpClient,
		logger:        slog.New(slog.DiscardHandler),
		attempts:      retry.DefaultAttempts(),
		staleAttempts: 4,
		rateLimitWait: 60 * time.Second,
		pageSize:      1000,
		userAgent:     "billbot",
	}
	c.setLimits(DefaultLimits())
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

func (c *Client) setLimits(l Limits) {
	c.sem = make(chan struct{}, l.MaxConcurrent)
	c.limiter = rate.NewLimiter(rate.Every(l.Per/time.Duration(l.Requests)), 1)
	c.batchLim = rate.NewLimiter(rate.Every(l.Per/time.Duration(l.BatchRequests)), 1)
	// A burst of a fifth of the share lets a quiet period's refreshes catch up
	// at once; bgSem still keeps at most one in the shared queue.
	c.bgLim = rate.NewLimiter(rate.Every(l.Per/time.Duration(l.BackgroundRequests)), max(1, l.BackgroundRequests/5))
	c.bgSem = make(chan struct{}, 1)
}

// RealmID returns the company id the client works on.
func (c *Client) RealmID() string { return c.realmID }

// call is one API request, replayable: the body is kept as bytes.
type call struct {
	method      string
	path        string // relative to /v3/company/{realm}/
	query       url.Values
	body        []byte
	contentType string
	requestID   string // idempotency key; writes without one are not retried
	batch       bool
}

func (c *Client) url(cl call) string {
	u := *c.baseURL
	u.Path += "v3/company/" + url.PathEscape(c.realmID) + "/" + cl.path
	q := url.Values{}
	for k, v := range cl.query {
		q[k] = v
	}
	q.Set("minorversion", MinorVersion)
	if cl.requestID != "" {
		q.Set("requestid", cl.requestID)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// retryable reports whether the call may be sent again after a failure
// whose outcome is unknown: reads, and writes carrying a requestid, which
// QBO answers with the original response instead of executing twice
// (docs/vendors.md §2.5).
func (cl call) retryable() bool { return cl.method == http.MethodGet || cl.requestID != "" }

// do sends cl, retrying what is safe, and decodes a 2xx JSON body into out.
func (c *Client) do(ctx context.Context, cl call, out any) error {
	var body []byte
	var tid string
	err := c.attempts.Do(ctx, func() (err error) {
		body, tid, err = c.send(ctx, cl)
		return err
	}, func(err error, attempt int) (time.Duration, bool) {
		return c.retryPolicy(cl, err, attempt)
	}, func(attempt int, wait time.Duration, err error) {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "qbo request failed, retrying",
			slog.String("method", cl.method), slog.String("path", cl.path),
			slog.Int("attempt", attempt), slog.Duration("wait", wait),
			slog.String("intuit_tid", tidOf(err)), slog.String("error", err.Error()))
	})
	if err != nil {
		return fmt.Errorf("qbo: %s %s: %w", cl.method, cl.path, err)
	}
	if ferr := faultIn(body, tid); ferr != nil {
		return ferr
	}
	if out == nil {
		return nil
	}
	if jerr := json.Unmarshal(body, out); jerr != nil {
		return fmt.Errorf("qbo: decode %s response: %w", cl.path, jerr)
	}
	return nil
}

// retryPolicy decides whether and how long to wait before another attempt.
func (c *Client) retryPolicy(cl call, err error, attempt int) (time.Duration, bool) {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		// A 429 was not executed, so any request may be resent; QBO says
		// wait 60 s unless told otherwise (docs/vendors.md §2.8).
		if rl.RetryAfter > 0 {
			return rl.RetryAfter, true
		}
		return c.rateLimitWait, true
	}
	if !cl.retryable() || errors.Is(err, ErrUnauthorized) {
		return 0, false
	}
	var f *Fault
	if errors.As(err, &f) {
		if f.StatusCode < 500 {
			return 0, false
		}
	}
	// 5xx, timeout, dropped connection: capped exponential backoff + jitter.
	return c.attempts.Backoff(attempt), true
}

// send performs one attempt under the client-side throttles and returns the
// full 2xx body. Errors are *Fault, *RateLimitError or transport errors.
func (c *Client) send(ctx context.Context, cl call) ([]byte, string, error) {
	if isBackground(ctx) {
		release, err := c.admitBackground(ctx)
		if err != nil {
			return nil, "", err
		}
		defer release()
	}
	if cl.batch {
		if err := c.batchLim.Wait(ctx); err != nil {
			return nil, "", err
		}
	}
	if err := c.limiter.Wait(ctx); err != nil {
		return nil, "", err
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, "", ctx.Err()
	}
	defer func() { <-c.sem }()

	var rdr io.Reader
	if cl.body != nil {
		rdr = bytes.NewReader(cl.body)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, c.url(cl), rdr)
	if err != nil {
		return nil, "", fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if cl.body != nil || cl.contentType != "" {
		ct := cl.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	tid := resp.Header.Get("intuit_tid")
	if err := checkResponse(resp); err != nil {
		return nil, tid, err
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		// The connection dropped mid-body: the outcome is unknown, like a
		// timeout, and retried the same way.
		return nil, tid, fmt.Errorf("read response: %w", err)
	}
	return body, tid, nil
}

// faultIn reports a Fault carried in a 2xx body.
func faultIn(body []byte, tid string) error {
	if !bytes.Contains(body, []byte(`ault"`)) {
		return nil
	}
	var fb faultBody
	if json.Unmarshal(body, &fb) == nil && fb.Fault != nil {
		return &Fault{StatusCode: http.StatusOK, Type: fb.Fault.Type, Errors: fb.Fault.Error, IntuitTID: tid}
	}
	return nil
}

func tidOf(err error) string {
	var f *Fault
	if errors.As(err, &f) {
		return f.IntuitTID
	}
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl.IntuitTID
	}
	return ""
}
