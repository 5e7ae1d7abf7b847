package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// PutSecret stores (or replaces) a secret's ciphertext. The store never
// sees plaintext: encryption happens before, decryption after. The audit
// event names the secret, never its content.
func (s *Store) PutSecret(ctx context.Context, name string, ciphertext []byte) error {
	if len(ciphertext) == 0 {
		return fmt.Errorf("store: put secret %q: empty ciphertext", name)
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec(`INSERT INTO secrets (name, ciphertext, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
			name, ciphertext, s.ts(s.clock())).Error; err != nil {
			return err
		}
		return s.auditChange(tx, SystemActor, "secret.put", "secret", name, "", nil, nil)
	})
	if err != nil {
		return fmt.Errorf("store: put secret %q: %w", name, err)
	}
	return nil
}

// Secret returns a secret's ciphertext; ErrNotFound when unset.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
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
