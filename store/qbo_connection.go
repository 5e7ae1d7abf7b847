package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// ConnectQBO stores the sealed token of a newly connected company and, in
// the same transaction, bumps the connection's generation, records the realm
// on the link that made the connection and audits the connection
// ("qbo.connected", or "qbo.switched" when another company was connected
// before). actor is who made the link.
func (s *Store) ConnectQBO(ctx context.Context, secretName string, ciphertext []byte, linkID int64, c QBOConnection) (QBOConnection, error) {
	if len(ciphertext) == 0 || c.RealmID == "" || c.ConnectedBy == "" {
		return QBOConnection{}, fmt.Errorf("store: connect qbo: empty token, realm or actor")
	}
	if c.ConnectedAt.IsZero() {
		c.ConnectedAt = s.clock()
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var (
			before     QBOConnection
			at         timeCol
			hadConnect bool
		)
		found, err := scanRow(tx.Raw(`SELECT generation, realm_id, company_name, connected_by, connected_at
			FROM qbo_connection WHERE id = 1`+s.forUpdate()).Row(),
			&before.Generation, &before.RealmID, &before.CompanyName, &before.ConnectedBy, &at)
		if err != nil {
			return err
		}
		before.ConnectedAt, hadConnect = at.T, found
		c.Generation = before.Generation + 1
		if err := tx.Exec(`INSERT INTO qbo_connection (id, generation, realm_id, company_name, connected_by, connected_at)
			VALUES (1, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET generation = excluded.generation, realm_id = excluded.realm_id,
				company_name = excluded.company_name, connected_by = excluded.connected_by, connected_at = excluded.connected_at`,
			c.Generation, c.RealmID, c.CompanyName, c.ConnectedBy, s.ts(c.ConnectedAt)).Error; err != nil {
			return err
		}
		if err := tx.Exec(`INSERT INTO secrets (name, ciphertext, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
			secretName, ciphertext, s.ts(c.ConnectedAt)).Error; err != nil {
			return err
		}
		if linkID != 0 {
			if err := tx.Exec(`UPDATE qbo_connect_links SET realm_id = ? WHERE id = ?`, c.RealmID, linkID).Error; err != nil {
				return err
			}
		}
		action, old := "qbo.connected", any(nil)
		if hadConnect {
			old = connectionJSON(before)
			if before.RealmID != c.RealmID {
				action = "qbo.switched"
			}
		}
		return s.auditChange(tx, c.ConnectedBy, action, "qbo_company", c.RealmID, fmt.Sprintf("link %d", linkID), old, connectionJSON(c))
	})
	if err != nil {
		return QBOConnection{}, fmt.Errorf("store: connect qbo company %s: %w", c.RealmID, err)
	}
	return c, nil
}

func connectionJSON(c QBOConnection) map[string]any {
	return map[string]any{"generation": c.Generation, "realm_id": c.RealmID, "company_name": c.CompanyName,
		"connected_by": c.ConnectedBy, "connected_at": c.ConnectedAt.UTC()}
}

// PutSecretAtGeneration stores a secret like PutSecret, but only while the
// QuickBooks connection is still at generation gen (0: none yet): a client
// built before a reconnect must not write its refreshed token over the new
// company's. A newer generation gives ErrConflict and changes nothing.
func (s *Store) PutSecretAtGeneration(ctx context.Context, name string, ciphertext []byte, gen int64) error {
	if len(ciphertext) == 0 {
		return fmt.Errorf("store: put secret %q: empty ciphertext", name)
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockConnectionAt(tx, gen); err != nil {
			return err
		}
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

// lockConnectionAt takes the QuickBooks connection's row lock inside tx, in
// the same order as ConnectQBO (connection, then secret), and checks it is
// still at generation gen (no row yet is generation 0: before the first
// connection there is no row to lock, and a bootstrap token's refresh racing
// that first connection is ordered by the secret's row lock alone).
func (s *Store) lockConnectionAt(tx *gorm.DB, gen int64) error {
	var cur int64
	if _, err := scanRow(tx.Raw(`SELECT generation FROM qbo_connection WHERE id = 1`+s.forUpdate()).Row(), &cur); err != nil {
		return err
	}
	if cur != gen {
		return fmt.Errorf("connection generation is %d, the token's is %d: %w", cur, gen, ErrConflict)
	}
	return nil
}
