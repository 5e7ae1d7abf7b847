package xerobooks

import (
	"context"
	"errors"
	"time"

	"billbot/internal/billing"
	"billbot/internal/ledger/lazyconn"
	"billbot/internal/workflow"
)

// ErrNotConnected is returned by a Lazy before an organisation is connected.
var ErrNotConnected = errors.New("Xero is not connected yet: run `billbot xero connect` and open the link it prints")

// ErrNoIssued is returned by Lazy.IssuedInvoices while the adapter cannot
// read the invoices a firm issued.
var ErrNoIssued = errors.New("xero: reading issued invoices is not supported")

// Name is the ledger's name in what people read (workflow.Named).
const Name = "Xero"

// Lazy is the Xero of a running billbot whose organisation may be connected
// (or switched) through the OAuth flow after start, as qbobooks.Lazy is for
// QuickBooks: it builds the client the first time a token is stored and
// rebuilds it whenever the stored connection's key (the connected tenant)
// changes, so a reconnect made through any process takes effect in every
// process without a restart. A reconnect to the same organisation needs no
// rebuild: the token source reloads the stored token under the store's lock
// before each refresh (xero.PersistingTokenSource).
//
// Each method is one line through lazyconn.With, so the value the
// workflows hold has every optional method itself.
type Lazy struct {
	// build makes the client over the token stored now (nil, nil while no
	// organisation is connected).
	build func(ctx context.Context) (*Books, error)
	// key names the stored connection (its tenant id, "" before one); nil
	// means it never changes.
	key func(ctx context.Context) (string, error)

	// conn is the client built last, by key.
	conn lazyconn.Conn[string, Books]
}

// NewLazy returns the lazy Xero: build makes the adapter over the stored
// token (nil, nil while none is); key reads the stored connection's key,
// nil when it never changes.
func NewLazy(build func(ctx context.Context) (*Books, error), key func(ctx context.Context) (string, error)) *Lazy {
	return &Lazy{build: build, key: key}
}

var (
	_ workflow.Ledger       = (*Lazy)(nil)
	_ workflow.Connector    = (*Lazy)(nil)
	_ workflow.IssuedLedger = (*Lazy)(nil)
	_ workflow.Named        = (*Lazy)(nil)
)

// Name implements workflow.Named.
func (l *Lazy) Name() string { return Name }

// Books returns the client of the organisation connected now, building it
// when the connection is new; ErrNotConnected before one is.
func (l *Lazy) Books(ctx context.Context) (*Books, error) {
	return l.conn.Get(ctx, lazyconn.Source[string, Books]{Vendor: Name, NotConnected: ErrNotConnected, Key: l.key, Build: func(ctx context.Context, _ string) (*Books, error) { return l.build(ctx) }})
}

// Connected implements workflow.Connector.
func (l *Lazy) Connected(ctx context.Context) bool {
	_, err := l.Books(ctx)
	return err == nil
}

// InvoiceURL is the link of the client built last; "" before one is.
func (l *Lazy) InvoiceURL(id string) string {
	b := l.conn.Current()
	if b == nil {
		return ""
	}
	return b.InvoiceURL(id)
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

func (l *Lazy) ReplaceDraft(ctx context.Context, id string, inv billing.Invoice, c billing.Client, items map[string]string, memo string) (workflow.Remote, error) {
	return lazyconn.With(ctx, l.Books, func(b *Books) (workflow.Remote, error) { return b.ReplaceDraft(ctx, id, inv, c, items, memo) })
}

func (l *Lazy) Send(ctx context.Context, id, to, requestKey string) (workflow.Remote, error) {
	return lazyconn.With(ctx, l.Books, func(b *Books) (workflow.Remote, error) { return b.Send(ctx, id, to, requestKey) })
}

func (l *Lazy) Void(ctx context.Context, id, requestKey string) (workflow.Remote, error) {
	return lazyconn.With(ctx, l.Books, func(b *Books) (workflow.Remote, error) { return b.Void(ctx, id, requestKey) })
}

func (l *Lazy) Invoice(ctx context.Context, id string) (workflow.Remote, error) {
	return lazyconn.With(ctx, l.Books, func(b *Books) (workflow.Remote, error) { return b.Invoice(ctx, id) })
}

func (l *Lazy) ChangedInvoices(ctx context.Context, since time.Time) ([]workflow.Remote, error) {
	return lazyconn.With(ctx, l.Books, func(b *Books) ([]workflow.Remote, error) { return b.ChangedInvoices(ctx, since) })
}

// IssuedInvoices implements workflow.IssuedLedger when the adapter does;
// ErrNoIssued otherwise.
func (l *Lazy) IssuedInvoices(ctx context.Context, customerIDs []string, from, to billing.Date, items map[string]string) ([]workflow.Issued, error) {
	return lazyconn.With(ctx, l.Books, func(b *Books) ([]workflow.Issued, error) {
		il, ok := any(b).(workflow.IssuedLedger)
		if !ok {
			return nil, ErrNoIssued
		}
		return il.IssuedInvoices(ctx, customerIDs, from, to, items)
	})
}

// DraftLines implements workflow.Ledger; the mapping needs no connection.
func (l *Lazy) DraftLines(inv billing.Invoice, c billing.Client, items map[string]string) ([]workflow.RemoteLine, error) {
	b := l.conn.Current()
	if b == nil {
		b = New(nil, inv.Currency, "")
	}
	return b.DraftLines(inv, c, items)
}
