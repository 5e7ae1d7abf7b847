package oauthstore

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"golang.org/x/oauth2"
)

var errSpentTest = errors.New("spent")

// TestSpentExchangesOnce: a refresh token is sent once; a second exchange
// is refused without a call, unless the ledger handed the token back.
func TestSpentExchangesOnce(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		r.ParseForm()
		rt := r.PostForm.Get("refresh_token")
		if rt != "kept" {
			rt += "-next"
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"a%d","token_type":"bearer","expires_in":3600,"refresh_token":%q}`, calls, rt)
	}))
	defer srv.Close()
	cfg := &oauth2.Config{ClientID: "id", ClientSecret: "secret", Endpoint: oauth2.Endpoint{TokenURL: srv.URL, AuthStyle: oauth2.AuthStyleInHeader}}
	ctx := context.Background()
	var s Spent
	tok, err := s.Exchange(ctx, cfg, "r1", errSpentTest)
	if err != nil || tok.RefreshToken != "r1-next" {
		t.Fatalf("first exchange: %v, %v", tok, err)
	}
	if _, err := s.Exchange(ctx, cfg, "r1", errSpentTest); !errors.Is(err, errSpentTest) || calls != 1 {
		t.Errorf("second exchange of r1: %v after %d calls, want the spent error and no call", err, calls)
	}
	if _, err := s.Exchange(ctx, cfg, "kept", errSpentTest); err != nil {
		t.Fatal(err)
	}
	s.Kept()
	if _, err := s.Exchange(ctx, cfg, "kept", errSpentTest); err != nil || calls != 3 {
		t.Errorf("a kept refresh token: %v after %d calls, want it exchanged again", err, calls)
	}
}
