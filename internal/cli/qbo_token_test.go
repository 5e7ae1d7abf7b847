package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/qbo"
	"billbot/internal/secrets"
	"billbot/store"
	"billbot/store/storetest"
)

// tokenStoreOf opens the QuickBooks token store of a database with key.
func tokenStoreOf(t *testing.T, st *store.Store, key string) *qbo.EncryptedTokenStore {
	t.Helper()
	box, err := secrets.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	return qbo.NewEncryptedTokenStore(st, box, qbo.WithNotFound(func(err error) bool { return errors.Is(err, store.ErrNotFound) }))
}

// TestReadyzWhenQBOTokenUnusable: /readyz of a running serve fails, with
// the reason, when QuickBooks is connected but its token cannot be used —
// Intuit refused the refresh token, the refresh token has expired, or the
// token cannot be decrypted (the key was rotated under it) — and doctor
// says why in one line. A reconnect (a new token stored) makes it ready
// again. No probe calls Intuit.
func TestReadyzWhenQBOTokenUnusable(t *testing.T) {
	w := newE2EWorld(t)
	shortTokenQBO(w, time.Hour)
	w.startServe()
	readyz := func() (int, string) {
		resp, err := w.http.Get(w.base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	waitReady := func(what string, want int, reason string) {
		t.Helper()
		w.eventually(what, func() (bool, error) {
			code, body := readyz()
			return code == want && strings.Contains(body, reason), nil
		})
	}
	ts := tokenStoreOf(t, w.store, w.env["BILLBOT_ENCRYPTION_KEY"])
	reconnect := func(extra map[string]any) {
		t.Helper()
		at, rt := w.qbo.MintTokens()
		tok := &oauth2.Token{AccessToken: at, RefreshToken: rt, Expiry: time.Now().Add(time.Hour)}
		if extra != nil {
			tok = tok.WithExtra(extra)
		}
		if err := ts.Save(t.Context(), tok, e2eQBORealm); err != nil {
			t.Fatal(err)
		}
	}

	// serve uses the bootstrap token (a webhook makes it read QuickBooks).
	if status := paymentWebhook(t, w.base); status != http.StatusOK {
		t.Fatalf("webhook: HTTP %d", status)
	}
	// The webhook's work is done when the change-data-capture cursor moves.
	w.eventually("serve read QuickBooks with a refreshed token", func() (bool, error) {
		c, err := w.store.Cursor(t.Context(), "qbo:cdc")
		return c != "" && w.qbo.Refreshes() == 1, err
	})
	calls := w.qbo.TotalCalls()
	for range 3 {
		if code, body := readyz(); code != http.StatusOK {
			t.Fatalf("/readyz with a good token: %d %s", code, body)
		}
	}
	if w.qbo.TotalCalls() != calls || w.qbo.Refreshes() != 1 {
		t.Error("/readyz called QuickBooks")
	}

	t.Run("refused", func(t *testing.T) {
		w.qbo.RevokeRefreshTokens() // disconnected in QuickBooks
		w.qbo.ExpireAccessTokens()
		paymentWebhook(t, w.base)
		waitReady("/readyz fails after Intuit refused the refresh token", http.StatusServiceUnavailable, "refused the refresh token")
		var out, errOut bytes.Buffer
		err := run(t.Context(), []string{"doctor"}, w.getenv, strings.NewReader(""), &out, &errOut)
		if err == nil {
			t.Error("doctor passed with a refused token")
		}
		var lines []string
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.Contains(l, "quickbooks") {
				lines = append(lines, l)
			}
		}
		if len(lines) != 1 || !strings.HasPrefix(lines[0], "FAIL") || !strings.Contains(lines[0], "invalid_grant") || !strings.Contains(lines[0], "billbot qbo connect") {
			t.Errorf("doctor's quickbooks lines = %q, want one FAIL line saying invalid_grant and how to reconnect", lines)
		}
		reconnect(nil)
		waitReady("/readyz passes after a reconnect", http.StatusOK, "")
	})

	t.Run("refresh token expired", func(t *testing.T) {
		reconnect(map[string]any{"x_refresh_token_expires_at": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)})
		waitReady("/readyz fails with an expired refresh token", http.StatusServiceUnavailable, "expired")
		reconnect(nil)
		waitReady("/readyz passes after a reconnect", http.StatusOK, "")
	})

	t.Run("cannot decrypt", func(t *testing.T) {
		w.env[newKeyEnv] = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xc}, 32))
		defer delete(w.env, newKeyEnv)
		out := w.cli("secrets", "rotate-key")
		if !strings.Contains(out, "re-encrypted 1 secret(s)") || !strings.Contains(out, "set BILLBOT_ENCRYPTION_KEY to the new key") {
			t.Errorf("rotate-key said:\n%s", out)
		}
		waitReady("/readyz fails when the token no longer decrypts", http.StatusServiceUnavailable, "cannot be decrypted")
	})
}

// TestRotateKey re-encrypts the stored secrets under a new key on SQLite
// and Postgres: the token is the same after, the old key is refused from
// then on, a re-run is harmless, and a key that is neither refuses to run
// and changes nothing.
func TestRotateKey(t *testing.T) {
	keyA := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x1a}, 32))
	keyB := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x1b}, 32))
	keyC := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x1c}, 32))
	for _, dialect := range []string{store.DialectSQLite, store.DialectPostgres} {
		t.Run(dialect, func(t *testing.T) {
			ctx := t.Context()
			env := map[string]string{"QBO_CLIENT_ID": "id", "QBO_CLIENT_SECRET": "secret", "QBO_REDIRECT_URL": "http://127.0.0.1/cb", "LOG_LEVEL": "error"}
			if dialect == store.DialectPostgres {
				env["DATABASE_URL"] = storetest.PostgresURL(t)
			} else {
				env["BILLBOT_DATA_DIR"] = t.TempDir()
			}
			st, err := store.Open(ctx, env["DATABASE_URL"], env["BILLBOT_DATA_DIR"], nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.Close() })
			if _, err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			tsA := tokenStoreOf(t, st, keyA)
			if err := tsA.Save(ctx, &oauth2.Token{AccessToken: "at-1", RefreshToken: "rt-1", Expiry: time.Now().Add(time.Hour)}, "42"); err != nil {
				t.Fatal(err)
			}
			billbot := func(cur, next string, args ...string) (string, error) {
				e := maps.Clone(env)
				e["BILLBOT_ENCRYPTION_KEY"], e[newKeyEnv] = cur, next
				var out, errOut bytes.Buffer
				err := run(context.WithoutCancel(ctx), args, func(k string) string { return e[k] }, strings.NewReader(""), &out, &errOut)
				return out.String(), err
			}
			// Bind the database to key A, as any command with QuickBooks does.
			if _, err := billbot(keyA, "", "doctor"); err == nil || !strings.Contains(err.Error(), "check(s) failed") {
				t.Logf("doctor: %v", err)
			}
			before, _ := st.Secret(ctx, qbo.DefaultTokenSecretName)

			// A current key that is not the database's: refused, nothing changes.
			if _, err := billbot(keyC, keyB, "secrets", "rotate-key"); err == nil || !strings.Contains(err.Error(), "BILLBOT_ENCRYPTION_KEY") {
				t.Errorf("rotate-key with a wrong current key: %v", err)
			}
			if after, _ := st.Secret(ctx, qbo.DefaultTokenSecretName); !bytes.Equal(before, after) {
				t.Error("a refused rotate-key changed the token")
			}
			if _, err := billbot(keyA, "", "secrets", "rotate-key"); err == nil || !strings.Contains(err.Error(), newKeyEnv) {
				t.Errorf("rotate-key without %s: %v", newKeyEnv, err)
			}

			out, err := billbot(keyA, keyB, "secrets", "rotate-key")
			if err != nil || !strings.Contains(out, "re-encrypted 1 secret(s)") || !strings.Contains(out, "restart every billbot process") {
				t.Fatalf("rotate-key: %v\n%s", err, out)
			}
			tok, realm, err := tokenStoreOf(t, st, keyB).Load(ctx)
			if err != nil || tok.RefreshToken != "rt-1" || realm != "42" {
				t.Errorf("token under the new key: %v %q %v", tok, realm, err)
			}
			if _, _, err := tsA.Load(ctx); !errors.Is(err, secrets.ErrOpen) {
				t.Errorf("the old key still opens the token: %v", err)
			}
			// Re-run (as after a crash, or by mistake): nothing left to do.
			for _, cur := range []string{keyA, keyB} {
				out, err := billbot(cur, keyB, "secrets", "rotate-key")
				if err != nil || !strings.Contains(out, "re-encrypted 0 secret(s) under the new key (1 already were)") {
					t.Errorf("re-run with current key %s: %v\n%s", cur[:4], err, out)
				}
			}
			// The old key is refused from now on, with one line naming it.
			if _, err := billbot(keyA, "", "draft", "--dry-run"); !errors.Is(err, errWrongKey) {
				t.Errorf("the old key after rotation: %v", err)
			}
			if err := checkKey(ctx, st, mustBox(t, keyB)); err != nil {
				t.Errorf("the new key after rotation: %v", err)
			}
		})
	}
}

func mustBox(t *testing.T, key string) *secrets.Box {
	t.Helper()
	b, err := secrets.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
