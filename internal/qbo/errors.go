package qbo

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

// Sentinels matched with errors.Is against a *Fault (or *RateLimitError).
var (
	// ErrStaleObject is Fault code 5010 "Stale Object Error": the SyncToken
	// sent is not the current one (docs/vendors.md §2.3, Intuit invoice API reference).
	ErrStaleObject = errors.New("qbo: stale object")
	// ErrNotFound is Fault code 610 "Object Not Found" or HTTP 404.
	ErrNotFound = errors.New("qbo: object not found")
	// ErrUnauthorized is HTTP 401 / AuthenticationFault: the access token is
	// missing, expired or revoked.
	ErrUnauthorized = errors.New("qbo: unauthorized")
	// ErrDuplicate is Fault code 6240 "Duplicate Name Exists Error" (and 6140
	// duplicate document number).
	ErrDuplicate = errors.New("qbo: duplicate")
	// ErrThrottled is HTTP 429: too many requests (docs/vendors.md §2.8).
	ErrThrottled = errors.New("qbo: throttled")
)

// Fault codes QBO documents (docs/vendors.md §2.4).
const (
	CodeRequiredParam = "2020"
	CodeQueryParse    = "4000"
	CodeStaleObject   = "5010"
	CodeNotFound      = "610"
	CodeDuplicateName = "6240"
	CodeDuplicateDoc  = "6140"
	// CodeAmountMismatch is "Amount is not equal to UnitPrice * Qty", as
	// integrators have recorded it from the API (e.g. the review of
	// github.com/simstudioai/sim pull 6130); no Intuit page lists it.
	CodeAmountMismatch = "6070"
)

// FaultError is one entry of a Fault's Error array.
type FaultError struct {
	Code    string `json:"code"`
	Message string `json:"Message"`
	Detail  string `json:"Detail,omitempty"`
	Element string `json:"element,omitempty"`
}

// Fault is an error response from QBO:
// {"Fault":{"Error":[{"Message","Detail","code","element"}],"type":"ValidationFault"},"time":...}
// (docs/vendors.md §2.4). IntuitTID is the intuit_tid response header that Intuit
// support asks for.
type Fault struct {
	StatusCode int
	Type       string
	Errors     []FaultError
	IntuitTID  string
}

// faultBody is the wire shape; encoding/json matches keys case-insensitively,
// which also covers the lower-case {"fault":{"error":[...]}} of 401 bodies.
type faultBody struct {
	Fault *struct {
		Error []FaultError `json:"Error"`
		Type  string       `json:"type"`
	} `json:"Fault"`
}

// Error describes the fault without any request data.
func (f *Fault) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "qbo: %s (HTTP %d)", f.Type, f.StatusCode)
	for _, e := range f.Errors {
		b.WriteString(": ")
		if e.Code != "" {
			b.WriteString(e.Code + " ")
		}
		b.WriteString(e.Message)
		if e.Detail != "" && e.Detail != e.Message {
			b.WriteString(" (" + e.Detail + ")")
		}
	}
	if f.IntuitTID != "" {
		b.WriteString(" [intuit_tid " + f.IntuitTID + "]")
	}
	return b.String()
}

// HasCode reports whether any error entry carries code.
func (f *Fault) HasCode(code string) bool {
	for _, e := range f.Errors {
		if e.Code == code {
			return true
		}
	}
	return false
}

// Code returns the first error code, or "".
func (f *Fault) Code() string {
	if len(f.Errors) == 0 {
		return ""
	}
	return f.Errors[0].Code
}

// Is matches the package sentinels.
func (f *Fault) Is(target error) bool {
	switch target {
	case ErrStaleObject:
		return f.HasCode(CodeStaleObject)
	case ErrNotFound:
		return f.StatusCode == http.StatusNotFound || f.HasCode(CodeNotFound)
	case ErrUnauthorized:
		return f.StatusCode == http.StatusUnauthorized || strings.HasPrefix(f.Type, "Authentication") ||
			f.Type == "AUTHENTICATION"
	case ErrDuplicate:
		return f.HasCode(CodeDuplicateName) || f.HasCode(CodeDuplicateDoc)
	}
	return false
}

// RateLimitError is HTTP 429. RetryAfter is the server's Retry-After, or
// zero when it sent none (then QBO's rule is to wait 60 s, docs/vendors.md §2.8).
type RateLimitError struct {
	RetryAfter time.Duration
	IntuitTID  string
}

// Error implements error.
func (e *RateLimitError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("qbo: throttled (HTTP 429), retry after %s", e.RetryAfter)
	}
	return "qbo: throttled (HTTP 429)"
}

// Is matches ErrThrottled.
func (e *RateLimitError) Is(target error) bool { return target == ErrThrottled }

// checkResponse turns a non-2xx response into *RateLimitError or *Fault, as
// go-github's CheckResponse does. It reads (a bounded part of) the body but
// does not close it.
func checkResponse(resp *http.Response) error {
	tid := resp.Header.Get("intuit_tid")
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return &RateLimitError{RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After")), IntuitTID: tid}
	}
	return parseFault(resp.StatusCode, tid, httpx.ErrorBody(resp.Body))
}

// parseFault decodes a Fault body; bodies that are not Fault JSON (a
// gateway's HTML page) become a Fault carrying the HTTP status text.
func parseFault(status int, tid string, body []byte) *Fault {
	f := &Fault{StatusCode: status, IntuitTID: tid}
	var fb faultBody
	if err := json.Unmarshal(body, &fb); err == nil && fb.Fault != nil {
		f.Type = fb.Fault.Type
		f.Errors = fb.Fault.Error
		return f
	}
	f.Type = "HTTP"
	f.Errors = []FaultError{{Message: http.StatusText(status)}}
	return f
}

// parseRetryAfter reads delta-seconds or an HTTP date; zero when absent or
// unreadable.
func parseRetryAfter(v string) time.Duration {
	d, _ := retry.After(v, time.Now())
	return d
}
