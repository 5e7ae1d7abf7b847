package harvest

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
var ErrNotFound = errors.New("harvest: not found")

// ErrUnauthorized matches (errors.Is) an *APIError for HTTP 401 or 403: a
// wrong, expired or revoked token, or a wrong Harvest-Account-Id.
var ErrUnauthorized = errors.New("harvest: unauthorized")

// APIError is a non-2xx answer from Harvest other than 429.
type APIError struct {
	StatusCode int
	// Message is Harvest's own explanation ("error_description", "message"
	// or "error" from the JSON body), or the start of a non-JSON body.
	Message string
	// Method and Path say which call failed; Path carries no query string.
	Method string
	Path   string
}

// Error implements error.
func (e *APIError) Error() string {
	return httpx.StatusLine("harvest", e.Method, e.Path, e.StatusCode, e.Message)
}

// Is lets errors.Is match ErrNotFound and ErrUnauthorized.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return httpx.Unauthorized(e.StatusCode)
	}
	return false
}

// RateLimitError is Harvest's 429 answer: "100 requests per 15 seconds" for
// the general API, with a Retry-After header in seconds
// (help.getharvest.com/api-v2/introduction/overview/general/ "Rate Limiting").
// The client waits and retries on its own; callers see this only when the
// server keeps throttling past the client's patience.
type RateLimitError struct {
	RetryAfter time.Duration
}

// Error implements error.
func (e *RateLimitError) Error() string {
	return fmt.Sprintf("harvest: rate limited, retry after %s", e.RetryAfter)
}

// defaultRetryAfter is used when a 429 carries no usable Retry-After: one
// whole rate-limit window.
const defaultRetryAfter = 15 * time.Second

// checkResponse turns a non-2xx response into *APIError or *RateLimitError,
// reading at most httpx.MaxErrorBody bytes of its body. The body is closed by the
// caller.
func checkResponse(resp *http.Response, now time.Time) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		httpx.Drain(resp.Body)
		// Retry-After in delta seconds (what Harvest sends) or an HTTP
		// date (RFC 9110 §10.2.3); without one, a whole rate-limit window.
		return &RateLimitError{RetryAfter: retry.AfterOr(resp.Header.Get("Retry-After"), now, defaultRetryAfter)}
	}
	e := &APIError{StatusCode: resp.StatusCode, Message: errorMessage(httpx.ErrorBody(resp.Body))}
	e.Method, e.Path = httpx.Call(resp)
	return e
}

// errorMessage picks Harvest's explanation out of an error body. Harvest
// answers auth failures OAuth-style, {"error":"invalid_token",
// "error_description":"The access token provided is expired, revoked,
// malformed or invalid for other reasons."} (reported in
// on GitHub in googleworkspace/apps-script-oauth2, thread #90), and validation
// failures with {"message": ...}.
func errorMessage(body []byte) string {
	var v struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
		Message          string `json:"message"`
	}
	msg := ""
	if json.Unmarshal(body, &v) == nil {
		switch {
		case v.ErrorDescription != "" && v.Error != "":
			msg = v.Error + ": " + v.ErrorDescription
		case v.ErrorDescription != "":
			msg = v.ErrorDescription
		case v.Message != "":
			msg = v.Message
		default:
			msg = v.Error
		}
	} else {
		msg = strings.TrimSpace(string(body))
	}
	return httpx.Clip(msg)
}
