package xero

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// pageSize is how many records Xero returns per page of a paged GET
// (page=N; docs/vendors.md §6.6).
const pageSize = 100

// Connections lists the organisations the token may call
// (GET /connections, developer.xero.com/documentation/guides/oauth2/auth-flow).
func (c *Client) Connections(ctx context.Context) ([]Connection, error) {
	var out []Connection
	err := c.do(ctx, call{method: http.MethodGet, path: "connections", noTenant: true}, &out)
	return out, err
}

// Contacts lists the tenant's contacts, every page
// (developer.xero.com/documentation/api/accounting/contacts).
func (c *Client) Contacts(ctx context.Context) ([]Contact, error) {
	var all []Contact
	for page := 1; ; page++ {
		var env struct{ Contacts []Contact }
		if err := c.get(ctx, "Contacts", url.Values{"page": {strconv.Itoa(page)}}, time.Time{}, &env); err != nil {
			return nil, err
		}
		all = append(all, env.Contacts...)
		if len(env.Contacts) < pageSize {
			return all, nil
		}
	}
}

// Items lists the tenant's items (developer.xero.com/documentation/api/accounting/items).
func (c *Client) Items(ctx context.Context) ([]Item, error) {
	var env struct{ Items []Item }
	err := c.get(ctx, "Items", url.Values{"unitdp": {"4"}}, time.Time{}, &env)
	return env.Items, err
}

// Accounts lists the chart of accounts (developer.xero.com/documentation/api/accounting/accounts).
func (c *Client) Accounts(ctx context.Context) ([]Account, error) {
	var env struct{ Accounts []Account }
	err := c.get(ctx, "Accounts", nil, time.Time{}, &env)
	return env.Accounts, err
}

// TaxRates lists the tax rates (developer.xero.com/documentation/api/accounting/taxrates).
func (c *Client) TaxRates(ctx context.Context) ([]TaxRate, error) {
	var env struct{ TaxRates []TaxRate }
	err := c.get(ctx, "TaxRates", nil, time.Time{}, &env)
	return env.TaxRates, err
}

// unitdp asks for (and sends) unit amounts and quantities to 4 decimals
// (developer.xero.com/documentation/api-guides/rounding-in-xero).
var unitdp = url.Values{"unitdp": {"4"}}

type invoices struct {
	Invoices []Invoice `json:"Invoices"`
}

func one(env invoices, what string) (Invoice, error) {
	if len(env.Invoices) != 1 {
		return Invoice{}, fmt.Errorf("xero: %s answered %d invoices, want 1", what, len(env.Invoices))
	}
	return env.Invoices[0], nil
}

// CreateInvoice creates inv (PUT /Invoices) under key
// (developer.xero.com/documentation/api/accounting/invoices).
func (c *Client) CreateInvoice(ctx context.Context, inv Invoice, key string) (Invoice, error) {
	var env invoices
	if err := c.write(ctx, http.MethodPut, "Invoices", unitdp, invoices{[]Invoice{inv}}, key, &env); err != nil {
		return Invoice{}, err
	}
	return one(env, "create invoice")
}

// UpdateInvoice sends the fields set in inv to invoice id (POST
// /Invoices/{id}); LineItems, when given, replace the invoice's lines.
func (c *Client) UpdateInvoice(ctx context.Context, id string, inv Invoice, key string) (Invoice, error) {
	inv.InvoiceID = id
	var env invoices
	if err := c.write(ctx, http.MethodPost, "Invoices/"+url.PathEscape(id), unitdp, invoices{[]Invoice{inv}}, key, &env); err != nil {
		return Invoice{}, err
	}
	return one(env, "update invoice")
}

// AuthoriseInvoice approves a draft: Status AUTHORISED.
func (c *Client) AuthoriseInvoice(ctx context.Context, id, key string) (Invoice, error) {
	return c.UpdateInvoice(ctx, id, Invoice{Status: StatusAuthorised}, key)
}

// VoidInvoice voids an authorised invoice without payments.
func (c *Client) VoidInvoice(ctx context.Context, id, key string) (Invoice, error) {
	return c.UpdateInvoice(ctx, id, Invoice{Status: StatusVoided}, key)
}

// DeleteInvoice deletes a draft or submitted invoice.
func (c *Client) DeleteInvoice(ctx context.Context, id, key string) (Invoice, error) {
	return c.UpdateInvoice(ctx, id, Invoice{Status: StatusDeleted}, key)
}

// EmailInvoice has Xero email the invoice to its contact (POST
// /Invoices/{id}/Email; 204 No Content). Xero emails only SUBMITTED,
// AUTHORISED or PAID sales invoices (docs/vendors.md §6.7).
func (c *Client) EmailInvoice(ctx context.Context, id, key string) error {
	return c.write(ctx, http.MethodPost, "Invoices/"+url.PathEscape(id)+"/Email", nil, struct{}{}, key, nil)
}

// GetInvoice reads one invoice.
func (c *Client) GetInvoice(ctx context.Context, id string) (Invoice, error) {
	var env invoices
	if err := c.get(ctx, "Invoices/"+url.PathEscape(id), unitdp, time.Time{}, &env); err != nil {
		return Invoice{}, err
	}
	return one(env, "get invoice")
}

// InvoicesModifiedSince lists the invoices created or changed after since
// (If-Modified-Since, UTC), every page. Paged answers carry line items
// (docs/vendors.md §6.8).
func (c *Client) InvoicesModifiedSince(ctx context.Context, since time.Time) ([]Invoice, error) {
	var all []Invoice
	for page := 1; ; page++ {
		q := url.Values{"page": {strconv.Itoa(page)}, "unitdp": {"4"}}
		var env invoices
		if err := c.get(ctx, "Invoices", q, since, &env); err != nil {
			return nil, err
		}
		all = append(all, env.Invoices...)
		if len(env.Invoices) < pageSize {
			return all, nil
		}
	}
}

// CreatePayment records a payment against an invoice (PUT /Payments,
// developer.xero.com/documentation/api/accounting/payments).
func (c *Client) CreatePayment(ctx context.Context, p Payment, key string) (Payment, error) {
	var env struct{ Payments []Payment }
	if err := c.write(ctx, http.MethodPut, "Payments", nil, struct{ Payments []Payment }{[]Payment{p}}, key, &env); err != nil {
		return Payment{}, err
	}
	if len(env.Payments) != 1 {
		return Payment{}, fmt.Errorf("xero: create payment answered %d payments, want 1", len(env.Payments))
	}
	return env.Payments[0], nil
}

// CreateCreditNote creates a credit note (PUT /CreditNotes,
// developer.xero.com/documentation/api/accounting/creditnotes).
func (c *Client) CreateCreditNote(ctx context.Context, cn CreditNote, key string) (CreditNote, error) {
	var env struct{ CreditNotes []CreditNote }
	if err := c.write(ctx, http.MethodPut, "CreditNotes", unitdp, struct{ CreditNotes []CreditNote }{[]CreditNote{cn}}, key, &env); err != nil {
		return CreditNote{}, err
	}
	if len(env.CreditNotes) != 1 {
		return CreditNote{}, fmt.Errorf("xero: create credit note answered %d, want 1", len(env.CreditNotes))
	}
	return env.CreditNotes[0], nil
}

// contactIDsPerCall bounds the ContactIDs of one GET /Invoices, so that a
// firm of thousands of clients does not make a URL of hundreds of
// kilobytes: 50 GUIDs are under 2,000 characters.
const contactIDsPerCall = 50

// IssuedInvoices lists the sales invoices (Type ACCREC) of the given
// contacts dated from through to (YYYY-MM-DD, both included) whose status
// is AUTHORISED or PAID — those the firm issued — every page, 50 contacts
// a call. It filters with the ContactIDs and Statuses parameters and a
// where clause on Date
// (developer.xero.com/documentation/api/accounting/invoices#get-invoices;
// Type, Date, Status and Contact.ContactID are among the optimised
// filters of developer.xero.com/documentation/api/accounting/requests-and-responses).
// An empty contactIDs lists every contact's.
func (c *Client) IssuedInvoices(ctx context.Context, contactIDs []string, from, to string) ([]Invoice, error) {
	f, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return nil, fmt.Errorf("xero: issued invoices from %q: %w", from, err)
	}
	t, err := time.Parse(time.DateOnly, to)
	if err != nil {
		return nil, fmt.Errorf("xero: issued invoices to %q: %w", to, err)
	}
	where := fmt.Sprintf(`Type=="%s" AND Date>=DateTime(%d,%02d,%02d) AND Date<=DateTime(%d,%02d,%02d)`,
		TypeACCREC, f.Year(), f.Month(), f.Day(), t.Year(), t.Month(), t.Day())
	chunks := [][]string{nil}
	if len(contactIDs) > 0 {
		chunks = nil
		for ids := range slices.Chunk(contactIDs, contactIDsPerCall) {
			chunks = append(chunks, ids)
		}
	}
	var all []Invoice
	for _, ids := range chunks {
		for page := 1; ; page++ {
			q := url.Values{"page": {strconv.Itoa(page)}, "unitdp": {"4"}, "where": {where},
				"Statuses": {StatusAuthorised + "," + StatusPaid}}
			if len(ids) > 0 {
				q.Set("ContactIDs", strings.Join(ids, ","))
			}
			var env invoices
			if err := c.get(ctx, "Invoices", q, time.Time{}, &env); err != nil {
				return nil, err
			}
			all = append(all, env.Invoices...)
			if len(env.Invoices) < pageSize {
				break
			}
		}
	}
	return all, nil
}
