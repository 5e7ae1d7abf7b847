package xero

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/secrets"
	"billbot/internal/xero/xerosandbox"
)

const staticToken = "static-test-token"

// sleeps records waits instead of sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

func sandbox(t testing.TB, o xerosandbox.Options) *xerosandbox.Server {
	t.Helper()
	o.StaticToken = staticToken
	srv := xerosandbox.New(o)
	t.Cleanup(srv.Close)
	return srv
}

func staticClient(t testing.TB, srv *xerosandbox.Server, tenant string, opts ...Option) (*Client, *sleeps) {
	t.Helper()
	sl := &sleeps{}
	hc := &http.Client{Transport: &oauth2.Transport{Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: staticToken})}, Timeout: 10 * time.Second}
	all := append([]Option{WithSleep(sl.sleep), WithJitter(func(d time.Duration) time.Duration { return d }),
		WithLimits(Limits{PerMinute: 1 << 20, PerDay: 1 << 20, BackgroundPerMinute: 1 << 20})}, opts...)
	c, err := NewClient(srv.URL(), tenant, hc, all...)
	if err != nil {
		t.Fatal(err)
	}
	return c, sl
}

func draft(contactID string) Invoice {
	return Invoice{Type: TypeACCREC, Contact: &Contact{ContactID: contactID}, Date: "2026-11-30", DueDate: "2026-12-30",
		Status: StatusDraft, LineAmountTypes: NoTax, CurrencyCode: "USD", Reference: "B-1",
		LineItems: []LineItem{{Description: "Tax prep", Quantity: "1.3333", UnitAmount: "195.00", ItemCode: "TAX", LineAmount: "259.99"}}}
}

func TestIdempotentCreateMakesOneInvoice(t *testing.T) {
	srv := sandbox(t, xerosandbox.Options{})
	cid := srv.AddContact("Acme", "ap@acme.example", "")
	srv.AddItem("TAX", "Tax Preparation", "200")
	c, _ := staticClient(t, srv, srv.TenantID())
	key := IdempotencyKey("create", "acme-2026-11")
	a, err := c.CreateInvoice(t.Context(), draft(cid), key)
	if err != nil {
		t.Fatal(err)
	}
	// The answer to the first write is lost after Xero committed it: the
	// client resends with the same key and Xero replays.
	srv.FailNext(xerosandbox.FaultDropAfterCommit, 1)
	b, err := c.CreateInvoice(t.Context(), draft(cid), key)
	if err != nil {
		t.Fatal(err)
	}
	if a.InvoiceID == "" || a.InvoiceID != b.InvoiceID || srv.InvoiceCount() != 1 {
		t.Errorf("ids %q, %q; %d invoices, want one", a.InvoiceID, b.InvoiceID, srv.InvoiceCount())
	}
	if a.Total != "259.99" || a.Status != StatusDraft {
		t.Errorf("total %s status %s, want 259.99 DRAFT", a.Total, a.Status)
	}
	if n := srv.InvoicesByKey()[key]; n != 1 {
		t.Errorf("key created %d invoices", n)
	}
}

func TestThrottledCallWaitsRetryAfterThenSucceeds(t *testing.T) {
	srv := sandbox(t, xerosandbox.Options{RetryAfter: "7"})
	c, sl := staticClient(t, srv, srv.TenantID())
	srv.FailNext(xerosandbox.FaultThrottle, 1)
	if _, err := c.Accounts(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := sl.all(); len(got) != 1 || got[0] != 7*time.Second {
		t.Errorf("waits %v, want [7s]", got)
	}
	if r := c.Remaining(); r.Minute < 0 || r.Day < 0 || r.AppMinute < 0 {
		t.Errorf("remaining %+v: headers not read", r)
	}
}

func TestDayLimitIsNotSleptThrough(t *testing.T) {
	srv := sandbox(t, xerosandbox.Options{PerDay: 1})
	c, sl := staticClient(t, srv, srv.TenantID())
	if _, err := c.Accounts(t.Context()); err != nil {
		t.Fatal(err)
	}
	_, err := c.Accounts(t.Context())
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.Problem != ProblemDay || !errors.Is(err, ErrThrottled) {
		t.Fatalf("err = %v, want a day-limit 429", err)
	}
	if len(sl.all()) != 0 {
		t.Errorf("slept %v on a day limit", sl.all())
	}
}

func TestValidationErrorsSurface(t *testing.T) {
	srv := sandbox(t, xerosandbox.Options{})
	cid := srv.AddContact("Acme", "ap@acme.example", "")
	srv.AddItem("TAX", "Tax Preparation", "200")
	c, _ := staticClient(t, srv, srv.TenantID())
	cases := []struct {
		name string
		edit func(*Invoice)
		msg  string
	}{
		{"line amount not qty × unit", func(i *Invoice) { i.LineItems[0].LineAmount = "260.00" }, "LineAmount"},
		{"quantity with 5 decimals", func(i *Invoice) { i.LineItems[0].Quantity = "1.33333"; i.LineItems[0].LineAmount = "" }, "Quantity"},
		{"unknown item code", func(i *Invoice) { i.LineItems[0].ItemCode = "NOPE" }, "Item code"},
		{"unknown account", func(i *Invoice) { i.LineItems[0].AccountCode = "999" }, "Account code"},
		{"currency not enabled", func(i *Invoice) { i.CurrencyCode = "JPY" }, "currency"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inv := draft(cid)
			tc.edit(&inv)
			_, err := c.CreateInvoice(t.Context(), inv, IdempotencyKey("v", tc.name))
			var ae *APIError
			if !errors.Is(err, ErrValidation) || !errors.As(err, &ae) || !ae.HasMessage(tc.msg) {
				t.Fatalf("case %d: err = %v, want a ValidationException about %s", i, err, tc.msg)
			}
		})
	}
	if srv.InvoiceCount() != 0 {
		t.Errorf("%d invoices created by refused writes", srv.InvoiceCount())
	}
}

func TestWrongTenantIsForbidden(t *testing.T) {
	srv := sandbox(t, xerosandbox.Options{})
	c, _ := staticClient(t, srv, "another-tenant")
	if _, err := c.Items(t.Context()); !errors.Is(err, ErrForbidden) {
		t.Fatalf("err = %v, want 403", err)
	}
}

func TestInvoiceLifecycleAndStatusRules(t *testing.T) {
	srv := sandbox(t, xerosandbox.Options{})
	cid := srv.AddContact("Acme", "ap@acme.example", "")
	srv.AddItem("TAX", "Tax Preparation", "200")
	c, _ := staticClient(t, srv, srv.TenantID())
	ctx := t.Context()
	since := time.Now().Add(-time.Second)
	inv, err := c.CreateInvoice(ctx, draft(cid), IdempotencyKey("c"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.EmailInvoice(ctx, inv.InvoiceID, IdempotencyKey("e0")); !errors.Is(err, ErrValidation) {
		t.Errorf("emailing a draft: %v, want a validation error", err)
	}
	if _, err := c.AuthoriseInvoice(ctx, inv.InvoiceID, IdempotencyKey("a")); err != nil {
		t.Fatal(err)
	}
	if err := c.EmailInvoice(ctx, inv.InvoiceID, IdempotencyKey("e")); err != nil {
		t.Fatal(err)
	}
	if got := srv.Emails(inv.InvoiceID); len(got) != 1 || got[0] != "ap@acme.example" {
		t.Errorf("emails %v", got)
	}
	if _, err := c.DeleteInvoice(ctx, inv.InvoiceID, IdempotencyKey("d")); !errors.Is(err, ErrValidation) {
		t.Errorf("deleting an authorised invoice: %v, want refused", err)
	}
	p, err := c.CreatePayment(ctx, Payment{Invoice: &Invoice{InvoiceID: inv.InvoiceID}, Account: &Account{Code: "090"}, Date: "2026-12-05", Amount: "100.00"}, IdempotencyKey("p1"))
	if err != nil || p.PaymentID == "" {
		t.Fatalf("payment %+v: %v", p, err)
	}
	upd := Invoice{LineItems: []LineItem{{Description: "x", Quantity: "1", UnitAmount: "1.00", AccountCode: "200"}}}
	if _, err := c.UpdateInvoice(ctx, inv.InvoiceID, upd, IdempotencyKey("u")); !errors.Is(err, ErrValidation) {
		t.Errorf("editing lines of a part-paid invoice: %v, want refused", err)
	}
	if _, err := c.VoidInvoice(ctx, inv.InvoiceID, IdempotencyKey("v")); !errors.Is(err, ErrValidation) {
		t.Errorf("voiding a part-paid invoice: %v, want refused", err)
	}
	if _, err := c.CreatePayment(ctx, Payment{Invoice: &Invoice{InvoiceID: inv.InvoiceID}, Account: &Account{Code: "090"}, Amount: "159.99"}, IdempotencyKey("p2")); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetInvoice(ctx, inv.InvoiceID)
	if err != nil || got.Status != StatusPaid || got.AmountDue != "0.00" || got.SentToContact == nil || !*got.SentToContact {
		t.Fatalf("after full payment: %+v, %v", got, err)
	}
	changed, err := c.InvoicesModifiedSince(ctx, since)
	if err != nil || len(changed) != 1 || changed[0].InvoiceID != inv.InvoiceID {
		t.Errorf("modified since: %d invoices, %v", len(changed), err)
	}
	later, err := c.InvoicesModifiedSince(ctx, time.Now().Add(time.Hour))
	if err != nil || len(later) != 0 {
		t.Errorf("modified since the future: %d, %v", len(later), err)
	}
	cn, err := c.CreateCreditNote(ctx, CreditNote{Type: CreditNoteACCREC, Contact: &Contact{ContactID: cid}, Status: StatusAuthorised, LineAmountTypes: NoTax,
		LineItems: []LineItem{{Description: "goodwill", Quantity: "1", UnitAmount: "25.00", AccountCode: "200"}}}, IdempotencyKey("cn"))
	if err != nil || cn.Total != "25.00" || cn.RemainingCredit != "25.00" {
		t.Errorf("credit note %+v: %v", cn, err)
	}
}

func TestConnectRotatesAndRefusesTheOldRefreshToken(t *testing.T) {
	srv := sandbox(t, xerosandbox.Options{})
	ctx := t.Context()
	cfg := NewOAuthConfig("sandbox-client", "sandbox-secret", "https://billbot.example/oauth/xero/callback", srv.IdentityURL())
	code := authorize(t, cfg, "st8")
	box, _ := secrets.NewBox(secrets.NewKey())
	mem := &memSecrets{m: map[string][]byte{}}
	store := NewEncryptedTokenStore(mem, box, WithNotFound(func(err error) bool { return errors.Is(err, errMemNotFound) }))
	conn, err := Connect(ctx, cfg, code, srv.URL(), "", store)
	if err != nil || conn.TenantID != srv.TenantID() {
		t.Fatalf("connect: %+v, %v", conn, err)
	}
	if _, err := Connect(ctx, cfg, code, srv.URL(), "", store); err == nil {
		t.Error("an authorization code worked twice")
	}
	first, _, err := store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hc, tenant, err := NewHTTPClient(ctx, cfg, store, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(srv.URL(), tenant, hc)
	if err != nil {
		t.Fatal(err)
	}
	srv.ExpireAccessTokens() // the API now answers 401: refresh, rotate, retry
	if _, err := c.Accounts(ctx); err != nil {
		t.Fatal(err)
	}
	second, _, _ := store.Load(ctx)
	if second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
		t.Fatal("the refresh did not rotate the stored token")
	}
	if RefreshTokenExpiry(second).IsZero() {
		t.Error("the stored token lost its refresh expiry")
	}
	_, err = cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: first.RefreshToken}).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Errorf("the rotated-out refresh token: %v, want invalid_grant", err)
	}
	if ok, _ := srv.Refreshes(); ok != 1 {
		t.Errorf("%d refreshes, want 1", ok)
	}
}

// TestSecondProcessReloadsTheRotatedToken: two processes share the store;
// after one refreshes, the other uses the stored token instead of sending
// its own, now dead, refresh token.
func TestSecondProcessReloadsTheRotatedToken(t *testing.T) {
	srv := sandbox(t, xerosandbox.Options{})
	ctx := t.Context()
	cfg := NewOAuthConfig("sandbox-client", "sandbox-secret", "https://billbot.example/cb", srv.IdentityURL())
	box, _ := secrets.NewBox(secrets.NewKey())
	store := NewEncryptedTokenStore(&memSecrets{m: map[string][]byte{}}, box, WithNotFound(func(err error) bool { return errors.Is(err, errMemNotFound) }))
	if _, err := Connect(ctx, cfg, authorize(t, cfg, "s"), srv.URL(), srv.TenantID(), store); err != nil {
		t.Fatal(err)
	}
	var clients []*Client
	for range 2 {
		hc, tenant, err := NewHTTPClient(ctx, cfg, store, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := NewClient(srv.URL(), tenant, hc)
		clients = append(clients, c)
	}
	srv.ExpireAccessTokens()
	for i, c := range clients {
		if _, err := c.TaxRates(ctx); err != nil {
			t.Fatalf("process %d: %v", i, err)
		}
	}
	if ok, refused := srv.Refreshes(); ok != 1 || refused != 0 {
		t.Errorf("refreshes %d, refused %d; want 1 and 0", ok, refused)
	}
}

func authorize(t *testing.T, cfg *oauth2.Config, state string) string {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(AuthorizeURL(cfg, state))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("state") != state || loc.Query().Get("code") == "" {
		t.Fatalf("redirect %q (%d): no code or wrong state", resp.Header.Get("Location"), resp.StatusCode)
	}
	if !strings.Contains(resp.Request.URL.RawQuery, "offline_access") {
		t.Error("the authorize URL does not ask for offline_access")
	}
	return loc.Query().Get("code")
}

var errMemNotFound = errors.New("not found")

type memSecrets struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (s *memSecrets) PutSecret(_ context.Context, name string, ct []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[name] = ct
	return nil
}

func (s *memSecrets) Secret(_ context.Context, name string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ct, ok := s.m[name]
	if !ok {
		return nil, errMemNotFound
	}
	return ct, nil
}

func TestTokenIsSealedAtRest(t *testing.T) {
	box, _ := secrets.NewBox(secrets.NewKey())
	mem := &memSecrets{m: map[string][]byte{}}
	st := NewEncryptedTokenStore(mem, box, WithNotFound(func(err error) bool { return errors.Is(err, errMemNotFound) }))
	if _, _, err := st.Load(t.Context()); !errors.Is(err, ErrNoToken) {
		t.Fatalf("empty store: %v", err)
	}
	if err := st.Save(t.Context(), &oauth2.Token{AccessToken: "at-secret", RefreshToken: "rt-secret"}, "tenant-1"); err != nil {
		t.Fatal(err)
	}
	if ct := string(mem.m[DefaultTokenSecretName]); strings.Contains(ct, "rt-secret") || strings.Contains(ct, "tenant-1") {
		t.Error("token stored in the clear")
	}
	other, _ := secrets.NewBox(secrets.NewKey())
	if _, _, err := NewEncryptedTokenStore(mem, other).Load(t.Context()); !errors.Is(err, secrets.ErrOpen) {
		t.Errorf("another key opened the token: %v", err)
	}
}

func TestWebhookSignatureAndIntentToReceive(t *testing.T) {
	const key = "webhook-key-123"
	srv := sandbox(t, xerosandbox.Options{WebhookKey: key})
	body := []byte(`{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"x"}`)
	if !VerifySignature(key, body, Sign(key, body)) {
		t.Error("a good signature was refused")
	}
	for name, sig := range map[string]string{"other key": Sign("other", body), "empty": "", "not base64": "%%%", "other body": Sign(key, append(body, ' '))} {
		if VerifySignature(key, body, sig) {
			t.Errorf("%s: a bad signature passed", name)
		}
	}
	var mu sync.Mutex
	var got []Delivery
	h := WebhookHandler(key, srv.TenantID(), func(_ context.Context, d Delivery) error {
		mu.Lock()
		got = append(got, d)
		mu.Unlock()
		return nil
	}, nil)
	hs := httptest.NewServer(h)
	defer hs.Close()
	if err := srv.IntentToReceive(t.Context(), hs.URL); err != nil {
		t.Fatal(err)
	}
	cid := srv.AddContact("Acme", "ap@acme.example", "")
	c, _ := staticClient(t, srv, srv.TenantID())
	inv, err := c.CreateInvoice(t.Context(), Invoice{Type: TypeACCREC, Contact: &Contact{ContactID: cid},
		LineItems: []LineItem{{Description: "x", Quantity: "1", UnitAmount: "10.00", AccountCode: "200"}}}, IdempotencyKey("w"))
	if err != nil {
		t.Fatal(err)
	}
	if status, err := srv.Deliver(t.Context(), hs.URL); err != nil || status != http.StatusOK {
		t.Fatalf("deliver: %d, %v", status, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || len(got[0].Events) != 1 || got[0].Events[0].ResourceID != inv.InvoiceID || got[0].Events[0].EventCategory != "INVOICE" {
		t.Errorf("deliveries %+v", got)
	}
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }))
	defer bad.Close()
	if err := srv.IntentToReceive(t.Context(), bad.URL); err == nil {
		t.Error("a receiver that accepts bad signatures passed intent to receive")
	}
}
