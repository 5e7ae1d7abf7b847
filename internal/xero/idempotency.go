package xero

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// MaxIdempotencyKeyLen is the longest Idempotency-Key Xero takes: 128
// characters (Xero Accounting API OpenAPI, parameter idempotencyKey;
// docs/vendors.md §6.9).
const MaxIdempotencyKeyLen = 128

// IdempotencyKey derives a deterministic key from parts (the operation and
// billbot's request or draft key): "billbot-" and 40 hex digits of SHA-256
// over the parts. The same parts always give the same key, so a retry — or
// a re-run after a crash — is answered by Xero with the first response
// instead of a second invoice.
func IdempotencyKey(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return "billbot-" + hex.EncodeToString(h[:])[:40]
}
