package qbo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/qbo/qbosandbox"
	"billbot/store"
	"billbot/store/storetest"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

func withNow(now func() time.Time) SourceOption {
	return func(s *PersistingTokenSource) { s.now = now }
}

// sharedTokens connects the sandbox's company into a database-backed
// encrypted token store, as 'billbot qbo connect' would.
func sharedTokens(t *testing.T, s *store.Store, srv *qbosandbox.Server, now time.Time) *EncryptedTokenStore {
	t.Helper()
	ts := NewEncryptedTokenStore(s, testBox(t), WithNotFound(func(err error) bool { return errors.Is(err, store.ErrNotFound) }))
	at, rt := srv.MintTokens()
	tok := (&oauth2.Token{AccessToken: at, RefreshToken: rt, TokenType: "bearer", Expiry: now.Add(time.Hour)}).
		WithExtra(map[string]any{extraRefreshExpiresIn: float64(8726400)})
	if err := ts.Save(t.Context(), tok, srv.RealmID()); err != nil {
		t.Fatal(err)
	}
	return ts
}

// TestTokenSourcesShareOneRefresh: two token sources over one database —
// two processes, as far as the token is concerned — hit an expired access
// token at the same time, again and again. Each expiry costs exactly one
// refresh, every call succeeds, and Intuit never sees a refresh token
// twice (the sandbox refuses a superseded one with invalid_grant).
func TestTokenSourcesShareOneRefresh(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clk := &fakeClock{}
		clk.ns.Store(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC).UnixNano())
		srv := newSandbox(t, qbosandbox.Options{StaticToken: "-", Now: clk.Now, AccessTokenTTL: time.Hour})
		cfg := NewOAuthConfig("sandbox-client", "sandbox-secret", "https://billbot.example/cb", srv.AuthURL(), srv.TokenURL())
		sharedTokens(t, s, srv, clk.Now())
		var clients []*Client
		for range 2 {
			// Each process has its own token store over the one database.
			ts := NewEncryptedTokenStore(s, testBox(t), WithNotFound(func(err error) bool { return errors.Is(err, store.ErrNotFound) }))
			hc, realm, err := NewHTTPClient(t.Context(), cfg, ts, 10*time.Second, nil, withNow(clk.Now))
			if err != nil {
				t.Fatal(err)
			}
			c, err := NewClient(srv.URL(), realm, hc, WithLimits(Limits{Requests: 1 << 20, BatchRequests: 1 << 20}),
				WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }))
			if err != nil {
				t.Fatal(err)
			}
			clients = append(clients, c)
		}
		for expiry := 1; expiry <= 3; expiry++ {
			clk.Advance(time.Hour + time.Second)
			var wg sync.WaitGroup
			for _, c := range clients {
				for range 4 {
					wg.Go(func() {
						if _, err := c.GetCompanyInfo(t.Context()); err != nil {
							t.Errorf("expiry %d: %v", expiry, err)
						}
					})
				}
			}
			wg.Wait()
			if got := srv.Refreshes(); got != expiry {
				t.Errorf("after expiry %d: %d refreshes, want %d", expiry, got, expiry)
			}
		}
		if n := srv.InvalidGrants(); n != 0 {
			t.Errorf("%d invalid_grant answers, want 0", n)
		}
	})
}

// TestTokenSourceRetriesInvalidGrantWithStoredToken: a process holding a
// token refreshed elsewhere (its copy's refresh token superseded) gets
// invalid_grant once, reloads and goes on with the stored token; a refresh
// token refused while still stored is reported as refused, and not sent
// again.
func TestTokenSourceRetriesInvalidGrantWithStoredToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clk := &fakeClock{}
		clk.ns.Store(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC).UnixNano())
		srv := newSandbox(t, qbosandbox.Options{StaticToken: "-", Now: clk.Now, AccessTokenTTL: time.Hour})
		cfg := NewOAuthConfig("sandbox-client", "sandbox-secret", "https://billbot.example/cb", srv.AuthURL(), srv.TokenURL())
		ts := sharedTokens(t, s, srv, clk.Now())
		stale, realm, err := ts.Load(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		// Another party refreshes and stores, bypassing the lock.
		fresh, err := cfg.TokenSource(t.Context(), &oauth2.Token{RefreshToken: stale.RefreshToken}).Token()
		if err != nil {
			t.Fatal(err)
		}
		// The source starts from the stale copy, whose access token is gone.
		health := &TokenHealth{}
		src := NewPersistingTokenSource(t.Context(), cfg, ts, &oauth2.Token{RefreshToken: stale.RefreshToken}, realm, nil, withNow(clk.Now), WithTokenHealth(health))
		if err := ts.Save(t.Context(), &oauth2.Token{RefreshToken: stale.RefreshToken, AccessToken: "old", Expiry: clk.Now().Add(-time.Minute)}, realm); err != nil {
			t.Fatal(err)
		}
		// Stored: stale refresh token → refused, reported, not retried.
		if _, err := src.Token(); !errors.Is(err, ErrRefreshRefused) || !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("refused token: %v", err)
		}
		if n := srv.InvalidGrants(); n != 1 {
			t.Errorf("%d invalid_grant after a refusal, want 1 (never resent)", n)
		}
		if err := CheckToken(t.Context(), ts, health, clk.Now()); !errors.Is(err, ErrRefreshRefused) {
			t.Errorf("CheckToken after a refusal: %v", err)
		}
		// The newer token lands in the store: the next call uses it.
		if err := ts.Save(t.Context(), stamp(fresh, clk.Now()), realm); err != nil {
			t.Fatal(err)
		}
		if err := CheckToken(t.Context(), ts, health, clk.Now()); err != nil {
			t.Errorf("CheckToken after a reconnect: %v", err)
		}
		tok, err := src.Token()
		if err != nil || tok.AccessToken != fresh.AccessToken {
			t.Fatalf("after the store got a newer token: %v, %v", tok, err)
		}
		if srv.Refreshes() != 1 {
			t.Errorf("%d refreshes, want 1 (the other party's)", srv.Refreshes())
		}
	})
}

// TestTokenSourceKeepsUnrotatedRefreshToken: Intuit returns the same
// refresh token for about a day; a refresh token that came back unchanged
// is still current and refreshes again at the next expiry.
func TestTokenSourceKeepsUnrotatedRefreshToken(t *testing.T) {
	t.Parallel()
	var refreshes atomic.Int64
	tokenEndpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.PostForm.Get("refresh_token") != "rt-same" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"invalid_grant"}`)
			return
		}
		n := refreshes.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"at-%d","refresh_token":"rt-same","token_type":"bearer","expires_in":3600}`, n)
	}))
	t.Cleanup(tokenEndpoint.Close)
	clk := &fakeClock{}
	clk.ns.Store(time.Now().UnixNano())
	cfg := NewOAuthConfig("id", "secret", "https://billbot.example/cb", "", tokenEndpoint.URL)
	ts := &memTokens{tok: &oauth2.Token{RefreshToken: "rt-same", Expiry: time.Unix(1, 0)}, realm: "42"}
	src := NewPersistingTokenSource(t.Context(), cfg, ts, ts.tok, "42", nil, withNow(clk.Now))
	for i := 1; i <= 3; i++ {
		tok, err := src.Token()
		if err != nil || tok.AccessToken != fmt.Sprintf("at-%d", i) {
			t.Fatalf("refresh %d: %v, %v", i, tok, err)
		}
		clk.Advance(2 * time.Hour)
	}
}
