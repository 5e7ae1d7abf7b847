package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"billbot/internal/chat"
	"billbot/internal/qbo"
	"billbot/internal/slacksandbox"
	"billbot/store"
)

// TestE2EQBOConnectOnlyFromLink sends a running `billbot serve` the requests
// an attacker would, over real HTTP: only a `billbot qbo connect` link
// connects a company, once; another company needs --switch-company, and
// every connection is audited and announced in the billing channel.
func TestE2EQBOConnectOnlyFromLink(t *testing.T) {
	const attackerRealm = "6660000000000666"
	w := newE2EWorld(t)
	delete(w.env, "QBO_REALM_ID") // nothing pinned: only the links guard the company
	w.startServe()
	noFollow := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(req *http.Request) (int, string, string) {
		t.Helper()
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), string(body)
	}
	secret := func() []byte {
		t.Helper()
		ct, err := w.store.Secret(t.Context(), qbo.DefaultTokenSecretName)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
		return ct
	}

	// 1. The connect URL without a link: 403 and no redirect.
	req, _ := http.NewRequest(http.MethodGet, w.base+"/oauth/qbo/connect", nil)
	if code, loc, _ := get(req); code != http.StatusForbidden || loc != "" {
		t.Fatalf("connect without a link: HTTP %d, Location %q; want 403, no redirect", code, loc)
	}

	// 2. The attacker's own code for their own company, with a state and
	// cookie of their making: 400, nothing stored.
	w.qbo.AuthorizeAs(attackerRealm, "Mallory Ltd")
	authz := w.qbo.AuthURL() + "?" + url.Values{"client_id": {e2eQBOClientID}, "response_type": {"code"},
		"scope": {qbo.ScopeAccounting}, "redirect_uri": {w.base + "/oauth/qbo/callback"}, "state": {"x"}}.Encode()
	req, _ = http.NewRequest(http.MethodGet, authz, nil)
	_, back, _ := get(req)
	backURL, _ := url.Parse(back)
	req, _ = http.NewRequest(http.MethodGet, w.base+"/oauth/qbo/callback?"+backURL.RawQuery, nil)
	req.AddCookie(&http.Cookie{Name: "qbo_oauth_state", Value: "x"})
	if code, _, body := get(req); code != http.StatusBadRequest || secret() != nil {
		t.Fatalf("forged callback: HTTP %d %q, token stored %v; want 400, nothing stored", code, body, secret() != nil)
	}

	// 3. The firm connects through a link: connected and announced.
	w.qbo.AuthorizeAs("", "")
	link := w.connectLink()
	// Pasted into Slack or mail, the link is fetched by previewers first:
	// their GETs get the confirmation page, no cookie, and use up nothing.
	for range 2 {
		req, _ = http.NewRequest(http.MethodGet, link, nil)
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || len(resp.Cookies()) != 0 || resp.Header.Get("Location") != "" ||
			!strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			!strings.Contains(string(page), "Connect billbot to a QuickBooks company") {
			t.Fatalf("link preview: HTTP %d, cookies %v, headers %v: %s", resp.StatusCode, resp.Cookies(), resp.Header, page)
		}
	}
	// A POST without the link is refused like a GET without one.
	if resp, err := http.PostForm(w.base+"/oauth/qbo/connect", url.Values{"t": {"forged"}}); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("POST of a forged link: %v, %v; want 403", resp, err)
	} else {
		resp.Body.Close()
	}
	if code, body := w.followLink(link); code != http.StatusOK || !strings.Contains(body, e2eQBORealm) {
		t.Fatalf("connect: HTTP %d %q", code, body)
	}
	if !w.announced(e2eQBORealm, "now connected") {
		t.Errorf("connection not announced in the billing channel: %+v", w.slack.Messages(e2eChannel))
	}
	firmToken := secret()

	// 3b. App Home offers an approver a fresh link, and nobody else.
	if link := w.homeConnectLink(e2eManager, "Ev0HOMEMGR"); link != "" {
		t.Errorf("App Home offers a non-approver a connect link: %s", link)
	}
	homeLink := w.homeConnectLink(e2ePartner, "Ev0HOMEPARTNER")
	if homeLink == "" {
		t.Fatal("App Home offers the approver no connect link")
	}
	if code, body := w.followLink(homeLink); code != http.StatusOK {
		t.Errorf("App Home link: HTTP %d %q", code, body)
	}
	if evs, _ := w.store.AuditEvents(t.Context(), "qbo_company", e2eQBORealm); len(evs) != 2 || evs[1].Actor != e2ePartner {
		t.Errorf("reconnect from App Home audit = %+v; want it made by the approver", evs)
	}
	firmToken = secret()

	// 4. The same link again: 403, no redirect.
	req, _ = http.NewRequest(http.MethodGet, link, nil)
	if code, loc, _ := get(req); code != http.StatusForbidden || loc != "" {
		t.Errorf("reused link: HTTP %d, Location %q; want 403, no redirect", code, loc)
	}

	// 5. Another company through a plain link: refused, token unchanged.
	w.qbo.AuthorizeAs(attackerRealm, "Mallory Ltd")
	if code, body := w.followLink(w.connectLink()); code != http.StatusForbidden || !strings.Contains(body, "--switch-company") || !bytes.Equal(secret(), firmToken) {
		t.Errorf("other company without --switch-company: HTTP %d %q, token changed %v; want 403, unchanged", code, body, !bytes.Equal(secret(), firmToken))
	}

	// 6. With --switch-company: switched, audited, announced.
	if code, body := w.followLink(w.connectLink("--switch-company")); code != http.StatusOK || !strings.Contains(body, "Mallory Ltd") {
		t.Fatalf("switch: HTTP %d %q", code, body)
	}
	evs, err := w.store.AuditEvents(t.Context(), "qbo_company", attackerRealm)
	if err != nil || len(evs) != 1 || evs[0].Action != "qbo.switched" || !strings.HasPrefix(evs[0].Actor, "cli") {
		t.Errorf("switch audit = %+v, %v", evs, err)
	}
	if !w.announced(attackerRealm, "Mallory Ltd") || !w.announced(attackerRealm, "switched from company id "+e2eQBORealm) {
		t.Errorf("switch not announced in the billing channel: %+v", w.slack.Messages(e2eChannel))
	}
}

// homeConnectLink opens user's App Home through a signed Events API request
// and returns the connect link it shows ("" when none).
func (w *e2eWorld) homeConnectLink(user, eventID string) string {
	w.t.Helper()
	ev := []byte(`{"token":"x","team_id":"` + slacksandbox.TeamID + `","api_app_id":"A0BILLBOT","type":"event_callback","event_id":"` + eventID +
		`","event_time":1772442000,"event":{"type":"app_home_opened","user":"` + user + `","channel":"D0` + user + `","tab":"home","event_ts":"1772442000.000100"}}`)
	w.event(ev)
	var home json.RawMessage
	w.eventually("App Home of "+user, func() (bool, error) {
		var ok bool
		home, ok = w.slack.Home(user)
		return ok, nil
	})
	var view struct {
		Blocks []struct {
			Elements []struct {
				ActionID string `json:"action_id"`
				URL      string `json:"url"`
			} `json:"elements"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(home, &view); err != nil {
		w.t.Fatalf("App Home view: %v", err)
	}
	for _, b := range view.Blocks {
		for _, e := range b.Elements {
			if e.ActionID == chat.ActionConnectQBO {
				return e.URL
			}
		}
	}
	return ""
}

// announced reports whether a billing-channel message names realm and
// contains text.
func (w *e2eWorld) announced(realm, text string) bool {
	for _, m := range w.slack.Messages(e2eChannel) {
		if strings.Contains(m.Text, realm) && strings.Contains(m.Text, text) {
			return true
		}
	}
	return false
}
