package httpx

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// MaxMessage caps the message a vendor client keeps from an error body.
const MaxMessage = 300

// Clip cuts msg to MaxMessage bytes, marking the cut with an ellipsis.
func Clip(msg string) string {
	if len(msg) > MaxMessage {
		return msg[:MaxMessage] + "…"
	}
	return msg
}

// Drain reads and drops at most MaxErrorBody bytes of a body whose content
// does not matter (a throttled answer's), so that the connection can be
// reused. It does not close body.
func Drain(body io.Reader) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, MaxErrorBody))
}

// StatusLine is the text of a vendor's non-2xx answer:
// "vendor: METHOD path: status message", the status's own text standing
// in for an empty message.
func StatusLine(vendor, method, path string, status int, msg string) string {
	if msg == "" {
		msg = http.StatusText(status)
	}
	return fmt.Sprintf("%s: %s %s: %d %s", vendor, method, path, status, msg)
}

// Unauthorized reports whether status refuses the credentials: 401, or 403
// (which some vendors answer for a bad token and all for a missing
// permission).
func Unauthorized(status int) bool {
	return status == http.StatusUnauthorized || status == http.StatusForbidden
}

// Call returns the method and path (no query string) of the request resp
// answers, for an error to say which call failed; both are empty when
// resp carries no request.
func Call(resp *http.Response) (method, path string) {
	if resp.Request == nil {
		return "", ""
	}
	return resp.Request.Method, resp.Request.URL.Path
}

// TransportError is a failure to get a whole response: connection
// refused, reset, timeout, or a body cut short. Such a read may be sent
// again. Its text starts with the vendor's name.
type TransportError struct {
	Vendor string
	Err    error
}

// Error implements error.
func (e *TransportError) Error() string { return e.Vendor + ": " + e.Err.Error() }

// Unwrap returns the underlying failure.
func (e *TransportError) Unwrap() error { return e.Err }

// IsTransport reports whether err is, or wraps, a *TransportError.
func IsTransport(err error) bool {
	var te *TransportError
	return errors.As(err, &te)
}
