package qbo

import (
	"errors"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/oauthstore"
	"billbot/internal/secrets"
)

// ErrSecretNotFound is what a SecretStore's Secret returns (wrapped) for a
// name it does not hold, unless the store is adapted with WithNotFound.
var ErrSecretNotFound = errors.New("qbo: secret not found")

// SecretStore keeps sealed secrets by name (the database, in production).
type SecretStore = oauthstore.SecretStore

// SecretUpdater is the optional part of a SecretStore that reads and
// replaces a secret under a lock every process sharing the store respects
// (store.Store.UpdateSecret: a row lock on Postgres, the write lock on
// SQLite). fn gets the stored ciphertext (nil when unset) and returns the
// replacement, or nil to leave it.
type SecretUpdater = oauthstore.SecretUpdater

// DefaultTokenSecretName is the secret name the QBO token is stored under.
const DefaultTokenSecretName = "qbo/oauth_token"

// EncryptedTokenStore is a TokenStore that seals the token with a
// secrets.Box (AES-256-GCM, bound to the secret's name) before handing it to
// a SecretStore.
type EncryptedTokenStore struct {
	*oauthstore.Store
	name     string
	notFound func(error) bool
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
	s := &EncryptedTokenStore{name: DefaultTokenSecretName,
		notFound: func(err error) bool { return errors.Is(err, ErrSecretNotFound) }}
	for _, o := range opts {
		o(s)
	}
	s.Store = oauthstore.New(ss, box, oauthstore.Config{
		Vendor: "qbo", Name: s.name, IDKey: "realm_id", NotFound: s.notFound, NoToken: ErrNoToken,
		RefreshExpiry: func(tok *oauth2.Token) time.Time { return RefreshTokenExpiry(tok, time.Now()) },
	})
	return s
}
