package xerobooks

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"billbot/internal/billing"
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
// Each method is one line through with, so the value the workflows hold
// has every optional method itself.
type Lazy struct {
	// build makes the client over the token stored now (nil, nil while no
	// organisation is connected).
	build func(ctx context.Context) (*Books, error)
	// key names the stored connection (its tenant id, "" before one); nil
	// means it never changes.
	key func(ctx context.Context) (string, error)

	mu        sync.Mutex
	books     *Books
	built     string    // key books was built at
	last      time.Time // last failed attempt, so a missing token is not re-read on every call
	failedKey string    // key of that attempt: a new connection retries at once
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
	l.mu.Lock()
	defer l.mu.Unlock()
	var key string
	if l.key != nil {
		k, err := l.key(ctx)
		if err != nil {
			return nil, fmt.Errorf("Xero: read the connection: %w", err)
		}
		key = k
	}
	if l.books != nil && key == l.built {
		return l.books, nil
	}
	if l.books == nil && !l.last.IsZero() && key == l.failedKey && time.Since(l.last) < 5*time.Second {
		return nil, ErrNotConnected
	}
	l.books = nil // never the previous organisation's client after a switch
	b, err := l.build(ctx)
	if err != nil || b == nil {
		l.last, l.failedKey = time.Now(), key
		if err == nil {
			err = ErrNotConnected
		}
		return nil, err
	}
	l.books, l.built = b, key
	return b, nil
}

// with calls f on the current organisation's client.
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
func (l *Lazy) InvoiceURL(id string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.books == nil {
		return ""
	}
	return l.books.InvoiceURL(id)
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

func (l *Lazy) ReplaceDraft(ctx context.Context, id string, inv billing.Invoice, c billing.Client, items map[string]string, memo string) (workflow.Remote, error) {
	return with(ctx, l, func(b *Books) (workflow.Remote, error) { return b.ReplaceDraft(ctx, id, inv, c, items, memo) })
}

func (l *Lazy) Send(ctx context.Context, id, to, requestKey string) (workflow.Remote, error) {
	return with(ctx, l, func(b *Books) (workflow.Remote, error) { return b.Send(ctx, id, to, requestKey) })
}

func (l *Lazy) Void(ctx context.Context, id, requestKey string) (workflow.Remote, error) {
	return with(ctx, l, func(b *Books) (workflow.Remote, error) { return b.Void(ctx, id, requestKey) })
}

func (l *Lazy) Invoice(ctx context.Context, id string) (workflow.Remote, error) {
	return with(ctx, l, func(b *Books) (workflow.Remote, error) { return b.Invoice(ctx, id) })
}

func (l *Lazy) ChangedInvoices(ctx context.Context, since time.Time) ([]workflow.Remote, error) {
	return with(ctx, l, func(b *Books) ([]workflow.Remote, error) { return b.ChangedInvoices(ctx, since) })
}

// IssuedInvoices implements workflow.IssuedLedger when the adapter does;
// ErrNoIssued otherwise.
func (l *Lazy) IssuedInvoices(ctx context.Context, customerIDs []string, from, to billing.Date, items map[string]string) ([]workflow.Issued, error) {
	return with(ctx, l, func(b *Books) ([]workflow.Issued, error) {
		il, ok := any(b).(workflow.IssuedLedger)
		if !ok {
			return nil, ErrNoIssued
		}
		return il.IssuedInvoices(ctx, customerIDs, from, to, items)
	})
}

// DraftLines implements workflow.Ledger; the mapping needs no connection.
func (l *Lazy) DraftLines(inv billing.Invoice, c billing.Client, items map[string]string) ([]workflow.RemoteLine, error) {
	l.mu.Lock()
	b := l.books
	l.mu.Unlock()
	if b == nil {
		b = New(nil, inv.Currency, "")
	}
	return b.DraftLines(inv, c, items)
}
