package qbo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/oauthstore"
)

// Intuit's OAuth 2.0 endpoints and the accounting scope (docs/vendors.md §2.9,
// developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization).
const (
	AuthURL         = "https://appcenter.intuit.com/connect/oauth2"
	TokenURL        = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
	ScopeAccounting = "com.intuit.quickbooks.accounting"
)

// Token response extras. Intuit returns x_refresh_token_expires_in
// (seconds, ~100 days rolling); billbot stores the absolute expiry it
// implies under x_refresh_token_expires_at (RFC 3339).
const (
	extraRefreshExpiresIn = "x_refresh_token_expires_in"
	extraRefreshExpiresAt = "x_refresh_token_expires_at"
)

// ErrNoToken is returned (wrapped) by a TokenStore that holds no token yet.
var ErrNoToken = errors.New("qbo: no QuickBooks token stored (connect a company at /oauth/qbo/connect)")

// NewOAuthConfig builds the OAuth2 config for Intuit: client credentials go
// in an HTTP Basic header on the token endpoint (docs/vendors.md §2.9). Empty
// authURL/tokenURL mean Intuit's.
func NewOAuthConfig(clientID, clientSecret, redirectURL, authURL, tokenURL string) *oauth2.Config {
	if authURL == "" {
		authURL = AuthURL
	}
	if tokenURL == "" {
		tokenURL = TokenURL
	}
	return &oauth2.Config{
		ClientID:     clientID,
		ClientSecret: clientSecret,
		RedirectURL:  redirectURL,
		Scopes:       []string{ScopeAccounting},
		Endpoint: oauth2.Endpoint{
			AuthURL:   authURL,
			TokenURL:  tokenURL,
			AuthStyle: oauth2.AuthStyleInHeader,
		},
	}
}

// TokenStore keeps the company's current token and realm id. Implementations
// return an error wrapping ErrNoToken when nothing is stored.
type TokenStore interface {
	Load(ctx context.Context) (*oauth2.Token, string, error)
	Save(ctx context.Context, tok *oauth2.Token, realmID string) error
}

// RefreshTokenExpiry returns when tok's refresh token expires, from the
// stored absolute time or else from x_refresh_token_expires_in counted from
// now; zero when unknown.
func RefreshTokenExpiry(tok *oauth2.Token, now time.Time) time.Time {
	if s, ok := tok.Extra(extraRefreshExpiresAt).(string); ok {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t
		}
	}
	if secs := extraSeconds(tok.Extra(extraRefreshExpiresIn)); secs > 0 {
		return now.Add(time.Duration(secs) * time.Second)
	}
	return time.Time{}
}

func extraSeconds(v any) int64 {
	switch n := v.(type) {
	case float64: // encoding/json's number for the raw token response
		return int64(n)
	case int64:
		return n
	case int:
		return int64(n)
	case string:
		var s int64
		if _, err := fmt.Sscan(n, &s); err == nil {
			return s
		}
	}
	return 0
}

// stamp returns a copy of tok whose extras hold the refresh token's absolute
// expiry, so that a stored token still knows it after a restart.
func stamp(tok *oauth2.Token, now time.Time) *oauth2.Token {
	out := *tok
	exp := RefreshTokenExpiry(tok, now)
	if exp.IsZero() {
		return &out
	}
	return out.WithExtra(map[string]any{
		extraRefreshExpiresAt: exp.UTC().Format(time.RFC3339),
		extraRefreshExpiresIn: float64(int64(exp.Sub(now) / time.Second)),
	})
}

// NewHTTPClient loads the token and realm id from store and returns an HTTP
// client that authenticates every request, refreshes and persists tokens,
// and retries a 401 once after a forced refresh; and the realm id. ctx must
// live as long as the client (it is used for token refreshes). timeout is
// the per-request limit (QBO itself times out after 120 s); zero means 2
// minutes.
func NewHTTPClient(ctx context.Context, cfg *oauth2.Config, store TokenStore, timeout time.Duration, logger *slog.Logger, opts ...SourceOption) (*http.Client, string, error) {
	tok, realmID, err := store.Load(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("qbo: load token: %w", err)
	}
	if realmID == "" {
		return nil, "", fmt.Errorf("qbo: stored token has no realm id: %w", ErrNoToken)
	}
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	src := NewPersistingTokenSource(ctx, cfg, store, tok, realmID, logger, opts...)
	// A 401 forces one refresh and the request is resent once
	// (docs/vendors.md §2.4: "401 → refresh and retry once").
	tr := &oauthstore.Transport{Vendor: "qbo", Source: src, Base: oauthstore.BaseTransport(ctx)}
	return &http.Client{Transport: tr, Timeout: timeout}, realmID, nil
}
