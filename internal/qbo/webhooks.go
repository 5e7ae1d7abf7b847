package qbo

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// SignatureHeader carries base64(HMAC-SHA256(verifier token, raw body))
// (VENDORS §2.10, developer.intuit.com/app/developer/qbo/docs/develop/webhooks).
const SignatureHeader = "intuit-signature"

// maxWebhookBody bounds a webhook delivery (1 MiB, as for Slack requests).
const maxWebhookBody = 1 << 20

// Event is one entity change from a webhook, in either payload format.
type Event struct {
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

// legacyPayload is {"eventNotifications":[{"realmId","dataChangeEvent":{"entities":[...]}}]}.
type legacyPayload struct {
	EventNotifications []struct {
		RealmID         string `json:"realmId"`
		DataChangeEvent struct {
			Entities []struct {
				Name        string    `json:"name"`
				ID          string    `json:"id"`
				Operation   string    `json:"operation"`
				LastUpdated time.Time `json:"lastUpdated"`
			} `json:"entities"`
		} `json:"dataChangeEvent"`
	} `json:"eventNotifications"`
}

// cloudEvent is one element of the CloudEvents array (VENDORS §2.10,
// blogs.a.intuit.com/2025/11/12/upcoming-change-to-webhooks-payload-structure).
type cloudEvent struct {
	SpecVersion     string    `json:"specversion"`
	ID              string    `json:"id"`
	Type            string    `json:"type"` // qbo.invoice.updated.v1
	Time            time.Time `json:"time"`
	IntuitEntityID  string    `json:"intuitentityid"`
	IntuitAccountID string    `json:"intuitaccountid"`
}

// ParseWebhook decodes a delivery in the legacy eventNotifications object
// format or the CloudEvents array format into events.
func ParseWebhook(body []byte) ([]Event, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, errors.New("qbo: webhook: empty body")
	}
	var out []Event
	switch trimmed[0] {
	case '{':
		var p legacyPayload
		if err := json.Unmarshal(trimmed, &p); err != nil {
			return nil, fmt.Errorf("qbo: webhook: decode legacy payload: %w", err)
		}
		for _, n := range p.EventNotifications {
			for _, e := range n.DataChangeEvent.Entities {
				out = append(out, Event{RealmID: n.RealmID, Entity: e.Name, ID: e.ID, Operation: e.Operation, At: e.LastUpdated})
			}
		}
	case '[':
		var evs []cloudEvent
		if err := json.Unmarshal(trimmed, &evs); err != nil {
			return nil, fmt.Errorf("qbo: webhook: decode cloudevents: %w", err)
		}
		for _, e := range evs {
			entity, op, err := splitCloudType(e.Type)
			if err != nil {
				return nil, err
			}
			out = append(out, Event{RealmID: e.IntuitAccountID, Entity: entity, ID: e.IntuitEntityID, Operation: op, At: e.Time})
		}
	default:
		return nil, errors.New("qbo: webhook: body is neither a JSON object nor an array")
	}
	return out, nil
}

// splitCloudType maps "qbo.invoice.updated.v1" to ("Invoice", "Update"), the
// names the legacy format uses.
func splitCloudType(t string) (string, string, error) {
	parts := strings.Split(t, ".")
	if len(parts) < 3 || parts[0] != "qbo" {
		return "", "", fmt.Errorf("qbo: webhook: unknown event type %q", t)
	}
	return entityName(parts[1]), operationName(parts[2]), nil
}

func entityName(s string) string {
	switch strings.ToLower(s) {
	case "invoice":
		return "Invoice"
	case "payment":
		return "Payment"
	case "customer":
		return "Customer"
	case "item":
		return "Item"
	case "creditmemo":
		return "CreditMemo"
	case "salesreceipt":
		return "SalesReceipt"
	case "estimate":
		return "Estimate"
	case "billpayment":
		return "BillPayment"
	case "journalentry":
		return "JournalEntry"
	}
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func operationName(s string) string {
	switch strings.ToLower(s) {
	case "created":
		return "Create"
	case "updated":
		return "Update"
	case "deleted":
		return "Delete"
	case "merged":
		return "Merge"
	case "voided":
		return "Void"
	case "emailed":
		return "Emailed"
	}
	return s
}

// WebhookHandler serves POST /webhooks/qbo. It reads at most 1 MiB (413
// beyond), answers 401 and does nothing when the signature is missing or
// wrong, keeps only events for realmID (all when empty), answers 200 at
// once, and then calls sink in its own goroutine with its own deadline:
// Intuit wants a reply within 3 s and processing done asynchronously
// (VENDORS §2.10).
func WebhookHandler(verifier, realmID string, sink func(ctx context.Context, events []Event), logger *slog.Logger) http.Handler {
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
		events, err := ParseWebhook(body)
		if err != nil {
			logger.LogAttrs(r.Context(), slog.LevelWarn, "qbo webhook not understood", slog.String("error", err.Error()))
			http.Error(w, "malformed payload", http.StatusBadRequest)
			return
		}
		kept := events[:0]
		for _, e := range events {
			if realmID == "" || e.RealmID == realmID {
				kept = append(kept, e)
			}
		}
		w.WriteHeader(http.StatusOK)
		if len(kept) == 0 || sink == nil {
			return
		}
		go func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 2*time.Minute)
			defer cancel()
			sink(ctx, kept)
		}()
	})
}
