package cli

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"billbot/internal/billing"
	"billbot/internal/workflow"
)

// errQBONotConnected is returned by lazyBooks before a company is
// connected.
var errQBONotConnected = errors.New("QuickBooks is not connected yet: run `billbot qbo connect` and open the link it prints")

// lazyBooks is the QBO of a running billbot whose company may be connected
// (or switched) through the OAuth flow after start: it builds the client the
// first time a token is stored, and rebuilds it whenever the stored
// connection's generation moves on, so a reconnect made through any process
// takes effect in every process without a restart.
type lazyBooks struct {
	// build makes the client over the token stored at generation gen.
	build func(ctx context.Context, gen int64) (*workflow.QBOBooks, error)
	// generation reads the stored connection's generation (one row by
	// primary key); nil means it never changes.
	generation func(ctx context.Context) (int64, error)

	mu        sync.Mutex
	books     *workflow.QBOBooks
	gen       int64     // generation books was built at
	last      time.Time // last failed attempt, so a missing token is not re-read on every call
	failedGen int64     // generation of that attempt: a new connection retries at once
}

var (
	_ workflow.QBO       = (*lazyBooks)(nil)
	_ workflow.Connector = (*lazyBooks)(nil)
)

func (l *lazyBooks) get(ctx context.Context) (*workflow.QBOBooks, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var gen int64
	if l.generation != nil {
		g, err := l.generation(ctx)
		if err != nil {
			return nil, fmt.Errorf("QuickBooks: read the connection: %w", err)
		}
		gen = g
	}
	if l.books != nil && gen == l.gen {
		return l.books, nil
	}
	if l.books == nil && !l.last.IsZero() && gen == l.failedGen && time.Since(l.last) < 5*time.Second {
		return nil, errQBONotConnected
	}
	l.books = nil // never the previous company's client after a reconnect
	b, err := l.build(ctx, gen)
	if err != nil || b == nil {
		l.last, l.failedGen = time.Now(), gen
		if err == nil {
			err = errQBONotConnected
		}
		return nil, err
	}
	l.books, l.gen = b, gen
	return b, nil
}

// Connected implements workflow.Connector.
func (l *lazyBooks) Connected(ctx context.Context) bool {
	_, err := l.get(ctx)
	return err == nil
}

func (l *lazyBooks) MatchCustomers(ctx context.Context, clients []billing.Client) (map[string]string, []billing.Problem, error) {
	b, err := l.get(ctx)
	if err != nil {
		return nil, nil, err
	}
	return b.MatchCustomers(ctx, clients)
}

func (l *lazyBooks) Items(ctx context.Context) (map[string]string, error) {
	b, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return b.Items(ctx)
}

func (l *lazyBooks) CreateDraft(ctx context.Context, inv billing.Invoice, c billing.Client, items map[string]string) (workflow.Remote, error) {
	b, err := l.get(ctx)
	if err != nil {
		return workflow.Remote{}, err
	}
	return b.CreateDraft(ctx, inv, c, items)
}

func (l *lazyBooks) ReplaceDraft(ctx context.Context, qboID string, inv billing.Invoice, c billing.Client, items map[string]string, memo string) (workflow.Remote, error) {
	b, err := l.get(ctx)
	if err != nil {
		return workflow.Remote{}, err
	}
	return b.ReplaceDraft(ctx, qboID, inv, c, items, memo)
}

func (l *lazyBooks) Send(ctx context.Context, qboID, to, requestKey string) (workflow.Remote, error) {
	b, err := l.get(ctx)
	if err != nil {
		return workflow.Remote{}, err
	}
	return b.Send(ctx, qboID, to, requestKey)
}

func (l *lazyBooks) Void(ctx context.Context, qboID, requestKey string) (workflow.Remote, error) {
	b, err := l.get(ctx)
	if err != nil {
		return workflow.Remote{}, err
	}
	return b.Void(ctx, qboID, requestKey)
}

func (l *lazyBooks) Invoice(ctx context.Context, qboID string) (workflow.Remote, error) {
	b, err := l.get(ctx)
	if err != nil {
		return workflow.Remote{}, err
	}
	return b.Invoice(ctx, qboID)
}

func (l *lazyBooks) ChangedInvoices(ctx context.Context, since time.Time) ([]workflow.Remote, error) {
	b, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return b.ChangedInvoices(ctx, since)
}

func (l *lazyBooks) InvoiceURL(qboID string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.books == nil {
		return ""
	}
	return l.books.InvoiceURL(qboID)
}

var _ workflow.BatchCreator = (*lazyBooks)(nil)

func (l *lazyBooks) CreateDrafts(ctx context.Context, batchKey string, drafts []workflow.DraftRequest, items map[string]string) (map[string]workflow.Remote, map[string]error, error) {
	b, err := l.get(ctx)
	if err != nil {
		return nil, nil, err
	}
	return b.CreateDrafts(ctx, batchKey, drafts, items)
}

var _ workflow.Ledger = (*lazyBooks)(nil)

func (l *lazyBooks) IssuedInvoices(ctx context.Context, customerIDs []string, from, to billing.Date, items map[string]string) ([]workflow.Issued, error) {
	b, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return b.IssuedInvoices(ctx, customerIDs, from, to, items)
}
