package xero

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/oauthstore"
)

// Xero's OAuth 2.0 endpoints (developer.xero.com/documentation/guides/oauth2/auth-flow,
// docs/vendors.md §6.1). A test identity server (xerosandbox) serves the
// same paths below its own URL.
const (
	AuthURL       = "https://login.xero.com/identity/connect/authorize"
	TokenURL      = "https://identity.xero.com/connect/token"
	AuthorizePath = "/identity/connect/authorize"
	TokenPath     = "/connect/token"
)

// Scopes billbot asks for: offline_access for a refresh token, and the
// accounting scopes for invoices, payments, credit notes, contacts, items,
// accounts and tax rates (developer.xero.com/documentation/guides/oauth2/scopes).
var Scopes = []string{"openid", "profile", "email", "offline_access",
	"accounting.transactions", "accounting.contacts", "accounting.settings"}

// RefreshTokenLifetime is how long an unused refresh token lives (60 days,
// developer.xero.com/faq/oauth2).
const RefreshTokenLifetime = 60 * 24 * time.Hour

// ErrNoToken is returned (wrapped) by a TokenStore that holds no token yet.
var ErrNoToken = errors.New("xero: no Xero token stored (connect an organisation first)")

// ErrRefreshRefused is returned (wrapped, with ErrUnauthorized) when Xero
// refuses the stored refresh token (invalid_grant): revoked, unused for 60
// days, or superseded by a newer one that was lost. Someone must reconnect.
var ErrRefreshRefused = errors.New("xero: Xero refused the stored refresh token (invalid_grant): reconnect the organisation")

// ErrTenantNotAuthorized is returned (wrapped) by Connect when the new
// token may not call the organisation asked for.
var ErrTenantNotAuthorized = errors.New("xero: the organisation asked for is not among the token's connections")

// NewOAuthConfig builds the OAuth2 config: the client id and secret go in
// an HTTP Basic header on the token endpoint. identityURL "" means Xero's
// own endpoints; otherwise (a sandbox) AuthorizePath and TokenPath below it.
func NewOAuthConfig(clientID, clientSecret, redirectURL, identityURL string) *oauth2.Config {
	auth, tok := AuthURL, TokenURL
	if identityURL != "" {
		base := strings.TrimRight(identityURL, "/")
		auth, tok = base+AuthorizePath, base+TokenPath
	}
	return &oauth2.Config{
		ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURL,
		Scopes:   append([]string(nil), Scopes...),
		Endpoint: oauth2.Endpoint{AuthURL: auth, TokenURL: tok, AuthStyle: oauth2.AuthStyleInHeader},
	}
}

// AuthorizeURL is the page a person opens to connect an organisation; state
// comes back on the redirect and must be checked by the caller.
func AuthorizeURL(cfg *oauth2.Config, state string) string { return cfg.AuthCodeURL(state) }

// TokenStore keeps the current token and the tenant it is used for.
// Implementations return an error wrapping ErrNoToken when nothing is stored.
type TokenStore interface {
	Load(ctx context.Context) (*oauth2.Token, string, error)
	Save(ctx context.Context, tok *oauth2.Token, tenantID string) error
}

// LockingTokenStore is a TokenStore whose token is read and replaced under
// one lock every process sharing the store respects (EncryptedTokenStore
// over store.Store). fn gets the stored token and tenant (nil, "" when none)
// and returns what to store (nil: keep).
type LockingTokenStore interface {
	TokenStore
	Update(ctx context.Context, fn func(tok *oauth2.Token, tenantID string) (*oauth2.Token, string, error)) error
}

// Connect finishes the authorization-code flow: it exchanges code, lists
// the organisations the new token may call (GET /connections at apiURL),
// picks tenantID (or the only one when tenantID is empty), stores the token
// with it and returns the connection.
func Connect(ctx context.Context, cfg *oauth2.Config, code, apiURL, tenantID string, store TokenStore) (Connection, error) {
	tok, err := cfg.Exchange(ctx, code)
	if err != nil {
		return Connection{}, fmt.Errorf("xero: exchange code: %w", err)
	}
	hc := &http.Client{Transport: &oauth2.Transport{Source: oauth2.StaticTokenSource(tok), Base: oauthstore.BaseTransport(ctx)}, Timeout: time.Minute}
	c, err := NewClient(apiURL, "connections", hc)
	if err != nil {
		return Connection{}, err
	}
	conns, err := c.Connections(ctx)
	if err != nil {
		return Connection{}, fmt.Errorf("xero: list connections: %w", err)
	}
	var pick *Connection
	for i, cn := range conns {
		if cn.TenantType != "ORGANISATION" {
			continue
		}
		if cn.TenantID == tenantID || (tenantID == "" && pick == nil) {
			pick = &conns[i]
		} else if tenantID == "" {
			return Connection{}, fmt.Errorf("xero: the token may call several organisations; set the tenant id")
		}
	}
	if pick == nil {
		return Connection{}, fmt.Errorf("xero: the token may not call organisation %q: %w", tenantID, ErrTenantNotAuthorized)
	}
	if err := store.Save(ctx, stamp(tok, time.Now()), pick.TenantID); err != nil {
		return Connection{}, err
	}
	return *pick, nil
}

const extraRefreshExpiresAt = "x_refresh_token_expires_at"

// stamp records when tok's refresh token dies unused (60 days from now).
func stamp(tok *oauth2.Token, now time.Time) *oauth2.Token {
	return tok.WithExtra(map[string]any{extraRefreshExpiresAt: now.Add(RefreshTokenLifetime).UTC().Format(time.RFC3339)})
}

// RefreshTokenExpiry returns when tok's refresh token expires unused; zero
// when unknown.
func RefreshTokenExpiry(tok *oauth2.Token) time.Time {
	if s, ok := tok.Extra(extraRefreshExpiresAt).(string); ok {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// NewHTTPClient loads the token and tenant from store and returns an HTTP
// client that authenticates every request, refreshes and persists rotated
// tokens and retries a 401 once after a forced refresh; and the tenant id.
// ctx must live as long as the client (it carries the refreshes). timeout
// is the per-request limit; zero means 2 minutes.
func NewHTTPClient(ctx context.Context, cfg *oauth2.Config, store TokenStore, timeout time.Duration, logger *slog.Logger) (*http.Client, string, error) {
	tok, tenant, err := store.Load(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("xero: load token: %w", err)
	}
	if tenant == "" {
		return nil, "", fmt.Errorf("xero: stored token has no tenant id: %w", ErrNoToken)
	}
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	src := NewPersistingTokenSource(ctx, cfg, store, tok, tenant, logger)
	tr := &oauthstore.Transport{Vendor: "xero", Source: src, Base: oauthstore.BaseTransport(ctx)}
	return &http.Client{Transport: tr, Timeout: timeout}, tenant, nil
}
