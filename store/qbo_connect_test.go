package store_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"billbot/store"
	"billbot/store/storetest"
)

func TestQBOConnectLinkOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		exp := t0.Add(15 * time.Minute)
		id, err := s.CreateQBOConnectLink(ctx, "link-hash", store.QBOConnectLink{CreatedBy: "cli:ops", CreatedVia: "cli", AllowSwitch: true, ExpiresAt: exp})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // a link preview's GET peeks and changes nothing
			if l, err := s.PeekQBOConnectLink(ctx, "link-hash", t0); err != nil || l.ID != id || !l.AllowSwitch || !l.ExpiresAt.Equal(exp) {
				t.Fatalf("peek = %+v, %v", l, err)
			}
		}
		if _, err := s.PeekQBOConnectLink(ctx, "link-hash", exp); !errors.Is(err, store.ErrConnectLinkInvalid) {
			t.Fatalf("peek at expiry = %v, want ErrConnectLinkInvalid", err)
		}
		if _, err := s.PeekQBOConnectLink(ctx, "other-hash", t0); !errors.Is(err, store.ErrConnectLinkInvalid) {
			t.Fatalf("peek unknown = %v, want ErrConnectLinkInvalid", err)
		}
		if _, err := s.ConsumeQBOConnectState(ctx, "state-hash", t0); !errors.Is(err, store.ErrConnectLinkInvalid) {
			t.Fatalf("consume before open = %v, want ErrConnectLinkInvalid", err)
		}
		if _, err := s.OpenQBOConnectLink(ctx, "link-hash", "state-hash", exp); !errors.Is(err, store.ErrConnectLinkInvalid) {
			t.Fatalf("open at expiry = %v, want ErrConnectLinkInvalid", err)
		}
		l, err := s.OpenQBOConnectLink(ctx, "link-hash", "state-hash", t0)
		if err != nil || l.ID != id || l.CreatedBy != "cli:ops" || !l.AllowSwitch || !l.ExpiresAt.Equal(exp) {
			t.Fatalf("open = %+v, %v", l, err)
		}
		if _, err := s.OpenQBOConnectLink(ctx, "link-hash", "state-2", t0); !errors.Is(err, store.ErrConnectLinkInvalid) {
			t.Fatalf("second open = %v, want ErrConnectLinkInvalid", err)
		}
		if _, err := s.PeekQBOConnectLink(ctx, "link-hash", t0); !errors.Is(err, store.ErrConnectLinkInvalid) {
			t.Fatalf("peek of an opened link = %v, want ErrConnectLinkInvalid", err)
		}
		if _, err := s.ConsumeQBOConnectState(ctx, "state-hash", exp); !errors.Is(err, store.ErrConnectLinkInvalid) {
			t.Fatalf("consume at expiry = %v, want ErrConnectLinkInvalid", err)
		}
		won := concurrently(t, 10, func() (bool, error) {
			_, err := s.ConsumeQBOConnectState(ctx, "state-hash", t0)
			if errors.Is(err, store.ErrConnectLinkInvalid) {
				return false, nil
			}
			return err == nil, err
		})
		if won != 1 {
			t.Errorf("state consumed %d times, want 1", won)
		}
	})
}

// Expired links and their OAuth states do not pile up: making a link
// deletes those expired more than ConnectLinkGrace ago, used or not, and
// keeps the rest.
func TestQBOConnectLinksPrunedAfterGrace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mk := func(hash string, created time.Time) {
			t.Helper()
			if _, err := s.CreateQBOConnectLink(ctx, hash, store.QBOConnectLink{CreatedBy: "cli:ops", CreatedVia: "cli", CreatedAt: created, ExpiresAt: created.Add(15 * time.Minute)}); err != nil {
				t.Fatal(err)
			}
		}
		mk("old-used", t0)
		if _, err := s.OpenQBOConnectLink(ctx, "old-used", "old-state", t0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConsumeQBOConnectState(ctx, "old-state", t0); err != nil {
			t.Fatal(err)
		}
		mk("old-unused", t0)
		mk("recent", t0.Add(2*24*time.Hour))
		mk("new", t0.Add(15*time.Minute+store.ConnectLinkGrace+time.Second))
		var hashes []string
		rows, err := s.DB().QueryContext(ctx, `SELECT link_hash FROM qbo_connect_links ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				t.Fatal(err)
			}
			hashes = append(hashes, h)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if strings.Join(hashes, ",") != "recent,new" {
			t.Errorf("links kept = %v, want recent,new", hashes)
		}
	})
}

func TestConnectQBOBumpsGenerationAndGuardsOldTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if g, err := s.QBOConnectionGeneration(ctx); err != nil || g != 0 {
			t.Fatalf("generation before = %d, %v", g, err)
		}
		if _, err := s.QBOConnection(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("connection before = %v, want ErrNotFound", err)
		}
		if err := s.PutSecretAtGeneration(ctx, "tok", []byte("boot"), 0); err != nil {
			t.Fatal(err)
		}
		c, err := s.ConnectQBO(ctx, "tok", []byte("first"), 0, store.QBOConnection{RealmID: "111", CompanyName: "Firm", ConnectedBy: "U1"})
		if err != nil || c.Generation != 1 {
			t.Fatalf("connect = %+v, %v", c, err)
		}
		if err := s.PutSecretAtGeneration(ctx, "tok", []byte("stale"), 0); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("stale put = %v, want ErrConflict", err)
		}
		if ct, _ := s.Secret(ctx, "tok"); !bytes.Equal(ct, []byte("first")) {
			t.Fatalf("secret = %q after a stale put, want the connected token", ct)
		}
		// The token source's locked refresh is held to the generation too: a
		// refresh by a client built before the reconnect neither runs nor
		// writes.
		called := false
		err = s.UpdateSecretAtGeneration(ctx, "tok", 0, func([]byte) ([]byte, error) { called = true; return []byte("stale refresh"), nil })
		if !errors.Is(err, store.ErrConflict) || called {
			t.Fatalf("stale locked refresh = %v (fn called: %v), want ErrConflict before fn", err, called)
		}
		if ct, _ := s.Secret(ctx, "tok"); !bytes.Equal(ct, []byte("first")) {
			t.Fatalf("secret = %q after a stale locked refresh, want the connected token", ct)
		}
		err = s.UpdateSecretAtGeneration(ctx, "tok", 1, func(ct []byte) ([]byte, error) {
			if !bytes.Equal(ct, []byte("first")) {
				t.Errorf("locked refresh saw %q, want the connected token", ct)
			}
			return []byte("refreshed"), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.PutSecretAtGeneration(ctx, "tok", []byte("rotated"), 1); err != nil {
			t.Fatal(err)
		}
		c, err = s.ConnectQBO(ctx, "tok", []byte("second"), 0, store.QBOConnection{RealmID: "222", CompanyName: "Other", ConnectedBy: "U2"})
		if err != nil || c.Generation != 2 {
			t.Fatalf("switch = %+v, %v", c, err)
		}
		got, err := s.QBOConnection(ctx)
		if err != nil || got.RealmID != "222" || got.Generation != 2 || got.ConnectedBy != "U2" {
			t.Fatalf("connection = %+v, %v", got, err)
		}
		evs, err := s.AuditEvents(ctx, "qbo_company", "222")
		if err != nil || len(evs) != 1 || evs[0].Action != "qbo.switched" || evs[0].Actor != "U2" {
			t.Fatalf("audit of the switch = %+v, %v", evs, err)
		}
		if evs, _ := s.AuditEvents(ctx, "qbo_company", "111"); len(evs) != 1 || evs[0].Action != "qbo.connected" {
			t.Fatalf("audit of the first connection = %+v", evs)
		}
	})
}
