// Package secrets seals small secrets (OAuth tokens) for storage at rest with
// AES-256-GCM. The key comes from BILLBOT_ENCRYPTION_KEY; a sealed value is
// bound to a name (the associated data) so that one secret's ciphertext
// cannot be swapped in for another's.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length in bytes of an AES-256 key.
const KeySize = 32

// ErrKey is returned (wrapped) when the key text is not base64 of exactly
// KeySize bytes. The message never repeats the key.
var ErrKey = errors.New("secrets: key must be base64 of exactly 32 bytes")

// ErrOpen is returned when a ciphertext cannot be opened: it was tampered
// with, truncated, sealed under another key or for another name.
var ErrOpen = errors.New("secrets: cannot open sealed value (wrong key, wrong name or tampered)")

// Box seals and opens values with one AES-256-GCM key. It is safe for
// concurrent use.
type Box struct {
	aead cipher.AEAD
	fp   string
}

// fingerprintLabel is the message whose HMAC under the key identifies the
// key. Changing it changes every fingerprint: keep the version suffix.
const fingerprintLabel = "billbot key fingerprint v1"

// NewBox builds a Box from the base64 (standard or URL alphabet, padded or
// not) text of a 32-byte key.
func NewBox(keyB64 string) (*Box, error) {
	key, err := decodeKey(strings.TrimSpace(keyB64))
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secrets: init cipher: %w", ErrKey)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secrets: init gcm: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(fingerprintLabel))
	return &Box{aead: aead, fp: hex.EncodeToString(mac.Sum(nil))}, nil
}

// NewKey returns a fresh random key, base64 (standard alphabet, padded), as
// NewBox takes it. crypto/rand does not fail (Go 1.24+), so neither does
// NewKey.
func NewKey() string {
	key := make([]byte, KeySize)
	_, _ = rand.Read(key)
	return base64.StdEncoding.EncodeToString(key)
}

// Fingerprint identifies the key without revealing it: the hex of
// HMAC-SHA256(key, "billbot key fingerprint v1"). Stored beside the
// secrets, it tells a wrong key from tampered data before anything is
// written.
func (b *Box) Fingerprint() string { return b.fp }

func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{
		base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding,
	} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != KeySize {
				return nil, fmt.Errorf("secrets: key decodes to %d bytes: %w", len(b), ErrKey)
			}
			return b, nil
		}
	}
	return nil, ErrKey
}

// Seal encrypts plaintext bound to associated (e.g. the secret's name). The
// result is a random 12-byte nonce followed by the GCM ciphertext and tag;
// sealing the same value twice gives different bytes.
func (b *Box) Seal(plaintext []byte, associated string) ([]byte, error) {
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(plaintext)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("secrets: read nonce: %w", err)
	}
	return b.aead.Seal(nonce, nonce, plaintext, []byte(associated)), nil
}

// Open decrypts a value made by Seal with the same associated data. Any
// mismatch gives ErrOpen and no plaintext.
func (b *Box) Open(ciphertext []byte, associated string) ([]byte, error) {
	ns := b.aead.NonceSize()
	if len(ciphertext) < ns+b.aead.Overhead() {
		return nil, fmt.Errorf("secrets: sealed value too short (%d bytes): %w", len(ciphertext), ErrOpen)
	}
	pt, err := b.aead.Open(nil, ciphertext[:ns], ciphertext[ns:], []byte(associated))
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}
