package qbo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/sync/errgroup"

	"billbot/internal/money"
	"billbot/internal/qbo/qbosandbox"
)

const staticToken = "sandbox-static-token"

func newSandbox(t testing.TB, opts qbosandbox.Options) *qbosandbox.Server {
	t.Helper()
	if opts.StaticToken == "" {
		opts.StaticToken = staticToken
	}
	s := qbosandbox.New(opts)
	t.Cleanup(s.Close)
	return s
}

// sandboxClient talks to srv with the static token; waits are no-ops.
func sandboxClient(t testing.TB, srv *qbosandbox.Server, timeout time.Duration, opts ...Option) *Client {
	t.Helper()
	hc := &http.Client{
		Transport: &oauth2.Transport{Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: staticToken})},
		Timeout:   timeout,
	}
	all := append([]Option{
		WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }),
		WithLimits(Limits{Requests: 1 << 20, BatchRequests: 1 << 20}),
	}, opts...)
	c, err := NewClient(srv.URL(), srv.RealmID(), hc, all...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// seed adds a customer and the items the test draft uses.
func seed(srv *qbosandbox.Server) (string, map[string]string) {
	cust := srv.SeedCustomer(qbosandbox.Customer{DisplayName: "Acme Corp", Email: "ap@acme.example"})
	items := map[string]string{}
	for _, n := range []string{"Tax Preparation", "Services", "Retainer"} {
		items[n] = srv.SeedItem(qbosandbox.Item{Name: n})
	}
	return cust, items
}

func testInvoice(t testing.TB, cust string, items map[string]string, key string) Invoice {
	t.Helper()
	d := draft()
	d.Key = key
	inv, err := InvoiceFromDraft(d, cust, items, "ap@acme.example", "")
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func TestSandboxLostCreateResponseIsRetriedOnce(t *testing.T) {
	t.Parallel()
	srv := newSandbox(t, qbosandbox.Options{})
	cust, items := seed(srv)
	c := sandboxClient(t, srv, 5*time.Second)
	rid := RequestID("acme-2026/2026-10", "create")

	srv.FailNext(qbosandbox.FaultDropAfterCommit, 1)
	inv, err := c.CreateInvoice(t.Context(), testInvoice(t, cust, items, "acme-2026/2026-10"), rid)
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.InvoiceCount(); n != 1 {
		t.Errorf("invoices = %d, want 1", n)
	}
	if got := srv.InvoicesByRequestID()[rid]; got != 1 {
		t.Errorf("invoices for requestid = %d, want 1", got)
	}
	if got := srv.Calls()["POST invoice"]; got != 2 {
		t.Errorf("POST invoice calls = %d, want 2 (lost + replayed)", got)
	}
	if inv.TotalAmt != AmountDecimal(draft().Total, "USD") || inv.Balance != inv.TotalAmt || inv.SyncToken != "0" || inv.DocNumber == "" {
		t.Errorf("created = Id %s TotalAmt %s Balance %s SyncToken %s DocNumber %s", inv.ID, inv.TotalAmt, inv.Balance, inv.SyncToken, inv.DocNumber)
	}
	// Approving again (same requestid) is a replay, not a second invoice.
	again, err := c.CreateInvoice(t.Context(), testInvoice(t, cust, items, "acme-2026/2026-10"), rid)
	if err != nil || again.ID != inv.ID || srv.InvoiceCount() != 1 {
		t.Errorf("second create = %s, %v; invoices %d", again.ID, err, srv.InvoiceCount())
	}
}

func TestSandboxRejectsAmountNotQtyTimesPrice(t *testing.T) {
	t.Parallel()
	srv := newSandbox(t, qbosandbox.Options{})
	cust, items := seed(srv)
	c := sandboxClient(t, srv, 5*time.Second)
	inv := testInvoice(t, cust, items, "k")
	inv.Line[0].Amount = "2404.34"
	_, err := c.CreateInvoice(t.Context(), inv, RequestID("k"))
	var f *Fault
	if !errors.As(err, &f) || !f.HasCode(CodeAmountMismatch) || f.Type != "ValidationFault" {
		t.Fatalf("err = %v, want ValidationFault 6070", err)
	}
	if srv.InvoiceCount() != 0 {
		t.Error("an invalid invoice was stored")
	}
}

func TestSandboxStaleSyncTokenRecovered(t *testing.T) {
	t.Parallel()
	srv := newSandbox(t, qbosandbox.Options{})
	cust, items := seed(srv)
	c := sandboxClient(t, srv, 5*time.Second)
	inv, err := c.CreateInvoice(t.Context(), testInvoice(t, cust, items, "k"), RequestID("k"))
	if err != nil {
		t.Fatal(err)
	}
	applied := 0
	got, err := c.UpdateInvoice(t.Context(), inv.ID, func(v *Invoice) error {
		applied++
		if applied == 1 {
			// Someone edits the invoice in QBO between our read and write.
			if err := srv.EditInvoice(inv.ID, func(f map[string]json.RawMessage) {
				f["CustomerMemo"] = json.RawMessage(`{"value":"edited in QBO"}`)
			}); err != nil {
				t.Fatal(err)
			}
		}
		v.DueDate = "2026-12-15"
		return nil
	}, RequestID("k", "due"))
	if err != nil {
		t.Fatal(err)
	}
	if applied != 2 {
		t.Errorf("mutate applied %d times, want 2", applied)
	}
	if got.DueDate != "2026-12-15" || got.CustomerMemo == nil || got.CustomerMemo.Value != "edited in QBO" || got.SyncToken != "2" {
		t.Errorf("after update: DueDate %s memo %+v SyncToken %s", got.DueDate, got.CustomerMemo, got.SyncToken)
	}
	if got.TotalAmt != inv.TotalAmt {
		t.Errorf("sparse update changed TotalAmt %s → %s", inv.TotalAmt, got.TotalAmt)
	}
}

func TestSandboxSendVoidPayCDC(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	now := start
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	srv := newSandbox(t, qbosandbox.Options{Now: clock})
	cust, items := seed(srv)
	c := sandboxClient(t, srv, 5*time.Second)
	a, err := c.CreateInvoice(t.Context(), testInvoice(t, cust, items, "a"), RequestID("a"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.CreateInvoice(t.Context(), testInvoice(t, cust, items, "b"), RequestID("b"))
	if err != nil {
		t.Fatal(err)
	}
	advance(time.Hour)
	since := clock()
	advance(time.Minute)

	sent, err := c.SendInvoice(t.Context(), a.ID, "", RequestID("a", "send"))
	if err != nil || sent.EmailStatus != EmailSent || sent.DeliveryInfo == nil || sent.DeliveryInfo.DeliveryType != "Email" {
		t.Fatalf("send = %+v, %v", sent, err)
	}
	payID, err := srv.Pay(a.ID, money.MustParse("1000.00", "USD"))
	if err != nil {
		t.Fatal(err)
	}
	pay, err := c.GetPayment(t.Context(), payID)
	if err != nil || pay.Line[0].LinkedTxn[0].TxnID != a.ID || pay.TotalAmt != "1000.00" {
		t.Fatalf("payment = %+v, %v", pay, err)
	}
	void, err := c.VoidInvoice(t.Context(), b.ID, RequestID("b", "void"))
	if err != nil || void.TotalAmt != "0.00" || void.Balance != "0.00" {
		t.Fatalf("void = %+v, %v", void, err)
	}
	ch, err := c.CDC(t.Context(), []string{"Invoice", "Payment"}, since)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Invoices) != 2 || len(ch.Payments) != 1 {
		t.Fatalf("cdc: %d invoices, %d payments", len(ch.Invoices), len(ch.Payments))
	}
	open, err := c.QueryInvoices(t.Context(), "Balance > '0'")
	if err != nil {
		t.Fatal(err)
	}
	total, _ := a.TotalAmt.Amount("USD")
	if len(open) != 1 || open[0].ID != a.ID || open[0].Balance != AmountDecimal(total-100000, "USD") {
		t.Errorf("open invoices = %+v", open)
	}
	info, err := c.GetCompanyInfo(t.Context())
	if err != nil || info.CompanyName == "" {
		t.Errorf("company info = %+v, %v", info, err)
	}
	if _, err := c.GetInvoice(t.Context(), "999999"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing invoice: %v", err)
	}
}

func TestSandboxApostropheCustomerAndPaging(t *testing.T) {
	t.Parallel()
	srv := newSandbox(t, qbosandbox.Options{})
	for _, n := range []string{"Acme Corp", "O'Brien & Sons", "Globex LLC", "Initech", "Umbrella"} {
		srv.SeedCustomer(qbosandbox.Customer{DisplayName: n})
	}
	c := sandboxClient(t, srv, 5*time.Second, WithPageSize(2))
	got, err := c.QueryCustomers(t.Context(), "DisplayName = "+Quote("O'Brien & Sons"))
	if err != nil || len(got) != 1 || got[0].DisplayName != "O'Brien & Sons" {
		t.Fatalf("query = %+v, %v", got, err)
	}
	before := srv.Calls()["GET query"]
	all, err := c.QueryCustomers(t.Context(), "")
	if err != nil || len(all) != 5 {
		t.Fatalf("all customers = %d, %v", len(all), err)
	}
	if pages := srv.Calls()["GET query"] - before; pages != 3 {
		t.Errorf("pages = %d, want 3 (2+2+1)", pages)
	}
	m, _, err := MatchCustomer("o'brien & sons", "", all)
	if err != nil || m.DisplayName != "O'Brien & Sons" {
		t.Errorf("MatchCustomer = %+v, %v", m, err)
	}
	if _, err := c.QueryCustomers(t.Context(), "DisplayName = 'O'Brien'"); err == nil {
		t.Error("unescaped quote: want a query parse fault")
	}
}

func TestSandboxBatch(t *testing.T) {
	t.Parallel()
	srv := newSandbox(t, qbosandbox.Options{})
	cust, items := seed(srv)
	c := sandboxClient(t, srv, 5*time.Second)
	good, bad := testInvoice(t, cust, items, "g"), testInvoice(t, cust, items, "b")
	bad.Line[1].Amount = "1.00"
	res, err := c.Batch(t.Context(), []BatchItem{
		{BID: "g", Operation: OpCreate, Invoice: &good},
		{BID: "b", Operation: OpCreate, Invoice: &bad},
		{BID: "q", Query: "SELECT * FROM Customer WHERE DisplayName = " + Quote("Acme Corp")},
	}, BatchRequestID("batch-1"))
	if err != nil {
		t.Fatal(err)
	}
	if res["g"].Invoice == nil || res["g"].Invoice.ID == "" {
		t.Errorf("good item: %+v", res["g"])
	}
	if f := res["b"].Fault; f == nil || !f.HasCode(CodeAmountMismatch) {
		t.Errorf("bad item fault: %+v", res["b"])
	}
	if !strings.Contains(string(res["q"].QueryResponse), `"Acme Corp"`) {
		t.Errorf("query item: %s", res["q"].QueryResponse)
	}
	if srv.InvoiceCount() != 1 {
		t.Errorf("invoices = %d", srv.InvoiceCount())
	}
}

func TestSandboxTwoHundredInvoicesUnderFaults(t *testing.T) {
	t.Parallel()
	srv := newSandbox(t, qbosandbox.Options{Faults: qbosandbox.Faults{
		Seed: 42, Throttle: 0.05, ServerError: 0.04, Unavailable: 0.04, Timeout: 0.03, DropAfterCommit: 0.04,
	}})
	cust, items := seed(srv)
	c := sandboxClient(t, srv, 250*time.Millisecond, WithRetry(12, 0, 0))
	inv := testInvoice(t, cust, items, "x")

	var g errgroup.Group
	g.SetLimit(10)
	for i := range 200 {
		g.Go(func() error {
			key := fmt.Sprintf("client-%03d/2026-10", i)
			inv := inv
			inv.PrivateNote = "billbot " + key
			_, err := c.CreateInvoice(t.Context(), inv, RequestID(key, "create"))
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if n := srv.InvoiceCount(); n != 200 {
		t.Errorf("invoices = %d, want 200", n)
	}
	by := srv.InvoicesByRequestID()
	if len(by) != 200 {
		t.Errorf("distinct requestids = %d, want 200", len(by))
	}
	for rid, n := range by {
		if n != 1 {
			t.Errorf("requestid %s created %d invoices", rid, n)
		}
	}
	calls := srv.Calls()["POST invoice"]
	if calls <= 200 {
		t.Errorf("POST invoice calls = %d: faults were not injected", calls)
	}
	t.Logf("200 invoices in %d calls", calls)
}

func TestSandboxQueryTermsAndCustomers(t *testing.T) {
	t.Parallel()
	srv := newSandbox(t, qbosandbox.Options{})
	srv.SeedTerm(qbosandbox.Term{Name: "Net 30", DueDays: 30})
	srv.SeedTerm(qbosandbox.Term{Name: "Net 15", DueDays: 15, Inactive: true})
	srv.SeedCustomer(qbosandbox.Customer{DisplayName: "Acme, Inc.", Currency: "CAD", Email: "ap@acme.example"})
	c := sandboxClient(t, srv, 5*time.Second, WithPageSize(1))
	terms, err := c.QueryTerms(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(terms) != 2 || terms[0].Name != "Net 30" || terms[0].DueDays != 30 || !terms[0].Active || terms[1].Active || terms[1].Type != "STANDARD" {
		t.Errorf("terms = %+v", terms)
	}
	cs, err := c.QueryCustomers(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].CurrencyRef.Value != "CAD" || cs[0].PrimaryEmailAddr.Address != "ap@acme.example" {
		t.Errorf("customers = %+v", cs)
	}
}
