package qbo

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/qbo/qbosandbox"
)

// memLinks is ConnectLinks in memory with the store's rules: one open, one
// state use, both before expiry.
type memLinks struct {
	mu    sync.Mutex
	links map[string]*memLink // by link hash
}

type memLink struct {
	ConnectLink
	state        string
	opened, used bool
}

func (m *memLinks) add(l ConnectLink) string {
	tok, _ := NewSecret()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.links == nil {
		m.links = map[string]*memLink{}
	}
	l.ID = int64(len(m.links) + 1)
	m.links[HashSecret(tok)] = &memLink{ConnectLink: l}
	return tok
}

func (m *memLinks) PeekLink(_ context.Context, linkHash string, now time.Time) (ConnectLink, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.links[linkHash]
	if !ok || l.opened || !now.Before(l.ExpiresAt) {
		return ConnectLink{}, fmt.Errorf("peek: %w", ErrLinkInvalid)
	}
	return l.ConnectLink, nil
}

func (m *memLinks) OpenLink(_ context.Context, linkHash, stateHash string, now time.Time) (ConnectLink, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.links[linkHash]
	if !ok || l.opened || !now.Before(l.ExpiresAt) {
		return ConnectLink{}, fmt.Errorf("open: %w", ErrLinkInvalid)
	}
	l.opened, l.state = true, stateHash
	return l.ConnectLink, nil
}

func (m *memLinks) ConsumeState(_ context.Context, stateHash string, now time.Time) (ConnectLink, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, l := range m.links {
		if l.opened && l.state == stateHash && !l.used && now.Before(l.ExpiresAt) {
			l.used = true
			return l.ConnectLink, nil
		}
	}
	return ConnectLink{}, fmt.Errorf("consume: %w", ErrLinkInvalid)
}

// connectWorld is serve's connect flow over real HTTP against the sandbox.
type connectWorld struct {
	t      *testing.T
	qbo    *qbosandbox.Server
	flow   *ConnectFlow
	links  *memLinks
	tokens *memTokens
	base   string

	mu        sync.Mutex
	now       time.Time
	announced []Connection
}

func newConnectWorld(t *testing.T) *connectWorld {
	t.Helper()
	return newConnectWorldOn(t, newSandbox(t, qbosandbox.Options{}))
}

func newConnectWorldOn(t *testing.T, srv *qbosandbox.Server) *connectWorld {
	t.Helper()
	w := &connectWorld{t: t, qbo: srv, links: &memLinks{}, tokens: &memTokens{},
		now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	mux := http.NewServeMux()
	web := httptest.NewServer(mux)
	t.Cleanup(web.Close)
	w.base = web.URL
	w.flow = &ConnectFlow{
		OAuth: NewOAuthConfig("sandbox-client", "sandbox-secret", web.URL+CallbackPath, w.qbo.AuthURL(), w.qbo.TokenURL()),
		Links: w.links, Tokens: w.tokens, APIURL: w.qbo.URL(),
		Commit: func(ctx context.Context, c Connection) error { return w.tokens.Save(ctx, c.Token, c.RealmID) },
		Announce: func(_ context.Context, c Connection) error {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.announced = append(w.announced, c)
			return nil
		},
		Now: func() time.Time { w.mu.Lock(); defer w.mu.Unlock(); return w.now },
	}
	mux.Handle("GET "+ConnectPath, w.flow.ConnectHandler())
	mux.Handle("POST "+ConnectPath, w.flow.ConnectHandler())
	mux.Handle("GET "+CallbackPath, w.flow.CallbackHandler())
	return w
}

func (w *connectWorld) advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(d)
}

// link makes a one-time link the way `billbot qbo connect` does.
func (w *connectWorld) link(allowSwitch bool) string {
	tok := w.links.add(ConnectLink{CreatedBy: "cli:ops", AllowSwitch: allowSwitch, ExpiresAt: w.flow.Now().Add(LinkTTL)})
	return LinkURL(w.base, tok)
}

// browser is a cookie-keeping client that does not follow redirects.
func (w *connectWorld) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (w *connectWorld) get(b *http.Client, u string) (int, string, http.Header) {
	w.t.Helper()
	resp, err := b.Get(u)
	if err != nil {
		w.t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

// press opens link's confirmation page (GET) and presses its button: a
// POST of the page's form to the page's own address.
func (w *connectWorld) press(b *http.Client, link string) (int, string, http.Header) {
	w.t.Helper()
	code, body, _ := w.get(b, link)
	if code != http.StatusOK {
		w.t.Fatalf("confirmation page: HTTP %d %q", code, body)
	}
	resp, err := b.PostForm(link, url.Values{"t": {formToken(w.t, body)}})
	if err != nil {
		w.t.Fatalf("POST %s: %v", link, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out), resp.Header
}

// formToken is the hidden field t of the confirmation page.
func formToken(t *testing.T, page string) string {
	t.Helper()
	m := regexp.MustCompile(`<input type="hidden" name="t" value="([^"]*)">`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `<form method="post">`) {
		t.Fatalf("confirmation page has no POST form with the link: %s", page)
	}
	return html.UnescapeString(m[1])
}

// open follows a link to Intuit's authorize page and back, and returns the
// callback URL the browser is sent to (not yet followed).
func (w *connectWorld) open(b *http.Client, link string) string {
	w.t.Helper()
	code, body, h := w.press(b, link)
	if code != http.StatusSeeOther {
		w.t.Fatalf("open link: HTTP %d %q", code, body)
	}
	code, body, h = w.get(b, h.Get("Location"))
	if code != http.StatusFound {
		w.t.Fatalf("authorize: HTTP %d %q", code, body)
	}
	return h.Get("Location")
}

// stored is the stored token and realm as bytes, to compare byte for byte.
func (w *connectWorld) stored() string {
	w.tokens.mu.Lock()
	defer w.tokens.mu.Unlock()
	b, _ := json.Marshal(struct {
		Tok   *oauth2.Token
		Realm string
		Saves int
	}{w.tokens.tok, w.tokens.realm, w.tokens.saves})
	return string(b)
}

// connectFirm connects the sandbox's company through a link.
func (w *connectWorld) connectFirm() {
	w.t.Helper()
	b := w.browser()
	if code, body, _ := w.get(b, w.open(b, w.link(false))); code != http.StatusOK {
		w.t.Fatalf("connect the firm: HTTP %d %q", code, body)
	}
}

func withParam(t *testing.T, u, key, value string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := p.Query()
	q.Set(key, value)
	p.RawQuery = q.Encode()
	return p.String()
}

func mustURL(t *testing.T, u string) *url.URL {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
