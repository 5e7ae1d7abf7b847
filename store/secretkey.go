package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// ErrKeyMismatch is returned by CheckKey when the stored secrets were
// sealed under another key than the one offered.
var ErrKeyMismatch = errors.New("store: the stored secrets were encrypted with another key")

// CheckKey binds the database to the encryption key whose fingerprint is
// fp, in one transaction:
//   - the stored fingerprint is fp: nothing to do;
//   - another fingerprint is stored: ErrKeyMismatch when any secret is
//     stored (nothing changes), else fp replaces it (nothing was sealed
//     under the old key);
//   - none is stored (a database from before fingerprints): every stored
//     secret must open with the key (opens reports it), then fp is
//     recorded; else ErrKeyMismatch and nothing changes.
func (s *Store) CheckKey(ctx context.Context, fp string, opens func(name string, ciphertext []byte) bool) error {
	if fp == "" {
		return errors.New("store: check key: empty fingerprint")
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		stored, err := fingerprint(tx, s.forUpdate())
		if err != nil {
			return err
		}
		if stored == fp {
			return nil
		}
		secrets, err := allSecrets(tx, "")
		if err != nil {
			return err
		}
		if stored != "" && len(secrets) > 0 {
			return ErrKeyMismatch
		}
		for _, sc := range secrets {
			if !opens(sc.name, sc.ciphertext) {
				return ErrKeyMismatch
			}
		}
		return s.setFingerprint(tx, fp)
	})
	if err != nil {
		return fmt.Errorf("store: check key: %w", err)
	}
	return nil
}

// KeyFingerprint returns the fingerprint of the key the secrets are sealed
// with; "" when none is recorded.
func (s *Store) KeyFingerprint(ctx context.Context) (string, error) {
	fp, err := fingerprint(s.q(ctx), "")
	if err != nil {
		return "", fmt.Errorf("store: key fingerprint: %w", err)
	}
	return fp, nil
}

// ResealSecrets re-encrypts every stored secret and records the new key's
// fingerprint, all in one transaction that locks every secret: reseal gets
// each secret's name and ciphertext and returns its replacement (nil: leave
// it, e.g. already sealed under the new key). Any error rolls everything
// back. It returns how many secrets were replaced.
func (s *Store) ResealSecrets(ctx context.Context, fp string, reseal func(name string, ciphertext []byte) ([]byte, error)) (int, error) {
	if fp == "" {
		return 0, errors.New("store: reseal secrets: empty fingerprint")
	}
	changed := 0
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if _, err := fingerprint(tx, s.forUpdate()); err != nil {
			return err
		}
		secrets, err := allSecrets(tx, s.forUpdate())
		if err != nil {
			return err
		}
		for _, sc := range secrets {
			next, err := reseal(sc.name, sc.ciphertext)
			if err != nil {
				return err
			}
			if next == nil {
				continue
			}
			if err := s.putSecret(tx, sc.name, next); err != nil {
				return err
			}
			changed++
		}
		if err := s.setFingerprint(tx, fp); err != nil {
			return err
		}
		return s.auditChange(tx, SystemActor, "secrets.rekey", "secret", "*", fmt.Sprintf("%d secrets re-encrypted", changed), nil, nil)
	})
	if err != nil {
		return 0, fmt.Errorf("store: reseal secrets: %w", err)
	}
	return changed, nil
}

type namedSecret struct {
	name       string
	ciphertext []byte
}

func allSecrets(tx *gorm.DB, lock string) ([]namedSecret, error) {
	rows, err := tx.Raw("SELECT name, ciphertext FROM secrets WHERE name <> ? ORDER BY name"+lock, keyFingerprintName).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []namedSecret
	for rows.Next() {
		var sc namedSecret
		if err := rows.Scan(&sc.name, &sc.ciphertext); err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

func fingerprint(q *gorm.DB, lock string) (string, error) {
	var b []byte
	if _, err := scanRow(q.Raw("SELECT ciphertext FROM secrets WHERE name = ?"+lock, keyFingerprintName).Row(), &b); err != nil {
		return "", err
	}
	return string(b), nil
}

func (s *Store) setFingerprint(tx *gorm.DB, fp string) error {
	return tx.Exec(`INSERT INTO secrets (name, ciphertext, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
		keyFingerprintName, []byte(fp), s.ts(s.clock())).Error
}
