// Package qbtime is billbot's client for the QuickBooks Time (formerly
// TSheets) API v1: the current user, users, jobcodes, timesheets and
// deleted timesheets, plus the Syncer that copies timesheets into
// billbot's store.
//
// Every request carries the bearer access token, stays under the
// documented rate limit (300 calls per 5 minutes), pages with page, limit
// and the "more" flag, and retries only what is safe to retry. Wire types
// mirror the API's JSON; (Timesheet).Billing is the one mapping into
// billing.TimeEntry. Reference: tsheetsteam.github.io/api_docs/.
package qbtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/httpx"
	"billbot/internal/ratelimit"
	"billbot/internal/retry"
)

// DefaultBaseURL is the API root (tsheetsteam.github.io/api_docs/ "Base
// URL").
const DefaultBaseURL = "https://rest.tsheets.com/api/v1/"

// DefaultTimeout bounds one HTTP exchange.
const DefaultTimeout = 60 * time.Second

// DefaultUserAgent is sent unless WithUserAgent sets another.
const DefaultUserAgent = "billbot"

// maxThrottled caps consecutive 429 answers to one request before giving up.
const maxThrottled = 20

// Client talks to one QuickBooks Time company with one access token. It is
// safe for concurrent use.
type Client struct {
	core   httpx.Core
	base   *url.URL
	token  string
	tokens oauth2.TokenSource

	limit   int
	window  time.Duration
	limiter *ratelimit.Window
}

// Stats counts what a Client has done since it was made.
type Stats struct {
	Requests       int64 // HTTP exchanges attempted, retries included
	Retries        int64 // retries after a 5xx or transport error
	ThrottledWaits int64 // waits for the client-side limiter or a 429
}

// NewClient returns a client for baseURL (usually DefaultBaseURL; empty
// means it) authenticated by an OAuth2 access token (a token made in the
// QuickBooks Time API add-on, or one from the OAuth flow) or, with
// WithTokenSource, by tokens the source refreshes. It does no I/O.
func NewClient(baseURL, accessToken string, opts ...Option) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	u, ok := httpx.BaseURL(baseURL)
	if !ok {
		return nil, fmt.Errorf("qbtime: base URL %q: want an absolute http(s) URL", baseURL)
	}
	c := &Client{
		base:   u,
		token:  strings.TrimSpace(accessToken),
		limit:  DefaultLimit,
		window: DefaultWindow,
	}
	c.core.Init(DefaultTimeout, DefaultUserAgent)
	for _, o := range opts {
		o(c)
	}
	if c.token == "" && c.tokens == nil {
		return nil, errors.New("qbtime: no access token and no OAuth2 token source")
	}
	c.limiter = ratelimit.NewWindow(c.limit, c.window, c.core.Now, c.core.Sleep)
	return c, nil
}

// Stats returns the client's counters.
func (c *Client) Stats() Stats {
	requests, retries, throttled := c.core.Counts()
	return Stats{Requests: requests, Retries: retries, ThrottledWaits: throttled}
}

// get fetches path?q (path relative to the base URL) into v.
func (c *Client) get(ctx context.Context, path string, q url.Values, v any) error {
	u, err := c.base.Parse(path)
	if err != nil {
		return fmt.Errorf("qbtime: bad URL %q: %w", path, err)
	}
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("qbtime: new request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.core.UserAgent)
	return c.do(req, v)
}

// do sends req and decodes a 2xx JSON body into v. GETs are retried on 5xx
// (the docs: "Try your request again in a moment") and transport errors
// with capped exponential backoff and jitter; a 429 is waited out and
// retried without counting as a failure
// (tsheetsteam.github.io/api_docs/ "Request Throttling", "5xx response
// codes").
func (c *Client) do(req *http.Request, v any) error {
	throttled := retry.ThrottledAs(func(rl *RateLimitError) time.Duration { return rl.RetryAfter })
	return c.core.Loop("qbtime", throttled, retryable, maxThrottled).Do(req, func() error { return c.once(req, v) })
}

// once performs one exchange under the rate limiter.
func (c *Client) once(req *http.Request, v any) error {
	release, waited, err := c.limiter.Acquire(req.Context())
	if err != nil {
		return fmt.Errorf("qbtime: waiting for rate limiter: %w", err)
	}
	if waited {
		c.core.Throttled.Add(1)
	}
	defer release()
	// The access token goes in the Authorization header of every call
	// (tsheetsteam.github.io/api_docs/ "Using an Access Token"); never in
	// the URL, so URLs in errors and logs hold no secret.
	if err := httpx.Bearer(req, "qbtime", c.token, c.tokens); err != nil {
		return err
	}
	c.core.Requests.Add(1)
	resp, err := c.core.HTTP.Do(req)
	if err != nil {
		return &httpx.TransportError{Vendor: "qbtime", Err: err}
	}
	defer resp.Body.Close()
	c.core.Logger.DebugContext(req.Context(), "qbtime request", slog.String("path", req.URL.Path), slog.Int("status", resp.StatusCode))
	if err := checkResponse(resp, c.core.Now(), c.window); err != nil {
		return err
	}
	// The whole body is read before decoding, so the connection goes back
	// to the pool instead of being closed with unread bytes.
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return &httpx.TransportError{Vendor: "qbtime", Err: fmt.Errorf("read %s: %w", req.URL.Path, err)}
	}
	err = json.Unmarshal(body, v)
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) && ute.Value == "array" {
		// An empty id-keyed object sent as [] (see byID): rewrite and
		// decode again, from scratch.
		reflect.ValueOf(v).Elem().SetZero()
		err = json.Unmarshal(emptyListsAsObjects(body), v)
	}
	if err != nil {
		return fmt.Errorf("qbtime: GET %s: decode: %w", req.URL.Path, err)
	}
	return nil
}

// retryable reports whether a GET that failed with err may be sent again.
func retryable(err error) bool {
	var ae *APIError
	return httpx.IsTransport(err) || errors.As(err, &ae) && ae.StatusCode >= 500
}

// MaxLimit is the largest page the API serves, and its default: "Default
// is 200. Max is 200" (tsheetsteam.github.io/api_docs/ "Retrieve
// Timesheets", "Response Size Limit").
const MaxLimit = 200

// ReadAhead is how many timesheet pages ListTimesheets fetches ahead of
// the one its caller is handling.
const ReadAhead = 2

// walk fetches path?q page by page (page=1, 2, …) until a response says
// "more": false, calling fn with each decoded page. The docs: "increment
// the page parameter and iterate through the requests until you receive
// "more":false" (tsheetsteam.github.io/api_docs/ "Response Size Limit").
func walk[P any, PP interface {
	*P
	hasMore() bool
}](ctx context.Context, c *Client, path string, q url.Values, limit int, fn func(*P) error) error {
	if limit <= 0 || limit > MaxLimit {
		limit = MaxLimit
	}
	q = cloneValues(q)
	q.Set("limit", fmt.Sprint(limit))
	for page := 1; ; page++ {
		q.Set("page", fmt.Sprint(page))
		p := new(P)
		if err := c.get(ctx, path, q, p); err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		if !PP(p).hasMore() {
			return nil
		}
	}
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}
