// Package harvest is billbot's client for the Harvest API v2: time entries,
// clients, projects, assignments and the company settings, plus the Syncer
// that copies time entries into billbot's store.
//
// Every request carries the three headers Harvest requires, stays under the
// documented rate limit, and retries only what is safe to retry. Wire types
// mirror Harvest's JSON; (TimeEntry).Billing is the one mapping into
// billing.TimeEntry. Reference: help.getharvest.com/api-v2/.
package harvest

import (
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

	"golang.org/x/oauth2"

	"billbot/internal/httpx"
	"billbot/internal/ratelimit"
	"billbot/internal/retry"
)

// DefaultBaseURL is Harvest's API root.
const DefaultBaseURL = "https://api.harvestapp.com/v2/"

// DefaultTimeout bounds one HTTP exchange. A 2000-entry page is a few
// megabytes, well within it.
const DefaultTimeout = 60 * time.Second

// DefaultUserAgent is sent when no contact is configured.
const DefaultUserAgent = "billbot (billbot@localhost)"

// maxThrottled caps consecutive 429 answers to one request before giving up.
const maxThrottled = 20

// Client talks to one Harvest account. It is safe for concurrent use.
type Client struct {
	core      httpx.Core
	base      *url.URL
	accountID string
	token     string
	tokens    oauth2.TokenSource

	limit   int
	window  time.Duration
	limiter *ratelimit.Window
}

// Stats counts what a Client has done since it was made.
type Stats struct {
	Requests       int64 // HTTP exchanges attempted, retries included
	Retries        int64 // retries after a 5xx or transport error
	ThrottledWaits int64 // waits for the client-side limiter or a 429's Retry-After
}

// NewClient returns a client for the account accountID at baseURL (usually
// DefaultBaseURL), authenticated by a personal access token or, with
// WithTokenSource, by OAuth2. It does no I/O.
func NewClient(baseURL, accountID, token string, opts ...Option) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	u, ok := httpx.BaseURL(baseURL)
	if !ok {
		return nil, fmt.Errorf("harvest: base URL %q: want an absolute http(s) URL", baseURL)
	}
	c := &Client{
		base:      u,
		accountID: strings.TrimSpace(accountID),
		token:     strings.TrimSpace(token),
		limit:     DefaultLimit,
		window:    DefaultWindow,
	}
	c.core.Init(DefaultTimeout, DefaultUserAgent)
	for _, o := range opts {
		o(c)
	}
	if c.accountID == "" {
		return nil, errors.New("harvest: account id is empty (HARVEST_ACCOUNT_ID)")
	}
	if c.token == "" && c.tokens == nil {
		return nil, errors.New("harvest: no access token (HARVEST_ACCESS_TOKEN) and no OAuth2 token source")
	}
	c.limiter = ratelimit.NewWindow(c.limit, c.window, c.core.Now, c.core.Sleep)
	return c, nil
}

// Stats returns the client's counters.
func (c *Client) Stats() Stats {
	requests, retries, throttled := c.core.Counts()
	return Stats{Requests: requests, Retries: retries, ThrottledWaits: throttled}
}

// newRequest builds a GET for ref, a path relative to the base URL
// ("time_entries?from=…") or an absolute URL from a pagination link. An
// absolute URL must point at the base URL's host, so the token is never sent
// anywhere else.
func (c *Client) newRequest(ctx context.Context, ref string) (*http.Request, error) {
	u, err := c.base.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("harvest: bad URL %q: %w", ref, err)
	}
	if u.Scheme != c.base.Scheme || u.Host != c.base.Host {
		return nil, fmt.Errorf("harvest: refusing to follow %s://%s, not the API host", u.Scheme, u.Host)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("harvest: new request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.core.UserAgent)
	// Harvest-Account-Id selects the account; without it Harvest answers 401
	// invalid_token (help.getharvest.com/api-v2/authentication-api/authentication/authentication/).
	req.Header.Set("Harvest-Account-Id", c.accountID)
	return req, nil
}

// do sends req and decodes a 2xx JSON body into v. GETs are retried on 5xx
// and transport errors with capped exponential backoff and jitter; a 429 is
// waited out for its Retry-After and retried without counting as a failure
// (help.getharvest.com/api-v2/introduction/overview/general/ "Rate Limiting").
func (c *Client) do(req *http.Request, v any) error {
	throttled := retry.ThrottledAs(func(rl *RateLimitError) time.Duration { return rl.RetryAfter })
	return c.core.Loop("harvest", throttled, retryable, maxThrottled).Do(req, func() error { return c.once(req, v) })
}

// once performs one exchange under the rate limiter.
func (c *Client) once(req *http.Request, v any) error {
	release, waited, err := c.limiter.Acquire(req.Context())
	if err != nil {
		return fmt.Errorf("harvest: waiting for rate limiter: %w", err)
	}
	if waited {
		c.core.Throttled.Add(1)
	}
	defer release()
	if err := httpx.Bearer(req, "harvest", c.token, c.tokens); err != nil {
		return err
	}
	c.core.Requests.Add(1)
	resp, err := c.core.HTTP.Do(req)
	if err != nil {
		// url.Error carries the URL, which holds no secret: the token
		// travels only in the Authorization header.
		return &httpx.TransportError{Vendor: "harvest", Err: err}
	}
	defer resp.Body.Close()
	c.core.Logger.DebugContext(req.Context(), "harvest request", slog.String("path", req.URL.Path), slog.Int("status", resp.StatusCode))
	if err := checkResponse(resp, c.core.Now()); err != nil {
		return err
	}
	if v == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if fd, ok := v.(fastDecoder); ok {
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return &httpx.TransportError{Vendor: "harvest", Err: fmt.Errorf("read %s: %w", req.URL.Path, err)}
		}
		if err := fd.decodeFrom(body); err != nil {
			return fmt.Errorf("harvest: GET %s: %w", req.URL.Path, err)
		}
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return &httpx.TransportError{Vendor: "harvest", Err: fmt.Errorf("decode %s: %w", req.URL.Path, err)}
	}
	return nil
}

// retryable reports whether a GET that failed with err may be sent again.
func retryable(err error) bool {
	var ae *APIError
	return httpx.IsTransport(err) || errors.As(err, &ae) && ae.StatusCode >= 500
}
