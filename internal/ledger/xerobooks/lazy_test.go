package xerobooks

import (
	"context"
	"errors"
	"testing"
)

// TestLazyFollowsTheConnection: no client (and no link) before an
// organisation is connected; one client per connected tenant, rebuilt at
// once when another organisation is connected, kept while it is not.
func TestLazyFollowsTheConnection(t *testing.T) {
	ctx := context.Background()
	tenant, builds := "", map[string]int{}
	l := NewLazy(func(context.Context) (*Books, error) {
		builds[tenant]++
		if tenant == "" {
			return nil, nil // not connected yet
		}
		return New(nil, "USD", "https://go.xero.invalid"), nil
	}, func(context.Context) (string, error) { return tenant, nil })
	if l.Connected(ctx) {
		t.Fatal("connected before any token is stored")
	}
	if _, err := l.Items(ctx); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("Items before a connection: %v, want ErrNotConnected", err)
	}
	if got := l.InvoiceURL("7"); got != "" {
		t.Errorf("InvoiceURL before a connection = %q, want none", got)
	}
	if got := l.Name(); got != "Xero" {
		t.Errorf("Name = %q, want Xero", got)
	}

	tenant = "org-a"
	first, err := l.Books(ctx)
	if err != nil || first == nil {
		t.Fatalf("after the connection: %v, %v", first, err)
	}
	if again, _ := l.Books(ctx); again != first {
		t.Error("the client was rebuilt though the connection did not change")
	}
	if got := l.InvoiceURL("7"); got != "https://go.xero.invalid/AccountsReceivable/View.aspx?InvoiceID=7" {
		t.Errorf("InvoiceURL = %q", got)
	}

	tenant = "org-b"
	second, err := l.Books(ctx)
	if err != nil || second == first {
		t.Fatalf("after a switch: the same client %v (%v); want a new one without a restart", second == first, err)
	}
	if builds["org-a"] != 1 || builds["org-b"] != 1 {
		t.Errorf("builds per tenant %v, want one of each", builds)
	}
}
