package workflow

import (
	"context"
	"time"

	"github.com/slack-go/slack"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// QBO is what the workflows need of QuickBooks Online. Every write is
// idempotent by the key it is given: calling CreateDraft twice with one
// invoice key yields one QBO invoice.
type QBO interface {
	// MatchCustomers maps clients to QBO customers; clients that match no
	// customer, several, or one in another currency come back as problems.
	MatchCustomers(ctx context.Context, clients []billing.Client) (map[string]string, []billing.Problem, error)
	// Items returns QBO's item names mapped to their ids.
	Items(ctx context.Context) (map[string]string, error)
	// CreateDraft creates inv in QBO (or returns the one a previous attempt
	// created).
	CreateDraft(ctx context.Context, inv billing.Invoice, c billing.Client, items map[string]string) (Remote, error)
	// ReplaceDraft rewrites an existing QBO invoice's lines and dates.
	ReplaceDraft(ctx context.Context, qboID string, inv billing.Invoice, c billing.Client, items map[string]string, memo string) (Remote, error)
	// Send has QBO email the invoice to the client; again re-sends it as a
	// reminder.
	Send(ctx context.Context, qboID, to, requestKey string) (Remote, error)
	// Void voids the invoice in QBO.
	Void(ctx context.Context, qboID, requestKey string) (Remote, error)
	// Invoice reads one invoice.
	Invoice(ctx context.Context, qboID string) (Remote, error)
	// ChangedInvoices lists invoices changed since t (change data capture).
	ChangedInvoices(ctx context.Context, since time.Time) ([]Remote, error)
	// InvoiceURL links to the invoice in QBO's web app.
	InvoiceURL(qboID string) string
}

// Remote is an invoice as QBO holds it.
type Remote struct {
	ID          string
	SyncToken   string
	DocNumber   string
	Currency    money.Currency
	Total       money.Amount
	Balance     money.Amount
	EmailStatus string
	SentAt      time.Time
	Voided      bool
	Updated     time.Time
	// Lines are the invoice's lines as QBO holds them (subtotal lines
	// left out); nil when the answer carried none (a deleted invoice).
	Lines []RemoteLine
}

// RemoteLine is one invoice line as QBO holds it: what the client is
// emailed.
type RemoteLine struct {
	Discount    bool // a DiscountLineDetail line; Amount is positive, as QBO holds it
	ItemID      string
	Item        string // the item's name, as QBO returns it in ItemRef
	Qty         money.Hours
	UnitPrice   money.Amount
	Amount      money.Amount
	Description string
}

// Messenger is what the workflows need of Slack.
type Messenger interface {
	Post(ctx context.Context, channel, text string, blocks []slack.Block) (ts string, err error)
	Update(ctx context.Context, channel, ts, text string, blocks []slack.Block) error
	DM(ctx context.Context, user, text string, blocks []slack.Block) (channel, ts string, err error)
}

// Connector is implemented by a QBO that may not be connected yet (the
// company is connected through OAuth while billbot runs); the workflows
// then carry on without QuickBooks, as when none is configured.
type Connector interface {
	Connected(ctx context.Context) bool
}

// qboReady reports whether QuickBooks can be called now.
func (w *Workflow) qboReady(ctx context.Context) bool {
	if w.qbo == nil {
		return false
	}
	if c, ok := w.qbo.(Connector); ok {
		return c.Connected(ctx)
	}
	return true
}
