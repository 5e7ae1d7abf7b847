package qbo

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// QBO's requestid limits: ≤ 50 characters, ≤ 36 for a batch request
// (Intuit developer blog "Request ID update for QuickBooks Online
// integration", blogs.intuit.com/2015/04/06/15346; docs/vendors.md §2.5).
const (
	MaxRequestIDLen      = 50
	MaxBatchRequestIDLen = 36
)

// RequestID derives a deterministic requestid from parts (for example the
// draft key and the operation): the first 40 hex digits of SHA-256 over the
// parts. The same parts always give the same id, so a retried approval
// cannot create a second invoice.
func RequestID(parts ...string) string { return hashID(parts, 40) }

// BatchRequestID is RequestID cut to the 36 characters a batch allows.
func BatchRequestID(parts ...string) string { return hashID(parts, MaxBatchRequestIDLen) }

func hashID(parts []string, n int) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:])[:n]
}
