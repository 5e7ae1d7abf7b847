// Package qbobooks is billbot's QuickBooks Online adapter: it implements
// the ledger interfaces the use cases declare (workflow.Ledger, BatchCreator,
// InvoiceBatchReader, Ledger, Connector) over the QBO client of
// internal/qbo, translating billbot's invoices to QBO's Invoice JSON and
// back, matching customers and items, batching creates and reading change
// data capture. A ledger for another vendor is another package like it.
package qbobooks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"billbot/internal/billing"
	"billbot/internal/invoicedetail"
	"billbot/internal/money"
	"billbot/internal/qbo"
	"billbot/internal/workflow"
)

// Books adapts the QBO client to the workflows: matching, drafting with
// deterministic requestids, sending, and reading changes back.
type Books struct {
	client *qbo.Client
	home   money.Currency
	appURL string // QBO web app base, for links
	// detail signs links to the invoice detail page for PrivateNote; nil
	// leaves the link out.
	detail *invoicedetail.Signer
}

// New returns the adapter. appURL is the QBO web app
// ("https://app.qbo.intuit.com" or the sandbox's), used only for links.
func New(client *qbo.Client, home money.Currency, appURL string) *Books {
	if home == "" {
		home = "USD"
	}
	return &Books{client: client, home: home, appURL: appURL}
}

var _ workflow.Ledger = (*Books)(nil)

// RealmID is the QuickBooks company the adapter writes to.
func (b *Books) RealmID() string { return b.client.RealmID() }

// MatchCustomers implements QBO: config id, else exact DisplayName, else
// case- and space-insensitive; none, several or another currency → a
// problem naming the candidates.
func (b *Books) MatchCustomers(ctx context.Context, clients []billing.Client) (map[string]string, []billing.Problem, error) {
	ctx = priority(ctx)
	customers, err := b.client.QueryCustomers(ctx, "")
	if err != nil {
		return nil, nil, err
	}
	ids := map[string]string{}
	var problems []billing.Problem
	for _, c := range clients {
		cust, _, err := qbo.MatchCustomer(c.Name, c.LedgerCustomerID, customers)
		var me *qbo.MatchError
		switch {
		case errors.As(err, &me) && !me.Ambiguous && len(me.Candidates) == 0:
			continue // no customer at all: the assessment reports the client unmapped
		case errors.As(err, &me):
			problems = append(problems, billing.CustomerUnmatched(billing.LedgerNamed("QuickBooks"), c.Name, err))
			continue
		case err != nil:
			return nil, nil, err
		}
		if err := qbo.CheckCurrency(cust, c.Currency, b.home); err != nil {
			problems = append(problems, billing.CustomerCurrency(billing.LedgerNamed("QuickBooks"), c.Name, err))
			continue
		}
		ids[c.Name] = cust.ID
	}
	return ids, problems, nil
}

// Items implements workflow.Ledger.
func (b *Books) Items(ctx context.Context) (map[string]string, error) {
	ctx = priority(ctx)
	items, err := b.client.QueryItems(ctx, "")
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(items))
	for _, it := range items {
		if it.Active {
			out[it.Name] = it.ID
		}
	}
	return out, nil
}

// CreateDraft implements QBO. The requestid is derived from the invoice
// key, so a retry — or a re-run after a crash — returns the invoice the
// first attempt created instead of a second one (docs/vendors.md §2.5).
func (b *Books) CreateDraft(ctx context.Context, inv billing.Invoice, c billing.Client, items map[string]string) (workflow.Remote, error) {
	ctx = priority(ctx)
	q, err := qbo.InvoiceFromDraft(inv, c.LedgerCustomerID, items, c.Email, b.detailNote(inv.Key))
	if err != nil {
		return workflow.Remote{}, err
	}
	created, err := b.client.CreateInvoice(ctx, q, qbo.RequestID("create", inv.Key))
	if err != nil {
		return workflow.Remote{}, err
	}
	return remoteOf(created, inv.Currency)
}

// ReplaceDraft implements QBO: a sparse update of lines, dates and memo,
// carrying the current SyncToken (re-read and re-applied on a stale one).
func (b *Books) ReplaceDraft(ctx context.Context, qboID string, inv billing.Invoice, c billing.Client, items map[string]string, memo string) (workflow.Remote, error) {
	ctx = priority(ctx)
	q, err := qbo.InvoiceFromDraft(inv, c.LedgerCustomerID, items, c.Email, b.detailNote(inv.Key))
	if err != nil {
		return workflow.Remote{}, err
	}
	if memo != "" {
		q.CustomerMemo = &qbo.MemoRef{Value: memo}
	}
	rid := qbo.RequestID("update", inv.Key, fmt.Sprint(inv.Total), inv.DueDate.String(), memo, fmt.Sprint(len(inv.Lines)), linesFingerprint(inv))
	updated, err := b.client.UpdateInvoice(ctx, qboID, func(cur *qbo.Invoice) error {
		cur.Line, cur.DueDate, cur.TxnDate, cur.CustomerMemo = q.Line, q.DueDate, q.TxnDate, q.CustomerMemo
		if b.detail != nil {
			cur.PrivateNote = q.PrivateNote // a fresh detail link
		}
		return nil
	}, rid)
	if err != nil {
		return workflow.Remote{}, err
	}
	return remoteOf(updated, inv.Currency)
}

func linesFingerprint(inv billing.Invoice) string {
	s := ""
	for _, l := range inv.Lines {
		s += fmt.Sprintf("%s|%d|%d|%s;", l.Kind, l.Qty, l.UnitPrice, l.Description)
	}
	return qbo.RequestID(s)
}

// Send implements QBO.
func (b *Books) Send(ctx context.Context, qboID, to, requestKey string) (workflow.Remote, error) {
	ctx = priority(ctx)
	sent, err := b.client.SendInvoice(ctx, qboID, to, qbo.RequestID("send", requestKey))
	if err != nil {
		return workflow.Remote{}, err
	}
	return remoteOf(sent, "")
}

// Void implements QBO.
func (b *Books) Void(ctx context.Context, qboID, requestKey string) (workflow.Remote, error) {
	ctx = priority(ctx)
	v, err := b.client.VoidInvoice(ctx, qboID, qbo.RequestID("void", requestKey))
	if err != nil {
		return workflow.Remote{}, err
	}
	return remoteOf(v, "")
}

// Invoice implements QBO.
func (b *Books) Invoice(ctx context.Context, qboID string) (workflow.Remote, error) {
	ctx = priority(ctx)
	inv, err := b.client.GetInvoice(ctx, qboID)
	if err != nil {
		return workflow.Remote{}, err
	}
	return remoteOf(inv, "")
}

// ChangedInvoices implements QBO through change data capture.
func (b *Books) ChangedInvoices(ctx context.Context, since time.Time) ([]workflow.Remote, error) {
	ctx = priority(ctx)
	ch, err := b.client.CDC(ctx, []string{"Invoice"}, since)
	if err != nil {
		return nil, err
	}
	out := make([]workflow.Remote, 0, len(ch.Invoices))
	for _, inv := range ch.Invoices {
		if inv.Status == "Deleted" {
			out = append(out, workflow.Remote{ID: inv.ID, Voided: true})
			continue
		}
		r, err := remoteOf(inv, "")
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// InvoiceURL implements QBO.
func (b *Books) InvoiceURL(qboID string) string {
	if b.appURL == "" {
		return ""
	}
	return b.appURL + "/app/invoice?txnId=" + qboID
}

// remoteOf reads QBO's view of an invoice exactly into minor units.
func remoteOf(inv qbo.Invoice, cur money.Currency) (workflow.Remote, error) {
	if inv.CurrencyRef != nil && inv.CurrencyRef.Value != "" {
		cur = money.Currency(inv.CurrencyRef.Value)
	}
	if cur == "" {
		cur = "USD"
	}
	r := workflow.Remote{ID: inv.ID, SyncToken: inv.SyncToken, DocNumber: inv.DocNumber, Currency: cur, EmailStatus: inv.EmailStatus}
	var err error
	if inv.TotalAmt != "" {
		if r.Total, err = inv.TotalAmt.Amount(cur); err != nil {
			return r, fmt.Errorf("qbo invoice %s TotalAmt: %w", inv.ID, err)
		}
	}
	if inv.Balance != "" {
		if r.Balance, err = inv.Balance.Amount(cur); err != nil {
			return r, fmt.Errorf("qbo invoice %s Balance: %w", inv.ID, err)
		}
	}
	if r.Lines, err = remoteLines(inv.Line, cur); err != nil {
		return r, fmt.Errorf("qbo invoice %s: %w", inv.ID, err)
	}
	if inv.DeliveryInfo != nil && inv.DeliveryInfo.DeliveryTime != "" {
		r.SentAt, _ = time.Parse(time.RFC3339, inv.DeliveryInfo.DeliveryTime)
	}
	if inv.MetaData != nil {
		r.Updated, _ = time.Parse(time.RFC3339, inv.MetaData.LastUpdatedTime)
	}
	// QBO keeps a voided invoice with every amount zeroed and "Voided"
	// prepended to its PrivateNote; it has no status field saying so
	// (developer.intuit.com Invoice API, operation=void; Intuit developer
	// blog "Voiding Invoice Objects", 2016-04-06). Balance 0 alone would
	// read as paid in full.
	r.Voided = inv.Status == "Voided" || (r.Total == 0 && strings.HasPrefix(inv.PrivateNote, "Voided"))
	return r, nil
}

var _ workflow.BatchCreator = (*Books)(nil)

// CreateDrafts implements BatchCreator: one QBO batch request whose
// requestid (36 characters, docs/vendors.md §2.5) derives from batchKey. Results and
// per-item faults are keyed by invoice key.
func (b *Books) CreateDrafts(ctx context.Context, batchKey string, drafts []workflow.DraftRequest, items map[string]string) (map[string]workflow.Remote, map[string]error, error) {
	ctx = priority(ctx)
	batch := make([]qbo.BatchItem, 0, len(drafts))
	failed := map[string]error{}
	for i, d := range drafts {
		q, err := qbo.InvoiceFromDraft(d.Invoice, d.Client.LedgerCustomerID, items, d.Client.Email, b.detailNote(d.Invoice.Key))
		if err != nil {
			failed[d.Invoice.Key] = err
			continue
		}
		batch = append(batch, qbo.BatchItem{BID: fmt.Sprint(i), Operation: qbo.OpCreate, Invoice: &q})
	}
	resp, err := b.client.Batch(ctx, batch, qbo.BatchRequestID("create-batch", batchKey))
	if err != nil {
		return nil, nil, err
	}
	created := map[string]workflow.Remote{}
	for i, d := range drafts {
		r, ok := resp[fmt.Sprint(i)]
		switch {
		case failed[d.Invoice.Key] != nil:
		case !ok:
			failed[d.Invoice.Key] = fmt.Errorf("qbo: batch answered nothing for item %d", i)
		case r.Fault != nil:
			failed[d.Invoice.Key] = r.Fault
		case r.Invoice != nil:
			rem, err := remoteOf(*r.Invoice, d.Invoice.Currency)
			if err != nil {
				failed[d.Invoice.Key] = err
				continue
			}
			created[d.Invoice.Key] = rem
		}
	}
	return created, failed, nil
}

// remoteLines reads QBO invoice lines exactly: the item, quantity, unit
// price, amount and description the client is emailed. Subtotal lines are
// QBO's own sums and left out.
func remoteLines(lines []qbo.Line, cur money.Currency) ([]workflow.RemoteLine, error) {
	var out []workflow.RemoteLine
	for i, l := range lines {
		if l.DetailType == qbo.SubTotalLine {
			continue
		}
		amt, err := l.Amount.Amount(cur)
		if err != nil {
			return nil, fmt.Errorf("line %d Amount: %w", i+1, err)
		}
		r := workflow.RemoteLine{Discount: l.DetailType == qbo.DiscountLine, Amount: amt, Description: l.Description}
		if d := l.SalesItemLineDetail; d != nil {
			if d.ItemRef != nil {
				r.ItemID, r.Item = d.ItemRef.Value, d.ItemRef.Name
			}
			if r.Qty, err = d.Qty.Hours(); err != nil {
				return nil, fmt.Errorf("line %d Qty: %w", i+1, err)
			}
			if r.UnitPrice, err = d.UnitPrice.Amount(cur); err != nil {
				return nil, fmt.Errorf("line %d UnitPrice: %w", i+1, err)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// WithDetailLinks has the adapter put a signed link to the invoice detail
// page (keyed by the draft key, which never changes) in each invoice's
// PrivateNote when it creates or replaces the draft. It returns b.
func (b *Books) WithDetailLinks(s *invoicedetail.Signer) *Books {
	b.detail = s
	return b
}

// detailNote is the PrivateNote text after billbot's own prefix: the link,
// valid for invoicedetail.LinkTTL.
func (b *Books) detailNote(key string) string {
	if b.detail == nil {
		return ""
	}
	link, exp := b.detail.Link(key)
	return "· entries: " + link + " (until " + exp.UTC().Format("2006-01-02") + ")"
}

var _ workflow.InvoiceBatchReader = (*Books)(nil)

// Invoices implements workflow.InvoiceBatchReader with "Id IN (...)" queries.
func (b *Books) Invoices(ctx context.Context, qboIDs []string) ([]workflow.Remote, error) {
	ctx = priority(ctx)
	invs, err := b.client.GetInvoices(ctx, qboIDs)
	if err != nil {
		return nil, err
	}
	out := make([]workflow.Remote, 0, len(invs))
	for _, inv := range invs {
		r, err := remoteOf(inv, "")
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// DraftLines implements workflow.Ledger: inv as billbot would write it to QBO,
// read back the way QBO's answer is read, so the two compare field by
// field.
func (b *Books) DraftLines(inv billing.Invoice, c billing.Client, items map[string]string) ([]workflow.RemoteLine, error) {
	return draftLines(inv, c, items)
}

func draftLines(inv billing.Invoice, c billing.Client, items map[string]string) ([]workflow.RemoteLine, error) {
	q, err := qbo.InvoiceFromDraft(inv, c.LedgerCustomerID, items, c.Email, "")
	if err != nil {
		return nil, err
	}
	return remoteLines(q.Line, inv.Currency)
}

// priority carries the use cases' mark of background work
// (workflow.Background) over to the QBO client, which gives background
// calls their own, smaller share of the rate limit (qbo.Background).
func priority(ctx context.Context) context.Context {
	if workflow.IsBackground(ctx) {
		return qbo.Background(ctx)
	}
	return ctx
}
