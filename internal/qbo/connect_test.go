package qbo

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"billbot/internal/qbo/qbosandbox"
)

// An attacker who knows the URL cannot start the flow: without a valid link
// there is no redirect to Intuit.
func TestConnectWithoutLinkIsForbidden(t *testing.T) {
	t.Parallel()
	w := newConnectWorld(t)
	used := w.link(false)
	w.open(w.browser(), used)
	expired := w.link(false)
	w.advance(LinkTTL)
	for name, u := range map[string]string{
		"no link":      w.base + ConnectPath,
		"forged link":  w.base + ConnectPath + "?t=forged",
		"used link":    used,
		"expired link": expired,
	} {
		code, body, h := w.get(w.browser(), u)
		if code != http.StatusForbidden || h.Get("Location") != "" || len(h.Values("Set-Cookie")) != 0 {
			t.Errorf("%s: HTTP %d, Location %q, cookies %v; want 403, no redirect, no cookie", name, code, h.Get("Location"), h.Values("Set-Cookie"))
		}
		if !strings.Contains(body, "billbot qbo connect") {
			t.Errorf("%s: body %q does not say how to get a link", name, body)
		}
		if h.Get("X-Frame-Options") != "DENY" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: refusal may be framed or cached: %v", name, h)
		}
	}
}

func TestConnectLinkSetsBoundStateCookie(t *testing.T) {
	t.Parallel()
	w := newConnectWorld(t)
	w.flow.SecureCookie = true
	link := w.link(false)
	_, page, _ := w.get(w.browser(), link)
	resp, err := w.browser().PostForm(link, url.Values{"t": {formToken(t, page)}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cs := resp.Cookies()
	if resp.StatusCode != http.StatusSeeOther || len(cs) != 1 {
		t.Fatalf("HTTP %d, cookies %v", resp.StatusCode, cs)
	}
	c := cs[0]
	if c.Name != stateCookie || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.MaxAge <= 0 || c.MaxAge > int(LinkTTL/time.Second) {
		t.Errorf("state cookie %+v: want HttpOnly, Secure, SameSite=Lax, expiring with the link", c)
	}
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, w.qbo.AuthURL()) || !strings.Contains(loc, "state="+c.Value) {
		t.Errorf("redirect %q does not carry the cookie's state", loc)
	}
	if resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("link page may leak through Referer or caches: %v", resp.Header)
	}
}

// Slack unfurls and mail scanners GET pasted links: a GET, however often,
// shows a confirmation page and uses up nothing; the approver's press of
// its button (a POST) is what opens the link.
func TestConnectLinkPreviewConsumesNothing(t *testing.T) {
	t.Parallel()
	w := newConnectWorld(t)
	for _, allowSwitch := range []bool{false, true} {
		link := w.link(allowSwitch)
		for i := range 3 {
			code, body, h := w.get(w.browser(), link)
			if code != http.StatusOK || h.Get("Location") != "" || len(h.Values("Set-Cookie")) != 0 {
				t.Fatalf("preview %d: HTTP %d, Location %q, cookies %v; want 200, no redirect, no cookie", i, code, h.Get("Location"), h.Values("Set-Cookie"))
			}
			for k, v := range map[string]string{
				"Content-Type":            "text/html; charset=utf-8",
				"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
				"X-Frame-Options":         "DENY",
				"Referrer-Policy":         "no-referrer",
				"Cache-Control":           "no-store",
				"X-Content-Type-Options":  "nosniff",
			} {
				if h.Get(k) != v {
					t.Errorf("%s = %q, want %q", k, h.Get(k), v)
				}
			}
			if !strings.Contains(body, "Connect billbot to a QuickBooks company") || strings.Contains(body, "may switch companies") != allowSwitch {
				t.Errorf("page (switch %v) does not say what will happen: %s", allowSwitch, body)
			}
			formToken(t, body)
		}
		b := w.browser()
		if code, body, _ := w.get(b, w.open(b, link)); code != http.StatusOK {
			t.Fatalf("connect after previews: HTTP %d %q", code, body)
		}
		if code, _, _ := w.get(w.browser(), link); code != http.StatusForbidden {
			t.Errorf("GET of a used link: HTTP %d, want 403", code)
		}
	}
}

// The POST that opens a link needs the link itself, once.
func TestConnectPostWithoutLinkIsForbidden(t *testing.T) {
	t.Parallel()
	w := newConnectWorld(t)
	used := w.link(false)
	w.open(w.browser(), used)
	for name, tok := range map[string]string{"no link": "", "forged link": "forged", "used link": mustURL(t, used).Query().Get("t")} {
		resp, err := w.browser().PostForm(w.base+ConnectPath+"?t="+tok, url.Values{"t": {tok}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Location") != "" || len(resp.Cookies()) != 0 {
			t.Errorf("%s: HTTP %d, Location %q, cookies %v; want 403", name, resp.StatusCode, resp.Header.Get("Location"), resp.Cookies())
		}
	}
}

// Today's attack: the attacker's own cookie and state with a code for the
// attacker's company. It must store nothing.
func TestForgedCallbackStoresNothing(t *testing.T) {
	t.Parallel()
	w := newConnectWorld(t)
	w.connectFirm()
	before := w.stored()
	w.qbo.AuthorizeAs("6660000000000666", "Attacker Books")
	// The attacker gets a real code for their own company by hand...
	back := w.open(w.browser(), w.link(true))
	code := mustQuery(t, back, "code")
	// ...and sends the callback with a state and cookie of their making.
	req, _ := http.NewRequest(http.MethodGet, w.base+CallbackPath+"?state=x&code="+code+"&realmId=6660000000000666", nil)
	req.AddCookie(&http.Cookie{Name: stateCookie, Value: "x"})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || w.stored() != before {
		t.Errorf("forged callback: HTTP %d, stored token changed %v; want 400 and nothing stored", resp.StatusCode, w.stored() != before)
	}
}

func TestCallbackStateSingleUseBoundAndExpiring(t *testing.T) {
	t.Parallel()
	w := newConnectWorld(t)
	alice, mallory := w.browser(), w.browser()
	back := w.open(alice, w.link(false))
	w.open(mallory, w.link(false))
	// Alice's state in Mallory's browser (Mallory's cookie): refused, and
	// Alice's state is still good for Alice.
	if code, _, _ := w.get(mallory, back); code != http.StatusBadRequest || w.tokens.saves != 0 {
		t.Fatalf("state from another browser: HTTP %d, %d saves; want 400, none", code, w.tokens.saves)
	}
	if code, body, _ := w.get(alice, back); code != http.StatusOK || w.tokens.realm != w.qbo.RealmID() {
		t.Fatalf("callback: HTTP %d %q", code, body)
	}
	stored := w.stored()
	// Replayed with the same cookie: the state is used up.
	replay := w.browser()
	replay.Jar.SetCookies(mustURL(t, back), []*http.Cookie{{Name: stateCookie, Value: mustQuery(t, back, "state"), Path: "/oauth/qbo"}})
	if code, _, _ := w.get(replay, back); code != http.StatusBadRequest || w.stored() != stored {
		t.Errorf("reused state: HTTP %d, stored changed %v; want 400, nothing stored", code, w.stored() != stored)
	}
	// A state whose link expired between authorize and callback.
	late := w.browser()
	back = w.open(late, w.link(false))
	w.advance(LinkTTL)
	if code, _, _ := w.get(late, back); code != http.StatusBadRequest || w.stored() != stored {
		t.Errorf("expired state: HTTP %d; want 400, nothing stored", code)
	}
}

func TestConcurrentCallbacksConnectOnce(t *testing.T) {
	t.Parallel()
	w := newConnectWorld(t)
	b := w.browser()
	back := w.open(b, w.link(false))
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		codes []int
	)
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, _, _ := w.get(b, back)
			mu.Lock()
			codes = append(codes, code)
			mu.Unlock()
		}()
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		if c == http.StatusOK {
			ok++
		}
	}
	if ok != 1 || w.tokens.saves != 1 {
		t.Errorf("callbacks %v, %d saves; want exactly one success", codes, w.tokens.saves)
	}
}

func TestCallbackOtherCompany(t *testing.T) {
	t.Parallel()
	const attacker = "6660000000000666"
	t.Run("refused without switch", func(t *testing.T) {
		t.Parallel()
		w := newConnectWorld(t)
		w.connectFirm()
		before := w.stored()
		w.qbo.AuthorizeAs(attacker, "Attacker Books")
		b := w.browser()
		code, body, _ := w.get(b, w.open(b, w.link(false)))
		if code != http.StatusForbidden || !strings.Contains(body, "--switch-company") || w.stored() != before {
			t.Errorf("HTTP %d %q, stored changed %v; want 403 naming --switch-company, nothing stored", code, body, w.stored() != before)
		}
	})
	t.Run("refused when QBO_REALM_ID pins another", func(t *testing.T) {
		t.Parallel()
		w := newConnectWorld(t)
		w.flow.PinnedRealm = w.qbo.RealmID()
		w.qbo.AuthorizeAs(attacker, "Attacker Books")
		b := w.browser()
		code, body, _ := w.get(b, w.open(b, w.link(false)))
		if code != http.StatusForbidden || !strings.Contains(body, "QBO_REALM_ID") || !strings.Contains(body, "--switch-company") || w.tokens.saves != 0 {
			t.Errorf("HTTP %d %q, %d saves; want 403 naming QBO_REALM_ID and --switch-company, nothing stored", code, body, w.tokens.saves)
		}
	})
	// The issue: with QBO_REALM_ID set, a --switch-company link may still
	// connect another company (doctor then says QBO_REALM_ID is stale).
	t.Run("QBO_REALM_ID and --switch-company", func(t *testing.T) {
		t.Parallel()
		w := newConnectWorld(t)
		w.flow.PinnedRealm = w.qbo.RealmID()
		w.connectFirm()
		w.qbo.AuthorizeAs(attacker, "Other Books")
		b := w.browser()
		code, body, _ := w.get(b, w.open(b, w.link(true)))
		if code != http.StatusOK || w.tokens.realm != attacker {
			t.Fatalf("HTTP %d %q, realm %q; want switched", code, body, w.tokens.realm)
		}
		if last := w.announced[len(w.announced)-1]; !last.Switched() || last.PreviousRealm != w.qbo.RealmID() {
			t.Errorf("announced %+v; want the switch", last)
		}
		// Reconnecting the company now connected needs no switch.
		b = w.browser()
		if code, body, _ := w.get(b, w.open(b, w.link(false))); code != http.StatusOK || w.tokens.realm != attacker {
			t.Errorf("reconnect of the connected company: HTTP %d %q", code, body)
		}
	})
	t.Run("switched with --switch-company", func(t *testing.T) {
		t.Parallel()
		w := newConnectWorld(t)
		w.connectFirm()
		w.qbo.AuthorizeAs(attacker, "Other Books")
		b := w.browser()
		code, body, _ := w.get(b, w.open(b, w.link(true)))
		if code != http.StatusOK || w.tokens.realm != attacker || !strings.Contains(body, "Other Books") {
			t.Fatalf("HTTP %d %q, realm %q; want switched", code, body, w.tokens.realm)
		}
		last := w.announced[len(w.announced)-1]
		if !last.Switched() || last.PreviousRealm != w.qbo.RealmID() || last.CompanyName != "Other Books" || last.Link.CreatedBy != "cli:ops" {
			t.Errorf("announced %+v; want the switch with company, realm and who made the link", last)
		}
	})
}

// A failed attempt never touches the stored token. Before, a token answer
// without a refresh token replaced the firm's refresh token with "".
func TestCallbackFailureKeepsStoredToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(w *connectWorld)
		back  func(t *testing.T, w *connectWorld, back string) string
	}{
		{name: "code refused", back: func(t *testing.T, _ *connectWorld, back string) string {
			return withParam(t, back, "code", "AB-forged")
		}},
		{name: "no refresh token", setup: func(w *connectWorld) {
			ts := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
				rw.Header().Set("Content-Type", "application/json")
				rw.Write([]byte(`{"access_token":"at-x","token_type":"bearer","expires_in":3600}`))
			}))
			w.t.Cleanup(ts.Close)
			w.flow.OAuth.Endpoint.TokenURL = ts.URL
		}},
		{name: "company info fails", setup: func(w *connectWorld) { w.qbo.FailNext(qbosandbox.FaultServerError, 5) }},
		{name: "code of another company sent as the firm's", setup: func(w *connectWorld) { w.qbo.AuthorizeAs("6660000000000666", "Attacker Books") },
			back: func(t *testing.T, w *connectWorld, back string) string {
				return withParam(t, back, "realmId", w.qbo.RealmID())
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newConnectWorld(t)
			w.connectFirm()
			before := w.stored()
			if tt.setup != nil {
				tt.setup(w)
			}
			b := w.browser()
			back := w.open(b, w.link(true))
			if tt.back != nil {
				back = tt.back(t, w, back)
			}
			code, body, _ := w.get(b, back)
			if code < 400 || w.stored() != before {
				t.Errorf("HTTP %d %q; stored token changed %v; want a failure and the token byte-identical", code, body, w.stored() != before)
			}
			if strings.Contains(body, "at-") || strings.Contains(body, "rt-") {
				t.Errorf("failure page shows a token: %q", body)
			}
		})
	}
}

func mustQuery(t *testing.T, u, key string) string {
	t.Helper()
	v := mustURL(t, u).Query().Get(key)
	if v == "" {
		t.Fatalf("%s has no %s", u, key)
	}
	return v
}
