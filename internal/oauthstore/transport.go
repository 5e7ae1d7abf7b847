package oauthstore

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"golang.org/x/oauth2"

	"billbot/internal/httpx"
)

// TokenSource is what a Transport needs of a ledger client's token source
// (qbo's and xero's PersistingTokenSource).
type TokenSource interface {
	// Token returns a valid access token, refreshing when need be.
	Token() (*oauth2.Token, error)
	// Invalidate marks accessToken as refused by the API, so that the next
	// Token call takes a newer one.
	Invalidate(accessToken string)
}

// Transport adds the bearer token to each request and, on a 401, forces
// one refresh and resends the request once.
type Transport struct {
	// Vendor starts the errors' texts ("qbo", "xero").
	Vendor string
	Source TokenSource
	Base   http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.Source.Token()
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	r1 := req.Clone(req.Context())
	tok.SetAuthHeader(r1)
	resp, err := t.Base.RoundTrip(r1)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	if req.Body != nil && req.GetBody == nil {
		return resp, nil // cannot replay the body: let the caller see the 401
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, httpx.MaxErrorBody))
	resp.Body.Close()
	t.Source.Invalidate(tok.AccessToken)
	tok2, err := t.Source.Token()
	if err != nil {
		return nil, err
	}
	r2 := req.Clone(req.Context())
	if req.GetBody != nil {
		if r2.Body, err = req.GetBody(); err != nil {
			return nil, fmt.Errorf("%s: replay body after refresh: %w", t.Vendor, err)
		}
	}
	tok2.SetAuthHeader(r2)
	return t.Base.RoundTrip(r2)
}

// BaseTransport is the transport of the oauth2.HTTPClient ctx carries
// (tests put a sandbox's there), http.DefaultTransport without one.
func BaseTransport(ctx context.Context) http.RoundTripper {
	if hc, ok := ctx.Value(oauth2.HTTPClient).(*http.Client); ok && hc.Transport != nil {
		return hc.Transport
	}
	return http.DefaultTransport
}
