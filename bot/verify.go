package bot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// signatureWindow is how far a request's timestamp may be from now, in
// either direction: docs.slack.dev/authentication/verifying-requests-from-slack
// ("more than five minutes from local time"); slack-go v0.35.0 security.go
// uses the absolute difference.
const signatureWindow = 5 * time.Minute

// verifySignature checks Slack's v0 request signature over the raw body.
// It follows slack-go v0.35.0 security.go (NewSecretsVerifier + Ensure) step
// by step and returns the same errors, but takes the clock as an argument:
// slack-go reads time.Now itself, which would make the documented test
// vectors (old timestamps) impossible to check.
func verifySignature(h http.Header, body []byte, secret string, now time.Time) error {
	if secret == "" {
		return slack.ErrInvalidConfiguration
	}
	signature := h.Get("X-Slack-Signature")
	stamp := h.Get("X-Slack-Request-Timestamp")
	if signature == "" || stamp == "" {
		return slack.ErrMissingHeaders
	}
	hexSig, ok := strings.CutPrefix(signature, "v0=")
	if !ok {
		return slack.ErrInvalidSignature
	}
	want, err := hex.DecodeString(hexSig)
	if err != nil || len(want) != sha256.Size {
		return slack.ErrInvalidSignature
	}
	secs, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return fmt.Errorf("parse X-Slack-Request-Timestamp: %w", slack.ErrMissingHeaders)
	}
	if now.Sub(time.Unix(secs, 0)).Abs() > signatureWindow {
		return slack.ErrExpiredTimestamp
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + stamp + ":"))
	mac.Write(body)
	// hmac.Equal compares in constant time.
	if !hmac.Equal(mac.Sum(nil), want) {
		return slack.ErrInvalidSignature
	}
	return nil
}
