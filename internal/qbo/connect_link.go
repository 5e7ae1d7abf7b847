package qbo

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// LinkTTL is how long a connect link lasts; the OAuth state it starts
// expires with it.
const LinkTTL = 15 * time.Minute

// ConnectPath and CallbackPath are where serve mounts the connect flow.
const (
	ConnectPath  = "/oauth/qbo/connect"
	CallbackPath = "/oauth/qbo/callback"
)

// ErrLinkInvalid is what a ConnectLinks returns (wrapped) for a link or a
// state that is unknown, already used or expired.
var ErrLinkInvalid = errors.New("qbo: connect link unknown, used or expired")

// ConnectLink is one stored one-time link, as the connect flow sees it.
type ConnectLink struct {
	ID          int64
	CreatedBy   string // who made the link: a Slack user id or "cli:<user>"
	AllowSwitch bool   // made with --switch-company
	ExpiresAt   time.Time
}

// ConnectLinks is the server-side record of links and states; it is given
// SHA-256 hashes only (HashSecret), never the values themselves.
type ConnectLinks interface {
	// PeekLink returns a link that is unopened and unexpired, and changes
	// nothing; otherwise an error wrapping ErrLinkInvalid.
	PeekLink(ctx context.Context, linkHash string, now time.Time) (ConnectLink, error)
	// OpenLink marks the link opened and binds stateHash to it, once and
	// before it expires; otherwise an error wrapping ErrLinkInvalid.
	OpenLink(ctx context.Context, linkHash, stateHash string, now time.Time) (ConnectLink, error)
	// ConsumeState uses up the state of an opened link, once and before
	// the link expires (atomically: of two concurrent calls one wins);
	// otherwise an error wrapping ErrLinkInvalid.
	ConsumeState(ctx context.Context, stateHash string, now time.Time) (ConnectLink, error)
}

// NewSecret returns 32 random bytes, base64url-encoded, for a link token or
// an OAuth state.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("qbo: random secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashSecret is the SHA-256 (hex) under which a link token or a state is
// stored: the database never holds a usable link.
func HashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// LinkURL is the connect link for token under publicURL (BILLBOT_PUBLIC_URL).
func LinkURL(publicURL, token string) string {
	return strings.TrimRight(publicURL, "/") + ConnectPath + "?" + url.Values{"t": {token}}.Encode()
}
