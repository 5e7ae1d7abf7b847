// Package httpx holds the small HTTP pieces billbot's vendor clients share:
// their common settings, counters and retry loop (Core), bearer
// authorization, the parsing of a configured API base URL, the bounded
// reading of an error response, the text of a non-2xx answer and the
// transport failure that may be retried. It knows nothing of billing or of any one vendor.
package httpx

import (
	"io"
	"net/url"
	"strings"
)

// MaxErrorBody caps how much of an error response is read, so that a
// proxy's HTML error page cannot fill memory.
const MaxErrorBody = 64 << 10

// BaseURL parses raw as an API base: an absolute URL with a scheme and a
// host. The path is given a trailing slash, so that relative references
// resolve below it. ok is false when raw is not such a URL.
func BaseURL(raw string) (u *url.URL, ok bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, false
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, true
}

// ErrorBody reads at most MaxErrorBody bytes of an error response's body;
// what cannot be read is left out. It does not close body.
func ErrorBody(body io.Reader) []byte {
	b, _ := io.ReadAll(io.LimitReader(body, MaxErrorBody))
	return b
}
