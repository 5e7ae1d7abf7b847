package qbtime

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
var ErrNotFound = errors.New("qbtime: not found")

// ErrUnauthorized matches (errors.Is) an *APIError for HTTP 401 or 403: a
// missing, expired or revoked access token, or a user without the
// permission the call needs (tsheetsteam.github.io/api_docs/ "Storing a
// Token": a deleted or expired token gets 401).
var ErrUnauthorized = errors.New("qbtime: unauthorized")

// APIError is a non-2xx answer from QuickBooks Time other than 429.
type APIError struct {
	StatusCode int
	// Code is the exception's own code from the body (usually the HTTP
	// status again); zero when the body carried none.
	Code int
	// Message is QuickBooks Time's explanation from the exception body
	// ({"error": {"code": …, "message": …}}), or the start of a non-JSON
	// body.
	Message string
	// Method and Path say which call failed; Path carries no query string.
	Method string
	Path   string
}

// Error implements error.
func (e *APIError) Error() string {
	return httpx.StatusLine("qbtime", e.Method, e.Path, e.StatusCode, e.Message)
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

// RateLimitError is QuickBooks Time's 429 "Too many requests": more than
// 300 calls in 5 minutes for the access token; the API keeps answering 429
// until the window has passed (tsheetsteam.github.io/api_docs/ "Request
// Throttling"). The client waits and retries on its own; callers see this
// only when the server keeps throttling past the client's patience.
type RateLimitError struct {
	RetryAfter time.Duration
}

// Error implements error.
func (e *RateLimitError) Error() string {
	return fmt.Sprintf("qbtime: rate limited, retry after %s", e.RetryAfter)
}

// checkResponse turns a non-2xx response into *APIError or *RateLimitError,
// reading at most httpx.MaxErrorBody bytes of its body. defaultWait is
// the wait when a 429 carries no usable Retry-After.
func checkResponse(resp *http.Response, now time.Time, defaultWait time.Duration) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		httpx.Drain(resp.Body)
		// The docs name no Retry-After header: a 429 lasts "until you're out
		// of the current time window". billbot honours the header when one
		// comes and otherwise waits a whole window.
		return &RateLimitError{RetryAfter: retry.AfterOr(resp.Header.Get("Retry-After"), now, defaultWait)}
	}
	e := &APIError{StatusCode: resp.StatusCode}
	e.Code, e.Message = errorMessage(httpx.ErrorBody(resp.Body))
	e.Method, e.Path = httpx.Call(resp)
	return e
}

// errorMessage picks the exception out of an error body. The docs give an
// exception's properties as code and message
// (tsheetsteam.github.io/api_docs/ "Exceptions"); the API nests them
// under "error". Both shapes are read.
func errorMessage(body []byte) (int, string) {
	var v struct {
		Error json.RawMessage `json:"error"`
		exception
	}
	var code int
	var msg string
	if json.Unmarshal(body, &v) == nil {
		var nested exception
		if len(v.Error) > 0 && json.Unmarshal(v.Error, &nested) == nil {
			code, msg = nested.Code, nested.Message
		}
		if msg == "" {
			var s string
			if len(v.Error) > 0 && json.Unmarshal(v.Error, &s) == nil {
				msg = s
			}
		}
		if msg == "" {
			code, msg = v.Code, v.Message
		}
	} else {
		msg = strings.TrimSpace(string(body))
	}
	return code, httpx.Clip(msg)
}

type exception struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}
