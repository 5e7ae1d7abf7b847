package qbo

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

// LockingTokenStore is a TokenStore whose token can be read and replaced
// under one lock that every process sharing the store respects
// (EncryptedTokenStore over store.Store). fn gets the stored token and realm
// (nil, "" when none) and returns the token and realm to store (nil: keep).
type LockingTokenStore interface {
	TokenStore
	Update(ctx context.Context, fn func(tok *oauth2.Token, realmID string) (*oauth2.Token, string, error)) error
}

// ErrRefreshRefused is returned (wrapped, with ErrUnauthorized) when Intuit
// refuses the stored refresh token (invalid_grant): revoked, expired, or
// superseded by a newer one that was lost. Someone must reconnect.
var ErrRefreshRefused = errors.New("qbo: Intuit refused the stored refresh token (invalid_grant): reconnect QuickBooks with 'billbot qbo connect'")

// errSpent stops a second exchange of a refresh token this source has
// already exchanged: Intuit would refuse it, and the refusal would look
// like a revoked connection.
var errSpent = errors.New("qbo: the stored refresh token was already exchanged by this process and its successor was not stored")

// SourceOption configures a PersistingTokenSource.
type SourceOption func(*PersistingTokenSource)

// WithTokenHealth records every refresh outcome in h (for /readyz and
// doctor).
func WithTokenHealth(h *TokenHealth) SourceOption {
	return func(s *PersistingTokenSource) { s.health = h }
}

// PersistingTokenSource hands out access tokens and refreshes them through
// Intuit when they expire. The token is state shared by every process
// using the same database (replicas of serve, CLI runs beside it), and
// Intuit may rotate the refresh token on any refresh — the token endpoint
// answers with "the latest refresh_token", which must be used from then on
// (developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/faq).
// So a refresh happens only under the store's lock (LockingTokenStore):
// the stored token is reloaded first and used as is when another process
// has already refreshed it; else it is exchanged once and the new token is
// stored before the lock is released. A refresh token is never sent twice
// by one source, and an invalid_grant is retried once, with whatever token
// is stored by then.
type PersistingTokenSource struct {
	ctx     context.Context // long-lived: used by the refresh HTTP calls
	cfg     *oauth2.Config
	store   LockingTokenStore
	realmID string
	now     func() time.Time
	logger  *slog.Logger
	health  *TokenHealth

	mu      sync.Mutex
	cur     *oauth2.Token    // token handed out
	life    time.Duration    // cur's lifetime when obtained, for the early-refresh margin
	failed  string           // access token the API refused (Invalidate)
	spent   oauthstore.Spent // refresh tokens this source exchanged
	pending *oauth2.Token    // obtained from Intuit but not stored (the save failed)
	over    string           // the stored refresh token pending replaces
}

// NewPersistingTokenSource starts from tok (as loaded from store). ctx must
// outlive the source; it carries an optional oauth2.HTTPClient. A store
// that cannot lock across processes is given a lock of this process.
func NewPersistingTokenSource(ctx context.Context, cfg *oauth2.Config, store TokenStore, tok *oauth2.Token, realmID string, logger *slog.Logger, opts ...SourceOption) *PersistingTokenSource {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	ls, ok := store.(LockingTokenStore)
	if !ok {
		ls = &oauthstore.LocalLock{TokenStore: store, NoToken: ErrNoToken}
	}
	s := &PersistingTokenSource{ctx: ctx, cfg: cfg, store: ls, realmID: realmID, now: time.Now, logger: logger, cur: tok}
	for _, o := range opts {
		o(s)
	}
	s.life = tok.Expiry.Sub(s.now())
	return s
}

// RealmID returns the company the token belongs to.
func (s *PersistingTokenSource) RealmID() string { return s.realmID }

// Token returns a valid access token, refreshing (under the store's lock)
// when the one in hand is about to expire or the API refused it.
func (s *PersistingTokenSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed == "" && s.usable(s.cur, s.life) {
		return s.cur, nil
	}
	return s.refresh()
}

// Invalidate marks accessToken as refused by the API: the next Token call
// takes a newer one (stored by another process, or refreshed), unless the
// token in hand has already been replaced. Many requests failing at once
// thus lead to one refresh.
func (s *PersistingTokenSource) Invalidate(accessToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != nil && s.cur.AccessToken == accessToken {
		s.failed = accessToken
	}
}

// usable reports whether tok can still be sent: it has an access token
// that expires later than a margin of a quarter of its lifetime, at most
// 10 s (oauth2's own margin), from now.
func (s *PersistingTokenSource) usable(tok *oauth2.Token, life time.Duration) bool {
	if tok == nil || tok.AccessToken == "" {
		return false
	}
	if tok.Expiry.IsZero() {
		return true
	}
	margin := max(0, min(10*time.Second, life/4))
	return s.now().Add(margin).Before(tok.Expiry)
}

// refresh gets a newer token; callers hold s.mu. An invalid_grant is
// retried once: another process may have stored a newer token meanwhile.
func (s *PersistingTokenSource) refresh() (*oauth2.Token, error) {
	var refused string
	for attempt := 0; ; attempt++ {
		tok, rt, err := s.refreshLocked()
		if err == nil {
			s.cur, s.failed, s.life = tok, "", tok.Expiry.Sub(s.now())
			s.health.ok()
			return tok, nil
		}
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.ErrorCode == "invalid_grant" && attempt == 0 {
			refused = rt
			s.logger.Warn("qbo token refresh refused; reloading the stored token", "realm_id", s.realmID)
			continue
		}
		if errors.As(err, &re) || errors.Is(err, errSpent) {
			if rt != "" {
				refused = rt
			}
			s.health.refuse(refused, s.now())
			return nil, fmt.Errorf("qbo: refresh access token: %w: %w: %w", ErrUnauthorized, ErrRefreshRefused, err)
		}
		return nil, fmt.Errorf("qbo: refresh access token: %w", err)
	}
}

// refreshLocked runs one round under the store's lock and returns the token
// to use and the refresh token it tried.
func (s *PersistingTokenSource) refreshLocked() (*oauth2.Token, string, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(s.ctx), 30*time.Second)
	defer cancel()
	var out *oauth2.Token
	var tried string
	err := s.store.Update(ctx, func(stored *oauth2.Token, realm string) (*oauth2.Token, string, error) {
		if stored == nil {
			return nil, "", ErrNoToken
		}
		if realm != s.realmID {
			return nil, "", fmt.Errorf("qbo: the stored token is now for another company (realm %s): %w", realm, ErrUnauthorized)
		}
		base, save := stored, false
		if s.pending != nil && stored.RefreshToken == s.over {
			base, save = s.pending, true // our last refresh was not stored: it is the newest
		}
		if base.AccessToken != s.failed && s.usable(base, base.Expiry.Sub(s.now())) {
			out = base // another process refreshed already
			if save {
				return base, realm, nil
			}
			return nil, "", nil
		}
		tried = base.RefreshToken
		// ctx keeps s.ctx's values: its oauth2.HTTPClient, if any.
		tok, err := s.spent.Exchange(ctx, s.cfg, tried, errSpent)
		if err != nil {
			return nil, "", err
		}
		if tok.RefreshToken == tried {
			// Intuit kept the refresh token (it changes about once a day):
			// it is still the current one, not spent.
			s.spent.Kept()
		}
		tok = stamp(tok, s.now())
		s.pending, s.over, out = tok, stored.RefreshToken, tok
		return tok, realm, nil
	})
	if err == nil {
		s.pending = nil
		return out, tried, nil
	}
	if out != nil && out == s.pending {
		// Intuit gave a new token but storing it failed: use it, and store
		// it on the next refresh (the lock is retried then).
		s.logger.LogAttrs(ctx, slog.LevelError, "qbo token not saved",
			slog.String("realm_id", s.realmID), slog.String("error", err.Error()))
		return out, tried, nil
	}
	return nil, tried, err
}
