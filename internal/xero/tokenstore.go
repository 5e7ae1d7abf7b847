package xero

import (
	"errors"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/oauthstore"
	"billbot/internal/secrets"
)

// SecretStore keeps sealed secrets by name (store.Store in production).
type SecretStore = oauthstore.SecretStore

// SecretUpdater is the optional part of a SecretStore that replaces a
// secret under a lock every process respects (store.Store.UpdateSecret).
type SecretUpdater = oauthstore.SecretUpdater

// DefaultTokenSecretName is the secret the Xero token is stored under.
const DefaultTokenSecretName = "xero/oauth_token"

// EncryptedTokenStore is a LockingTokenStore that seals the token with a
// secrets.Box (AES-256-GCM, bound to the secret's name) before handing it
// to a SecretStore.
type EncryptedTokenStore struct {
	*oauthstore.Store
	name     string
	notFound func(error) bool
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
	s := &EncryptedTokenStore{name: DefaultTokenSecretName,
		notFound: func(err error) bool { return errors.Is(err, ErrSecretNotFound) }}
	for _, o := range opts {
		o(s)
	}
	s.Store = oauthstore.New(ss, box, oauthstore.Config{
		Vendor: "xero", Name: s.name, IDKey: "tenant_id", NotFound: s.notFound, NoToken: ErrNoToken,
		RefreshExpiry: func(tok *oauth2.Token) time.Time { return RefreshTokenExpiry(tok) },
	})
	return s
}
