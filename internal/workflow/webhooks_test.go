package workflow_test

import (
	"billbot/internal/ledger/qbobooks"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/notify"
	"billbot/internal/qbo"
	"billbot/internal/qbo/qbosandbox"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// TestWebhookStormLeavesRoomForApprove posts 100 signed deliveries of 50
// invoices each at once (5,000 invoices) to the webhook handler over HTTP,
// then has a partner approve an invoice while they are being refreshed.
// The refreshes are coalesced into batched queries read by one worker, so
// the Approve finds at most a call or two of webhook work served between
// its issue and its end — counted, not timed — and the 5,000 invoices cost
// 25 queries.
func TestWebhookStormLeavesRoomForApprove(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		ctx := t.Context()
		// A client throttled in real time (200 calls a second, 10 of them
		// for background work), so that calls queue.
		wire := &wireLog{}
		hc := &http.Client{Transport: wire.wrap(&oauth2.Transport{Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: qboToken})}), Timeout: 30 * time.Second}
		qc, err := qbo.NewClient(e.qbo.URL(), e.qbo.RealmID(), hc, qbo.WithLimits(qbo.Limits{MaxConcurrent: 10, Requests: 200, BackgroundRequests: 10, Per: time.Second}))
		if err != nil {
			t.Fatal(err)
		}
		e.wf = workflow.New(workflow.Deps{Store: e.store, Ledger: &markSends{Books: qbobooks.New(qc, "USD", ""), wire: wire}, Notifier: notify.New(e.msgr, nil), Now: e.clock.Now, Logger: slog.New(slog.DiscardHandler)})
		e.october()
		invs := e.draft()

		const verifier = "storm-verifier"
		hooks := e.wf.NewWebhookQueue()
		srv := httptest.NewServer(qbo.WebhookHandler(verifier, e.qbo.RealmID(), qbobooks.WebhookSink(hooks.Take), nil))
		t.Cleanup(srv.Close)
		// Webhook refreshes read with queries; the Approve makes one (its
		// items lookup before the read-back of the draft).
		base := e.qbo.Calls()["GET query"]
		webhookReads := func() int { return e.qbo.Calls()["GET query"] - base }
		var wg sync.WaitGroup
		for d := range 100 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := stormDelivery(e.qbo.RealmID(), 500000+50*d, 50)
				req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
				req.Header.Set(qbo.SignatureHeader, qbosandbox.Sign(body, verifier))
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("delivery %d: HTTP %d", d, resp.StatusCode)
				}
			}()
		}
		wg.Wait()
		// All 5,000 are queued; one worker reads them in claims of 1,000.
		runCtx, stop := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); _ = hooks.Run(runCtx) }()
		t.Cleanup(func() { stop(); <-done })
		for webhookReads() == 0 {
			time.Sleep(time.Millisecond) // the refreshes are under way
		}
		if got := e.approve(invs[acme].ID, partnerA); got.State != store.StateSent {
			t.Fatalf("approved invoice is %s", got.State)
		}
		// The Approve's send finds at most one webhook read queued before
		// it on the wire (the worker's one background slot); without the
		// queue (a goroutine per delivery, one read per invoice) dozens were.
		if queued, ok := wire.queriesBeforeSend(); !ok || queued > 2 {
			t.Errorf("%d webhook reads went out between the Approve's send being issued and reaching QBO (found: %v), want at most 2", queued, ok)
		}
		deadline := time.Now().Add(time.Minute)
		for n, _ := e.store.PendingRefreshes(ctx); n > 0; n, _ = e.store.PendingRefreshes(ctx) {
			if time.Now().After(deadline) {
				t.Fatalf("%d refreshes still queued", n)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if n := webhookReads() - 1; n != 25 {
			t.Errorf("5,000 invoices cost %d reads, want 25 queries of 200", n)
		}
	})
}

// stormDelivery is a legacy-format delivery of n invoice updates from id
// first on.
func stormDelivery(realm string, first, n int) []byte {
	type entity struct {
		Name        string `json:"name"`
		ID          string `json:"id"`
		Operation   string `json:"operation"`
		LastUpdated string `json:"lastUpdated"`
	}
	ents := make([]entity, n)
	for i := range ents {
		ents[i] = entity{"Invoice", fmt.Sprint(first + i), "Update", "2026-11-02T10:00:00-0700"}
	}
	body, _ := json.Marshal(map[string]any{"eventNotifications": []any{map[string]any{
		"realmId": realm, "dataChangeEvent": map[string]any{"entities": ents},
	}}})
	return body
}

// wireLog records, in order, the QBO requests that reach the wire and the
// moments the Approve's send is issued.
type wireLog struct {
	mu  sync.Mutex
	seq []string // "query", "send", "issue-send", "other"
}

func (l *wireLog) add(s string) {
	l.mu.Lock()
	l.seq = append(l.seq, s)
	l.mu.Unlock()
}

func (l *wireLog) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/query"):
			l.add("query")
		case strings.HasSuffix(r.URL.Path, "/send"):
			l.add("send")
		default:
			l.add("other")
		}
		return rt.RoundTrip(r)
	})
}

// queriesBeforeSend counts the queries between the first issued send and
// its arrival on the wire.
func (l *wireLog) queriesBeforeSend() (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, issued := 0, false
	for _, s := range l.seq {
		switch {
		case s == "issue-send":
			issued = true
		case issued && s == "query":
			n++
		case issued && s == "send":
			return n, true
		}
	}
	return n, false
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// markSends marks in the wire log when a send is issued to the QBO client.
type markSends struct {
	*qbobooks.Books
	wire *wireLog
}

func (m *markSends) Send(ctx context.Context, qboID, to, key string) (workflow.Remote, error) {
	m.wire.add("issue-send")
	return m.Books.Send(ctx, qboID, to, key)
}
