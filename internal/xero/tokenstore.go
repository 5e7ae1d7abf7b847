package xero

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/secrets"
)

// SecretStore keeps sealed secrets by name (store.Store in production).
type SecretStore interface {
	PutSecret(ctx context.Context, name string, ct []byte) error
	Secret(ctx context.Context, name string) ([]byte, error)
}

// SecretUpdater is the optional part of a SecretStore that replaces a
// secret under a lock every process respects (store.Store.UpdateSecret).
type SecretUpdater interface {
	UpdateSecret(ctx context.Context, name string, fn func(ct []byte) ([]byte, error)) error
}

// DefaultTokenSecretName is the secret the Xero token is stored under.
const DefaultTokenSecretName = "xero/oauth_token"

// EncryptedTokenStore is a LockingTokenStore that seals the token with a
// secrets.Box (AES-256-GCM, bound to the secret's name) before handing it
// to a SecretStore.
type EncryptedTokenStore struct {
	secrets  SecretStore
	box      *secrets.Box
	name     string
	notFound func(error) bool
	mu       sync.Mutex
}

// ErrSecretNotFound is what a SecretStore's Secret returns (wrapped) for a
// name it does not hold, unless the store is built WithNotFound.
var ErrSecretNotFound = errors.New("xero: secret not found")

// TokenStoreOption configures an EncryptedTokenStore.
type TokenStoreOption func(*EncryptedTokenStore)

// WithSecretName stores the token under name instead of DefaultTokenSecretName.
func WithSecretName(name string) TokenStoreOption {
	return func(s *EncryptedTokenStore) { s.name = name }
}

// WithNotFound tells the store how its SecretStore says "not found" (for
// example errors.Is(err, store.ErrNotFound)).
func WithNotFound(f func(error) bool) TokenStoreOption {
	return func(s *EncryptedTokenStore) { s.notFound = f }
}

// NewEncryptedTokenStore builds the store, as qbo.NewEncryptedTokenStore
// does for QuickBooks.
func NewEncryptedTokenStore(ss SecretStore, box *secrets.Box, opts ...TokenStoreOption) *EncryptedTokenStore {
	s := &EncryptedTokenStore{secrets: ss, box: box, name: DefaultTokenSecretName,
		notFound: func(err error) bool { return errors.Is(err, ErrSecretNotFound) }}
	for _, o := range opts {
		o(s)
	}
	return s
}

type storedToken struct {
	AccessToken   string    `json:"access_token"`
	TokenType     string    `json:"token_type,omitempty"`
	RefreshToken  string    `json:"refresh_token"`
	Expiry        time.Time `json:"expiry"`
	RefreshExpiry time.Time `json:"refresh_expiry,omitzero"`
	TenantID      string    `json:"tenant_id"`
}

// Load opens the stored token; nothing stored wraps ErrNoToken, a token
// that does not open wraps secrets.ErrOpen.
func (s *EncryptedTokenStore) Load(ctx context.Context) (*oauth2.Token, string, error) {
	ct, err := s.secrets.Secret(ctx, s.name)
	if err != nil {
		if s.notFound(err) {
			return nil, "", fmt.Errorf("xero: load %s: %w", s.name, ErrNoToken)
		}
		return nil, "", fmt.Errorf("xero: load %s: %w", s.name, err)
	}
	return s.open(ct)
}

func (s *EncryptedTokenStore) open(ct []byte) (*oauth2.Token, string, error) {
	pt, err := s.box.Open(ct, s.name)
	if err != nil {
		return nil, "", fmt.Errorf("xero: open %s: %w", s.name, err)
	}
	var st storedToken
	if err := json.Unmarshal(pt, &st); err != nil {
		return nil, "", fmt.Errorf("xero: decode %s: malformed token record", s.name)
	}
	tok := &oauth2.Token{AccessToken: st.AccessToken, TokenType: st.TokenType, RefreshToken: st.RefreshToken, Expiry: st.Expiry}
	if !st.RefreshExpiry.IsZero() {
		tok = tok.WithExtra(map[string]any{extraRefreshExpiresAt: st.RefreshExpiry.UTC().Format(time.RFC3339)})
	}
	return tok, st.TenantID, nil
}

func (s *EncryptedTokenStore) seal(tok *oauth2.Token, tenant string) ([]byte, error) {
	pt, err := json.Marshal(storedToken{AccessToken: tok.AccessToken, TokenType: tok.TokenType, RefreshToken: tok.RefreshToken,
		Expiry: tok.Expiry, RefreshExpiry: RefreshTokenExpiry(tok), TenantID: tenant})
	if err != nil {
		return nil, fmt.Errorf("xero: encode token: %w", err)
	}
	return s.box.Seal(pt, s.name)
}

// Save seals and stores tok with its tenant.
func (s *EncryptedTokenStore) Save(ctx context.Context, tok *oauth2.Token, tenantID string) error {
	ct, err := s.seal(tok, tenantID)
	if err != nil {
		return err
	}
	if err := s.secrets.PutSecret(ctx, s.name, ct); err != nil {
		return fmt.Errorf("xero: store %s: %w", s.name, err)
	}
	return nil
}

// Update implements LockingTokenStore under the SecretStore's lock (or this
// store's own, which serialises this process only).
func (s *EncryptedTokenStore) Update(ctx context.Context, fn func(tok *oauth2.Token, tenantID string) (*oauth2.Token, string, error)) error {
	apply := func(ct []byte) ([]byte, error) {
		var tok *oauth2.Token
		var tenant string
		if ct != nil {
			var err error
			if tok, tenant, err = s.open(ct); err != nil {
				return nil, err
			}
		}
		next, nextTenant, err := fn(tok, tenant)
		if err != nil || next == nil {
			return nil, err
		}
		return s.seal(next, nextTenant)
	}
	if u, ok := s.secrets.(SecretUpdater); ok {
		return u.UpdateSecret(ctx, s.name, apply)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ct, err := s.secrets.Secret(ctx, s.name)
	if err != nil && !s.notFound(err) {
		return fmt.Errorf("xero: load %s: %w", s.name, err)
	}
	if err != nil {
		ct = nil
	}
	next, err := apply(ct)
	if err != nil || next == nil {
		return err
	}
	return s.secrets.PutSecret(ctx, s.name, next)
}
