package xerosandbox

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Webhooks follow developer.xero.com/documentation/guides/webhooks/overview
// (payload: events, firstEventSequence, lastEventSequence, entropy; event:
// resourceUrl, resourceId, eventDateUtc, eventType, eventCategory,
// tenantId, tenantType) and .../configuring-your-server (x-xero-signature
// is base64 HMAC-SHA256 of the body under the webhook key; the receiver
// answers 200 with no body within 5 s, 401 to a bad signature; the
// intent-to-receive check sends signed and wrongly signed probes).

type event struct {
	seq      int
	resource string
	typ      string
	at       time.Time
}

// event records an invoice change for delivery; callers hold s.mu.
func (s *Server) event(invoiceID, typ string) {
	s.events = append(s.events, event{seq: len(s.events) + 1, resource: invoiceID, typ: typ, at: s.opts.Now()})
}

func (s *Server) sign(body []byte) string {
	m := hmac.New(sha256.New, []byte(s.opts.WebhookKey))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Deliver posts every event not yet delivered to url in one signed
// payload and returns the receiver's status; they count as delivered only
// on a 200 (Xero retries otherwise).
func (s *Server) Deliver(ctx context.Context, url string) (int, error) {
	s.mu.Lock()
	pending := append([]event(nil), s.events[s.delivered:]...)
	s.mu.Unlock()
	if len(pending) == 0 {
		return 0, nil
	}
	var evs []map[string]any
	for _, e := range pending {
		evs = append(evs, map[string]any{
			"resourceUrl": s.ts.URL + "/api.xro/2.0/Invoices/" + e.resource, "resourceId": e.resource,
			"eventDateUtc": e.at.UTC().Format("2006-01-02T15:04:05.000"), "eventType": e.typ,
			"eventCategory": "INVOICE", "tenantId": s.opts.TenantID, "tenantType": "ORGANISATION",
		})
	}
	body, _ := json.Marshal(map[string]any{"events": evs, "firstEventSequence": pending[0].seq,
		"lastEventSequence": pending[len(pending)-1].seq, "entropy": randToken("entropy")})
	status, _, err := s.post(ctx, url, body, s.sign(body))
	if err == nil && status == http.StatusOK {
		s.mu.Lock()
		s.delivered += len(pending)
		s.mu.Unlock()
	}
	return status, err
}

// IntentToReceive runs Xero's check of a new webhook URL: a correctly
// signed probe must get 200 and a wrongly signed one 401, each with an
// empty body and within 5 seconds. It returns nil when url passes.
func (s *Server) IntentToReceive(ctx context.Context, url string) error {
	body, _ := json.Marshal(map[string]any{"events": []any{}, "firstEventSequence": 0, "lastEventSequence": 0, "entropy": randToken("entropy")})
	for _, c := range []struct {
		sig  string
		want int
	}{{s.sign(body), http.StatusOK}, {s.sign(append([]byte("x"), body...)), http.StatusUnauthorized}} {
		ctx5, cancel := context.WithTimeout(ctx, 5*time.Second)
		status, got, err := s.post(ctx5, url, body, c.sig)
		cancel()
		if err != nil {
			return fmt.Errorf("intent to receive: %w", err)
		}
		if status != c.want || len(bytes.TrimSpace(got)) > 0 {
			return fmt.Errorf("intent to receive: answered %d with %d bytes, want %d and no body", status, len(got), c.want)
		}
	}
	return nil
}

func (s *Server) post(ctx context.Context, url string, body []byte, sig string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-xero-signature", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	return resp.StatusCode, got, nil
}
