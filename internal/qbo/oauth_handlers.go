package qbo

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"
)

// stateCookie carries the OAuth state between connect and callback.
const stateCookie = "qbo_oauth_state"

// Connection is a company the callback is about to connect, or has.
type Connection struct {
	Token         *oauth2.Token // fresh from the code exchange
	RealmID       string
	CompanyName   string
	PreviousRealm string // the company connected before; "" on the first connection
	Link          ConnectLink
}

// Switched reports whether the connection replaces another company.
func (c Connection) Switched() bool { return c.PreviousRealm != "" && c.PreviousRealm != c.RealmID }

// ConnectFlow is the OAuth connect flow of serve: GET /oauth/qbo/connect
// starts only from a one-time link, GET /oauth/qbo/callback finishes it.
// Intuit's rules: developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
type ConnectFlow struct {
	OAuth  *oauth2.Config
	Links  ConnectLinks
	Tokens TokenStore // read for the connected company; never written here
	// PinnedRealm is QBO_REALM_ID: before the first connection, no other
	// company can be connected without a --switch-company link.
	PinnedRealm string
	// APIURL is the QBO API base, for reading CompanyInfo with the new token.
	APIURL string
	// SecureCookie sets Secure on the state cookie (the public URL is https).
	SecureCookie bool
	// Commit stores the connection (token, generation, audit) atomically.
	// It is the only write of the flow.
	Commit func(ctx context.Context, c Connection) error
	// Announce tells the firm about a connection; its error is only logged.
	Announce func(ctx context.Context, c Connection) error
	Now      func() time.Time
	Logger   *slog.Logger

	// Vendor names the ledger in pages, messages, the cookie and logs; the
	// zero value is QuickBooks.
	Vendor Vendor
	// Finish, when set, replaces QuickBooks' callback step (realmId from
	// the query, the pinning check, the code exchange, the CompanyInfo
	// read and Commit): it gets the consumed link and the callback's query
	// and returns the connection made, or a non-empty msg (and status) to
	// answer instead. Everything before it — the one-time link, the state
	// bound to this browser and consumed once — is the same for every
	// ledger.
	Finish func(ctx context.Context, link ConnectLink, q url.Values) (conn Connection, status int, msg string, err error)
}

func (f *ConnectFlow) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func (f *ConnectFlow) log() *slog.Logger {
	if f.Logger != nil {
		return f.Logger
	}
	return slog.New(slog.DiscardHandler)
}

const startAgain = " Make a new link with `billbot qbo connect` (or from billbot's App Home in Slack) and open it."

// ConnectHandler serves /oauth/qbo/connect. GET ?t=… only shows what a
// valid link will do, with a button that POSTs the link: link previews
// (Slack unfurls, mail scanners) fetch links with GET, so a GET never
// consumes a link nor sets a cookie. POST (form field t) uses up a valid,
// unopened, unexpired link: a fresh state bound to this browser by an
// HttpOnly, SameSite=Lax cookie and a redirect to Intuit's authorize page.
// Anything else gets 403 and no redirect.
func (f *ConnectFlow) ConnectHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noStore(w)
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			f.confirmPage(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
		t := r.PostFormValue("t")
		if t == "" {
			f.reply(w, r, http.StatusForbidden, "This page opens only from a one-time link."+f.startAgain(), nil)
			return
		}
		state, err := NewSecret()
		if err != nil {
			f.reply(w, r, http.StatusInternalServerError, "Could not start the "+f.vendor().Name+" connection. Try again.", err)
			return
		}
		now := f.now()
		link, err := f.Links.OpenLink(r.Context(), HashSecret(t), HashSecret(state), now)
		if errors.Is(err, ErrLinkInvalid) {
			f.reply(w, r, http.StatusForbidden, f.linkInvalid(), nil)
			return
		}
		if err != nil {
			f.reply(w, r, http.StatusInternalServerError, "Could not start the "+f.vendor().Name+" connection. Check the database and try again.", err)
			return
		}
		http.SetCookie(w, &http.Cookie{
			Name: f.vendor().cookie(), Value: state, Path: f.vendor().Path, Expires: link.ExpiresAt,
			MaxAge: max(1, int(link.ExpiresAt.Sub(now)/time.Second)), HttpOnly: true,
			Secure: f.SecureCookie, SameSite: http.SameSiteLaxMode,
		})
		http.Redirect(w, r, f.OAuth.AuthCodeURL(state), http.StatusSeeOther)
	})
}

// CallbackHandler serves GET /oauth/qbo/callback. The state must be this
// browser's cookie and an opened link's unused, unexpired state; it is
// consumed before anything else. The company must be the connected one
// (before the first connection, QBO_REALM_ID's) unless the link allows a
// switch. The code is exchanged,
// CompanyInfo is read with the new token to prove it is the company's, and
// only then is anything stored, through Commit. Every failure stores
// nothing and answers 4xx/5xx with a short plain message; tokens never
// appear in responses or logs.
func (f *ConnectFlow) CallbackHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noStore(w)
		q := r.URL.Query()
		if e := q.Get("error"); e != "" {
			f.reply(w, r, http.StatusBadRequest, f.vendor().Name+" did not authorize the connection ("+sanitize(e)+")."+f.startAgain(), nil)
			return
		}
		state := q.Get("state")
		c, err := r.Cookie(f.vendor().cookie())
		if err != nil || state == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(state)) != 1 {
			f.reply(w, r, http.StatusBadRequest, "This connection did not start in this browser."+f.startAgain(), nil)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: f.vendor().cookie(), Path: f.vendor().Path, MaxAge: -1, HttpOnly: true, Secure: f.SecureCookie, SameSite: http.SameSiteLaxMode})
		link, err := f.Links.ConsumeState(r.Context(), HashSecret(state), f.now())
		if errors.Is(err, ErrLinkInvalid) {
			f.reply(w, r, http.StatusBadRequest, "This connection request expired or was already used."+f.startAgain(), nil)
			return
		}
		if err != nil {
			f.reply(w, r, http.StatusInternalServerError, "Could not check the connection request. Check the database and try again.", err)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 60*time.Second)
		defer cancel()
		var (
			conn   Connection
			status int
			msg    string
		)
		if f.Finish != nil {
			conn, status, msg, err = f.Finish(ctx, link, q)
		} else if code, realmID := q.Get("code"), q.Get("realmId"); code == "" || realmID == "" || sanitize(realmID) != realmID {
			status, msg, err = http.StatusBadRequest, "QuickBooks sent no authorization code or company id."+startAgain, nil
		} else {
			conn, status, msg, err = f.connect(ctx, link, code, realmID)
		}
		if msg != "" {
			f.reply(w, r, status, msg, err)
			return
		}
		v := f.vendor()
		if f.Announce != nil {
			if err := f.Announce(ctx, conn); err != nil {
				f.log().LogAttrs(ctx, slog.LevelWarn, v.Log+" connection not announced", slog.String("realm_id", conn.RealmID), slog.String("error", err.Error()))
			}
		}
		f.log().LogAttrs(ctx, slog.LevelInfo, v.Log+" "+v.Org+" connected", slog.String("realm_id", conn.RealmID),
			slog.String("previous_realm_id", conn.PreviousRealm), slog.String("link_created_by", link.CreatedBy))
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "%s %s %q (%s) is connected to billbot. You can close this page.\n", v.Name, v.Org, sanitize(conn.CompanyName), sanitize(conn.RealmID))
	})
}

// connect checks the company, exchanges the code, proves the token with a
// CompanyInfo read and commits. A non-empty msg is the failure to answer.
func (f *ConnectFlow) connect(ctx context.Context, link ConnectLink, code, realmID string) (conn Connection, status int, msg string, err error) {
	_, stored, err := f.Tokens.Load(ctx)
	if err != nil && !errors.Is(err, ErrNoToken) {
		return conn, http.StatusInternalServerError, "Could not read the current QuickBooks connection; nothing was changed.", err
	}
	// Without --switch-company only the connected company (or, before
	// the first connection, QBO_REALM_ID's) may be connected.
	current := stored
	if current == "" {
		current = f.PinnedRealm
	}
	if current != "" && realmID != current && !link.AllowSwitch {
		if stored == "" {
			return conn, http.StatusForbidden, fmt.Sprintf("QBO_REALM_ID pins billbot to QuickBooks company %s; this link may not connect company %s, so nothing was changed. To connect another company, make a link with `billbot qbo connect --switch-company` (and update QBO_REALM_ID).", current, realmID), nil
		}
		return conn, http.StatusForbidden, fmt.Sprintf("billbot is connected to QuickBooks company %s; this link may not switch it to company %s, so nothing was changed. To switch companies, make a link with `billbot qbo connect --switch-company`.", current, realmID), nil
	}
	tok, err := f.OAuth.Exchange(ctx, code)
	if err != nil {
		return conn, http.StatusBadRequest, "QuickBooks refused the authorization code; nothing was changed." + startAgain, err
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" {
		return conn, http.StatusBadGateway, "QuickBooks answered without an access and refresh token; nothing was changed." + startAgain, nil
	}
	info, err := f.companyInfo(ctx, tok, realmID)
	if err != nil {
		return conn, http.StatusBadGateway, "Could not read the QuickBooks company with the new authorization; nothing was changed." + startAgain, err
	}
	conn = Connection{Token: stamp(tok, f.now()), RealmID: realmID, CompanyName: info.CompanyName, PreviousRealm: stored, Link: link}
	if err := f.Commit(ctx, conn); err != nil {
		return conn, http.StatusInternalServerError, "The QuickBooks connection could not be saved; nothing was changed. Check the database and try again.", err
	}
	return conn, http.StatusOK, "", nil
}

// companyInfo reads CompanyInfo with tok alone (nothing persisted), which
// also proves the token belongs to realmID.
func (f *ConnectFlow) companyInfo(ctx context.Context, tok *oauth2.Token, realmID string) (CompanyInfo, error) {
	base := http.DefaultTransport
	if hc, ok := ctx.Value(oauth2.HTTPClient).(*http.Client); ok && hc.Transport != nil {
		base = hc.Transport
	}
	hc := &http.Client{Transport: &oauth2.Transport{Source: oauth2.StaticTokenSource(tok), Base: base}, Timeout: 30 * time.Second}
	c, err := NewClient(f.APIURL, realmID, hc, WithRetry(1, time.Second, time.Second))
	if err != nil {
		return CompanyInfo{}, err
	}
	info, err := c.GetCompanyInfo(ctx)
	if err != nil {
		return CompanyInfo{}, err
	}
	if info.ID != "" && info.ID != realmID {
		return CompanyInfo{}, fmt.Errorf("qbo: company info is for company %s, not %s", sanitize(info.ID), realmID)
	}
	return info, nil
}

// reply writes a one-line plain-text answer and logs failures.
func (f *ConnectFlow) reply(w http.ResponseWriter, r *http.Request, status int, msg string, err error) {
	attrs := []slog.Attr{slog.Int("status", status), slog.String("reason", msg)}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	f.log().LogAttrs(r.Context(), slog.LevelWarn, f.vendor().Log+" connect refused", attrs...)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
}

// noStore keeps the pages (and the link in the URL) out of caches and
// Referer headers, and out of other sites' frames.
func noStore(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
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
