package qbosandbox

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// refreshTokenLifetime is the rolling refresh-token lifetime Intuit's docs
// sample shows (x_refresh_token_expires_in 8726400 s, docs/vendors.md §2.9).
const refreshTokenLifetime = 8726400

// authorize is Intuit's authorize page reduced to "the user said yes": it
// redirects to redirect_uri with code, state and realmId (docs/vendors.md §2.9).
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != s.opts.ClientID || q.Get("response_type") != "code" ||
		q.Get("scope") != "com.intuit.quickbooks.accounting" || q.Get("redirect_uri") == "" {
		http.Error(w, "invalid authorize request", http.StatusBadRequest)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "invalid redirect_uri", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	code := s.randToken("AB")
	realm := s.opts.RealmID
	if s.authRealm != "" {
		realm = s.authRealm
	}
	s.codes[code] = realm
	s.mu.Unlock()
	v := redirect.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	v.Set("realmId", realm)
	redirect.RawQuery = v.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// token is the token endpoint: authorization_code and refresh_token grants
// with HTTP Basic client authentication (docs/vendors.md §2.9).
//
// Refresh tokens: Intuit's FAQ says to get a new access token "using the
// latest refresh_token returned to you from the previous request", that the
// refresh token value changes (about every 24 hours) and that only the
// latest one is to be kept
// (https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/faq).
// The sandbox is the strict reading of that: every refresh rotates the
// refresh token and the superseded one is refused with invalid_grant at
// once (after RefreshGrace more uses, 0 by default), so a client that
// refreshes twice with one token, or keeps a stale copy, fails here as it
// may against Intuit. Every invalid_grant is counted (InvalidGrants).
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok || subtle.ConstantTimeCompare([]byte(id), []byte(s.opts.ClientID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(secret), []byte(s.opts.ClientSecret)) != 1 {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	realm := s.opts.RealmID
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		code := r.PostForm.Get("code")
		cr, ok := s.codes[code]
		if !ok {
			s.invalidGrants++
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		delete(s.codes, code) // single use
		realm = cr
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if o, ok := s.realmOf[rt]; ok {
			realm = o
		}
		left, ok := s.refresh[rt]
		if !ok || left == 0 {
			s.invalidGrants++
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		s.refreshes++
		if left > 0 {
			s.refresh[rt] = left - 1
		} else {
			s.refresh[rt] = s.opts.RefreshGrace
		}
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	access, refresh := s.mint()
	if realm != s.opts.RealmID {
		s.realmOf[access], s.realmOf[refresh] = realm, realm
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"access_token": access, "refresh_token": refresh, "token_type": "bearer",
		"expires_in": int(s.opts.AccessTokenTTL / time.Second), "x_refresh_token_expires_in": refreshTokenLifetime,
	})
}

// mint makes a token pair; callers hold s.mu.
func (s *Server) mint() (string, string) {
	access, refresh := s.randToken("at"), s.randToken("rt")
	s.access[access] = s.opts.Now().Add(s.opts.AccessTokenTTL)
	s.refresh[refresh] = -1
	return access, refresh
}

// MintTokens makes a valid token pair without the authorize dance.
func (s *Server) MintTokens() (access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mint()
}

// AuthorizeAs makes the authorize page grant codes for another company
// (realmID, named name), as when the person who opens it picks their own
// company; "" goes back to the sandbox's company. Tokens of another company
// may read only its CompanyInfo.
func (s *Server) AuthorizeAs(realmID, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.authRealm = realmID
	if realmID != "" && realmID != s.opts.RealmID {
		s.others[realmID] = name
	}
}

// ExpireAccessTokens makes every access token handed out so far invalid, as if
// an hour had passed.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.access {
		delete(s.access, k)
	}
}

// InvalidGrants returns how many token requests were refused with
// invalid_grant (a spent, superseded or unknown refresh token or code).
func (s *Server) InvalidGrants() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.invalidGrants
}

// Refreshes returns how many refresh_token grants succeeded.
func (s *Server) Refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshes
}

// RevokeRefreshTokens makes every refresh token handed out so far invalid,
// as a disconnect in QuickBooks or a revoke in the developer portal does.
func (s *Server) RevokeRefreshTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.refresh {
		s.refresh[k] = 0
	}
}

// RefreshTokenValid reports whether rt would still be accepted.
func (s *Server) RefreshTokenValid(rt string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	left, ok := s.refresh[rt]
	return ok && left != 0
}

func (s *Server) randToken(prefix string) string {
	return fmt.Sprintf("%s-%016x%016x", prefix, s.rng.Uint64(), s.rng.Uint64())
}

func (s *Server) authorized(r *http.Request) bool {
	const p = "Bearer "
	h := r.Header.Get("Authorization")
	if len(h) <= len(p) || h[:len(p)] != p {
		return false
	}
	tok := h[len(p):]
	if s.opts.StaticToken != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.opts.StaticToken)) == 1 {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.access[tok]
	return ok && s.opts.Now().Before(exp)
}

func oauthError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":%q}`, code)
}
