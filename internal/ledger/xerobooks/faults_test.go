package xerobooks

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/billing"
	"billbot/internal/xero"
	"billbot/internal/xero/xerosandbox"
)

// TestFaultsMakeNoDuplicates: with a quarter of Xero's answers failing —
// 429s, 500s, 503s and answers lost after the write was committed —
// drafting and sending 30 invoices makes 30 invoices, each emailed once.
func TestFaultsMakeNoDuplicates(t *testing.T) {
	srv := xerosandbox.New(xerosandbox.Options{StaticToken: token, RetryAfter: "0", PerWindow: -1, PerDay: -1,
		Faults: xerosandbox.Faults{Seed: 7, Throttle: 0.08, ServerError: 0.06, Unavailable: 0.04, DropAfterCommit: 0.08}})
	t.Cleanup(srv.Close)
	acme := billing.Client{Name: "Acme", Currency: "USD", LedgerCustomerID: srv.AddContact("Acme", "ap@acme.example", "")}
	srv.AddItem("TAX", "Tax Preparation", "200")
	hc := &http.Client{Transport: &oauth2.Transport{Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token})}, Timeout: 10 * time.Second}
	c, err := xero.NewClient(srv.URL(), srv.TenantID(), hc, xero.WithRetry(12, time.Millisecond, time.Millisecond),
		xero.WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }),
		xero.WithLimits(xero.Limits{PerMinute: 1 << 20, PerDay: 1 << 20, BackgroundPerMinute: 1 << 20}))
	if err != nil {
		t.Fatal(err)
	}
	b := New(c, "USD", "")
	items, err := b.Items(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	const n = 30
	ids := map[string]bool{}
	for i := range n {
		inv := invoice(fmt.Sprintf("acme-%02d", i), "USD", line(billing.LineHourly, "Tax Preparation", "1.25", "195.00", "USD"))
		r, err := b.CreateDraft(t.Context(), inv, acme, items)
		if err != nil {
			t.Fatalf("draft %d: %v", i, err)
		}
		if _, err := b.Send(t.Context(), r.ID, "", "send-"+inv.Key); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		ids[r.ID] = true
	}
	if len(ids) != n || srv.InvoiceCount() != n {
		t.Errorf("%d ids, %d invoices; want %d", len(ids), srv.InvoiceCount(), n)
	}
	for id := range ids {
		if got := srv.Emails(id); len(got) != 1 {
			t.Errorf("invoice %s emailed %d times", id, len(got))
		}
	}
	for key, made := range srv.InvoicesByKey() {
		if made != 1 {
			t.Errorf("key %s made %d invoices", key, made)
		}
	}
	if srv.TotalCalls() <= 4*n {
		t.Errorf("%d calls: the faults did not fire", srv.TotalCalls())
	}
}
