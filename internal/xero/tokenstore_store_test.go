package xero

import (
	"errors"
	"testing"

	"billbot/internal/secrets"
	"billbot/internal/xero/xerosandbox"
	"billbot/store"
	"billbot/store/storetest"
)

var _ LockingTokenStore = (*EncryptedTokenStore)(nil)

// TestTokenRotationThroughTheStore: over billbot's own store (SQLite and
// PostgreSQL), two processes share the sealed token; one refresh rotates
// it, the other reloads it, and nothing sends a dead refresh token.
func TestTokenRotationThroughTheStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		srv := sandbox(t, xerosandbox.Options{})
		ctx := t.Context()
		cfg := NewOAuthConfig("sandbox-client", "sandbox-secret", "https://billbot.example/cb", srv.IdentityURL())
		box, err := secrets.NewBox(secrets.NewKey())
		if err != nil {
			t.Fatal(err)
		}
		ts := NewEncryptedTokenStore(st, box, WithNotFound(func(err error) bool { return errors.Is(err, store.ErrNotFound) }))
		if _, _, err := ts.Load(ctx); !errors.Is(err, ErrNoToken) {
			t.Fatalf("empty store: %v", err)
		}
		if _, err := Connect(ctx, cfg, authorize(t, cfg, "s"), srv.URL(), "", ts); err != nil {
			t.Fatal(err)
		}
		var clients []*Client
		for range 2 {
			hc, tenant, err := NewHTTPClient(ctx, cfg, ts, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			c, _ := NewClient(srv.URL(), tenant, hc)
			clients = append(clients, c)
		}
		for round := range 3 {
			srv.ExpireAccessTokens()
			for i, c := range clients {
				if _, err := c.Accounts(ctx); err != nil {
					t.Fatalf("round %d process %d: %v", round, i, err)
				}
			}
		}
		if ok, refused := srv.Refreshes(); ok != 3 || refused != 0 {
			t.Errorf("refreshes %d, refused %d; want 3 and 0", ok, refused)
		}
	})
}
