package xero

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

// Sentinels matched with errors.Is against *APIError or *RateLimitError.
var (
	// ErrValidation is a 400 ValidationException: Xero refused the data
	// (docs/vendors.md §6.11).
	ErrValidation = errors.New("xero: validation error")
	// ErrNotFound is HTTP 404.
	ErrNotFound = errors.New("xero: not found")
	// ErrUnauthorized is HTTP 401: the access token is missing, expired or
	// revoked.
	ErrUnauthorized = errors.New("xero: unauthorized")
	// ErrForbidden is HTTP 403: the token has no access to the tenant named
	// in xero-tenant-id, or lacks a scope.
	ErrForbidden = errors.New("xero: forbidden")
	// ErrThrottled is HTTP 429 (docs/vendors.md §6.10).
	ErrThrottled = errors.New("xero: rate limit exceeded")
)

// X-Rate-Limit-Problem values (docs/vendors.md §6.10).
const (
	ProblemMinute     = "minute"
	ProblemDay        = "day"
	ProblemConcurrent = "concurrent"
	ProblemAppMinute  = "appminute"
)

// APIError is a non-2xx answer other than 429. For a ValidationException
// Messages holds every ValidationErrors[].Message of every element and
// line item, in order.
type APIError struct {
	StatusCode  int
	Type        string // "ValidationException", ...
	ErrorNumber int
	Message     string
	Messages    []string
}

// Error describes the failure without request data.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "xero: HTTP %d", e.StatusCode)
	if e.Type != "" {
		b.WriteString(" " + e.Type)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if len(e.Messages) > 0 {
		b.WriteString(": " + strings.Join(e.Messages, "; "))
	}
	return b.String()
}

// Is matches the sentinels by status and type.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrValidation:
		return e.Type == "ValidationException"
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	}
	return false
}

// HasMessage reports whether a validation message contains s.
func (e *APIError) HasMessage(s string) bool {
	for _, m := range e.Messages {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// RateLimitError is a 429, or a call the client refused itself because the
// day's allowance is spent (Local).
type RateLimitError struct {
	RetryAfter time.Duration
	Problem    string // X-Rate-Limit-Problem
	Local      bool
	told       bool // the answer carried a Retry-After (0 means at once)
}

// Error implements error.
func (e *RateLimitError) Error() string {
	where := "Xero"
	if e.Local {
		where = "billbot's own count of Xero's limit"
	}
	return fmt.Sprintf("xero: rate limit (%s) reached per %s; retry after %s", e.Problem, where, e.RetryAfter)
}

// Is matches ErrThrottled.
func (e *RateLimitError) Is(target error) bool { return target == ErrThrottled }

// ValidationError is one entry of a ValidationErrors array.
type ValidationError struct {
	Message string `json:"Message"`
}

// errorBody is Xero's error shape:
// {"ErrorNumber":10,"Type":"ValidationException","Message":"A validation
// exception occurred","Elements":[{...,"ValidationErrors":[{"Message":...}],
// "LineItems":[{"ValidationErrors":[...]}]}]}.
type errorBody struct {
	ErrorNumber int    `json:"ErrorNumber"`
	Type        string `json:"Type"`
	Message     string `json:"Message"`
	Title       string `json:"Title"`
	Detail      string `json:"Detail"`
	Elements    []struct {
		ValidationErrors []ValidationError `json:"ValidationErrors"`
		LineItems        []struct {
			ValidationErrors []ValidationError `json:"ValidationErrors"`
		} `json:"LineItems"`
	} `json:"Elements"`
}

// checkResponse turns a non-2xx response into *RateLimitError or *APIError.
func checkResponse(resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	body := httpx.ErrorBody(resp.Body)
	if resp.StatusCode == http.StatusTooManyRequests {
		d, told := retry.After(resp.Header.Get("Retry-After"), time.Now())
		return &RateLimitError{RetryAfter: d, Problem: resp.Header.Get("X-Rate-Limit-Problem"), told: told}
	}
	e := &APIError{StatusCode: resp.StatusCode}
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil {
		e.Type, e.ErrorNumber, e.Message = eb.Type, eb.ErrorNumber, eb.Message
		if e.Message == "" {
			e.Message = strings.TrimSpace(eb.Title + " " + eb.Detail)
		}
		for _, el := range eb.Elements {
			for _, v := range el.ValidationErrors {
				e.Messages = append(e.Messages, v.Message)
			}
			for _, li := range el.LineItems {
				for _, v := range li.ValidationErrors {
					e.Messages = append(e.Messages, v.Message)
				}
			}
		}
	} else if s := strings.TrimSpace(string(body)); len(s) < 200 {
		e.Message = s
	}
	return e
}
