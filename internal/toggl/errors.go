package toggl

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"billbot/internal/httpx"
	"billbot/internal/retry"
)

// ErrNotFound matches (errors.Is) an *APIError for HTTP 404.
var ErrNotFound = errors.New("toggl: not found")

// ErrUnauthorized matches an *APIError for HTTP 401 or 403. Toggl answers
// 403 when authentication fails (engineering.toggl.com/docs/authentication:
// "If authentication fails, HTTP status code 403 is returned").
var ErrUnauthorized = errors.New("toggl: unauthorized")

// ErrPremium matches an *APIError for a 402 that is not the quota: a
// feature the workspace's plan lacks ("402 Approvals are a premium
// feature", engineering.toggl.com/docs/api/approvals).
var ErrPremium = errors.New("toggl: not on the workspace's plan")

// APIError is a non-2xx answer from Toggl other than throttling.
type APIError struct {
	StatusCode int
	Message    string // Toggl's text (its error bodies are a JSON string or plain text)
	Method     string
	Path       string
}

// Error implements error. An authentication failure says what to check.
func (e *APIError) Error() string {
	s := httpx.StatusLine("toggl", e.Method, e.Path, e.StatusCode, e.Message)
	if httpx.Unauthorized(e.StatusCode) {
		s += " (check TOGGL_API_TOKEN, and that its user may see workspace's reports)"
	}
	return s
}

// Is lets errors.Is match the sentinels.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return httpx.Unauthorized(e.StatusCode)
	case ErrPremium:
		return e.StatusCode == http.StatusPaymentRequired
	}
	return false
}

// RateLimitError is Toggl's 429 (the leaky bucket) or a 402 with the quota
// headers (the hourly quota spent). The client waits and retries on its
// own; callers see it only when the server keeps refusing.
type RateLimitError struct {
	StatusCode int
	RetryAfter time.Duration
}

// Error implements error.
func (e *RateLimitError) Error() string {
	what := "rate limited"
	if e.StatusCode == http.StatusPaymentRequired {
		what = "hourly API quota spent"
	}
	return fmt.Sprintf("toggl: %s, retry after %s", what, e.RetryAfter)
}

// checkResponse turns a non-2xx answer into *RateLimitError or *APIError.
func checkResponse(resp *http.Response, now time.Time) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		httpx.Drain(resp.Body)
		// The docs ask the client "to sleep/wait until bucket is empty" and
		// name no header; a Retry-After is honoured when sent, else one
		// request's worth of the safe window.
		return &RateLimitError{StatusCode: resp.StatusCode, RetryAfter: retry.AfterOr(resp.Header.Get("Retry-After"), now, DefaultInterval)}
	case http.StatusPaymentRequired:
		// A 402 is the quota only when the quota says none is left; a
		// premium feature's 402 is an APIError (ErrPremium).
		rem, okRem := headerInt(resp.Header, HeaderQuotaRemaining)
		if reset, ok := headerInt(resp.Header, HeaderQuotaResetsIn); ok && okRem && rem <= 0 {
			httpx.Drain(resp.Body)
			return &RateLimitError{StatusCode: resp.StatusCode, RetryAfter: time.Duration(max(reset, 1)) * time.Second}
		}
	}
	e := &APIError{StatusCode: resp.StatusCode, Message: errorMessage(httpx.ErrorBody(resp.Body))}
	e.Method, e.Path = httpx.Call(resp)
	return e
}

// errorMessage reads Toggl's error text: a JSON string ("Incorrect
// username and/or password"), an object with "message" or "error", or
// plain text.
func errorMessage(body []byte) string {
	var msg string
	var s string
	var obj struct {
		Message string `json:"message"`
		Error   string `json:"error"`
	}
	switch {
	case json.Unmarshal(body, &s) == nil:
		msg = s
	case json.Unmarshal(body, &obj) == nil && (obj.Message != "" || obj.Error != ""):
		msg = obj.Message
		if msg == "" {
			msg = obj.Error
		}
	default:
		msg = string(body)
	}
	return httpx.Clip(strings.TrimSpace(msg))
}
