package qbo

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// ErrRefreshExpired is returned (wrapped) by CheckToken when the stored
// refresh token is past its expiry (Intuit: ~100 days rolling, 5 years at
// most): someone must reconnect.
var ErrRefreshExpired = errors.New("qbo: the stored refresh token has expired: reconnect QuickBooks with 'billbot qbo connect'")

// TokenHealth is the last known outcome of the token sources' refreshes in
// this process, so that /readyz can tell a usable QuickBooks token from a
// dead one without calling Intuit. It keeps a hash of a refused refresh
// token, never the token. The zero value and nil are ready to use.
type TokenHealth struct {
	mu        sync.Mutex
	refusedRT [sha256.Size]byte // hash of the refresh token Intuit refused
	at        time.Time         // when; zero: no refusal stands
}

// ok records a usable token: any earlier refusal is over.
func (h *TokenHealth) ok() {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.at = time.Time{}
}

func (h *TokenHealth) refuse(refreshToken string, now time.Time) {
	if h == nil || refreshToken == "" {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.refusedRT, h.at = sha256.Sum256([]byte(refreshToken)), now
}

// refusedToken reports whether Intuit refused this very refresh token.
func (h *TokenHealth) refusedToken(refreshToken string) (time.Time, bool) {
	if h == nil {
		return time.Time{}, false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.at, !h.at.IsZero() && h.refusedRT == sha256.Sum256([]byte(refreshToken))
}

// CheckToken tells whether the stored QuickBooks token can be used, from
// the store and h alone (no call to Intuit): an error wrapping ErrNoToken
// when none is stored; the open error (secrets.ErrOpen: wrong key,
// tampered) when it cannot be decrypted; ErrRefreshExpired when its refresh
// token is past its expiry; ErrRefreshRefused when a refresh with the
// refresh token still stored was refused. A reconnect stores another
// refresh token and so clears a refusal.
func CheckToken(ctx context.Context, ts TokenStore, h *TokenHealth, now time.Time) error {
	tok, _, err := ts.Load(ctx)
	if err != nil {
		return err
	}
	return CheckLoaded(tok, h, now)
}

// CheckLoaded is CheckToken for a token already loaded.
func CheckLoaded(tok *oauth2.Token, h *TokenHealth, now time.Time) error {
	if exp := RefreshTokenExpiry(tok, now); !exp.IsZero() && !now.Before(exp) {
		return fmt.Errorf("expired %s: %w", exp.UTC().Format(time.RFC3339), ErrRefreshExpired)
	}
	if at, ok := h.refusedToken(tok.RefreshToken); ok {
		return fmt.Errorf("refused at %s: %w", at.UTC().Format(time.RFC3339), ErrRefreshRefused)
	}
	return nil
}
