package qbobooks

import (
	"context"
	"errors"
	"testing"
)

// TestLazyFollowsTheConnection: no client (and no link) before a company
// is connected; one client per connection generation, rebuilt at once when
// the generation moves on (a reconnect through any process), kept while it
// does not.
func TestLazyFollowsTheConnection(t *testing.T) {
	ctx := context.Background()
	gen, builds := int64(0), map[int64]int{}
	l := &Lazy{
		build: func(_ context.Context, g int64) (*Books, error) {
			builds[g]++
			if g == 0 {
				return nil, nil // not connected yet
			}
			return New(nil, "USD", "https://books.invalid"), nil
		},
		generation: func(context.Context) (int64, error) { return gen, nil },
	}
	if l.Connected(ctx) {
		t.Fatal("connected before any token is stored")
	}
	if _, err := l.Items(ctx); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("Items before a connection: %v, want ErrNotConnected", err)
	}
	if got := l.InvoiceURL("7"); got != "" {
		t.Errorf("InvoiceURL before a connection = %q, want none", got)
	}

	gen = 1
	first, err := l.Books(ctx)
	if err != nil || first == nil {
		t.Fatalf("after the connection: %v, %v", first, err)
	}
	if again, _ := l.Books(ctx); again != first {
		t.Error("the client was rebuilt though the connection did not change")
	}
	if got := l.InvoiceURL("7"); got != "https://books.invalid/app/invoice?txnId=7" {
		t.Errorf("InvoiceURL = %q", got)
	}

	gen = 2
	second, err := l.Books(ctx)
	if err != nil || second == first {
		t.Fatalf("after a reconnect: the same client %v (%v); want a new one without a restart", second == first, err)
	}
	if builds[1] != 1 || builds[2] != 1 {
		t.Errorf("builds per generation %v, want one of generation 1 and one of 2", builds)
	}
}
