package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/billing"
	"billbot/internal/clock"
	"billbot/internal/config"
	"billbot/internal/ledger/qbobooks"
	"billbot/internal/ledger/xerobooks"
	"billbot/internal/money"
	"billbot/internal/qbo"
	"billbot/internal/qbo/qbosandbox"
	"billbot/internal/secrets"
	"billbot/internal/setup"
	"billbot/internal/workflow"
	"billbot/internal/xero"
	"billbot/internal/xero/xerosandbox"
	"billbot/store"
)

// Demo Xero credentials: the sandbox's, never real ones.
const (
	xeroClientID   = "demo-xero-client"
	xeroSecret     = "demo-xero-secret"
	xeroWebhookKey = "demo-xero-webhook-key"
	xeroTenant     = "d3m0c0de-0000-4000-8000-00000000a001"
)

// books is the firm's ledger in the demo: its sandbox, billbot's adapter
// over it, and what people do in it by hand. One story runs over either.
type books interface {
	ledger() workflow.Ledger
	// pay records a customer's payment, as the firm's bookkeeper would.
	pay(id string, amount money.Amount) error
	// webhook is billbot's webhook endpoint path and handler; refresh is
	// what it does with the invoice ids of a delivery.
	webhook(refresh func(ctx context.Context, ids []string), logger *slog.Logger) (string, http.Handler)
	// deliver sends the sandbox's pending webhook to billbot at base.
	deliver(ctx context.Context, base string) (int, error)
	// sends is how many times the ledger was asked to email an invoice.
	sends() int
	// byKey is how many invoices each request or idempotency key created.
	byKey() map[string]int
	// setupSources points setup's ledger read at the sandbox.
	setupSources(s *setup.Sources)
	// plant records an invoice the firm issued by hand, dated date.
	plant(ctx context.Context, inv billing.Invoice, c billing.Client, items map[string]string, number string, date billing.Date) error
	close()
}

// OnLedger returns the firm keeping its books in ledger: the same firm,
// its configuration saying firm.ledger.
func (f Firm) OnLedger(ledger config.Ledger) Firm {
	f.Ledger = ledger
	if ledger.Effective() != config.DefaultLedger {
		f.ConfigYAML = []byte(strings.Replace(string(f.ConfigYAML), "\n  home_currency: ", "\n  ledger: "+string(ledger)+"\n  home_currency: ", 1))
	}
	return f
}

// ledgerWords names the ledger in the story's own sentences: QuickBooks'
// are the sentences as written; Xero's say Xero where they say QuickBooks.
func ledgerWords(l config.Ledger) *strings.Replacer {
	if l.Effective() == config.LedgerXero {
		return strings.NewReplacer("QuickBooks Online", "Xero", "QuickBooks'", "Xero's", "QuickBooks", "Xero",
			"QBO's", "Xero's", "QBO", "Xero", "Intuit's", "Xero's", "TotalAmt", "Total",
			"signed CloudEvents webhook", "signed webhook")
	}
	return strings.NewReplacer()
}

// qboBooks is QuickBooks Online: qbosandbox and qbobooks.
type qboBooks struct {
	srv   *qbosandbox.Server
	qc    *qbo.Client
	books *qbobooks.Books
}

func newQBOBooks(ctx context.Context, st *store.Store, firm Firm, clock *clock.Fake, logger *slog.Logger) (*qboBooks, error) {
	b := &qboBooks{srv: qbosandbox.New(qbosandbox.Options{RealmID: qboRealm, ClientID: qboClientID, ClientSecret: qboSecret, HomeCurrency: "USD", CompanyName: "Hartwell & Moss CPAs", Now: clock.Now})}
	for _, c := range firm.Customers {
		b.srv.SeedCustomer(c)
	}
	for _, it := range firm.Items {
		b.srv.SeedItem(it)
	}
	// QuickBooks: tokens from the sandbox's OAuth server, stored encrypted
	// under a fresh key, refreshed (and rotated) by the persisting source.
	box, err := secrets.NewBox(secrets.NewKey())
	if err != nil {
		return b, err
	}
	ts := qbo.NewEncryptedTokenStore(st, box)
	access, refresh := b.srv.MintTokens()
	if err := ts.Save(ctx, &oauth2.Token{AccessToken: access, RefreshToken: refresh, TokenType: "bearer", Expiry: time.Now().Add(time.Hour)}, qboRealm); err != nil {
		return b, err
	}
	oauthCfg := qbo.NewOAuthConfig(qboClientID, qboSecret, "http://127.0.0.1/oauth/qbo/callback", b.srv.AuthURL(), b.srv.TokenURL())
	hc, realm, err := qbo.NewHTTPClient(context.WithoutCancel(ctx), oauthCfg, ts, time.Minute, logger)
	if err != nil {
		return b, err
	}
	b.qc, err = qbo.NewClient(b.srv.URL(), realm, hc, qbo.WithLogger(logger), qbo.WithSleep(clock.Sleep),
		// QBO's 500 requests and 40 batches a minute, scaled to a second: the
		// sandbox runs in-process and the story moves its clock by days.
		qbo.WithLimits(qbo.Limits{MaxConcurrent: 10, Requests: 500, BatchRequests: 40, Per: time.Second}))
	if err != nil {
		return b, err
	}
	b.books = qbobooks.New(b.qc, "USD", "")
	return b, nil
}

func (b *qboBooks) ledger() workflow.Ledger { return b.books }

func (b *qboBooks) pay(id string, amount money.Amount) error {
	_, err := b.srv.Pay(id, amount)
	return err
}

func (b *qboBooks) webhook(refresh func(ctx context.Context, ids []string), logger *slog.Logger) (string, http.Handler) {
	return "POST /webhooks/qbo", qbo.WebhookHandler(qboVerifier, qboRealm, func(ctx context.Context, d qbo.Delivery) error {
		var ids []string
		for _, ev := range d.Events {
			if ev.Entity == "Invoice" {
				ids = append(ids, ev.ID)
			}
		}
		refresh(ctx, ids)
		return nil
	}, logger)
}

func (b *qboBooks) deliver(ctx context.Context, base string) (int, error) {
	return b.srv.DeliverWebhook(ctx, base+"/webhooks/qbo", qboVerifier, "cloudevents")
}

func (b *qboBooks) sends() int {
	n := 0
	for ep, c := range b.srv.Calls() {
		if strings.HasSuffix(ep, "/send") {
			n += c
		}
	}
	return n
}

func (b *qboBooks) byKey() map[string]int { return b.srv.InvoicesByRequestID() }

func (b *qboBooks) setupSources(s *setup.Sources) { s.Books = b.qc }

func (b *qboBooks) plant(_ context.Context, inv billing.Invoice, c billing.Client, items map[string]string, number string, date billing.Date) error {
	q, err := qbo.InvoiceFromDraft(inv, c.LedgerCustomerID, items, "", "")
	if err != nil {
		return err
	}
	q.DocNumber, q.PrivateNote, q.TxnDate = number, "", date.String()
	_, err = b.srv.SeedInvoice(q)
	return err
}

func (b *qboBooks) close() { b.srv.Close() }

// xeroBooks is Xero: xerosandbox and xerobooks, the same contacts and
// items as the QuickBooks company.
type xeroBooks struct {
	srv   *xerosandbox.Server
	xc    *xero.Client
	books *xerobooks.Books
}

func newXeroBooks(ctx context.Context, st *store.Store, firm Firm, clock *clock.Fake, logger *slog.Logger) (*xeroBooks, error) {
	b := &xeroBooks{srv: xerosandbox.New(xerosandbox.Options{TenantID: xeroTenant, TenantName: "Hartwell & Moss CPAs", BaseCurrency: "USD",
		Currencies: []string{"CAD", "EUR", "GBP"}, ClientID: xeroClientID, ClientSecret: xeroSecret, WebhookKey: xeroWebhookKey, Now: clock.Now,
		// The story moves its clock by days and waits for nothing: the
		// sandbox's limits are tested in xerosandbox, the client's below.
		PerWindow: -1})}
	for _, c := range firm.Customers {
		b.srv.AddContact(c.DisplayName, c.Email, c.Currency)
	}
	for _, it := range firm.Items {
		b.srv.AddItem(itemCode(it.Name), it.Name, xerobooks.DefaultSalesAccount)
	}
	// Xero: the firm connects through the sandbox's authorization-code
	// flow; the token is stored encrypted under a fresh key and its
	// refresh token rotates on every refresh, as Xero's does.
	box, err := secrets.NewBox(secrets.NewKey())
	if err != nil {
		return b, err
	}
	ts := xero.NewEncryptedTokenStore(st, box, xero.WithNotFound(func(err error) bool { return errors.Is(err, store.ErrNotFound) }))
	cfg := xero.NewOAuthConfig(xeroClientID, xeroSecret, "http://127.0.0.1/oauth/xero/callback", b.srv.IdentityURL())
	code, err := consent(ctx, cfg)
	if err != nil {
		return b, err
	}
	if _, err := xero.Connect(ctx, cfg, code, b.srv.URL(), xeroTenant, ts); err != nil {
		return b, fmt.Errorf("connect Xero: %w", err)
	}
	hc, tenant, err := xero.NewHTTPClient(context.WithoutCancel(ctx), cfg, ts, time.Minute, logger)
	if err != nil {
		return b, err
	}
	b.xc, err = xero.NewClient(b.srv.URL(), tenant, hc, xero.WithLogger(logger), xero.WithSleep(clock.Sleep),
		// Xero's 60 calls a minute, 5 at once, scaled to a second like QBO's.
		xero.WithLimits(xero.Limits{MaxConcurrent: 5, PerMinute: 60, PerDay: 5000, BackgroundPerMinute: 60, Per: time.Second, Day: 24 * time.Hour}))
	if err != nil {
		return b, err
	}
	b.books = xerobooks.New(b.xc, "USD", "")
	return b, nil
}

// consent is the person approving billbot on Xero's consent page: it
// follows the authorize URL to the redirect and returns its code.
func consent(ctx context.Context, cfg *oauth2.Config) (string, error) {
	noFollow := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, xero.AuthorizeURL(cfg, "demo"), nil)
	if err != nil {
		return "", err
	}
	resp, err := noFollow.Do(req)
	if err != nil {
		return "", fmt.Errorf("xero consent: %w", err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		return "", fmt.Errorf("xero consent: HTTP %d redirected to %q, with no code", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query().Get("code"), nil
}

// itemCode is the demo's Xero ItemCode for an item name: its initials
// and length, short and unique among the demo's items.
func itemCode(name string) string {
	var code strings.Builder
	for _, w := range strings.Fields(name) {
		code.WriteString(strings.ToUpper(w[:1]))
	}
	return fmt.Sprintf("%s%d", code.String(), len(name))
}

func (b *xeroBooks) ledger() workflow.Ledger { return b.books }

func (b *xeroBooks) pay(id string, amount money.Amount) error {
	_, err := b.srv.Pay(id, int64(amount))
	return err
}

func (b *xeroBooks) webhook(refresh func(ctx context.Context, ids []string), logger *slog.Logger) (string, http.Handler) {
	return "POST /webhooks/xero", xero.WebhookHandler(xeroWebhookKey, xeroTenant, func(ctx context.Context, d xero.Delivery) error {
		var ids []string
		for _, ev := range d.Events {
			if ev.EventCategory == "INVOICE" {
				ids = append(ids, ev.ResourceID)
			}
		}
		refresh(ctx, ids)
		return nil
	}, logger)
}

func (b *xeroBooks) deliver(ctx context.Context, base string) (int, error) {
	return b.srv.Deliver(ctx, base+"/webhooks/xero")
}

func (b *xeroBooks) sends() int { return b.srv.Calls()["POST Invoices/{id}/Email"] }

func (b *xeroBooks) byKey() map[string]int { return b.srv.InvoicesByKey() }

func (b *xeroBooks) setupSources(s *setup.Sources) {
	s.Ledger, s.LedgerKind = b.books, config.LedgerXero
}

func (b *xeroBooks) plant(ctx context.Context, inv billing.Invoice, c billing.Client, items map[string]string, number string, date billing.Date) error {
	inv.InvoiceDate = date
	r, err := b.books.CreateDraft(ctx, inv, c, items)
	if err != nil {
		return err
	}
	if _, err := b.xc.UpdateInvoice(ctx, r.ID, xero.Invoice{InvoiceNumber: number, Status: xero.StatusAuthorised}, xero.IdempotencyKey("hand", number)); err != nil {
		return err
	}
	return nil
}

func (b *xeroBooks) close() { b.srv.Close() }
