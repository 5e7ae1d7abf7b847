package xero

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// SignatureHeader carries base64(HMAC-SHA256(webhook key, raw body))
// (developer.xero.com/documentation/guides/webhooks/configuring-your-server,
// docs/vendors.md §6.12).
const SignatureHeader = "x-xero-signature"

const maxWebhookBody = 1 << 20

// Sign returns the x-xero-signature value for body under key.
func Sign(key string, body []byte) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// VerifySignature reports whether header is the base64 HMAC-SHA256 of the
// raw body under the webhook key, compared in constant time. Any change to
// the bytes fails.
func VerifySignature(key string, body []byte, header string) bool {
	if key == "" || header == "" {
		return false
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(header))
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// WebhookEvent is one event of a delivery
// (developer.xero.com/documentation/guides/webhooks/overview).
type WebhookEvent struct {
	ResourceURL   string `json:"resourceUrl"`
	ResourceID    string `json:"resourceId"`
	EventDateUTC  string `json:"eventDateUtc"`
	EventType     string `json:"eventType"`     // CREATE, UPDATE
	EventCategory string `json:"eventCategory"` // INVOICE, CONTACT, ...
	TenantID      string `json:"tenantId"`
	TenantType    string `json:"tenantType"`
}

// WebhookPayload is a delivery. An intent-to-receive probe has no events.
type WebhookPayload struct {
	Events             []WebhookEvent `json:"events"`
	FirstEventSequence int64          `json:"firstEventSequence"`
	LastEventSequence  int64          `json:"lastEventSequence"`
	Entropy            string         `json:"entropy"`
}

// ParseWebhook decodes a delivery's body.
func ParseWebhook(body []byte) (WebhookPayload, error) {
	var p WebhookPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return p, fmt.Errorf("xero: webhook payload: %w", err)
	}
	for i, e := range p.Events {
		if e.ResourceID == "" || e.EventCategory == "" || e.TenantID == "" {
			return p, fmt.Errorf("xero: webhook event %d lacks resourceId, eventCategory or tenantId", i)
		}
	}
	return p, nil
}

// Delivery is one verified webhook POST with the events for billbot's
// tenant; ID is the hex SHA-256 of the body.
type Delivery struct {
	ID     string
	Events []WebhookEvent
}

// WebhookSink takes a delivery in (a durable queue) and returns at once;
// an error answers 503, which Xero retries.
type WebhookSink func(ctx context.Context, d Delivery) error

// WebhookHandler serves Xero's webhook POSTs: 401 with an empty body for a
// missing or wrong signature, 200 with an empty body otherwise — which is
// also the whole of the intent-to-receive check, a signed delivery with no
// events (docs/vendors.md §6.12). Events of other tenants (tenantID "" keeps
// all) are dropped; the rest go to sink. Xero wants the answer within 5 s,
// so sink must only enqueue.
func WebhookHandler(key, tenantID string, sink WebhookSink, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				w.WriteHeader(http.StatusRequestEntityTooLarge)
				return
			}
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if !VerifySignature(key, body, r.Header.Get(SignatureHeader)) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		p, err := ParseWebhook(body)
		if err != nil {
			// Signed by Xero but not understood: accept, so Xero does not
			// retry for 24 hours and disable the webhook, and say so.
			logger.LogAttrs(r.Context(), slog.LevelWarn, "xero webhook not understood", slog.String("error", err.Error()))
			w.WriteHeader(http.StatusOK)
			return
		}
		var kept []WebhookEvent
		for _, e := range p.Events {
			if tenantID == "" || e.TenantID == tenantID {
				kept = append(kept, e)
			}
		}
		if len(kept) > 0 && sink != nil {
			sum := sha256.Sum256(body)
			if err := sink(r.Context(), Delivery{ID: hex.EncodeToString(sum[:]), Events: kept}); err != nil {
				logger.LogAttrs(r.Context(), slog.LevelError, "xero webhook not queued", slog.String("error", err.Error()))
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
		}
		w.WriteHeader(http.StatusOK)
	})
}
