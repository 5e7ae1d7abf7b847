package oauthstore_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/oauthstore"
	"billbot/internal/secrets"
)

var errMissing = errors.New("missing")

// memSecrets is a SecretStore in memory, without UpdateSecret.
type memSecrets map[string][]byte

func (m memSecrets) PutSecret(_ context.Context, name string, ct []byte) error {
	m[name] = ct
	return nil
}

func (m memSecrets) Secret(_ context.Context, name string) ([]byte, error) {
	ct, ok := m[name]
	if !ok {
		return nil, errMissing
	}
	return ct, nil
}

var errNoToken = errors.New("acme: no token stored")

func newStore(t *testing.T, ss oauthstore.SecretStore) (*oauthstore.Store, *secrets.Box) {
	t.Helper()
	box, err := secrets.NewBox(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return oauthstore.New(ss, box, oauthstore.Config{
		Vendor: "acme", Name: "acme/oauth_token", IDKey: "realm_id",
		NotFound: func(err error) bool { return errors.Is(err, errMissing) }, NoToken: errNoToken,
		RefreshExpiry: func(*oauth2.Token) time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) },
	}), box
}

// TestRecord pins the sealed record byte for byte: tokens stored before
// are opened by this store and the other way round.
func TestRecord(t *testing.T) {
	ms := memSecrets{}
	st, box := newStore(t, ms)
	ctx := context.Background()
	if _, _, err := st.Load(ctx); !errors.Is(err, errNoToken) || err.Error() != "acme: load acme/oauth_token: acme: no token stored" {
		t.Fatalf("Load of nothing: %v", err)
	}
	exp := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	if err := st.Save(ctx, &oauth2.Token{AccessToken: "at", RefreshToken: "rt", Expiry: exp}, `r"1`); err != nil {
		t.Fatal(err)
	}
	pt, err := box.Open(ms["acme/oauth_token"], "acme/oauth_token")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"access_token":"at","refresh_token":"rt","expiry":"2026-01-05T10:00:00Z","refresh_expiry":"2026-03-01T00:00:00Z","realm_id":"r\"1"}`
	if string(pt) != want {
		t.Fatalf("record\n%s\nwant\n%s", pt, want)
	}
	tok, id, err := st.Load(ctx)
	if err != nil || id != `r"1` || tok.AccessToken != "at" || tok.RefreshToken != "rt" || !tok.Expiry.Equal(exp) ||
		tok.Extra(oauthstore.ExtraRefreshExpiresAt) != "2026-03-01T00:00:00Z" {
		t.Fatalf("Load = %+v, %q, %v", tok, id, err)
	}
	for _, bad := range []string{`{"access_token":1}`, `{"realm_id":2}`, `[]`} {
		ct, _ := box.Seal([]byte(bad), "acme/oauth_token")
		ms["acme/oauth_token"] = ct
		if _, _, err := st.Load(ctx); err == nil || err.Error() != "acme: decode acme/oauth_token: malformed token record" {
			t.Errorf("Load of %s: %v", bad, err)
		}
	}
	ct, _ := box.Seal([]byte(`{"access_token":"at","realm_id":null}`), "acme/oauth_token")
	ms["acme/oauth_token"] = ct
	if tok, id, err := st.Load(ctx); err != nil || id != "" || tok.AccessToken != "at" {
		t.Errorf("Load of a null id = %v, %q, %v", tok, id, err)
	}
}

// TestUpdate: fn sees nothing, then what it stored; nil leaves the token.
func TestUpdate(t *testing.T) {
	ms := memSecrets{}
	st, _ := newStore(t, ms)
	ctx := context.Background()
	var seen []string
	step := func(next *oauth2.Token, nextID string) {
		t.Helper()
		err := st.Update(ctx, func(tok *oauth2.Token, id string) (*oauth2.Token, string, error) {
			if tok == nil {
				seen = append(seen, "none")
			} else {
				seen = append(seen, tok.AccessToken+"@"+id)
			}
			return next, nextID, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	step(&oauth2.Token{AccessToken: "a"}, "r1")
	step(nil, "")
	step(&oauth2.Token{AccessToken: "b"}, "r2")
	step(nil, "")
	if got := seen; len(got) != 4 || got[0] != "none" || got[1] != "a@r1" || got[2] != "a@r1" || got[3] != "b@r2" {
		t.Fatalf("fn saw %q", got)
	}
}
