package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"log/slog"
	"testing"

	"golang.org/x/oauth2"

	"billbot/internal/qbo"
	"billbot/internal/secrets"
	"billbot/store"
)

// A process that cannot open the stored token (here: started with another
// BILLBOT_ENCRYPTION_KEY) must not replace it with the QBO_REFRESH_TOKEN
// bootstrap: before, any failed load overwrote the firm's rotated refresh
// token with the stale bootstrap one.
func TestBootstrapTokenNeverOverwritesStoredToken(t *testing.T) {
	dir := t.TempDir()
	keyA, keyB := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	if _, _, err := runCLI(t, dir, nil, "migrate"); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), "", dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	box, err := secrets.NewBox(base64.StdEncoding.EncodeToString(keyA))
	if err != nil {
		t.Fatal(err)
	}
	if err := qbo.NewEncryptedTokenStore(st, box).Save(t.Context(), &oauth2.Token{RefreshToken: "rt-firm"}, "123"); err != nil {
		t.Fatal(err)
	}
	before, err := st.Secret(t.Context(), qbo.DefaultTokenSecretName)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"BILLBOT_ENCRYPTION_KEY": base64.StdEncoding.EncodeToString(keyB),
		"QBO_CLIENT_ID":          "id", "QBO_CLIENT_SECRET": "secret", "QBO_REDIRECT_URL": "http://127.0.0.1/oauth/qbo/callback",
		"QBO_REFRESH_TOKEN": "rt-bootstrap", "QBO_REALM_ID": "123",
	}
	_, _, err = runCLI(t, dir, env, "ar", "aging")
	after, _ := st.Secret(t.Context(), qbo.DefaultTokenSecretName)
	if !bytes.Equal(before, after) {
		t.Fatalf("stored token replaced by the bootstrap token (command error: %v)", err)
	}
	if err == nil {
		t.Error("a stored token that cannot be opened was not reported")
	}
}
