package oauthstore

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

type fakeSource struct {
	tok         string
	invalidated []string
}

func (s *fakeSource) Token() (*oauth2.Token, error) {
	return &oauth2.Token{AccessToken: s.tok, TokenType: "Bearer"}, nil
}

func (s *fakeSource) Invalidate(access string) {
	s.invalidated = append(s.invalidated, access)
	s.tok = "fresh"
}

// TestTransportRefreshesOnceOn401: a 401 invalidates the token sent and the
// request, body included, is sent again once with the next token.
func TestTransportRefreshesOnceOn401(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		seen = append(seen, r.Header.Get("Authorization")+" "+string(body))
		if r.Header.Get("Authorization") != "Bearer fresh" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	src := &fakeSource{tok: "stale"}
	hc := &http.Client{Transport: &Transport{Vendor: "books", Source: src, Base: BaseTransport(context.Background())}}
	resp, err := hc.Post(srv.URL, "text/plain", strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(seen) != 2 || seen[1] != "Bearer fresh hello" || len(src.invalidated) != 1 || src.invalidated[0] != "stale" {
		t.Errorf("status %d, requests %q, invalidated %q; want 200 after one refresh and a replay", resp.StatusCode, seen, src.invalidated)
	}
}

type memStore struct {
	tok *oauth2.Token
	id  string
}

var errNone = errors.New("none stored")

func (m *memStore) Load(context.Context) (*oauth2.Token, string, error) {
	if m.tok == nil {
		return nil, "", errNone
	}
	return m.tok, m.id, nil
}

func (m *memStore) Save(_ context.Context, tok *oauth2.Token, id string) error {
	m.tok, m.id = tok, id
	return nil
}

// TestLocalLockUpdate: nothing stored reads as nil; what fn returns is
// saved, a nil token leaves the store as it is.
func TestLocalLockUpdate(t *testing.T) {
	ctx := context.Background()
	ms := &memStore{}
	l := &LocalLock{TokenStore: ms, NoToken: errNone}
	err := l.Update(ctx, func(tok *oauth2.Token, id string) (*oauth2.Token, string, error) {
		if tok != nil || id != "" {
			t.Errorf("nothing stored read as %v, %q", tok, id)
		}
		return &oauth2.Token{AccessToken: "a"}, "realm", nil
	})
	if err != nil || ms.tok.AccessToken != "a" || ms.id != "realm" {
		t.Fatalf("Update = %v, stored %v %q", err, ms.tok, ms.id)
	}
	if err := l.Update(ctx, func(*oauth2.Token, string) (*oauth2.Token, string, error) { return nil, "", nil }); err != nil || ms.tok.AccessToken != "a" {
		t.Errorf("a nil token: %v, stored %v", err, ms.tok)
	}
}
