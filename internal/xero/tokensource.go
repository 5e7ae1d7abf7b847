package xero

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/oauthstore"
)

// errSpent stops a second exchange of a refresh token this source already
// exchanged: Xero would refuse it (the old token dies on rotation).
var errSpent = errors.New("xero: the stored refresh token was already exchanged by this process and its successor was not stored")

// PersistingTokenSource hands out access tokens (30 minutes) and refreshes
// them through Xero. Xero rotates the refresh token on every refresh and the
// old one stops working (developer.xero.com/faq/oauth2, docs/vendors.md §6.1),
// and the token is shared by every process using the same database. So a
// refresh happens only under the store's lock: the stored token is reloaded
// first and used as is when another process already refreshed it; else its
// refresh token is exchanged once and the new pair stored before the lock is
// released. A process whose own copy was rotated by another thus never
// sends the dead refresh token.
type PersistingTokenSource struct {
	ctx    context.Context
	cfg    *oauth2.Config
	store  LockingTokenStore
	tenant string
	now    func() time.Time
	logger *slog.Logger

	mu     sync.Mutex
	cur    *oauth2.Token
	failed string
	spent  oauthstore.Spent
}

// NewPersistingTokenSource starts from tok (as loaded from store). A store
// that cannot lock across processes gets a lock of this process.
func NewPersistingTokenSource(ctx context.Context, cfg *oauth2.Config, store TokenStore, tok *oauth2.Token, tenantID string, logger *slog.Logger) *PersistingTokenSource {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	ls, ok := store.(LockingTokenStore)
	if !ok {
		ls = &oauthstore.LocalLock{TokenStore: store, NoToken: ErrNoToken}
	}
	return &PersistingTokenSource{ctx: ctx, cfg: cfg, store: ls, tenant: tenantID, now: time.Now, logger: logger, cur: tok}
}

// TenantID returns the organisation the token is used for.
func (s *PersistingTokenSource) TenantID() string { return s.tenant }

// Token returns a valid access token, refreshing when the one in hand is
// about to expire or the API refused it.
func (s *PersistingTokenSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed == "" && s.usable(s.cur) {
		return s.cur, nil
	}
	var lastErr error
	for attempt := 0; attempt < 2; attempt++ {
		tok, err := s.refreshLocked()
		if err == nil {
			s.cur, s.failed = tok, ""
			return tok, nil
		}
		lastErr = err
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.ErrorCode == "invalid_grant" && attempt == 0 {
			// Another process may have stored a newer token meanwhile.
			s.logger.Warn("xero token refresh refused; reloading the stored token", "tenant_id", s.tenant)
			continue
		}
		break
	}
	var re *oauth2.RetrieveError
	if errors.As(lastErr, &re) || errors.Is(lastErr, errSpent) {
		return nil, fmt.Errorf("xero: refresh access token: %w: %w: %w", ErrUnauthorized, ErrRefreshRefused, lastErr)
	}
	return nil, fmt.Errorf("xero: refresh access token: %w", lastErr)
}

// Invalidate marks accessToken as refused by the API.
func (s *PersistingTokenSource) Invalidate(accessToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != nil && s.cur.AccessToken == accessToken {
		s.failed = accessToken
	}
}

// usable: an access token that lives at least 30 more seconds.
func (s *PersistingTokenSource) usable(tok *oauth2.Token) bool {
	if tok == nil || tok.AccessToken == "" {
		return false
	}
	return tok.Expiry.IsZero() || s.now().Add(30*time.Second).Before(tok.Expiry)
}

func (s *PersistingTokenSource) refreshLocked() (*oauth2.Token, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(s.ctx), 30*time.Second)
	defer cancel()
	var out *oauth2.Token
	err := s.store.Update(ctx, func(stored *oauth2.Token, tenant string) (*oauth2.Token, string, error) {
		if stored == nil {
			return nil, "", ErrNoToken
		}
		if tenant != s.tenant {
			return nil, "", fmt.Errorf("xero: the stored token is now for another organisation (%s): %w", tenant, ErrUnauthorized)
		}
		if stored.AccessToken != s.failed && s.usable(stored) {
			out = stored // another process refreshed already
			return nil, "", nil
		}
		tok, err := s.spent.Exchange(ctx, s.cfg, stored.RefreshToken, errSpent)
		if err != nil {
			return nil, "", err
		}
		out = stamp(tok, s.now())
		return out, tenant, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
