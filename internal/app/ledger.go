package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/workflow"
)

// LedgerChooser is the ledger of a billbot that may serve a QuickBooks or
// a Xero firm: each call goes to the ledger the stored firm configuration
// names now (firm.ledger), so a change of ledger takes effect in a running
// serve without a restart. A ledger the environment does not configure is
// nil: calls to it fail with a message naming the settings it needs.
//
// It has every optional method the workflows look for (workflow.Connector,
// BatchCreator, InvoiceBatchReader, IssuedLedger, Named) and falls back to
// the plain Ledger methods when the chosen ledger lacks one.
type LedgerChooser struct {
	ledgers map[config.Ledger]workflow.Ledger
	// which reads the firm's ledger; version is a cheap stamp of the
	// configuration (store.ConfigVersion) so which runs only on a change.
	which   func(ctx context.Context) (config.Ledger, error)
	version func(ctx context.Context) (int64, error)

	mu      sync.Mutex
	seen    int64
	current config.Ledger
}

// NewLedgerChooser returns the chooser over the configured ledgers (a
// ledger missing from ledgers, or nil, is not configured). which reads the
// firm's ledger; version, when not nil, stamps the configuration so which
// is read again only after it changes.
func NewLedgerChooser(ledgers map[config.Ledger]workflow.Ledger, which func(ctx context.Context) (config.Ledger, error), version func(ctx context.Context) (int64, error)) *LedgerChooser {
	return &LedgerChooser{ledgers: ledgers, which: which, version: version, seen: -1}
}

var (
	_ workflow.Ledger             = (*LedgerChooser)(nil)
	_ workflow.Connector          = (*LedgerChooser)(nil)
	_ workflow.BatchCreator       = (*LedgerChooser)(nil)
	_ workflow.InvoiceBatchReader = (*LedgerChooser)(nil)
	_ workflow.IssuedLedger       = (*LedgerChooser)(nil)
	_ workflow.Named              = (*LedgerChooser)(nil)
)

// Kind returns the firm's ledger now.
func (c *LedgerChooser) Kind(ctx context.Context) (config.Ledger, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != nil {
		v, err := c.version(ctx)
		if err != nil {
			v = 0 // no configuration yet: read which (the default)
		}
		if v == c.seen && c.current != "" {
			return c.current, nil
		}
		c.seen = v
	}
	k, err := c.which(ctx)
	if err != nil {
		return "", fmt.Errorf("read the firm's ledger: %w", err)
	}
	c.current = k.Effective()
	return c.current, nil
}

// notConfigured says which settings a ledger needs.
func notConfigured(k config.Ledger) error {
	if k == config.LedgerXero {
		return errors.New("the firm's ledger is Xero, which is not configured: set XERO_CLIENT_ID, XERO_CLIENT_SECRET and XERO_REDIRECT_URL")
	}
	return errors.New("the firm's ledger is QuickBooks, which is not configured: set QBO_CLIENT_ID, QBO_CLIENT_SECRET and QBO_REDIRECT_URL")
}

// Ledger returns the firm's ledger now.
func (c *LedgerChooser) Ledger(ctx context.Context) (workflow.Ledger, error) {
	k, err := c.Kind(ctx)
	if err != nil {
		return nil, err
	}
	l := c.ledgers[k]
	if l == nil {
		return nil, notConfigured(k)
	}
	return l, nil
}

func on[T any](ctx context.Context, c *LedgerChooser, f func(workflow.Ledger) (T, error)) (T, error) {
	l, err := c.Ledger(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	return f(l)
}

// Name implements workflow.Named: the name of the firm's ledger.
func (c *LedgerChooser) Name() string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	k, err := c.Kind(ctx)
	if err != nil {
		return workflow.DefaultLedgerName
	}
	if l := c.ledgers[k]; l != nil {
		return workflow.LedgerName(l)
	}
	if k == config.LedgerXero {
		return "Xero"
	}
	return workflow.DefaultLedgerName
}

// Connected implements workflow.Connector: false when the firm's ledger
// is not configured or not connected.
func (c *LedgerChooser) Connected(ctx context.Context) bool {
	l, err := c.Ledger(ctx)
	if err != nil {
		return false
	}
	if cn, ok := l.(workflow.Connector); ok {
		return cn.Connected(ctx)
	}
	return true
}

// InvoiceURL links to the invoice in the firm's ledger; "" when it cannot
// be told.
func (c *LedgerChooser) InvoiceURL(id string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	l, err := c.Ledger(ctx)
	if err != nil {
		return ""
	}
	return l.InvoiceURL(id)
}

type matched struct {
	ids      map[string]string
	problems []billing.Problem
}

func (c *LedgerChooser) MatchCustomers(ctx context.Context, clients []billing.Client) (map[string]string, []billing.Problem, error) {
	m, err := on(ctx, c, func(l workflow.Ledger) (matched, error) {
		ids, problems, err := l.MatchCustomers(ctx, clients)
		return matched{ids, problems}, err
	})
	return m.ids, m.problems, err
}

func (c *LedgerChooser) Items(ctx context.Context) (map[string]string, error) {
	return on(ctx, c, func(l workflow.Ledger) (map[string]string, error) { return l.Items(ctx) })
}

func (c *LedgerChooser) CreateDraft(ctx context.Context, inv billing.Invoice, cl billing.Client, items map[string]string) (workflow.Remote, error) {
	return on(ctx, c, func(l workflow.Ledger) (workflow.Remote, error) { return l.CreateDraft(ctx, inv, cl, items) })
}

func (c *LedgerChooser) ReplaceDraft(ctx context.Context, id string, inv billing.Invoice, cl billing.Client, items map[string]string, memo string) (workflow.Remote, error) {
	return on(ctx, c, func(l workflow.Ledger) (workflow.Remote, error) { return l.ReplaceDraft(ctx, id, inv, cl, items, memo) })
}

func (c *LedgerChooser) Send(ctx context.Context, id, to, requestKey string) (workflow.Remote, error) {
	return on(ctx, c, func(l workflow.Ledger) (workflow.Remote, error) { return l.Send(ctx, id, to, requestKey) })
}

func (c *LedgerChooser) Void(ctx context.Context, id, requestKey string) (workflow.Remote, error) {
	return on(ctx, c, func(l workflow.Ledger) (workflow.Remote, error) { return l.Void(ctx, id, requestKey) })
}

func (c *LedgerChooser) Invoice(ctx context.Context, id string) (workflow.Remote, error) {
	return on(ctx, c, func(l workflow.Ledger) (workflow.Remote, error) { return l.Invoice(ctx, id) })
}

func (c *LedgerChooser) ChangedInvoices(ctx context.Context, since time.Time) ([]workflow.Remote, error) {
	return on(ctx, c, func(l workflow.Ledger) ([]workflow.Remote, error) { return l.ChangedInvoices(ctx, since) })
}

// DraftLines implements workflow.Ledger; with the firm's ledger unknown it
// is QuickBooks' mapping (it calls nothing).
func (c *LedgerChooser) DraftLines(inv billing.Invoice, cl billing.Client, items map[string]string) ([]workflow.RemoteLine, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	l, err := c.Ledger(ctx)
	if err != nil {
		return nil, err
	}
	return l.DraftLines(inv, cl, items)
}

// Invoices implements workflow.InvoiceBatchReader, one read at a time when
// the firm's ledger has no batch read.
func (c *LedgerChooser) Invoices(ctx context.Context, ids []string) ([]workflow.Remote, error) {
	return on(ctx, c, func(l workflow.Ledger) ([]workflow.Remote, error) {
		if br, ok := l.(workflow.InvoiceBatchReader); ok {
			return br.Invoices(ctx, ids)
		}
		out := make([]workflow.Remote, 0, len(ids))
		for _, id := range ids {
			r, err := l.Invoice(ctx, id)
			if err != nil {
				return nil, fmt.Errorf("read invoice %s: %w", id, err)
			}
			out = append(out, r)
		}
		return out, nil
	})
}

type created struct {
	remotes map[string]workflow.Remote
	failed  map[string]error
}

// CreateDrafts implements workflow.BatchCreator, one create at a time when
// the firm's ledger has no batch create; each create is idempotent by its
// invoice's key, as every Ledger's is.
func (c *LedgerChooser) CreateDrafts(ctx context.Context, batchKey string, drafts []workflow.DraftRequest, items map[string]string) (map[string]workflow.Remote, map[string]error, error) {
	r, err := on(ctx, c, func(l workflow.Ledger) (created, error) {
		if bc, ok := l.(workflow.BatchCreator); ok {
			remotes, failed, err := bc.CreateDrafts(ctx, batchKey, drafts, items)
			return created{remotes, failed}, err
		}
		out := created{remotes: map[string]workflow.Remote{}, failed: map[string]error{}}
		for _, d := range drafts {
			rem, err := l.CreateDraft(ctx, d.Invoice, d.Client, items)
			if err != nil {
				out.failed[d.Invoice.Key] = err
				continue
			}
			out.remotes[d.Invoice.Key] = rem
		}
		return out, nil
	})
	return r.remotes, r.failed, err
}

// IssuedInvoices implements workflow.IssuedLedger when the firm's ledger
// does.
func (c *LedgerChooser) IssuedInvoices(ctx context.Context, customerIDs []string, from, to billing.Date, items map[string]string) ([]workflow.Issued, error) {
	return on(ctx, c, func(l workflow.Ledger) ([]workflow.Issued, error) {
		il, ok := l.(workflow.IssuedLedger)
		if !ok {
			return nil, fmt.Errorf("%s: reading the invoices the firm issued is not supported", workflow.LedgerName(l))
		}
		return il.IssuedInvoices(ctx, customerIDs, from, to, items)
	})
}
