package qbobooks

import (
	"context"
	"errors"
	"time"

	"billbot/internal/billing"
	"billbot/internal/ledger/lazyconn"
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
// Each method is one line through lazyconn.With: the workflows ask their QBO for
// optional interfaces (BatchCreator, Ledger, InvoiceBatchReader, Connector),
// so the value they hold must have every method itself; a swapped
// interface-valued field would hide them.
type Lazy struct {
	// build makes the client over the token stored at generation gen.
	build func(ctx context.Context, gen int64) (*Books, error)
	// generation reads the stored connection's generation (one row by
	// primary key); nil means it never changes.
	generation func(ctx context.Context) (int64, error)

	// conn is the client built last, by generation.
	conn lazyconn.Conn[int64, Books]
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
	return l.conn.Get(ctx, lazyconn.Source[int64, Books]{Vendor: Name, NotConnected: ErrNotConnected, Key: l.generation, Build: l.build})
}

// Connected implements workflow.Connector.
func (l *Lazy) Connected(ctx context.Context) bool {
	_, err := l.Books(ctx)
	return err == nil
}

// InvoiceURL is the link of the client built last; "" before one is.
func (l *Lazy) InvoiceURL(qboID string) string {
	b := l.conn.Current()
	if b == nil {
		return ""
	}
	return b.InvoiceURL(qboID)
}

func (l *Lazy) MatchCustomers(ctx context.Context, clients []billing.Client) (map[string]string, []billing.Problem, error) {
	return lazyconn.With2(ctx, l.Books, func(b *Books) (map[string]string, []billing.Problem, error) {
		return b.MatchCustomers(ctx, clients)
	})
}

func (l *Lazy) Items(ctx context.Context) (map[string]string, error) {
	return lazyconn.With(ctx, l.Books, func(b *Books) (map[string]string, error) { return b.Items(ctx) })
}

func (l *Lazy) CreateDraft(ctx context.Context, inv billing.Invoice, c billing.Client, items map[string]string) (workflow.Remote, error) {
	return lazyconn.With(ctx, l.Books, func(b *Books) (workflow.Remote, error) { return b.CreateDraft(ctx, inv, c, items) })
}

func (l *Lazy) ReplaceDraft(ctx context.Context, qboID string, inv billing.Invoice, c billing.Client, items map[string]string, memo string) (workflow.Remote, error) {
	return lazyconn.With(ctx, l.Books, func(b *Books) (workflow.Remote, error) {
		return b.ReplaceDraft(ctx, qboID, inv, c, items, memo)
	})
}

func (l *Lazy) Send(ctx context.Context, qboID, to, requestKey string) (workflow.Remote, error) {
	return lazyconn.With(ctx, l.Books, func(b *Books) (workflow.Remote, error) { return b.Send(ctx, qboID, to, requestKey) })
}

func (l *Lazy) Void(ctx context.Context, qboID, requestKey string) (workflow.Remote, error) {
	return lazyconn.With(ctx, l.Books, func(b *Books) (workflow.Remote, error) { return b.Void(ctx, qboID, requestKey) })
}

func (l *Lazy) Invoice(ctx context.Context, qboID string) (workflow.Remote, error) {
	return lazyconn.With(ctx, l.Books, func(b *Books) (workflow.Remote, error) { return b.Invoice(ctx, qboID) })
}

// Invoices implements workflow.InvoiceBatchReader.
func (l *Lazy) Invoices(ctx context.Context, qboIDs []string) ([]workflow.Remote, error) {
	return lazyconn.With(ctx, l.Books, func(b *Books) ([]workflow.Remote, error) { return b.Invoices(ctx, qboIDs) })
}

func (l *Lazy) ChangedInvoices(ctx context.Context, since time.Time) ([]workflow.Remote, error) {
	return lazyconn.With(ctx, l.Books, func(b *Books) ([]workflow.Remote, error) { return b.ChangedInvoices(ctx, since) })
}

// IssuedInvoices implements workflow.IssuedLedger.
func (l *Lazy) IssuedInvoices(ctx context.Context, customerIDs []string, from, to billing.Date, items map[string]string) ([]workflow.Issued, error) {
	return lazyconn.With(ctx, l.Books, func(b *Books) ([]workflow.Issued, error) {
		return b.IssuedInvoices(ctx, customerIDs, from, to, items)
	})
}

// CreateDrafts implements workflow.BatchCreator.
func (l *Lazy) CreateDrafts(ctx context.Context, batchKey string, drafts []workflow.DraftRequest, items map[string]string) (map[string]workflow.Remote, map[string]error, error) {
	return lazyconn.With2(ctx, l.Books, func(b *Books) (map[string]workflow.Remote, map[string]error, error) {
		return b.CreateDrafts(ctx, batchKey, drafts, items)
	})
}

// DraftLines implements workflow.Ledger; the mapping needs no connection.
func (l *Lazy) DraftLines(inv billing.Invoice, c billing.Client, items map[string]string) ([]workflow.RemoteLine, error) {
	return draftLines(inv, c, items)
}
