package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"billbot/internal/qbo/qbosandbox"
)

// QBO sandbox endpoints of invoice reads (qbosandbox.Calls keys).
const (
	e2eQueryEndpoint = "GET query"
	e2eReadEndpoint  = "GET invoice/{id}"
)

// TestE2EWebhookReplays posts correctly signed Intuit deliveries to
// `billbot serve` over real HTTP: the same delivery 100 times costs one
// read of its invoice, and a 5,000-invoice delivery costs a few batched
// queries, not 5,000 reads; its events redelivered in another order cost
// nothing.
func TestE2EWebhookReplays(t *testing.T) {
	w := newE2EWorld(t)
	w.startServe()
	w.connectQBO()
	ctx := t.Context()

	post := func(body []byte) int {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.base+"/webhooks/qbo", bytes.NewReader(body))
		if err != nil {
			t.Error(err)
			return 0
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("intuit-signature", qbosandbox.Sign(body, e2eQBOVerifier))
		resp, err := w.http.Do(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	drained := func() {
		w.eventually("webhook refreshes drained", func() (bool, error) {
			n, err := w.store.PendingRefreshes(ctx)
			return n == 0, err
		})
	}
	reads := func() (queries, single int) {
		c := w.qbo.Calls()
		return c[e2eQueryEndpoint], c[e2eReadEndpoint]
	}

	// 1. One delivery, replayed 100 times at once.
	q0, r0 := reads()
	one := legacyDelivery(e2eQBORealm, 4242, 1, "2026-11-02T10:00:00-0700")
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code := post(one); code != http.StatusOK {
				t.Errorf("replay: HTTP %d, want 200", code)
			}
		}()
	}
	wg.Wait()
	drained()
	q1, r1 := reads()
	if q1-q0+r1-r0 != 1 {
		t.Errorf("100 replays of one delivery cost %d queries and %d reads, want 1 in all", q1-q0, r1-r0)
	}

	// 2. A delivery naming 5,000 invoices (about 450 KB).
	big := legacyDelivery(e2eQBORealm, 100000, 5000, "2026-11-02T10:00:00-07:00")
	if code := post(big); code != http.StatusOK {
		t.Fatalf("5,000-invoice delivery: HTTP %d, want 200", code)
	}
	drained()
	q2, r2 := reads()
	if q2-q1 != 25 || r2 != r1 {
		t.Errorf("5,000 invoices cost %d queries and %d single reads, want 25 queries of 200 ids and none", q2-q1, r2-r1)
	}
	// The same events in another delivery (another body): nothing new.
	again := legacyDelivery(e2eQBORealm, 100000, 5000, "2026-11-02T17:00:00Z")
	if code := post(again); code != http.StatusOK {
		t.Fatalf("redelivered events: HTTP %d", code)
	}
	drained()
	if q3, r3 := reads(); q3 != q2 || r3 != r2 {
		t.Errorf("redelivered events cost %d queries and %d reads, want none", q3-q2, r3-r2)
	}
}

// legacyDelivery is a legacy-format delivery of n invoice updates from id
// first on, all at lastUpdated.
func legacyDelivery(realm string, first, n int, lastUpdated string) []byte {
	type entity struct {
		Name        string `json:"name"`
		ID          string `json:"id"`
		Operation   string `json:"operation"`
		LastUpdated string `json:"lastUpdated"`
	}
	ents := make([]entity, n)
	for i := range ents {
		ents[i] = entity{"Invoice", fmt.Sprint(first + i), "Update", lastUpdated}
	}
	body, _ := json.Marshal(map[string]any{"eventNotifications": []any{map[string]any{
		"realmId": realm, "dataChangeEvent": map[string]any{"entities": ents},
	}}})
	return body
}
