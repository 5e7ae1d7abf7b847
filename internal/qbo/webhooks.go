package qbo

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// SignatureHeader carries base64(HMAC-SHA256(verifier token, raw body))
// (docs/vendors.md §2.10, developer.intuit.com/app/developer/qbo/docs/develop/webhooks).
const SignatureHeader = "intuit-signature"

// maxWebhookBody bounds a webhook delivery (1 MiB, as for Slack requests).
const maxWebhookBody = 1 << 20

// Event is one entity change from a webhook, in either payload format.
type Event struct {
	// Key identifies the change across redeliveries: the CloudEvent id,
	// or for the legacy format realm, entity, id, operation and
	// lastUpdated.
	Key       string
	RealmID   string
	Entity    string // "Invoice", "Payment", ...
	ID        string
	Operation string // "Create", "Update", "Delete", "Merge", "Void", "Emailed"
	At        time.Time
}

// SignWebhook returns the intuit-signature value for body.
func SignWebhook(body []byte, verifierToken string) string {
	m := hmac.New(sha256.New, []byte(verifierToken))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// VerifyWebhook reports whether signatureB64 is the HMAC-SHA256 of the raw
// body under the app's verifier token, compared in constant time. Any
// change to the bytes, even white space, fails.
func VerifyWebhook(body []byte, signatureB64, verifierToken string) bool {
	if verifierToken == "" || signatureB64 == "" {
		return false
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(signatureB64))
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(verifierToken))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// Delivery is one verified webhook POST.
type Delivery struct {
	// ID is the hex SHA-256 of the body: the same delivery posted again
	// has the same ID.
	ID string
	// Events are the delivery's events for the configured realm, without
	// the malformed or unknown ones.
	Events []Event
}

// WebhookSink takes a delivery in: it should only record the work (a
// durable queue) and return at once. An error answers 503, which Intuit
// retries.
type WebhookSink func(ctx context.Context, d Delivery) error

// WebhookHandler serves POST /webhooks/qbo. It reads at most 1 MiB (413
// beyond), answers 401 and does nothing when the signature is missing or
// wrong, skips (and logs) events that are malformed or of an unknown type,
// keeps only events for realmID (all when empty), hands the rest to sink
// and answers 200. Intuit wants a 200 within 3 s and the processing done
// asynchronously from a queue
// (developer.intuit.com/app/developer/qbo/docs/develop/webhooks/best-practices):
// sink enqueues, a worker refreshes.
func WebhookHandler(verifier, realmID string, sink WebhookSink, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read body", http.StatusBadRequest)
			return
		}
		if !VerifyWebhook(body, r.Header.Get(SignatureHeader), verifier) {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		events, skipped, err := ParseWebhook(body)
		if err != nil {
			logger.LogAttrs(r.Context(), slog.LevelWarn, "qbo webhook not understood", slog.String("error", err.Error()))
			http.Error(w, "malformed payload", http.StatusBadRequest)
			return
		}
		for _, s := range skipped {
			level := slog.LevelWarn
			if errors.Is(s, ErrUnknownEventType) {
				level = slog.LevelInfo
			}
			logger.LogAttrs(r.Context(), level, "qbo webhook event skipped", slog.String("reason", s.Error()))
		}
		kept := events[:0]
		for _, e := range events {
			if realmID == "" || e.RealmID == realmID {
				kept = append(kept, e)
			}
		}
		if len(kept) > 0 && sink != nil {
			sum := sha256.Sum256(body)
			if err := sink(r.Context(), Delivery{ID: hex.EncodeToString(sum[:]), Events: kept}); err != nil {
				logger.LogAttrs(r.Context(), slog.LevelError, "qbo webhook not queued", slog.String("error", err.Error()))
				http.Error(w, "cannot take the delivery now", http.StatusServiceUnavailable)
				return
			}
		}
		w.WriteHeader(http.StatusOK)
	})
}
