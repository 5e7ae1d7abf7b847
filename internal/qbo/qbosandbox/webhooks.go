package qbosandbox

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Webhook payload formats (docs/vendors.md §2.10).
const (
	FormatLegacy      = "legacy"      // {"eventNotifications":[...]}
	FormatCloudEvents = "cloudevents" // [{"specversion":"1.0",...}]
)

// WebhookPayload returns the changes not yet delivered, as a body in format,
// and marks them delivered. It returns nil when nothing changed.
func (s *Server) WebhookPayload(format string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pending := s.changes[s.delivered:]
	if len(pending) == 0 {
		return nil, nil
	}
	s.delivered = len(s.changes)
	switch format {
	case FormatLegacy:
		type entity struct {
			Name        string `json:"name"`
			ID          string `json:"id"`
			Operation   string `json:"operation"`
			LastUpdated string `json:"lastUpdated"`
		}
		var ents []entity
		for _, c := range pending {
			ents = append(ents, entity{c.entity, c.id, c.op, c.at.UTC().Format("2006-01-02T15:04:05.000Z")})
		}
		return json.Marshal(map[string]any{"eventNotifications": []any{map[string]any{
			"realmId": s.opts.RealmID, "dataChangeEvent": map[string]any{"entities": ents},
		}}})
	case FormatCloudEvents:
		var evs []map[string]any
		for i, c := range pending {
			evs = append(evs, map[string]any{
				"specversion": "1.0", "id": fmt.Sprintf("%08x-sandbox-%d", s.rng.Uint32(), s.delivered-len(pending)+i),
				"source": "intuit.sandbox", "type": "qbo." + strings.ToLower(c.entity) + "." + cloudOp(c.op) + ".v1",
				"datacontenttype": "application/json", "time": c.at.UTC().Format(time.RFC3339),
				"intuitentityid": c.id, "intuitaccountid": s.opts.RealmID, "data": map[string]any{},
			})
		}
		return json.Marshal(evs)
	}
	return nil, fmt.Errorf("qbosandbox: unknown webhook format %q", format)
}

func cloudOp(op string) string {
	switch op {
	case "Create":
		return "created"
	case "Update":
		return "updated"
	case "Delete":
		return "deleted"
	case "Void":
		return "voided"
	case "Emailed":
		return "emailed"
	}
	return strings.ToLower(op)
}

// Sign returns the intuit-signature for body: base64 HMAC-SHA256 under the
// verifier token (docs/vendors.md §2.10).
func Sign(body []byte, verifier string) string {
	m := hmac.New(sha256.New, []byte(verifier))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// DeliverWebhook posts the pending changes to url, signed with verifier, in
// format, and returns the receiver's HTTP status (0 when nothing was
// pending).
func (s *Server) DeliverWebhook(ctx context.Context, url, verifier, format string) (int, error) {
	body, err := s.WebhookPayload(format)
	if err != nil || body == nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("qbosandbox: webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("intuit-signature", Sign(body, verifier))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("qbosandbox: deliver webhook: %w", err)
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
