package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// keyFingerprintName is the reserved row of the secrets table that holds
// the fingerprint of the key the secrets are sealed with (not a secret: an
// HMAC of a fixed label under the key). Secret, PutSecret and the listing
// methods never hand it out as a secret.
const keyFingerprintName = "billbot/key_fingerprint"

// ErrReservedSecret is returned for a secret name the store keeps for itself.
var ErrReservedSecret = errors.New("store: reserved secret name")

// PutSecret stores (or replaces) a secret's ciphertext. The store never
// sees plaintext: encryption happens before, decryption after. The audit
// event names the secret, never its content.
func (s *Store) PutSecret(ctx context.Context, name string, ciphertext []byte) error {
	if len(ciphertext) == 0 {
		return fmt.Errorf("store: put secret %q: empty ciphertext", name)
	}
	if name == keyFingerprintName {
		return fmt.Errorf("store: put secret %q: %w", name, ErrReservedSecret)
	}
	err := s.tx(ctx, func(tx *gorm.DB) error { return s.putSecret(tx, name, ciphertext) })
	if err != nil {
		return fmt.Errorf("store: put secret %q: %w", name, err)
	}
	return nil
}

func (s *Store) putSecret(tx *gorm.DB, name string, ciphertext []byte) error {
	if err := tx.Exec(`INSERT INTO secrets (name, ciphertext, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
		name, ciphertext, s.ts(s.clock())).Error; err != nil {
		return err
	}
	return s.auditChange(tx, SystemActor, "secret.put", "secret", name, "", nil, nil)
}

// Secret returns a secret's ciphertext; ErrNotFound when unset.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	if name == keyFingerprintName {
		return nil, fmt.Errorf("store: secret %q: %w", name, ErrReservedSecret)
	}
	var ct []byte
	found, err := scanRow(s.q(ctx).Raw("SELECT ciphertext FROM secrets WHERE name = ?", name).Row(), &ct)
	if err != nil {
		return nil, fmt.Errorf("store: secret %q: %w", name, err)
	}
	if !found {
		return nil, fmt.Errorf("store: secret %q: %w", name, ErrNotFound)
	}
	return ct, nil
}

// UpdateSecret reads a secret and replaces it in one transaction that holds
// the secret's row lock (SQLite: the database write lock), so that every
// process sharing the database updates it in turn: fn sees the ciphertext
// the last updater stored (nil when unset) and returns the new one, or nil
// to leave it as it is. An error from fn rolls back and is returned as is.
// fn may take a while (an OAuth refresh): other updaters of the same
// secret wait for it; readers do not.
func (s *Store) UpdateSecret(ctx context.Context, name string, fn func(ciphertext []byte) ([]byte, error)) error {
	return s.updateSecret(ctx, name, nil, fn)
}

// UpdateSecretAtGeneration is UpdateSecret for a secret of the QuickBooks
// connection at generation gen (0: none yet): it first takes the
// connection's row lock, so a token source built before a reconnect can
// neither write its refreshed token over the new company's nor race the
// connect flow. A newer generation gives ErrConflict and changes nothing.
func (s *Store) UpdateSecretAtGeneration(ctx context.Context, name string, gen int64, fn func(ciphertext []byte) ([]byte, error)) error {
	return s.updateSecret(ctx, name, &gen, fn)
}

func (s *Store) updateSecret(ctx context.Context, name string, gen *int64, fn func(ciphertext []byte) ([]byte, error)) error {
	if name == keyFingerprintName {
		return fmt.Errorf("store: update secret %q: %w", name, ErrReservedSecret)
	}
	var fnErr error
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if gen != nil {
			if err := s.lockConnectionAt(tx, *gen); err != nil {
				return err
			}
		}
		var ct []byte
		if _, err := scanRow(tx.Raw("SELECT ciphertext FROM secrets WHERE name = ?"+s.forUpdate(), name).Row(), &ct); err != nil {
			return err
		}
		next, err := fn(ct)
		if err != nil {
			fnErr = err
			return err
		}
		if next == nil {
			return nil
		}
		return s.putSecret(tx, name, next)
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("store: update secret %q: %w", name, err)
	}
	return nil
}
