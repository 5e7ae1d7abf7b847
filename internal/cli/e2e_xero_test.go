package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"billbot/internal/config"
	"billbot/internal/qbo"
	"billbot/internal/xero"
	"billbot/store"
)

// TestE2EXeroConnectOnlyFromLink: on a Xero firm, a running serve starts
// Xero's OAuth flow only from a `billbot xero connect` link, once, before
// it expires; a QuickBooks link does not open it; an organisation other
// than the pinned one needs --switch-organisation.
func TestE2EXeroConnectOnlyFromLink(t *testing.T) {
	const pinned = "00000000-0000-4000-8000-0000000000aa"
	w := newE2EWorldFor(t, config.SourceHarvest, config.LedgerXero)
	w.env["XERO_TENANT_ID"] = pinned // another organisation than the sandbox's
	w.startServe()
	noFollow := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(target string) (int, string) {
		t.Helper()
		resp, err := noFollow.Get(target)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, resp.Header.Get("Location")
	}
	secret := func() []byte {
		t.Helper()
		ct, err := w.store.Secret(t.Context(), xero.DefaultTokenSecretName)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
		return ct
	}

	// 1. No link, a forged link, a QuickBooks link: 403, no redirect.
	qboTok, _ := qbo.NewSecret()
	if _, err := w.store.CreateQBOConnectLink(t.Context(), qbo.HashSecret(qboTok), store.QBOConnectLink{
		CreatedBy: "cli:test", CreatedVia: "cli", ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/oauth/xero/connect", "/oauth/xero/connect?t=forged", "/oauth/xero/connect?t=" + qboTok} {
		if code, loc := get(w.base + target); code != http.StatusForbidden || loc != "" {
			t.Errorf("GET %s: HTTP %d, Location %q; want 403, no redirect", target, code, loc)
		}
	}
	if resp, err := http.PostForm(w.base+"/oauth/xero/connect", url.Values{"t": {qboTok}}); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST of a QuickBooks link to Xero's flow: %v, %v; want 403", resp, err)
	} else {
		resp.Body.Close()
	}

	// 2. An expired link: 403.
	expired := w.connectLink()
	if _, err := w.store.DB().ExecContext(t.Context(), `UPDATE qbo_connect_links SET expires_at = $1 WHERE created_via = 'xero:cli' AND opened_at IS NULL`,
		time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if code, _ := get(expired); code != http.StatusForbidden {
		t.Errorf("expired link: HTTP %d, want 403", code)
	}

	// 3. XERO_TENANT_ID pins another organisation: a plain link is
	// refused after Xero's consent and stores nothing.
	if code, body := w.followLink(w.connectLink()); code != http.StatusForbidden || !strings.Contains(body, "--switch-organisation") || secret() != nil {
		t.Fatalf("other organisation without --switch-organisation: HTTP %d %q, token stored %v; want 403, nothing", code, body, secret() != nil)
	}

	// 4. With --switch-organisation: connected, audited, announced.
	link := w.connectLink("--switch-organisation")
	// A preview's GET shows Xero's confirmation page and uses nothing.
	if resp, err := http.Get(link); err != nil {
		t.Fatal(err)
	} else {
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || len(resp.Cookies()) != 0 || !strings.Contains(string(page), "Connect billbot to a Xero organisation") ||
			!strings.Contains(string(page), "may switch organisations") || strings.Contains(string(page), "QuickBooks") {
			t.Fatalf("link preview: HTTP %d, cookies %v: %s", resp.StatusCode, resp.Cookies(), page)
		}
	}
	if code, body := w.followLink(link); code != http.StatusOK || !strings.Contains(body, "Xero organisation") || !strings.Contains(body, e2eXeroTenant) {
		t.Fatalf("switch: HTTP %d %q; want connected", code, body)
	}
	if evs, err := w.store.AuditEvents(t.Context(), "xero_organisation", e2eXeroTenant); err != nil || len(evs) != 1 || evs[0].Action != "xero.connected" {
		t.Errorf("connection audit = %+v, %v", evs, err)
	}
	if !w.announced(e2eXeroTenant, "Xero organisation") {
		t.Errorf("connection not announced in the billing channel: %+v", w.slack.Messages(e2eChannel))
	}
	if secret() == nil {
		t.Fatal("no Xero token stored after the connection")
	}

	// 5. The same link again: 403, no redirect.
	if code, loc := get(link); code != http.StatusForbidden || loc != "" {
		t.Errorf("reused link: HTTP %d, Location %q; want 403, no redirect", code, loc)
	}

	// 5b. App Home offers an approver a fresh Xero link, and nobody else;
	// it reconnects the same organisation.
	if link := w.homeConnectLink(e2eManager, "Ev0XHOMEMGR"); link != "" {
		t.Errorf("App Home offers a non-approver a connect link: %s", link)
	}
	home := w.homeConnectLink(e2ePartner, "Ev0XHOMEPARTNER")
	if !strings.HasPrefix(home, w.base+"/oauth/xero/connect?t=") {
		t.Fatalf("App Home link for the approver = %q, want a Xero connect link", home)
	}
	if raw, _ := w.slack.Home(e2ePartner); strings.Contains(string(raw), "QuickBooks") || !strings.Contains(string(raw), "Reconnect Xero") {
		t.Errorf("App Home of a Xero firm:\n%s", raw)
	}
	if code, body := w.followLink(home); code != http.StatusOK || !strings.Contains(body, e2eXeroTenant) {
		t.Errorf("App Home link: HTTP %d %q", code, body)
	}

	// 6. doctor sees the organisation answer, and warns that
	// XERO_TENANT_ID names another one.
	var out, errOut bytes.Buffer
	_ = run(t.Context(), []string{"doctor"}, w.getenv, strings.NewReader(""), &out, &errOut)
	var xeroLines []string
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.Contains(l, " xero ") {
			xeroLines = append(xeroLines, l)
		}
	}
	if len(xeroLines) != 2 || !strings.HasPrefix(xeroLines[0], "ok    xero") || !strings.Contains(xeroLines[0], "Alder & Birch CPAs") ||
		!strings.HasPrefix(xeroLines[1], "warn  xero") || !strings.Contains(xeroLines[1], "XERO_TENANT_ID is "+pinned) {
		t.Errorf("doctor's xero lines = %q, want ok (the organisation) and a warning about XERO_TENANT_ID\n%s", xeroLines, out.String())
	}
}

// TestE2EXeroWebhook: POST /webhooks/xero passes Xero's intent-to-receive
// check (200 signed, 401 otherwise, empty bodies), and a delivery signed
// with another key is 401 and changes nothing.
func TestE2EXeroWebhook(t *testing.T) {
	w := newE2EWorldFor(t, config.SourceHarvest, config.LedgerXero)
	w.startServe()
	w.connectLedger()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := w.xero.IntentToReceive(ctx, w.base+"/webhooks/xero"); err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"events":[{"resourceUrl":"x","resourceId":"inv-1","eventDateUtc":"2026-01-01T00:00:00.000","eventType":"UPDATE","eventCategory":"INVOICE","tenantId":"` + e2eXeroTenant + `","tenantType":"ORGANISATION"}],"firstEventSequence":1,"lastEventSequence":1,"entropy":"e"}`)
	audits, calls := w.auditCount(), w.xero.TotalCalls()
	req, _ := http.NewRequest(http.MethodPost, w.base+"/webhooks/xero", bytes.NewReader(body))
	req.Header.Set(xero.SignatureHeader, xero.Sign("not-the-key", body))
	status, got := w.send(req)
	if status != http.StatusUnauthorized || got != "" {
		t.Errorf("forged delivery: HTTP %d %q; want 401, empty", status, got)
	}
	var queued int64
	if err := w.store.DB().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM webhook_receipts`).Scan(&queued); err != nil {
		t.Fatal(err)
	}
	if queued != 0 || w.auditCount() != audits || w.xero.TotalCalls() != calls {
		t.Errorf("after a forged delivery: %d queued, %d audits, %d Xero calls; want none", queued, w.auditCount()-audits, w.xero.TotalCalls()-calls)
	}
}
