package qbo

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

// ErrSecretNotFound is what a SecretStore's Secret returns (wrapped) for a
// name it does not hold, unless the store is adapted with WithNotFound.
var ErrSecretNotFound = errors.New("qbo: secret not found")

// SecretStore keeps sealed secrets by name (the database, in production).
type SecretStore interface {
	PutSecret(ctx context.Context, name string, ct []byte) error
	Secret(ctx context.Context, name string) ([]byte, error)
}

// SecretUpdater is the optional part of a SecretStore that reads and
// replaces a secret under a lock every process sharing the store respects
// (store.Store.UpdateSecret: a row lock on Postgres, the write lock on
// SQLite). fn gets the stored ciphertext (nil when unset) and returns the
// replacement, or nil to leave it.
type SecretUpdater interface {
	UpdateSecret(ctx context.Context, name string, fn func(ct []byte) ([]byte, error)) error
}

// DefaultTokenSecretName is the secret name the QBO token is stored under.
const DefaultTokenSecretName = "qbo/oauth_token"

// EncryptedTokenStore is a TokenStore that seals the token with a
// secrets.Box (AES-256-GCM, bound to the secret's name) before handing it to
// a SecretStore.
type EncryptedTokenStore struct {
	secrets  SecretStore
	box      *secrets.Box
	name     string
	notFound func(error) bool
	mu       sync.Mutex // stands in for SecretUpdater's lock when the SecretStore has none
}

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

// NewEncryptedTokenStore builds the store.
func NewEncryptedTokenStore(ss SecretStore, box *secrets.Box, opts ...TokenStoreOption) *EncryptedTokenStore {
	s := &EncryptedTokenStore{
		secrets: ss, box: box, name: DefaultTokenSecretName,
		notFound: func(err error) bool { return errors.Is(err, ErrSecretNotFound) },
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// storedToken is the sealed JSON. RefreshExpiry keeps Intuit's rolling
// refresh-token lifetime across restarts.
type storedToken struct {
	AccessToken   string    `json:"access_token"`
	TokenType     string    `json:"token_type,omitempty"`
	RefreshToken  string    `json:"refresh_token"`
	Expiry        time.Time `json:"expiry"`
	RefreshExpiry time.Time `json:"refresh_expiry,omitzero"`
	RealmID       string    `json:"realm_id"`
}

// Load opens the stored token. Nothing stored gives an error wrapping
// ErrNoToken; a token that does not open (wrong key, tampered) an error
// wrapping secrets.ErrOpen.
func (s *EncryptedTokenStore) Load(ctx context.Context) (*oauth2.Token, string, error) {
	ct, err := s.secrets.Secret(ctx, s.name)
	if err != nil {
		if s.notFound(err) {
			return nil, "", fmt.Errorf("qbo: load %s: %w", s.name, ErrNoToken)
		}
		return nil, "", fmt.Errorf("qbo: load %s: %w", s.name, err)
	}
	return s.open(ct)
}

func (s *EncryptedTokenStore) open(ct []byte) (*oauth2.Token, string, error) {
	pt, err := s.box.Open(ct, s.name)
	if err != nil {
		return nil, "", fmt.Errorf("qbo: open %s: %w", s.name, err)
	}
	var st storedToken
	if err := json.Unmarshal(pt, &st); err != nil {
		return nil, "", fmt.Errorf("qbo: decode %s: malformed token record", s.name)
	}
	tok := &oauth2.Token{AccessToken: st.AccessToken, TokenType: st.TokenType, RefreshToken: st.RefreshToken, Expiry: st.Expiry}
	if !st.RefreshExpiry.IsZero() {
		tok = tok.WithExtra(map[string]any{extraRefreshExpiresAt: st.RefreshExpiry.UTC().Format(time.RFC3339)})
	}
	return tok, st.RealmID, nil
}

func (s *EncryptedTokenStore) seal(tok *oauth2.Token, realmID string) ([]byte, error) {
	st := storedToken{
		AccessToken: tok.AccessToken, TokenType: tok.TokenType, RefreshToken: tok.RefreshToken,
		Expiry: tok.Expiry, RefreshExpiry: RefreshTokenExpiry(tok, time.Now()), RealmID: realmID,
	}
	pt, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("qbo: encode token: %w", err)
	}
	ct, err := s.box.Seal(pt, s.name)
	if err != nil {
		return nil, fmt.Errorf("qbo: seal token: %w", err)
	}
	return ct, nil
}

// Save seals and stores tok with its realm id.
func (s *EncryptedTokenStore) Save(ctx context.Context, tok *oauth2.Token, realmID string) error {
	ct, err := s.seal(tok, realmID)
	if err != nil {
		return err
	}
	if err := s.secrets.PutSecret(ctx, s.name, ct); err != nil {
		return fmt.Errorf("qbo: store %s: %w", s.name, err)
	}
	return nil
}

// Update implements LockingTokenStore: fn gets the stored token (nil and
// "" when none is stored) under the SecretStore's lock, and what it returns
// is sealed and stored before the lock is released (nil: nothing changes).
// A token that does not open stops before fn runs. Without a SecretUpdater
// the lock is this store's own, so it serialises this process only.
func (s *EncryptedTokenStore) Update(ctx context.Context, fn func(tok *oauth2.Token, realmID string) (*oauth2.Token, string, error)) error {
	apply := func(ct []byte) ([]byte, error) {
		var (
			tok   *oauth2.Token
			realm string
			err   error
		)
		if ct != nil {
			if tok, realm, err = s.open(ct); err != nil {
				return nil, err
			}
		}
		next, nextRealm, err := fn(tok, realm)
		if err != nil || next == nil {
			return nil, err
		}
		return s.seal(next, nextRealm)
	}
	if u, ok := s.secrets.(SecretUpdater); ok {
		return u.UpdateSecret(ctx, s.name, apply)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ct, err := s.secrets.Secret(ctx, s.name)
	if err != nil && !s.notFound(err) {
		return fmt.Errorf("qbo: load %s: %w", s.name, err)
	}
	next, err := apply(ct)
	if err != nil || next == nil {
		return err
	}
	if err := s.secrets.PutSecret(ctx, s.name, next); err != nil {
		return fmt.Errorf("qbo: store %s: %w", s.name, err)
	}
	return nil
}
