// Package xerobooks is billbot's Xero adapter: it implements the ledger
// interface the use cases declare (workflow.Ledger, named for the first ledger
// billbot spoke to) over the Xero client of internal/xero — contacts as
// customers, items by ItemCode, draft invoices with lines exact to the
// cent, authorise-and-email as "send", void, and changes read back with
// If-Modified-Since (docs/vendors.md §6).
package xerobooks

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"billbot/internal/billing"
	"billbot/internal/money"
	"billbot/internal/workflow"
	"billbot/internal/xero"
)

// DefaultAppURL is Xero's web app, for links to invoices.
const DefaultAppURL = "https://go.xero.com"

// DefaultSalesAccount is the revenue account lines are posted to: "200
// Sales" in Xero's default chart of accounts.
const DefaultSalesAccount = "200"

// maxText bounds descriptions (Xero: 4,000 characters per line description).
const maxText = 4000

// Books adapts the Xero client to the workflows.
type Books struct {
	client    *xero.Client
	home      money.Currency
	appURL    string
	shortCode string
	account   string
}

// Option configures Books.
type Option func(*Books)

// WithSalesAccount posts every line to the account with this code instead
// of DefaultSalesAccount.
func WithSalesAccount(code string) Option { return func(b *Books) { b.account = code } }

// WithShortCode makes InvoiceURL a deep link that opens the organisation
// with this ShortCode first (GET /Organisation's ShortCode;
// developer.xero.com/documentation/api-guides/deep-link-xero).
func WithShortCode(sc string) Option { return func(b *Books) { b.shortCode = sc } }

// New returns the adapter. home is the organisation's base currency;
// appURL is Xero's web app ("" means DefaultAppURL), used only for links.
func New(client *xero.Client, home money.Currency, appURL string, opts ...Option) *Books {
	if home == "" {
		home = "USD"
	}
	if appURL == "" {
		appURL = DefaultAppURL
	}
	b := &Books{client: client, home: home, appURL: strings.TrimRight(appURL, "/"), account: DefaultSalesAccount}
	for _, o := range opts {
		o(b)
	}
	return b
}

var _ workflow.Ledger = (*Books)(nil)

// TenantID is the Xero organisation the adapter writes to.
func (b *Books) TenantID() string { return b.client.TenantID() }

// MatchError says a client matched no contact, or several.
type MatchError struct {
	Name       string
	Candidates []string
	Ambiguous  bool
}

// Error implements error.
func (e *MatchError) Error() string {
	what := "no"
	if e.Ambiguous {
		what = "several"
	}
	msg := fmt.Sprintf("xero: %s Xero contacts match %q", what, e.Name)
	if len(e.Candidates) > 0 {
		msg += "; candidates: " + strings.Join(e.Candidates, ", ")
	}
	return msg
}

// MatchCustomers implements workflow.Ledger against Xero's contacts: the
// configured contact id (billing.Client.LedgerCustomerID, the ledger's
// customer id), else the one active contact whose Name equals the client's,
// else the one equal ignoring case and spaces. A contact whose
// DefaultCurrency is set and differs from the client's currency is a
// problem (Xero invoices a contact in any enabled currency, but a default
// that differs says the match is wrong).
func (b *Books) MatchCustomers(ctx context.Context, clients []billing.Client) (map[string]string, []billing.Problem, error) {
	ctx = priority(ctx)
	contacts, err := b.client.Contacts(ctx)
	if err != nil {
		return nil, nil, err
	}
	active := contacts[:0:0]
	for _, c := range contacts {
		if c.ContactStatus == "" || c.ContactStatus == "ACTIVE" {
			active = append(active, c)
		}
	}
	ids := map[string]string{}
	var problems []billing.Problem
	for _, cl := range clients {
		ct, err := matchContact(cl, active)
		var me *MatchError
		switch {
		case errors.As(err, &me) && !me.Ambiguous && len(me.Candidates) == 0:
			continue // no contact at all: the assessment reports the client unmapped
		case err != nil:
			problems = append(problems, billing.CustomerUnmatched(billing.LedgerNamed("Xero"), cl.Name, err))
			continue
		}
		want := cl.Currency
		if want == "" {
			want = b.home
		}
		if ct.DefaultCurrency != "" && money.Currency(strings.ToUpper(ct.DefaultCurrency)) != want {
			problems = append(problems, billing.CustomerCurrency(billing.LedgerNamed("Xero"), cl.Name,
				fmt.Errorf("Xero contact %q defaults to %s, the client bills in %s", ct.Name, ct.DefaultCurrency, want)))
			continue
		}
		ids[cl.Name] = ct.ContactID
	}
	return ids, problems, nil
}

func matchContact(cl billing.Client, contacts []xero.Contact) (xero.Contact, error) {
	if cl.LedgerCustomerID != "" {
		for _, c := range contacts {
			if strings.EqualFold(c.ContactID, cl.LedgerCustomerID) {
				return c, nil
			}
		}
		return xero.Contact{}, &MatchError{Name: "id " + cl.LedgerCustomerID}
	}
	pick := func(eq func(xero.Contact) bool) []xero.Contact {
		var out []xero.Contact
		for _, c := range contacts {
			if eq(c) {
				out = append(out, c)
			}
		}
		return out
	}
	found := pick(func(c xero.Contact) bool { return c.Name == cl.Name })
	n := normalize(cl.Name)
	if len(found) == 0 {
		found = pick(func(c xero.Contact) bool { return normalize(c.Name) == n })
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		var cands []string
		for _, c := range contacts {
			if nn := normalize(c.Name); n != "" && (strings.Contains(nn, n) || strings.Contains(n, nn)) {
				cands = append(cands, c.Name)
			}
		}
		return xero.Contact{}, &MatchError{Name: cl.Name, Candidates: cands}
	}
	var cands []string
	for _, c := range found {
		cands = append(cands, c.Name+" ("+c.ContactID+")")
	}
	return xero.Contact{}, &MatchError{Name: cl.Name, Candidates: cands, Ambiguous: true}
}

func normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		if !unicode.IsSpace(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Items implements workflow.Ledger: each sold item's Name (and its Code, for
// firms that name items by code) mapped to its ItemCode, which is what an
// invoice line references.
func (b *Books) Items(ctx context.Context) (map[string]string, error) {
	items, err := b.client.Items(priority(ctx))
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, 2*len(items))
	for _, it := range items {
		if it.Code == "" {
			continue
		}
		if _, taken := out[it.Code]; !taken {
			out[it.Code] = it.Code
		}
		if it.Name != "" {
			out[it.Name] = it.Code
		}
	}
	return out, nil
}

// CreateDraft implements workflow.Ledger: a DRAFT invoice whose
// Idempotency-Key derives from the draft key, so a retry — or a re-run
// after a crash — is answered with the invoice the first attempt created
// (docs/vendors.md §6.9).
func (b *Books) CreateDraft(ctx context.Context, inv billing.Invoice, c billing.Client, items map[string]string) (workflow.Remote, error) {
	x, err := b.invoiceOf(inv, c, items)
	if err != nil {
		return workflow.Remote{}, err
	}
	x.Type, x.Status = xero.TypeACCREC, xero.StatusDraft
	created, err := b.client.CreateInvoice(priority(ctx), x, xero.IdempotencyKey("create", inv.Key))
	if err != nil {
		return workflow.Remote{}, err
	}
	return remoteOf(created, inv.Currency)
}

// ReplaceDraft implements workflow.Ledger: the invoice's lines, dates and
// reference are replaced (Xero deletes the lines a POST leaves out). Xero
// invoices have no customer memo, so memo is not written.
func (b *Books) ReplaceDraft(ctx context.Context, id string, inv billing.Invoice, c billing.Client, items map[string]string, memo string) (workflow.Remote, error) {
	x, err := b.invoiceOf(inv, c, items)
	if err != nil {
		return workflow.Remote{}, err
	}
	key := xero.IdempotencyKey("update", inv.Key, fmt.Sprint(inv.Total), inv.DueDate.String(), memo, linesFingerprint(inv))
	updated, err := b.client.UpdateInvoice(priority(ctx), id, x, key)
	if err != nil {
		return workflow.Remote{}, err
	}
	return remoteOf(updated, inv.Currency)
}

func linesFingerprint(inv billing.Invoice) string {
	var s strings.Builder
	for _, l := range inv.Lines {
		fmt.Fprintf(&s, "%s|%s|%d|%d|%d|%s;", l.Kind, l.Item, l.Qty, l.UnitPrice, l.Amount, l.Description)
	}
	return xero.IdempotencyKey(s.String())
}

// Send implements workflow.Ledger: the invoice is approved (AUTHORISED) and
// Xero emails it to the contact (POST /Invoices/{id}/Email); sent again it
// is emailed again, as a reminder. Xero emails the contact's own address
// (and its contact persons marked for email): to is not an input of Xero's
// email endpoint (docs/vendors.md §6.7).
func (b *Books) Send(ctx context.Context, id, to, requestKey string) (workflow.Remote, error) {
	ctx = priority(ctx)
	inv, err := b.client.GetInvoice(ctx, id)
	if err != nil {
		return workflow.Remote{}, err
	}
	if inv.Status == xero.StatusDraft || inv.Status == xero.StatusSubmitted {
		if inv, err = b.client.AuthoriseInvoice(ctx, id, xero.IdempotencyKey("authorise", requestKey)); err != nil {
			return workflow.Remote{}, err
		}
	}
	if err := b.client.EmailInvoice(ctx, id, xero.IdempotencyKey("email", requestKey)); err != nil {
		return workflow.Remote{}, err
	}
	r, err := remoteOf(inv, "")
	if err != nil {
		return r, err
	}
	r.EmailStatus = workflow.EmailSent
	return r, nil
}

// Void implements workflow.Ledger: Xero voids only AUTHORISED invoices; a
// DRAFT or SUBMITTED one is deleted instead, which billbot reads as voided.
func (b *Books) Void(ctx context.Context, id, requestKey string) (workflow.Remote, error) {
	ctx = priority(ctx)
	inv, err := b.client.GetInvoice(ctx, id)
	if err != nil {
		return workflow.Remote{}, err
	}
	switch inv.Status {
	case xero.StatusVoided, xero.StatusDeleted:
	case xero.StatusDraft, xero.StatusSubmitted:
		inv, err = b.client.DeleteInvoice(ctx, id, xero.IdempotencyKey("delete", requestKey))
	default:
		inv, err = b.client.VoidInvoice(ctx, id, xero.IdempotencyKey("void", requestKey))
	}
	if err != nil {
		return workflow.Remote{}, err
	}
	return remoteOf(inv, "")
}

// Invoice implements workflow.Ledger.
func (b *Books) Invoice(ctx context.Context, id string) (workflow.Remote, error) {
	inv, err := b.client.GetInvoice(priority(ctx), id)
	if err != nil {
		return workflow.Remote{}, err
	}
	return remoteOf(inv, "")
}

// ChangedInvoices implements workflow.Ledger with If-Modified-Since: the
// sales invoices created or changed at or after since.
func (b *Books) ChangedInvoices(ctx context.Context, since time.Time) ([]workflow.Remote, error) {
	invs, err := b.client.InvoicesModifiedSince(priority(ctx), since)
	if err != nil {
		return nil, err
	}
	out := make([]workflow.Remote, 0, len(invs))
	for _, inv := range invs {
		if inv.Type != "" && inv.Type != xero.TypeACCREC {
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

// InvoiceURL implements workflow.Ledger: Xero's page of the invoice
// (developer.xero.com/documentation/api-guides/deep-link-xero).
func (b *Books) InvoiceURL(id string) string {
	path := "/AccountsReceivable/View.aspx?InvoiceID=" + url.QueryEscape(id)
	if b.shortCode != "" {
		return b.appURL + "/organisationlogin/default.aspx?shortcode=" + url.QueryEscape(b.shortCode) + "&redirecturl=" + path
	}
	return b.appURL + path
}

// DraftLines implements workflow.Ledger: inv as billbot writes it to Xero,
// read back as Xero's answer is read.
func (b *Books) DraftLines(inv billing.Invoice, c billing.Client, items map[string]string) ([]workflow.RemoteLine, error) {
	x, err := b.invoiceOf(inv, c, items)
	if err != nil {
		return nil, err
	}
	return remoteLines(x.LineItems, inv.Currency)
}

// priority carries workflow.Background over to the client.
func priority(ctx context.Context) context.Context {
	if workflow.IsBackground(ctx) {
		return xero.Background(ctx)
	}
	return ctx
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
