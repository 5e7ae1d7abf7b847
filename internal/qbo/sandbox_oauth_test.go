package qbo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/qbo/qbosandbox"
)

// memTokens is a TokenStore fake that records every save.
type memTokens struct {
	mu    sync.Mutex
	tok   *oauth2.Token
	realm string
	saves int
}

func (m *memTokens) Load(context.Context) (*oauth2.Token, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tok == nil {
		return nil, "", ErrNoToken
	}
	return m.tok, m.realm, nil
}

func (m *memTokens) Save(_ context.Context, tok *oauth2.Token, realm string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tok, m.realm = tok, realm
	m.saves++
	return nil
}

func (m *memTokens) refreshToken() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tok.RefreshToken
}

// connect runs the connect flow against srv, from a one-time link, and
// returns the token store.
func connect(t *testing.T, srv *qbosandbox.Server) *memTokens {
	t.Helper()
	w := newConnectWorldOn(t, srv)
	w.connectFirm()
	return w.tokens
}

func TestSandboxTokenExpiresMidRun(t *testing.T) {
	t.Parallel()
	srv := newSandbox(t, qbosandbox.Options{StaticToken: "-"})
	cust, items := seed(srv)
	cfg := NewOAuthConfig("sandbox-client", "sandbox-secret", "https://billbot.example/oauth/qbo/callback", srv.AuthURL(), srv.TokenURL())
	store := connect(t, srv)
	firstRT := store.refreshToken()
	if RefreshTokenExpiry(store.tok, time.Now()).IsZero() {
		t.Error("stored token lacks the refresh token expiry")
	}

	hc, realm, err := NewHTTPClient(t.Context(), cfg, store, 5*time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(srv.URL(), realm, hc, WithLimits(Limits{Requests: 1 << 20, BatchRequests: 1 << 20}),
		WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		if i == 3 {
			srv.ExpireAccessTokens() // the hour is up mid-run
		}
		key := fmt.Sprintf("run-%d", i)
		if _, err := c.CreateInvoice(t.Context(), testInvoice(t, cust, items, key), RequestID(key)); err != nil {
			t.Fatalf("invoice %d: %v", i, err)
		}
	}
	if srv.InvoiceCount() != 6 {
		t.Errorf("invoices = %d", srv.InvoiceCount())
	}
	newRT := store.refreshToken()
	if newRT == firstRT {
		t.Fatal("rotated refresh token was not persisted")
	}
	if srv.RefreshTokenValid(firstRT) || !srv.RefreshTokenValid(newRT) {
		t.Errorf("old valid %v, new valid %v", srv.RefreshTokenValid(firstRT), srv.RefreshTokenValid(newRT))
	}
	if got := srv.Calls()["POST invoice"]; got != 7 {
		t.Errorf("POST invoice calls = %d, want 7 (one 401 retried once)", got)
	}

	// A refresh token that was rotated out cannot refresh: the call fails
	// as unauthorized (reconnect needed) without retrying.
	stale := &memTokens{tok: &oauth2.Token{RefreshToken: firstRT}, realm: realm}
	hc2, _, err := NewHTTPClient(t.Context(), cfg, stale, 5*time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := NewClient(srv.URL(), realm, hc2, WithSleep(func(ctx context.Context, _ time.Duration) error {
		t.Error("a refused refresh was retried")
		return ctx.Err()
	}))
	if _, err := c2.GetCompanyInfo(t.Context()); !errors.Is(err, ErrUnauthorized) || strings.Contains(err.Error(), firstRT) {
		t.Errorf("stale refresh token: %v", err)
	}
}

func TestSandboxWebhooks(t *testing.T) {
	t.Parallel()
	srv := newSandbox(t, qbosandbox.Options{})
	cust, items := seed(srv)
	c := sandboxClient(t, srv, 5*time.Second)
	got := make(chan []Event, 4)
	recv := httptest.NewServer(WebhookHandler("verifier-1", srv.RealmID(), func(_ context.Context, d Delivery) error { got <- d.Events; return nil }, nil))
	t.Cleanup(recv.Close)

	for _, format := range []string{qbosandbox.FormatLegacy, qbosandbox.FormatCloudEvents} {
		inv, err := c.CreateInvoice(t.Context(), testInvoice(t, cust, items, format), RequestID(format))
		if err != nil {
			t.Fatal(err)
		}
		code, err := srv.DeliverWebhook(t.Context(), recv.URL, "verifier-1", format)
		if err != nil || code != http.StatusOK {
			t.Fatalf("%s: deliver = %d, %v", format, code, err)
		}
		select {
		case evs := <-got:
			last := evs[len(evs)-1]
			if last.Entity != "Invoice" || last.ID != inv.ID || last.Operation != "Create" || last.RealmID != srv.RealmID() {
				t.Errorf("%s: last event %+v", format, last)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no events", format)
		}
	}

	// Forged: signed with the wrong verifier token.
	srv.SeedCustomer(qbosandbox.Customer{DisplayName: "New"})
	if code, _ := srv.DeliverWebhook(t.Context(), recv.URL, "forged", qbosandbox.FormatLegacy); code != http.StatusUnauthorized {
		t.Errorf("forged: %d, want 401", code)
	}
	// Reformatted: the right signature over different bytes.
	srv.SeedCustomer(qbosandbox.Customer{DisplayName: "Newer"})
	body, _ := srv.WebhookPayload(qbosandbox.FormatCloudEvents)
	sig := qbosandbox.Sign(body, "verifier-1")
	var pretty strings.Builder
	var v any
	json.Unmarshal(body, &v)
	enc := json.NewEncoder(&pretty)
	enc.SetIndent("", "  ")
	enc.Encode(v)
	req, _ := http.NewRequest(http.MethodPost, recv.URL, strings.NewReader(pretty.String()))
	req.Header.Set("intuit-signature", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("reformatted: %d, want 401", resp.StatusCode)
	}
	select {
	case evs := <-got:
		t.Errorf("sink called for a rejected delivery: %+v", evs)
	default:
	}
}
