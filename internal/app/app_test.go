package app

import (
	"context"
	"errors"
	"slices"
	"testing"

	"billbot/internal/config"
	"billbot/internal/workflow"
)

// TestLazyQBOFollowsTheConnection: no client (and no link) before a company
// is connected; one client per connection generation, rebuilt at once when
// the generation moves on (a reconnect through any process), kept while it
// does not.
func TestLazyQBOFollowsTheConnection(t *testing.T) {
	ctx := context.Background()
	gen, builds := int64(0), map[int64]int{}
	l := &LazyQBO{
		build: func(_ context.Context, g int64) (*workflow.QBOBooks, error) {
			builds[g]++
			if g == 0 {
				return nil, nil // not connected yet
			}
			return workflow.NewQBOBooks(nil, "USD", "https://books.invalid"), nil
		},
		generation: func(context.Context) (int64, error) { return gen, nil },
	}
	if l.Connected(ctx) {
		t.Fatal("connected before any token is stored")
	}
	if _, err := l.Items(ctx); !errors.Is(err, errQBONotConnected) {
		t.Fatalf("Items before a connection: %v, want errQBONotConnected", err)
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

// TestAssembleWithoutVendors: a billbot over a store alone has the four
// scheduled jobs and a runner that can lock (in process).
func TestAssembleWithoutVendors(t *testing.T) {
	b := Assemble(Parts{})
	var names []string
	for _, j := range b.Jobs() {
		names = append(names, j.Name())
	}
	if want := []string{config.JobSync, config.JobDraft, config.JobCollections, config.JobApprovals}; !slices.Equal(names, want) {
		t.Errorf("jobs %v, want %v", names, want)
	}
	if r := b.Runner(); r.Locker == nil || r.AlreadyRan == nil {
		t.Errorf("runner without a lock or an already-ran test: %+v", r)
	}
	if s, err := b.Syncer(context.Background()); s != nil || err != nil {
		t.Errorf("Syncer without Harvest = %v, %v; want none", s, err)
	}
}
