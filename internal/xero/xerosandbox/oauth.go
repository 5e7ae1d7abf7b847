package xerosandbox

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// authorize is Xero's consent page reduced to "the user said yes": it
// checks the request (response_type code, the client id, a redirect_uri,
// offline_access among the scopes) and redirects with code and state
// (developer.xero.com/documentation/guides/oauth2/auth-flow).
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	scopes := strings.Fields(q.Get("scope"))
	if q.Get("client_id") != s.opts.ClientID || q.Get("response_type") != "code" ||
		!slices.Contains(scopes, "offline_access") || q.Get("redirect_uri") == "" {
		http.Error(w, "invalid authorize request", http.StatusBadRequest)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "invalid redirect_uri", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	code := randToken("code")
	s.codes[code] = true
	s.mu.Unlock()
	v := redirect.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	redirect.RawQuery = v.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// token is the token endpoint with HTTP Basic client authentication. A
// refresh rotates the refresh token and the superseded one is refused with
// invalid_grant (after RefreshGrace): Xero's FAQ says to replace the stored
// refresh token with the one returned and that the old one may be retried
// only within 30 minutes of a lost answer (developer.xero.com/faq/oauth2).
// Unused refresh tokens expire after 60 days.
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
	now := s.opts.Now()
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		code := r.PostForm.Get("code")
		if !s.codes[code] {
			s.refused++
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		delete(s.codes, code) // single use
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		dies, ok := s.refresh[rt]
		if !ok || (!dies.IsZero() && !now.Before(dies)) {
			s.refused++
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		s.refreshes++
		if dies.IsZero() { // the current token: it dies now, or after the grace
			s.refresh[rt] = now.Add(s.opts.RefreshGrace)
		}
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	access, refresh := randToken("at"), randToken("rt")
	s.access[access] = now.Add(s.opts.AccessTokenTTL)
	s.refresh[refresh] = time.Time{}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"access_token": access, "refresh_token": refresh, "token_type": "Bearer",
		"expires_in": int(s.opts.AccessTokenTTL / time.Second), "scope": "openid profile email offline_access accounting.transactions accounting.contacts accounting.settings",
	})
}

// RevokeRefreshTokens makes every refresh token invalid, as a user who
// disconnects the app does.
func (s *Server) RevokeRefreshTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.refresh {
		s.refresh[k] = s.opts.Now()
	}
}

// ExpireAccessTokens makes every access token issued so far expired.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.access {
		s.access[k] = s.opts.Now()
	}
}

func oauthError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code})
}

func randToken(prefix string) string {
	b := make([]byte, 16)
	rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// authorized reports whether r carries a live access token.
func (s *Server) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return false
	}
	if s.opts.StaticToken != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.opts.StaticToken)) == 1 {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.access[tok]
	return ok && s.opts.Now().Before(exp)
}

// connections is GET /connections: the organisations the token may call
// (developer.xero.com/documentation/guides/oauth2/auth-flow).
func (s *Server) connections(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		unauthorized(w)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode([]map[string]any{{
		"id": "c0ffee00-0000-4000-8000-000000000001", "authEventId": "a0000000-0000-4000-8000-000000000001",
		"tenantId": s.opts.TenantID, "tenantType": "ORGANISATION", "tenantName": s.opts.TenantName,
		"createdDateUtc": "2026-01-01T00:00:00.0000000", "updatedDateUtc": "2026-01-01T00:00:00.0000000",
	}})
}

// unauthorized is Xero's 401 body for a missing or expired token.
func unauthorized(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	w.Write([]byte(`{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"AuthenticationUnsuccessful","Instance":"sandbox"}`))
}
