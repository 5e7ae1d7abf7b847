package xerobooks

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/workflow"
	"billbot/internal/xero"
	"billbot/internal/xero/xerosandbox"
)

const token = "books-test-token"

type fixture struct {
	srv   *xerosandbox.Server
	books *Books
	items map[string]string
	acme  billing.Client
	euro  billing.Client
}

func newClient(t *testing.T, srv *xerosandbox.Server) *xero.Client {
	t.Helper()
	hc := &http.Client{Transport: &oauth2.Transport{Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token})}, Timeout: 10 * time.Second}
	c, err := xero.NewClient(srv.URL(), srv.TenantID(), hc, xero.WithLimits(xero.Limits{PerMinute: 1 << 20, PerDay: 1 << 20, BackgroundPerMinute: 1 << 20}),
		xero.WithRetry(6, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func setup(t *testing.T) *fixture {
	t.Helper()
	srv := xerosandbox.New(xerosandbox.Options{StaticToken: token, PerWindow: -1}) // limits: tested in xerosandbox
	t.Cleanup(srv.Close)
	f := &fixture{srv: srv}
	f.acme = billing.Client{Name: "Acme Corp", Currency: "USD", Email: "ap@acme.example", LedgerCustomerID: srv.AddContact("Acme Corp", "ap@acme.example", "USD")}
	f.euro = billing.Client{Name: "Zeta GmbH", Currency: "EUR", Email: "rechnung@zeta.example", LedgerCustomerID: srv.AddContact("Zeta GmbH", "rechnung@zeta.example", "EUR")}
	srv.AddItem("TAX", "Tax Preparation", "200")
	srv.AddItem("BK", "Bookkeeping", "200")
	srv.AddItem("RET", "Retainer", "200")
	f.books = New(newClient(t, srv), "USD", "")
	items, err := f.books.Items(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	f.items = items
	return f
}

func line(kind billing.LineKind, item, qty, price string, cur money.Currency) billing.Line {
	q, p := money.MustHours(qty), money.MustParse(price, cur)
	return billing.Line{Kind: kind, Item: item, Description: item + " work", Qty: q, UnitPrice: p, Amount: money.LineAmount(q, p)}
}

func invoice(key string, cur money.Currency, lines ...billing.Line) billing.Invoice {
	inv := billing.Invoice{Key: key, Currency: cur, InvoiceDate: billing.MustDate("2026-11-30"), DueDate: billing.MustDate("2026-12-30"), Lines: lines}
	for _, l := range lines {
		inv.Total += l.Amount
	}
	return inv
}

func discount(amount string, cur money.Currency) billing.Line {
	a := money.MustParse(amount, cur)
	return billing.Line{Kind: billing.LineDiscount, Description: "Discount", Qty: money.HoursScale, UnitPrice: a, Amount: a}
}

// TestDraftSendPayChanged: a draft with a 4-decimal quantity and a discount
// totals in Xero exactly as in billbot; sending authorises and emails it;
// paid in Xero, it comes back through ChangedInvoices with nothing due.
func TestDraftSendPayChanged(t *testing.T) {
	f := setup(t)
	ctx := t.Context()
	since := time.Now().Add(-time.Second)
	inv := invoice("acme-2026-11", "USD",
		line(billing.LineHourly, "Tax Preparation", "1.3333", "195.00", "USD"),
		line(billing.LineHourly, "Bookkeeping", "7.25", "95.00", "USD"),
		discount("-20.00", "USD"))
	r, err := f.books.CreateDraft(ctx, inv, f.acme, f.items)
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != inv.Total || r.Balance != inv.Total || r.Currency != "USD" || r.Voided || r.EmailStatus == workflow.EmailSent {
		t.Fatalf("remote %+v, want total %d", r, inv.Total)
	}
	want, err := f.books.DraftLines(inv, f.acme, f.items)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, r.Lines); d != "" {
		t.Errorf("Xero's lines differ from DraftLines (-want +got):\n%s", d)
	}
	sent, err := f.books.Send(ctx, r.ID, f.acme.Email, "send-1")
	if err != nil {
		t.Fatal(err)
	}
	if sent.EmailStatus != workflow.EmailSent {
		t.Errorf("email status %q", sent.EmailStatus)
	}
	if got := f.srv.Emails(r.ID); !slices.Equal(got, []string{"ap@acme.example"}) {
		t.Errorf("emails %v", got)
	}
	st, err := f.srv.Pay(r.ID, int64(inv.Total))
	if err != nil || st != "PAID" {
		t.Fatalf("pay: %s, %v", st, err)
	}
	changed, err := f.books.ChangedInvoices(ctx, since)
	if err != nil || len(changed) != 1 {
		t.Fatalf("changed: %d, %v", len(changed), err)
	}
	if c := changed[0]; c.ID != r.ID || c.Balance != 0 || c.Total != inv.Total || c.EmailStatus != workflow.EmailSent {
		t.Errorf("changed %+v", c)
	}
	got, err := f.books.Invoice(ctx, r.ID)
	if err != nil || got.Balance != 0 {
		t.Errorf("invoice %+v, %v", got, err)
	}
}

// TestCrashRetryMakesOneInvoice: the answer to the create is lost after
// Xero committed it, and billbot starts again; the same draft key finds
// the same invoice.
func TestCrashRetryMakesOneInvoice(t *testing.T) {
	f := setup(t)
	inv := invoice("acme-2026-10", "USD", line(billing.LineHourly, "Tax Preparation", "2", "195.00", "USD"))
	f.srv.FailNext(xerosandbox.FaultDropAfterCommit, 1)
	first, err := f.books.CreateDraft(t.Context(), inv, f.acme, f.items)
	if err != nil {
		t.Fatal(err)
	}
	restarted := New(newClient(t, f.srv), "USD", "")
	again, err := restarted.CreateDraft(t.Context(), inv, f.acme, f.items)
	if err != nil {
		t.Fatal(err)
	}
	if first.ID != again.ID || f.srv.InvoiceCount() != 1 {
		t.Errorf("ids %s, %s; %d invoices", first.ID, again.ID, f.srv.InvoiceCount())
	}
}

// TestRoundingToTheCent: whatever the quantity's 4 decimals, Xero's Total
// is billbot's, and Xero's lines are DraftLines'.
func TestRoundingToTheCent(t *testing.T) {
	f := setup(t)
	cases := []struct{ qty, price string }{
		{"1.3333", "195.00"}, // 259.9935 → 259.99
		{"0.0001", "250.00"}, // 0.025 → half a cent: sent as 1 × 0.03
		{"2.5", "0.01"},      // 0.025 → half a cent
		{"7.1234", "333.33"}, // 2374.442922 → 2374.44
		{"0.6667", "100.01"}, // 66.676667 → 66.68
		{"12.0001", "99.99"}, // 1199.889999 → 1199.89
		{"3.3335", "150.00"}, // 500.025 → half a cent
	}
	for i, tc := range cases {
		t.Run(tc.qty+"x"+tc.price, func(t *testing.T) {
			inv := invoice("round-"+tc.qty+"-"+tc.price, "USD", line(billing.LineHourly, "Tax Preparation", tc.qty, tc.price, "USD"))
			r, err := f.books.CreateDraft(t.Context(), inv, f.acme, f.items)
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			if r.Total != inv.Total {
				t.Errorf("Xero total %s, billbot %s", r.Total.Format("USD"), inv.Total.Format("USD"))
			}
			want, _ := f.books.DraftLines(inv, f.acme, f.items)
			if d := cmp.Diff(want, r.Lines); d != "" {
				t.Errorf("lines (-draft +xero):\n%s", d)
			}
		})
	}
}

func TestMultiCurrency(t *testing.T) {
	f := setup(t)
	inv := invoice("zeta-2026-11", "EUR", line(billing.LineHourly, "Bookkeeping", "3.75", "120.00", "EUR"), discount("-15.50", "EUR"))
	r, err := f.books.CreateDraft(t.Context(), inv, f.euro, f.items)
	if err != nil {
		t.Fatal(err)
	}
	if r.Currency != "EUR" || r.Total != inv.Total {
		t.Errorf("remote %s %s, want EUR %s", r.Currency, r.Total.Format("EUR"), inv.Total.Format("EUR"))
	}
	x, _ := f.srv.Invoice(r.ID)
	if x.Currency != "EUR" || x.Reference != "zeta-2026-11" {
		t.Errorf("stored %+v", x)
	}
	jpy := invoice("zeta-jpy", "JPY", line(billing.LineHourly, "Bookkeeping", "1", "1500", "JPY"))
	if _, err := f.books.CreateDraft(t.Context(), jpy, f.euro, f.items); !errors.Is(err, xero.ErrValidation) {
		t.Errorf("a currency the organisation has not enabled: %v", err)
	}
}

func TestMatchCustomers(t *testing.T) {
	f := setup(t)
	f.srv.AddContact("Twin Co", "", "")
	f.srv.AddContact("twin  co", "", "")
	clients := []billing.Client{
		{Name: "acme corp", Currency: "USD"},
		{Name: "Zeta GmbH", Currency: "USD"},
		{Name: "twin co", Currency: "USD"}, // no exact name; two equal ignoring case and spaces
		{Name: "Nobody", Currency: "USD"},
		{Name: "By Id", Currency: "EUR", LedgerCustomerID: f.euro.LedgerCustomerID},
	}
	ids, problems, err := f.books.MatchCustomers(t.Context(), clients)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"acme corp": f.acme.LedgerCustomerID, "By Id": f.euro.LedgerCustomerID}
	if d := cmp.Diff(want, ids); d != "" {
		t.Errorf("ids (-want +got):\n%s", d)
	}
	var codes []billing.ExceptionCode
	for _, p := range problems {
		codes = append(codes, p.Code)
	}
	if !slices.Equal(codes, []billing.ExceptionCode{billing.ExCurrencyMismatch, billing.ExClientUnmapped}) {
		t.Errorf("problems %v", problems)
	}
}

func TestReplaceAndVoid(t *testing.T) {
	f := setup(t)
	ctx := t.Context()
	inv := invoice("acme-r", "USD", line(billing.LineHourly, "Tax Preparation", "1", "195.00", "USD"))
	r, err := f.books.CreateDraft(ctx, inv, f.acme, f.items)
	if err != nil {
		t.Fatal(err)
	}
	inv2 := invoice("acme-r", "USD", line(billing.LineHourly, "Tax Preparation", "1.5", "195.00", "USD"), line(billing.LineHourly, "Bookkeeping", "2", "95.00", "USD"))
	r2, err := f.books.ReplaceDraft(ctx, r.ID, inv2, f.acme, f.items, "memo")
	if err != nil || r2.Total != inv2.Total || len(r2.Lines) != 2 {
		t.Fatalf("replaced %+v, %v", r2, err)
	}
	v, err := f.books.Void(ctx, r.ID, "void-1")
	if err != nil || !v.Voided {
		t.Fatalf("voiding a draft: %+v, %v", v, err)
	}
	other, _ := f.books.CreateDraft(ctx, invoice("acme-v", "USD", line(billing.LineHourly, "Bookkeeping", "1", "95.00", "USD")), f.acme, f.items)
	if _, err := f.books.Send(ctx, other.ID, "", "s"); err != nil {
		t.Fatal(err)
	}
	v2, err := f.books.Void(ctx, other.ID, "void-2")
	if x, _ := f.srv.Invoice(other.ID); err != nil || !v2.Voided || x.Status != "VOIDED" {
		t.Errorf("voiding a sent invoice: %+v %s, %v", v2, x.Status, err)
	}
}

func TestInvoiceURL(t *testing.T) {
	b := New(nil, "USD", "")
	if got := b.InvoiceURL("abc"); got != "https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=abc" {
		t.Errorf("url %s", got)
	}
	b = New(nil, "USD", "", WithShortCode("!NLglS"))
	if got := b.InvoiceURL("abc"); got != "https://go.xero.com/organisationlogin/default.aspx?shortcode=%21NLglS&redirecturl=/AccountsReceivable/View.aspx?InvoiceID=abc" {
		t.Errorf("url %s", got)
	}
}

func TestWebhookSinkKeepsEveryEvent(t *testing.T) {
	var got workflow.Delivery
	sink := WebhookSink(func(_ context.Context, d workflow.Delivery) error { got = d; return nil })
	err := sink(context.Background(), xero.Delivery{ID: "d1", Events: []xero.WebhookEvent{
		{ResourceID: "i1", EventCategory: "INVOICE", EventType: "UPDATE", TenantID: "t", EventDateUTC: "2026-12-01T00:00:00.000"},
		{ResourceID: "c1", EventCategory: "CONTACT", EventType: "CREATE", TenantID: "t", EventDateUTC: "2026-12-01T00:00:01.000"},
	}})
	if err != nil || got.ID != "d1" || len(got.Events) != 2 || got.Events[0].Entity != "Invoice" || got.Events[0].ID != "i1" ||
		got.Events[1].Entity != "Contact" || got.Events[0].Key == got.Events[1].Key {
		t.Errorf("delivery %+v (%v)", got, err)
	}
}
