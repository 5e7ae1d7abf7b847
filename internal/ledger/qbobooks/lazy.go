package qbobooks

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"billbot/internal/billing"
	"billbot/internal/workflow"
)

// ErrNotConnected is returned by a Lazy before a company is connected.
var ErrNotConnected = errors.New("QuickBooks is not connected yet: run `billbot qbo connect` and open the link it prints")

// Lazy is the QBO of a running billbot whose company may be connected
// (or switched) through the OAuth flow after start: it builds the client the
// first time a token is stored, and rebuilds it whenever the stored
// connection's generation moves on, so a reconnect made through any process
// takes effect in every process without a restart.
//
// Each method is one line through with: the workflows ask their QBO for
// optional interfaces (BatchCreator, Ledger, InvoiceBatchReader, Connector),
// so the value they hold must have every method itself; a swapped
// interface-valued field would hide them.
type Lazy struct {
	// build makes the client over the token stored at generation gen.
	build func(ctx context.Context, gen int64) (*Books, error)
	// generation reads the stored connection's generation (one row by
	// primary key); nil means it never changes.
	generation func(ctx context.Context) (int64, error)

	mu        sync.Mutex
	books     *Books
	gen       int64     // generation books was built at
	last      time.Time // last failed attempt, so a missing token is not re-read on every call
	failedGen int64     // generation of that attempt: a new connection retries at once
}

// NewLazy returns the lazy QBO: build makes the adapter over the token
// stored at generation gen (nil, nil while no company is connected);
// generation reads the stored connection's generation, nil when it never
// changes.
func NewLazy(build func(ctx context.Context, gen int64) (*Books, error), generation func(ctx context.Context) (int64, error)) *Lazy {
	return &Lazy{build: build, generation: generation}
}

var (
	_ workflow.Ledger             = (*Lazy)(nil)
	_ workflow.Connector          = (*Lazy)(nil)
	_ workflow.BatchCreator       = (*Lazy)(nil)
	_ workflow.IssuedLedger       = (*Lazy)(nil)
	_ workflow.InvoiceBatchReader = (*Lazy)(nil)
)

// Books returns the client of the company connected now, building it when
// the connection is new; ErrNotConnected before one is.
func (l *Lazy) Books(ctx context.Context) (*Books, error) {
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
		return nil, ErrNotConnected
	}
	l.books = nil // never the previous company's client after a reconnect
	b, err := l.build(ctx, gen)
	if err != nil || b == nil {
		l.last, l.failedGen = time.Now(), gen
		if err == nil {
			err = ErrNotConnected
		}
		return nil, err
	}
	l.books, l.gen = b, gen
	return b, nil
}

// with calls f on the current company's client.
func with[T any](ctx context.Context, l *Lazy, f func(*Books) (T, error)) (T, error) {
	b, err := l.Books(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	return f(b)
}

// Connected implements workflow.Connector.
func (l *Lazy) Connected(ctx context.Context) bool {
	_, err := l.Books(ctx)
	return err == nil
}

// InvoiceURL is the link of the client built last; "" before one is.
func (l *Lazy) InvoiceURL(qboID string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.books == nil {
		return ""
	}
	return l.books.InvoiceURL(qboID)
}

type matched struct {
	ids      map[string]string
	problems []billing.Problem
}

func (l *Lazy) MatchCustomers(ctx context.Context, clients []billing.Client) (map[string]string, []billing.Problem, error) {
	m, err := with(ctx, l, func(b *Books) (matched, error) {
		ids, problems, err := b.MatchCustomers(ctx, clients)
		return matched{ids, problems}, err
	})
	return m.ids, m.problems, err
}

func (l *Lazy) Items(ctx context.Context) (map[string]string, error) {
	return with(ctx, l, func(b *Books) (map[string]string, error) { return b.Items(ctx) })
}

func (l *Lazy) CreateDraft(ctx context.Context, inv billing.Invoice, c billing.Client, items map[string]string) (workflow.Remote, error) {
	return with(ctx, l, func(b *Books) (workflow.Remote, error) { return b.CreateDraft(ctx, inv, c, items) })
}

func (l *Lazy) ReplaceDraft(ctx context.Context, qboID string, inv billing.Invoice, c billing.Client, items map[string]string, memo string) (workflow.Remote, error) {
	return with(ctx, l, func(b *Books) (workflow.Remote, error) {
		return b.ReplaceDraft(ctx, qboID, inv, c, items, memo)
	})
}

func (l *Lazy) Send(ctx context.Context, qboID, to, requestKey string) (workflow.Remote, error) {
	return with(ctx, l, func(b *Books) (workflow.Remote, error) { return b.Send(ctx, qboID, to, requestKey) })
}

func (l *Lazy) Void(ctx context.Context, qboID, requestKey string) (workflow.Remote, error) {
	return with(ctx, l, func(b *Books) (workflow.Remote, error) { return b.Void(ctx, qboID, requestKey) })
}

func (l *Lazy) Invoice(ctx context.Context, qboID string) (workflow.Remote, error) {
	return with(ctx, l, func(b *Books) (workflow.Remote, error) { return b.Invoice(ctx, qboID) })
}

// Invoices implements workflow.InvoiceBatchReader.
func (l *Lazy) Invoices(ctx context.Context, qboIDs []string) ([]workflow.Remote, error) {
	return with(ctx, l, func(b *Books) ([]workflow.Remote, error) { return b.Invoices(ctx, qboIDs) })
}

func (l *Lazy) ChangedInvoices(ctx context.Context, since time.Time) ([]workflow.Remote, error) {
	return with(ctx, l, func(b *Books) ([]workflow.Remote, error) { return b.ChangedInvoices(ctx, since) })
}

// IssuedInvoices implements workflow.IssuedLedger.
func (l *Lazy) IssuedInvoices(ctx context.Context, customerIDs []string, from, to billing.Date, items map[string]string) ([]workflow.Issued, error) {
	return with(ctx, l, func(b *Books) ([]workflow.Issued, error) {
		return b.IssuedInvoices(ctx, customerIDs, from, to, items)
	})
}

type created struct {
	remotes map[string]workflow.Remote
	failed  map[string]error
}

// CreateDrafts implements workflow.BatchCreator.
func (l *Lazy) CreateDrafts(ctx context.Context, batchKey string, drafts []workflow.DraftRequest, items map[string]string) (map[string]workflow.Remote, map[string]error, error) {
	c, err := with(ctx, l, func(b *Books) (created, error) {
		remotes, failed, err := b.CreateDrafts(ctx, batchKey, drafts, items)
		return created{remotes, failed}, err
	})
	return c.remotes, c.failed, err
}

// DraftLines implements workflow.Ledger; the mapping needs no connection.
func (l *Lazy) DraftLines(inv billing.Invoice, c billing.Client, items map[string]string) ([]workflow.RemoteLine, error) {
	return draftLines(inv, c, items)
}
