package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// ErrConnectLinkInvalid is returned when a QuickBooks connect link or its
// OAuth state is unknown, already used or expired.
var ErrConnectLinkInvalid = errors.New("store: connect link unknown, used or expired")

// QBOConnectLink is one one-time link that may start the QuickBooks connect
// flow. The link token and the OAuth state are kept only as hashes.
type QBOConnectLink struct {
	ID          int64
	CreatedBy   string // Slack user id, or "cli:<os user>"
	CreatedVia  string // "cli" or "app_home"
	AllowSwitch bool   // may connect another company than the connected one
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// QBOConnection is the connected QuickBooks company. Generation grows by one
// with every connection or switch.
type QBOConnection struct {
	Generation  int64
	RealmID     string
	CompanyName string
	ConnectedBy string
	ConnectedAt time.Time
}

// ConnectLinkGrace is how long an expired connect link (and its OAuth
// state) is kept, for looking into a failed connection; creating a link
// deletes the older ones. The audit trail keeps who made each link for good.
const ConnectLinkGrace = 7 * 24 * time.Hour

// CreateQBOConnectLink stores a new link under the hash of its token and
// audits who made it. In the same transaction it deletes the links (used
// or not, with their OAuth states) that expired more than ConnectLinkGrace
// before.
func (s *Store) CreateQBOConnectLink(ctx context.Context, linkHash string, l QBOConnectLink) (int64, error) {
	if l.CreatedAt.IsZero() {
		l.CreatedAt = s.clock()
	}
	var id int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		row := tx.Raw(`INSERT INTO qbo_connect_links (link_hash, created_by, created_via, allow_switch, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			linkHash, l.CreatedBy, l.CreatedVia, l.AllowSwitch, s.ts(l.CreatedAt), s.ts(l.ExpiresAt)).Row()
		if err := row.Scan(&id); err != nil {
			return err
		}
		l.ID = id
		if err := tx.Exec(`DELETE FROM qbo_connect_links WHERE expires_at < ? AND id <> ?`, s.ts(l.CreatedAt.Add(-ConnectLinkGrace)), id).Error; err != nil {
			return fmt.Errorf("delete expired links: %w", err)
		}
		return s.auditChange(tx, l.CreatedBy, "qbo.connect_link.created", "qbo_connect_link", fmt.Sprint(id), l.CreatedVia, nil,
			map[string]any{"allow_switch": l.AllowSwitch, "expires_at": l.ExpiresAt.UTC()})
	})
	if err != nil {
		return 0, fmt.Errorf("store: create qbo connect link: %w", err)
	}
	return id, nil
}

// PeekQBOConnectLink returns the link if it is unopened and unexpired,
// and changes nothing: a link preview's GET must not use up the link.
// Otherwise ErrConnectLinkInvalid.
func (s *Store) PeekQBOConnectLink(ctx context.Context, linkHash string, now time.Time) (QBOConnectLink, error) {
	var (
		l                  QBOConnectLink
		created, expiresAt timeCol
	)
	found, err := scanRow(s.q(ctx).Raw(`SELECT id, created_by, created_via, allow_switch, created_at, expires_at
		FROM qbo_connect_links WHERE link_hash = ? AND opened_at IS NULL AND expires_at > ?`, linkHash, s.ts(now)).Row(),
		&l.ID, &l.CreatedBy, &l.CreatedVia, &l.AllowSwitch, &created, &expiresAt)
	if err == nil && !found {
		err = ErrConnectLinkInvalid
	}
	if err != nil {
		return QBOConnectLink{}, fmt.Errorf("store: peek qbo connect link: %w", err)
	}
	l.CreatedAt, l.ExpiresAt = created.T, expiresAt.T
	return l, nil
}

// OpenQBOConnectLink marks the link as opened and binds the hash of the
// OAuth state to it, once: a second open, an unknown or an expired link
// gives ErrConnectLinkInvalid.
func (s *Store) OpenQBOConnectLink(ctx context.Context, linkHash, stateHash string, now time.Time) (QBOConnectLink, error) {
	var l QBOConnectLink
	err := s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE qbo_connect_links SET opened_at = ?, state_hash = ?
			WHERE link_hash = ? AND opened_at IS NULL AND expires_at > ?`,
			s.ts(now), stateHash, linkHash, s.ts(now))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrConnectLinkInvalid
		}
		var err error
		l, err = s.connectLink(tx, "link_hash", linkHash)
		return err
	})
	if err != nil {
		return QBOConnectLink{}, fmt.Errorf("store: open qbo connect link: %w", err)
	}
	return l, nil
}

// ConsumeQBOConnectState uses up the OAuth state of an opened link. One
// guarded UPDATE does it, so of two concurrent callbacks with the same state
// only one gets the link; the other, an unknown or an expired state gives
// ErrConnectLinkInvalid.
func (s *Store) ConsumeQBOConnectState(ctx context.Context, stateHash string, now time.Time) (QBOConnectLink, error) {
	var l QBOConnectLink
	err := s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE qbo_connect_links SET used_at = ?
			WHERE state_hash = ? AND opened_at IS NOT NULL AND used_at IS NULL AND expires_at > ?`,
			s.ts(now), stateHash, s.ts(now))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrConnectLinkInvalid
		}
		var err error
		l, err = s.connectLink(tx, "state_hash", stateHash)
		return err
	})
	if err != nil {
		return QBOConnectLink{}, fmt.Errorf("store: consume qbo connect state: %w", err)
	}
	return l, nil
}

func (s *Store) connectLink(tx *gorm.DB, col, hash string) (QBOConnectLink, error) {
	var (
		l                  QBOConnectLink
		created, expiresAt timeCol
	)
	found, err := scanRow(tx.Raw(`SELECT id, created_by, created_via, allow_switch, created_at, expires_at
		FROM qbo_connect_links WHERE `+col+` = ?`, hash).Row(),
		&l.ID, &l.CreatedBy, &l.CreatedVia, &l.AllowSwitch, &created, &expiresAt)
	if err != nil {
		return l, err
	}
	if !found {
		return l, ErrConnectLinkInvalid
	}
	l.CreatedAt, l.ExpiresAt = created.T, expiresAt.T
	return l, nil
}

// QBOConnection returns the connected company; ErrNotFound before the first
// connection through a link (a token seeded from QBO_REFRESH_TOKEN has no
// row).
func (s *Store) QBOConnection(ctx context.Context) (QBOConnection, error) {
	var (
		c  QBOConnection
		at timeCol
	)
	found, err := scanRow(s.q(ctx).Raw(`SELECT generation, realm_id, company_name, connected_by, connected_at
		FROM qbo_connection WHERE id = 1`).Row(), &c.Generation, &c.RealmID, &c.CompanyName, &c.ConnectedBy, &at)
	if err != nil {
		return QBOConnection{}, fmt.Errorf("store: qbo connection: %w", err)
	}
	if !found {
		return QBOConnection{}, fmt.Errorf("store: qbo connection: %w", ErrNotFound)
	}
	c.ConnectedAt = at.T
	return c, nil
}

// QBOConnectionGeneration returns the connection's generation, 0 before the
// first connection. It is one primary-key read, cheap enough to check
// before every use of a cached QuickBooks client.
func (s *Store) QBOConnectionGeneration(ctx context.Context) (int64, error) {
	var g int64
	if _, err := scanRow(s.q(ctx).Raw(`SELECT generation FROM qbo_connection WHERE id = 1`).Row(), &g); err != nil {
		return 0, fmt.Errorf("store: qbo connection generation: %w", err)
	}
	return g, nil
}
