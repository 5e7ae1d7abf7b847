package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"billbot/internal/config"
	"billbot/internal/money"
	"billbot/internal/qbo/qbosandbox"
	"billbot/internal/xero"
	"billbot/internal/xero/xerosandbox"
	"billbot/store"
)

// Sandbox credentials of the end-to-end world's Xero: test values.
const (
	e2eXeroTenant     = "8f2c3d4e-0000-4000-8000-00000000e2e0"
	e2eXeroClientID   = "e2e-xero-client-id"
	e2eXeroSecret     = "e2e-xero-client-secret"
	e2eXeroWebhookKey = "e2e-xero-webhook-key"
)

// e2eLedgers are the ledgers the end-to-end cycle runs on: the same firm,
// story and code path, with the firm's books in QuickBooks or in Xero.
var e2eLedgers = []config.Ledger{config.LedgerQuickBooks, config.LedgerXero}

// e2eBooks is the ledger sandbox of the world, in the terms the cycle
// checks: how many sends and updates it has had, an invoice's amounts, a
// payment and the webhook that tells billbot of it.
type e2eBooks interface {
	// connectHops are the hops a connect link's browser makes: the
	// ledger's authorize page, then billbot's callback (under base).
	connectHops(base string) []string
	// connected is what the callback page says of the connected books.
	connected() string
	sends() int
	updates() int
	totalCalls() int
	amounts(t *testing.T, inv store.Invoice) (total, balance money.Amount)
	pay(t *testing.T, inv store.Invoice, total money.Amount)
	// webhook is the delivery of what changed, its path under serve, and
	// the signature header for it under secret ("" is the real one).
	webhook(t *testing.T) (body []byte, path string, sign func(secret string) (header, value string))
}

type e2eQBOBooks struct{ w *e2eWorld }

func (b e2eQBOBooks) connectHops(base string) []string {
	return []string{b.w.qbo.AuthURL(), base + "/oauth/qbo/callback"}
}
func (b e2eQBOBooks) connected() string { return "(" + e2eQBORealm + ") is connected" }
func (b e2eQBOBooks) sends() int        { return b.w.qbo.Calls()[e2eSendEndpoint] }
func (b e2eQBOBooks) updates() int      { return b.w.qbo.Calls()[e2eUpdateEndpoint] }
func (b e2eQBOBooks) totalCalls() int   { return b.w.qbo.TotalCalls() }
func (b e2eQBOBooks) amounts(t *testing.T, inv store.Invoice) (money.Amount, money.Amount) {
	return b.w.qboAmounts(inv)
}
func (b e2eQBOBooks) pay(t *testing.T, inv store.Invoice, total money.Amount) {
	t.Helper()
	if _, err := b.w.qbo.Pay(inv.LedgerID, total); err != nil {
		t.Fatal(err)
	}
}
func (b e2eQBOBooks) webhook(t *testing.T) ([]byte, string, func(string) (string, string)) {
	t.Helper()
	body, err := b.w.qbo.WebhookPayload(qbosandbox.FormatCloudEvents)
	if err != nil || body == nil {
		t.Fatalf("webhook payload: %q, %v", body, err)
	}
	return body, "/webhooks/qbo", func(secret string) (string, string) {
		if secret == "" {
			secret = e2eQBOVerifier
		}
		return "intuit-signature", qbosandbox.Sign(body, secret)
	}
}

// e2eXeroBooks is the world's Xero sandbox. Its webhook is the delivery
// Xero would make, captured from the sandbox by a recorder.
type e2eXeroBooks struct {
	xs *xerosandbox.Server
}

// Xero sandbox endpoints the cycle counts (xerosandbox.Calls keys).
const (
	e2eXeroSendEndpoint   = "POST Invoices/{id}/Email"
	e2eXeroUpdateEndpoint = "POST Invoices/{id}"
)

func (b e2eXeroBooks) connectHops(base string) []string {
	return []string{b.xs.IdentityURL() + xero.AuthorizePath, base + "/oauth/xero/callback"}
}
func (b e2eXeroBooks) connected() string { return "(" + e2eXeroTenant + ") is connected" }
func (b e2eXeroBooks) sends() int        { return b.xs.Calls()[e2eXeroSendEndpoint] }
func (b e2eXeroBooks) updates() int      { return b.xs.Calls()[e2eXeroUpdateEndpoint] }
func (b e2eXeroBooks) totalCalls() int   { return b.xs.TotalCalls() }
func (b e2eXeroBooks) amounts(t *testing.T, inv store.Invoice) (money.Amount, money.Amount) {
	t.Helper()
	x, ok := b.xs.Invoice(inv.LedgerID)
	if !ok {
		t.Fatalf("Xero has no invoice %q for %s", inv.LedgerID, inv.Client)
	}
	return money.Amount(x.Total), money.Amount(x.AmountDue)
}
func (b e2eXeroBooks) pay(t *testing.T, inv store.Invoice, total money.Amount) {
	t.Helper()
	if _, err := b.xs.Pay(inv.LedgerID, int64(total)); err != nil {
		t.Fatal(err)
	}
}
func (b e2eXeroBooks) webhook(t *testing.T) ([]byte, string, func(string) (string, string)) {
	t.Helper()
	var body []byte
	rec := newE2ERecorder(t, func(b []byte) { body = b })
	if _, err := b.xs.Deliver(context.Background(), rec); err != nil || body == nil {
		t.Fatalf("xero webhook delivery: %q, %v", body, err)
	}
	return body, "/webhooks/xero", func(secret string) (string, string) {
		if secret == "" {
			secret = e2eXeroWebhookKey
		}
		return xero.SignatureHeader, xero.Sign(secret, body)
	}
}

// newE2ERecorder serves one URL that keeps the body of each POST and
// answers 503, so the sandbox keeps the events for the real delivery.
func newE2ERecorder(t *testing.T, keep func([]byte)) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /", func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(r.Body)
		keep(buf.Bytes())
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/hook"
}

// onXero moves the world's firm to Xero: a Xero sandbox with the firm's
// contacts and items, XERO_* instead of QBO_* in serve's environment, and
// firm.ledger: xero in the configuration file.
func (w *e2eWorld) onXero() {
	t := w.t
	t.Helper()
	xs := xerosandbox.New(xerosandbox.Options{TenantID: e2eXeroTenant, TenantName: "Alder & Birch CPAs", ClientID: e2eXeroClientID,
		ClientSecret: e2eXeroSecret, BaseCurrency: "USD", WebhookKey: e2eXeroWebhookKey})
	t.Cleanup(xs.Close)
	for _, c := range e2eClients {
		xs.AddContact(c, e2eEmail(c), "USD")
	}
	for _, it := range []string{"Services", "Tax Preparation", "Bookkeeping"} {
		xs.AddItem(strings.ToUpper(strings.ReplaceAll(it, " ", "-")), it, "200")
	}
	for k := range w.env {
		if strings.HasPrefix(k, "QBO_") {
			delete(w.env, k)
		}
	}
	w.env["XERO_CLIENT_ID"] = e2eXeroClientID
	w.env["XERO_CLIENT_SECRET"] = e2eXeroSecret
	w.env["XERO_REDIRECT_URL"] = w.base + "/oauth/xero/callback"
	w.env["XERO_API_URL"] = xs.URL()
	w.env["XERO_IDENTITY_URL"] = xs.IdentityURL()
	w.env["XERO_WEBHOOK_KEY"] = e2eXeroWebhookKey
	path := w.env["BILLBOT_CONFIG"]
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	raw = bytes.Replace(raw, []byte("firm:\n"), []byte("firm:\n  ledger: xero\n"), 1)
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	w.xero, w.books, w.ledger = xs, e2eXeroBooks{xs}, config.LedgerXero
}

// e2eNamesTheLedger checks that nothing billbot said in Slack to a firm
// whose books are not in QuickBooks names QuickBooks (QuickBooks Time, a
// time source, is another product).
func e2eNamesTheLedger(t *testing.T, w *e2eWorld) {
	for _, c := range w.slack.Calls() {
		for _, text := range []string{c.Text, string(c.Blocks)} {
			text = strings.ReplaceAll(text, "QuickBooks Time", "")
			if strings.Contains(text, "QuickBooks") || strings.Contains(text, "QBO") {
				t.Errorf("%s to %s names QuickBooks on a %s firm: %s", c.Method, c.Channel, w.ledger, text)
			}
		}
	}
}
