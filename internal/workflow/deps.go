package workflow

import (
	"context"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/shadow"
	"billbot/internal/view"
	"billbot/store"
)

// QBO is what the workflows need of QuickBooks Online. Every write is
// idempotent by the key it is given: calling CreateDraft twice with one
// invoice key yields one QBO invoice.
type Ledger interface {
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
	// DraftLines are inv's lines as QBO would hold them once written
	// (CreateDraft, ReplaceDraft), in the terms of Remote.Lines, so that
	// an edit made in QuickBooks shows as a difference. It calls nothing.
	DraftLines(inv billing.Invoice, c billing.Client, items map[string]string) ([]RemoteLine, error)
}

// EmailSent is Remote.EmailStatus of an invoice QBO has emailed
// (docs/vendors.md §2.1).
const EmailSent = "EmailSent"

// RetainerItem is the item a retainer line that names none of its own is
// written to the ledger with (the firm creates an item of this name).
const RetainerItem = "Retainer"

type backgroundKey struct{}

// Background marks ctx as background work (webhook refreshes) that should
// leave most of a vendor's rate limit to people waiting in Slack; the
// adapters carry the mark over to their clients.
func Background(ctx context.Context) context.Context {
	return context.WithValue(ctx, backgroundKey{}, true)
}

// IsBackground reports whether Background marked ctx.
func IsBackground(ctx context.Context) bool {
	b, _ := ctx.Value(backgroundKey{}).(bool)
	return b
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

// Notifier is what the workflows say in Slack, in billbot's own terms: the
// workflows decide what is said and to whom; the notifier renders and sends
// it (internal/notify's *Notifier, over the Slack messenger).
type Notifier interface {
	// PostDraft posts an invoice's draft message for approval to target (a
	// channel, or the user whose DM gets it when dm), once: a re-run finds
	// the message an earlier attempt posted (posted is then false). A first
	// attempt calls remember with the channel before posting; beforePost is
	// called just before the post.
	PostDraft(ctx context.Context, inv store.Invoice, d view.Draft, loc *time.Location, target string, dm bool,
		remember func(channel string) error, beforePost func()) (channel, ts string, posted bool, err error)
	// UpdateDraft re-renders the draft message at (channel, ts).
	UpdateDraft(ctx context.Context, channel, ts string, d view.Draft, loc *time.Location) error
	// IsNotInChannel reports whether a post failed because billbot is not
	// a member of the channel.
	IsNotInChannel(err error) bool
	// NotInChannel DMs user that drafts wait for billbot to be invited to
	// channel.
	NotInChannel(ctx context.Context, user, channel string, drafts int) error
	// DraftsReady DMs the billing manager what a draft run produced.
	DraftsReady(ctx context.Context, user string, r view.DraftsReady) error
	// RetainerAlert DMs user about a retainer block 80 % used or used up.
	RetainerAlert(ctx context.Context, user string, a view.RetainerAlert) error
	// ApprovalDigest DMs an approver the time left unapproved too long.
	ApprovalDigest(ctx context.Context, user string, d view.ApprovalDigest) error
	// KPIs DMs user the firm's billing figures under title.
	KPIs(ctx context.Context, user, title string, sections []view.KPISection) error
	// Escalate DMs esc.ManagerID about an invoice long unpaid, once per
	// step; retry says an earlier attempt may have posted it.
	Escalate(ctx context.Context, inv store.Invoice, step string, esc view.Escalation, retry bool) error
	// Nudge DMs user about an invoice waiting (waited days since since) for
	// approval or on hold, once per step.
	Nudge(ctx context.Context, inv store.Invoice, step, user string, waited int, since time.Time, retry bool) error
	// ShadowReport posts the shadow comparison to channel, else DMs user;
	// sent is false when there is neither.
	ShadowReport(ctx context.Context, channel, user string, cycles []shadow.Summary, clients []view.ShadowClient) (sent bool, err error)
	// Announce posts text to channel, else DMs it to user; sent is false
	// when there is neither.
	Announce(ctx context.Context, channel, user, text string) (sent bool, err error)
}

// Connector is implemented by a QBO that may not be connected yet (the
// company is connected through OAuth while billbot runs); the workflows
// then carry on without QuickBooks, as when none is configured.
type Connector interface {
	Connected(ctx context.Context) bool
}

// ledgerReady reports whether QuickBooks can be called now.
func (w *Workflow) ledgerReady(ctx context.Context) bool {
	if w.ledger == nil {
		return false
	}
	if c, ok := w.ledger.(Connector); ok {
		return c.Connected(ctx)
	}
	return true
}
