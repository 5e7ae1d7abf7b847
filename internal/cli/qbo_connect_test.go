package cli

import (
	"bytes"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"billbot/internal/qbo"
	"billbot/internal/qbo/qbosandbox"
	"billbot/store"
	"billbot/store/storetest"
)

// connectProcess is one billbot process over a shared database.
type connectProcess struct {
	c  *cli
	st *store.Store
}

func newConnectProcess(t *testing.T, env map[string]string) *connectProcess {
	t.Helper()
	c := &cli{getenv: func(k string) string { return env[k] }, stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	if err := c.setup("serve"); err != nil {
		t.Fatal(err)
	}
	st, err := c.openStore(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.close)
	return &connectProcess{c: c, st: st}
}

// serveConnect mounts p's connect flow on a test server.
func (p *connectProcess) serveConnect(t *testing.T, mux *http.ServeMux) {
	t.Helper()
	ts, err := p.c.qboTokenStore(t.Context(), p.st)
	if err != nil {
		t.Fatal(err)
	}
	wf, err := p.c.workflow(t.Context(), p.st)
	if err != nil {
		t.Fatal(err)
	}
	flow, err := p.c.qboConnectFlow(p.st, ts, wf)
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("GET "+qbo.ConnectPath, flow.ConnectHandler())
	mux.Handle("POST "+qbo.ConnectPath, flow.ConnectHandler())
	mux.Handle("GET "+qbo.CallbackPath, flow.CallbackHandler())
}

// follow opens link in a fresh cookie-keeping browser, through the
// sandbox's authorize page, and returns the callback's answer.
func follow(t *testing.T, link string) (int, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	resp := pressConnect(t, b, link)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// pressConnect does what a person does with a connect link: b GETs its
// confirmation page (which must answer 200) and presses the button, a POST
// of the page's form to the page's address; b follows the redirects.
func pressConnect(t *testing.T, b *http.Client, link string) *http.Response {
	t.Helper()
	resp, err := b.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("connect link page: HTTP %d %s", resp.StatusCode, page)
	}
	m := regexp.MustCompile(`<form method="post">\s*<input type="hidden" name="t" value="([^"]*)">`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("connect link page has no POST form carrying the link: %s", page)
	}
	resp, err = b.PostForm(link, url.Values{"t": {html.UnescapeString(string(m[1]))}})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// A reconnect (here a switch to another company) made through one process
// is used by another running process's cached client without a restart,
// and that process's old client can no longer write its refreshed token
// over the new company's.
func TestReconnectSeenByAnotherProcessWithoutRestart(t *testing.T) {
	const firmRealm, otherRealm = "1110000000000111", "2220000000000222"
	sb := qbosandbox.New(qbosandbox.Options{RealmID: firmRealm, CompanyName: "Firm Books"})
	t.Cleanup(sb.Close)
	mux := http.NewServeMux()
	web := httptest.NewServer(mux)
	t.Cleanup(web.Close)
	env := map[string]string{
		"DATABASE_URL":           storetest.PostgresURL(t),
		"BILLBOT_ENCRYPTION_KEY": base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32)),
		"BILLBOT_PUBLIC_URL":     web.URL,
		"LOG_LEVEL":              "error",
		"QBO_CLIENT_ID":          "sandbox-client", "QBO_CLIENT_SECRET": "sandbox-secret",
		"QBO_REDIRECT_URL": web.URL + qbo.CallbackPath, "QBO_API_URL": sb.URL(),
		"QBO_AUTH_URL": sb.AuthURL(), "QBO_TOKEN_URL": sb.TokenURL(),
	}
	server, other := newConnectProcess(t, env), newConnectProcess(t, env)
	server.serveConnect(t, mux)
	ctx := t.Context()
	books := other.c.app.LazyQBO(other.st)
	if books.Connected(ctx) {
		t.Fatal("connected before any link was followed")
	}

	link, err := server.c.newConnectLink(ctx, server.st, "U0OPS", "cli", false, qbo.LinkTTL)
	if err != nil {
		t.Fatal(err)
	}
	if code, body := follow(t, link); code != http.StatusOK {
		t.Fatalf("connect: HTTP %d %q", code, body)
	}
	before, err := books.Books(ctx)
	if err != nil || before.RealmID() != firmRealm {
		t.Fatalf("other process after connect: %v, %v", before, err)
	}

	sb.AuthorizeAs(otherRealm, "Other Books")
	link, err = server.c.newConnectLink(ctx, server.st, "U0OPS", "cli", true, qbo.LinkTTL)
	if err != nil {
		t.Fatal(err)
	}
	if code, body := follow(t, link); code != http.StatusOK || !strings.Contains(body, "Other Books") {
		t.Fatalf("switch: HTTP %d %q", code, body)
	}
	after, err := books.Books(ctx)
	if err != nil || after.RealmID() != otherRealm {
		t.Fatalf("other process after the switch uses company %q (%v), want %s without a restart", after.RealmID(), err, otherRealm)
	}

	// The old client refreshes (its hour is up): its token is not saved
	// over the new company's.
	sb.ExpireAccessTokens()
	_, _ = before.Items(ctx)
	ts, _ := other.c.qboTokenStore(ctx, other.st)
	if _, realm, err := ts.Load(ctx); err != nil || realm != otherRealm {
		t.Errorf("stored token is for company %q (%v) after the old client refreshed; want %s", realm, err, otherRealm)
	}
	conn, err := server.st.QBOConnection(ctx)
	if err != nil || conn.Generation != 2 || conn.RealmID != otherRealm || conn.ConnectedBy != "U0OPS" {
		t.Errorf("connection = %+v, %v", conn, err)
	}
	if evs, _ := server.st.AuditEvents(ctx, "qbo_company", otherRealm); len(evs) != 1 || evs[0].Action != "qbo.switched" {
		t.Errorf("switch audit = %+v", evs)
	}
}

// `billbot qbo connect` prints a link under BILLBOT_PUBLIC_URL and stores
// only the SHA-256 of its token, with who made it and whether it may switch
// companies.
func TestCLIQBOConnectPrintsOneTimeLink(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runCLI(t, dir, nil, "qbo", "connect"); err == nil || !strings.Contains(err.Error(), "QBO_CLIENT_ID") {
		t.Fatalf("without QuickBooks settings: %v", err)
	}
	env := map[string]string{"QBO_CLIENT_ID": "id", "QBO_CLIENT_SECRET": "s", "BILLBOT_PUBLIC_URL": "https://billbot.example.com/"}
	out, _, err := runCLI(t, dir, env, "qbo", "connect", "--switch-company")
	if err != nil {
		t.Fatal(err)
	}
	link := strings.TrimSpace(out)
	tok := strings.TrimPrefix(link, "https://billbot.example.com/oauth/qbo/connect?t=")
	if tok == link || len(tok) < 43 {
		t.Fatalf("printed %q, want a link with a 32-byte token under BILLBOT_PUBLIC_URL", link)
	}
	st, err := store.Open(t.Context(), "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var hash, by string
	var allow bool
	if err := st.DB().QueryRowContext(t.Context(), "SELECT link_hash, created_by, allow_switch FROM qbo_connect_links").Scan(&hash, &by, &allow); err != nil {
		t.Fatal(err)
	}
	if hash != qbo.HashSecret(tok) || !strings.HasPrefix(by, "cli") || !allow {
		t.Errorf("stored link = %q by %q switch %v; want the token's SHA-256 only", hash, by, allow)
	}
}
