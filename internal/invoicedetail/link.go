package invoicedetail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// LinkTTL is how long a detail link works: 180 days, long enough to answer
// a client who disputes an invoice months after it was sent. `billbot
// invoice show NUMBER` prints a fresh link at any time.
const LinkTTL = 180 * 24 * time.Hour

// linkLabel derives the link-signing key from BILLBOT_ENCRYPTION_KEY, so
// the encryption key itself never signs anything and a leaked signature
// says nothing about it. Changing the label invalidates every link.
const linkLabel = "billbot invoice-detail link v1"

// ErrBadLink is a link whose signature does not match or that has expired.
var ErrBadLink = errors.New("invoice detail link is invalid or expired")

// Signer makes and checks signed, expiring links to the detail page.
type Signer struct {
	key  []byte
	base string // BILLBOT_PUBLIC_URL without a trailing "/"
	now  func() time.Time
}

// NewSigner returns a Signer keyed by HMAC-SHA256(encryptionKey, label):
// a key derived for this one purpose. base is the public URL links start
// with; now is the clock (nil: time.Now).
func NewSigner(encryptionKey []byte, base string, now func() time.Time) (*Signer, error) {
	if len(encryptionKey) < 16 {
		return nil, errors.New("invoice detail links: the encryption key is missing or too short")
	}
	if now == nil {
		now = time.Now
	}
	m := hmac.New(sha256.New, encryptionKey)
	m.Write([]byte(linkLabel))
	return &Signer{key: m.Sum(nil), base: strings.TrimRight(base, "/"), now: now}, nil
}

// Link returns the page's URL for the invoice number, valid for LinkTTL,
// with its expiry (rounded down to the second).
func (s *Signer) Link(number string) (string, time.Time) {
	exp := s.now().Add(LinkTTL).Truncate(time.Second)
	return s.LinkUntil(number, exp), exp
}

// LinkUntil returns the page's URL valid until exp.
func (s *Signer) LinkUntil(number string, exp time.Time) string {
	e := strconv.FormatInt(exp.Unix(), 10)
	q := url.Values{"exp": {e}, "sig": {s.sign(number, e)}}
	return s.base + "/invoices/" + url.PathEscape(number) + "?" + q.Encode()
}

// sign is HMAC-SHA256 over the number and the expiry, separated by a byte
// neither can contain.
func (s *Signer) sign(number, exp string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(number))
	m.Write([]byte{0})
	m.Write([]byte(exp))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Verify checks a link's number, exp and sig (as received): ErrBadLink when
// the signature is wrong or the link has expired.
func (s *Signer) Verify(number, exp, sig string) error {
	want := s.sign(number, exp)
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return ErrBadLink
	}
	e, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || !s.now().Before(time.Unix(e, 0)) {
		return ErrBadLink
	}
	return nil
}
