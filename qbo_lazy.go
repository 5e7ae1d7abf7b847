package main

import (
	"context"
	"errors"
	"sync"
	"time"

	"billbot/internal/billing"
	"billbot/internal/workflow"
)

// errQBONotConnected is returned by lazyBooks before a company is
// connected.
var errQBONotConnected = errors.New("QuickBooks is not connected yet: open /oauth/qbo/connect")

// lazyBooks is the QBO of a running billbot whose company may be connected
// through the OAuth flow after start: it builds the client the first time a
// token is stored, and reuses it from then on.
type lazyBooks struct {
	build func(ctx context.Context) (*workflow.QBOBooks, error)

	mu    sync.Mutex
	books *workflow.QBOBooks
	last  time.Time // last failed attempt, so a missing token is not re-read on every call
}

var (
	_ workflow.QBO       = (*lazyBooks)(nil)
	_ workflow.Connector = (*lazyBooks)(nil)
)

func (l *lazyBooks) get(ctx context.Context) (*workflow.QBOBooks, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.books != nil {
		return l.books, nil
	}
	if !l.last.IsZero() && time.Since(l.last) < 5*time.Second {
		return nil, errQBONotConnected
	}
	b, err := l.build(ctx)
	if err != nil || b == nil {
		l.last = time.Now()
		if err == nil {
			err = errQBONotConnected
		}
		return nil, err
	}
	l.books = b
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
