package qbo

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/oauth2"
)

// stateCookie carries the OAuth state between connect and callback.
const stateCookie = "qbo_oauth_state"

// ConnectHandler starts the connect flow: it sets a random state in an
// HttpOnly, Secure, SameSite=Lax cookie and redirects to Intuit's authorize
// page with scope com.intuit.quickbooks.accounting (VENDORS §2.9).
// Mounted at GET /oauth/qbo/connect.
func ConnectHandler(cfg *oauth2.Config) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			http.Error(w, "could not start the QuickBooks connection", http.StatusInternalServerError)
			return
		}
		state := base64.RawURLEncoding.EncodeToString(b)
		http.SetCookie(w, &http.Cookie{
			Name: stateCookie, Value: state, Path: "/oauth/qbo", MaxAge: 600,
			HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode,
		})
		http.Redirect(w, r, cfg.AuthCodeURL(state), http.StatusFound)
	})
}

// CallbackHandler finishes the connect flow at GET /oauth/qbo/callback: the
// state must equal the cookie, the code is exchanged for tokens, and the
// token is stored with the realmId Intuit adds to the redirect (VENDORS
// §2.9). Any failure is a 400 with a short plain message; tokens never
// appear in responses or logs.
func CallbackHandler(cfg *oauth2.Config, store TokenStore, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fail := func(msg string, err error) {
			attrs := []slog.Attr{slog.String("reason", msg)}
			if err != nil {
				attrs = append(attrs, slog.String("error", err.Error()))
			}
			logger.LogAttrs(r.Context(), slog.LevelWarn, "qbo connect failed", attrs...)
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintln(w, msg)
		}
		q := r.URL.Query()
		if e := q.Get("error"); e != "" {
			fail("QuickBooks did not authorize the connection ("+sanitize(e)+"). Start again from /oauth/qbo/connect.", nil)
			return
		}
		c, err := r.Cookie(stateCookie)
		state := q.Get("state")
		if err != nil || state == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(state)) != 1 {
			fail("The connection request expired or did not start here. Start again from /oauth/qbo/connect.", nil)
			return
		}
		code, realmID := q.Get("code"), q.Get("realmId")
		if code == "" || realmID == "" {
			fail("QuickBooks sent no authorization code or company id. Start again from /oauth/qbo/connect.", nil)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		defer cancel()
		tok, err := cfg.Exchange(ctx, code)
		if err != nil {
			fail("QuickBooks refused the authorization code. Start again from /oauth/qbo/connect.", err)
			return
		}
		if err := store.Save(ctx, stamp(tok, time.Now()), realmID); err != nil {
			fail("The QuickBooks connection could not be saved. Check the database and try again.", err)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: stateCookie, Path: "/oauth/qbo", MaxAge: -1, HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
		logger.LogAttrs(r.Context(), slog.LevelInfo, "qbo company connected", slog.String("realm_id", realmID))
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "QuickBooks company %s is connected to billbot. You can close this page.\n", sanitize(realmID))
	})
}

// sanitize keeps echoed query values short and printable.
func sanitize(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	out := []rune{}
	for _, r := range s {
		if r >= 0x20 && r < 0x7f {
			out = append(out, r)
		}
	}
	return string(out)
}
