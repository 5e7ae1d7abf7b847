// Package toggl is billbot's client for Toggl Track: the API v9
// (workspace, clients, projects, tasks, people, rates, timesheet approvals)
// and the Reports API v3 detailed search that lists every member's time
// entries of a workspace, plus the Syncer that copies them into billbot's
// store.
//
// Every request is authenticated with HTTP basic auth "<api_token>:api_token"
// (engineering.toggl.com/docs/authentication), paced at Toggl's "safe window"
// of one request per second and under the hourly quota the server reports,
// and retried only where that is safe. Reference: engineering.toggl.com/docs/.
package toggl

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

	"billbot/internal/httpx"
)

// DefaultBaseURL is the root of Toggl Track's API v9.
const DefaultBaseURL = "https://api.track.toggl.com/api/v9/"

// DefaultReportsURL is the root of Toggl Track's Reports API v3
// (engineering.toggl.com/docs/reports_start: "The base URL for the Reports
// API is https://api.track.toggl.com").
const DefaultReportsURL = "https://api.track.toggl.com/reports/api/v3/"

// DefaultTimeout bounds one HTTP exchange.
const DefaultTimeout = 60 * time.Second

// DefaultUserAgent names billbot to Toggl.
const DefaultUserAgent = "billbot"

// maxThrottled caps consecutive 429 or 402 answers to one request.
const maxThrottled = 20

// Client talks to one Toggl Track workspace. It is safe for concurrent use.
type Client struct {
	core        httpx.Core
	base        *url.URL
	reports     *url.URL
	token       string
	workspaceID int64

	interval    time.Duration
	quota       int
	quotaWindow time.Duration
	limiter     *limiter
}

// Stats counts what a Client has done since it was made.
type Stats struct {
	Requests       int64 // HTTP exchanges attempted, retries included
	Retries        int64 // retries after a 5xx or transport error
	ThrottledWaits int64 // waits for the pacing, the quota, or a 429/402
}

// NewClient returns a client for workspace workspaceID, reading the API v9
// at baseURL and the Reports API v3 at reportsURL (empty: Toggl's), with a
// personal API token. It does no I/O.
func NewClient(baseURL, reportsURL, apiToken string, workspaceID int64, opts ...Option) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	if reportsURL == "" {
		reportsURL = DefaultReportsURL
	}
	b, ok := httpx.BaseURL(baseURL)
	if !ok {
		return nil, fmt.Errorf("toggl: base URL %q: want an absolute http(s) URL", baseURL)
	}
	r, ok := httpx.BaseURL(reportsURL)
	if !ok {
		return nil, fmt.Errorf("toggl: reports URL %q: want an absolute http(s) URL", reportsURL)
	}
	c := &Client{
		base: b, reports: r,
		token:       strings.TrimSpace(apiToken),
		workspaceID: workspaceID,
		interval:    DefaultInterval,
		quota:       DefaultQuota,
		quotaWindow: DefaultQuotaWindow,
	}
	c.core.Init(DefaultTimeout, DefaultUserAgent)
	for _, o := range opts {
		o(c)
	}
	if c.token == "" {
		return nil, errors.New("toggl: no API token (TOGGL_API_TOKEN)")
	}
	if c.workspaceID <= 0 {
		return nil, errors.New("toggl: workspace id is empty (TOGGL_WORKSPACE_ID)")
	}
	c.limiter = newLimiter(c.interval, c.quota, c.quotaWindow, c.core.Now, c.core.Sleep)
	return c, nil
}

// WorkspaceID is the workspace the client reads.
func (c *Client) WorkspaceID() int64 { return c.workspaceID }

// Stats returns the client's counters.
func (c *Client) Stats() Stats {
	requests, retries, throttled := c.core.Counts()
	return Stats{Requests: requests, Retries: retries, ThrottledWaits: throttled}
}

// get decodes GET base+ref into v.
func (c *Client) get(ctx context.Context, ref string, v any) (http.Header, error) {
	return c.send(ctx, http.MethodGet, c.base, ref, nil, v)
}

// post sends body as JSON to the Reports API and decodes the answer into v.
// The detailed search is a read, so it is retried like a GET.
func (c *Client) postReports(ctx context.Context, ref string, body any, v any) (http.Header, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("toggl: encode %s: %w", ref, err)
	}
	return c.send(ctx, http.MethodPost, c.reports, ref, raw, v)
}

func (c *Client) send(ctx context.Context, method string, base *url.URL, ref string, body []byte, v any) (http.Header, error) {
	u, err := base.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("toggl: bad URL %q: %w", ref, err)
	}
	if u.Scheme != base.Scheme || u.Host != base.Host {
		return nil, fmt.Errorf("toggl: refusing to send the token to %s://%s", u.Scheme, u.Host)
	}
	failures, throttles := 0, 0
	for {
		hdr, err := c.once(ctx, method, u, body, v)
		if err == nil {
			return hdr, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("toggl: %s %s: %w", method, u.Path, ctx.Err())
		}
		var rl *RateLimitError
		if errors.As(err, &rl) {
			throttles++
			if throttles > maxThrottled {
				return nil, err
			}
			c.core.Throttled.Add(1)
			c.core.Logger.WarnContext(ctx, "toggl throttled", slog.String("path", u.Path), slog.Int("status", rl.StatusCode), slog.Duration("retry_after", rl.RetryAfter))
			if err := c.core.Sleep(ctx, rl.RetryAfter); err != nil {
				return nil, fmt.Errorf("toggl: %s %s: waiting out the limit: %w", method, u.Path, err)
			}
			continue
		}
		if !retryable(err) || failures >= c.core.MaxRetries() {
			return nil, err
		}
		failures++
		c.core.Retries.Add(1)
		wait := c.core.Backoff(failures)
		c.core.Logger.WarnContext(ctx, "toggl request failed, retrying", slog.String("path", u.Path),
			slog.Int("attempt", failures), slog.Duration("wait", wait), slog.Any("error", err))
		if err := c.core.Sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("toggl: %s %s: backing off: %w", method, u.Path, err)
		}
	}
}

// once performs one exchange under the limiter.
func (c *Client) once(ctx context.Context, method string, u *url.URL, body []byte, v any) (http.Header, error) {
	waited, err := c.limiter.acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("toggl: waiting for the rate limiter: %w", err)
	}
	if waited {
		c.core.Throttled.Add(1)
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("toggl: new request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	// "The API accepts only JSON requests. Please make sure you're setting
	// Content-Type: application/json" (engineering.toggl.com/docs/).
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", c.core.UserAgent)
	// "When using Basic Auth and API token, use the API token as email and
	// string "api_token" as password" (engineering.toggl.com/docs/authentication).
	req.SetBasicAuth(c.token, "api_token")
	c.core.Requests.Add(1)
	resp, err := c.core.HTTP.Do(req)
	if err != nil {
		c.limiter.release()
		return nil, &httpx.TransportError{Vendor: "toggl", Err: err}
	}
	defer resp.Body.Close()
	c.limiter.observe(resp.Header)
	c.core.Logger.DebugContext(ctx, "toggl request", slog.String("path", u.Path), slog.Int("status", resp.StatusCode))
	if err := checkResponse(resp, c.core.Now()); err != nil {
		return nil, err
	}
	if v == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.Header, nil
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return nil, &httpx.TransportError{Vendor: "toggl", Err: fmt.Errorf("decode %s: %w", u.Path, err)}
	}
	return resp.Header, nil
}

// retryable reports whether a read that failed with err may be sent again.
func retryable(err error) bool {
	var ae *APIError
	return httpx.IsTransport(err) || errors.As(err, &ae) && ae.StatusCode >= 500
}
