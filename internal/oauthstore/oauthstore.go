// Package oauthstore keeps a ledger's OAuth2 token sealed at rest: the
// token, its refresh token's expiry and the id of the connected company
// (QuickBooks' realm, Xero's tenant) as one JSON record, sealed with a
// secrets.Box bound to the secret's name and kept in a SecretStore (the
// database, in production), with a locked read-modify-write for refreshes
// that every process sharing the store respects. The ledgers' clients also
// share what surrounds the token: a lock of one process for a store that
// has none (LocalLock), the exchange that never sends a refresh token twice
// (Spent), and the transport that sends the bearer token and refreshes it
// once on a 401 (Transport).
package oauthstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
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

// SecretUpdater is the optional part of a SecretStore that reads and
// replaces a secret under a lock every process sharing the store respects
// (store.Store.UpdateSecret: a row lock on Postgres, the write lock on
// SQLite). fn gets the stored ciphertext (nil when unset) and returns the
// replacement, or nil to leave it.
type SecretUpdater interface {
	UpdateSecret(ctx context.Context, name string, fn func(ct []byte) ([]byte, error)) error
}

// Config says how one ledger's token is kept.
type Config struct {
	// Vendor starts every error's text ("qbo", "xero").
	Vendor string
	// Name is the secret the token is stored under; it binds the seal too.
	Name string
	// IDKey is the record's key of the company id ("realm_id", "tenant_id").
	IDKey string
	// NotFound reports whether an error of the SecretStore means nothing is
	// stored under Name.
	NotFound func(error) bool
	// NoToken is wrapped by Load's error when nothing is stored.
	NoToken error
	// RefreshExpiry is the refresh token's expiry kept with tok (zero when
	// unknown); Open gives it back as the token's ExtraRefreshExpiresAt.
	RefreshExpiry func(tok *oauth2.Token) time.Time
}

// ExtraRefreshExpiresAt is the token extra (RFC 3339) under which Open
// gives back the stored refresh-token expiry.
const ExtraRefreshExpiresAt = "x_refresh_token_expires_at"

// Store seals the token with a secrets.Box before handing it to a
// SecretStore.
type Store struct {
	secrets SecretStore
	box     *secrets.Box
	cfg     Config
	mu      sync.Mutex // stands in for SecretUpdater's lock when the SecretStore has none
}

// New builds the store.
func New(ss SecretStore, box *secrets.Box, cfg Config) *Store {
	return &Store{secrets: ss, box: box, cfg: cfg}
}

// record is the sealed JSON but for the company id, which comes last under
// Config.IDKey.
type record struct {
	AccessToken   string    `json:"access_token"`
	TokenType     string    `json:"token_type,omitempty"`
	RefreshToken  string    `json:"refresh_token"`
	Expiry        time.Time `json:"expiry"`
	RefreshExpiry time.Time `json:"refresh_expiry,omitzero"`
}

// Load opens the stored token. Nothing stored gives an error wrapping
// Config.NoToken; a token that does not open (wrong key, tampered) an error
// wrapping secrets.ErrOpen.
func (s *Store) Load(ctx context.Context) (*oauth2.Token, string, error) {
	ct, err := s.secrets.Secret(ctx, s.cfg.Name)
	if err != nil {
		if s.cfg.NotFound(err) {
			return nil, "", fmt.Errorf("%s: load %s: %w", s.cfg.Vendor, s.cfg.Name, s.cfg.NoToken)
		}
		return nil, "", fmt.Errorf("%s: load %s: %w", s.cfg.Vendor, s.cfg.Name, err)
	}
	return s.open(ct)
}

func (s *Store) open(ct []byte) (*oauth2.Token, string, error) {
	pt, err := s.box.Open(ct, s.cfg.Name)
	if err != nil {
		return nil, "", fmt.Errorf("%s: open %s: %w", s.cfg.Vendor, s.cfg.Name, err)
	}
	var st record
	var id string
	if err := json.Unmarshal(pt, &st); err != nil || s.unmarshalID(pt, &id) != nil {
		return nil, "", fmt.Errorf("%s: decode %s: malformed token record", s.cfg.Vendor, s.cfg.Name)
	}
	tok := &oauth2.Token{AccessToken: st.AccessToken, TokenType: st.TokenType, RefreshToken: st.RefreshToken, Expiry: st.Expiry}
	if !st.RefreshExpiry.IsZero() {
		tok = tok.WithExtra(map[string]any{ExtraRefreshExpiresAt: st.RefreshExpiry.UTC().Format(time.RFC3339)})
	}
	return tok, id, nil
}

// unmarshalID reads the company id, as encoding/json would a string field
// tagged IDKey (a missing key or null leaves it empty).
func (s *Store) unmarshalID(pt []byte, id *string) error {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(pt, &keys); err != nil {
		return err
	}
	raw, ok := keys[s.cfg.IDKey]
	if !ok {
		return nil
	}
	var p *string
	if err := json.Unmarshal(raw, &p); err != nil {
		return err
	}
	if p != nil {
		*id = *p
	}
	return nil
}

func (s *Store) seal(tok *oauth2.Token, id string) ([]byte, error) {
	pt, err := json.Marshal(record{
		AccessToken: tok.AccessToken, TokenType: tok.TokenType, RefreshToken: tok.RefreshToken,
		Expiry: tok.Expiry, RefreshExpiry: s.cfg.RefreshExpiry(tok),
	})
	if err != nil {
		return nil, fmt.Errorf("%s: encode token: %w", s.cfg.Vendor, err)
	}
	idJSON, err := json.Marshal(id)
	if err != nil {
		return nil, fmt.Errorf("%s: encode token: %w", s.cfg.Vendor, err)
	}
	// The id goes last, where the record's struct had it.
	pt = append(pt[:len(pt)-1], ","+strconv.Quote(s.cfg.IDKey)+":"...)
	pt = append(append(pt, idJSON...), '}')
	ct, err := s.box.Seal(pt, s.cfg.Name)
	if err != nil {
		return nil, fmt.Errorf("%s: seal token: %w", s.cfg.Vendor, err)
	}
	return ct, nil
}

// Save seals and stores tok with its company id.
func (s *Store) Save(ctx context.Context, tok *oauth2.Token, id string) error {
	ct, err := s.seal(tok, id)
	if err != nil {
		return err
	}
	if err := s.secrets.PutSecret(ctx, s.cfg.Name, ct); err != nil {
		return fmt.Errorf("%s: store %s: %w", s.cfg.Vendor, s.cfg.Name, err)
	}
	return nil
}

// Update reads, changes and stores the token under the SecretStore's lock:
// fn gets the stored token (nil and "" when none is stored), and what it
// returns is sealed and stored before the lock is released (nil: nothing
// changes). A token that does not open stops before fn runs. Without a
// SecretUpdater the lock is this store's own, so it serialises this
// process only.
func (s *Store) Update(ctx context.Context, fn func(tok *oauth2.Token, id string) (*oauth2.Token, string, error)) error {
	apply := func(ct []byte) ([]byte, error) {
		var (
			tok *oauth2.Token
			id  string
			err error
		)
		if ct != nil {
			if tok, id, err = s.open(ct); err != nil {
				return nil, err
			}
		}
		next, nextID, err := fn(tok, id)
		if err != nil || next == nil {
			return nil, err
		}
		return s.seal(next, nextID)
	}
	if u, ok := s.secrets.(SecretUpdater); ok {
		return u.UpdateSecret(ctx, s.cfg.Name, apply)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ct, err := s.secrets.Secret(ctx, s.cfg.Name)
	if err != nil && !s.cfg.NotFound(err) {
		return fmt.Errorf("%s: load %s: %w", s.cfg.Vendor, s.cfg.Name, err)
	}
	if err != nil {
		ct = nil
	}
	next, err := apply(ct)
	if err != nil || next == nil {
		return err
	}
	if err := s.secrets.PutSecret(ctx, s.cfg.Name, next); err != nil {
		return fmt.Errorf("%s: store %s: %w", s.cfg.Vendor, s.cfg.Name, err)
	}
	return nil
}
