package qbo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Quote returns s as a query-language string literal: in single quotes with
// ' and \ escaped by a backslash, so DisplayName = 'O\'Brien' matches
// O'Brien (docs/vendors.md §2.6, learn/explore-the-quickbooks-online-api/data-queries).
func Quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}

// queryPage is the part of a QueryResponse the pager needs.
type queryPage struct {
	StartPosition int `json:"startPosition"`
	MaxResults    int `json:"maxResults"`
}

// Query runs a select statement page by page, appending
// STARTPOSITION n MAXRESULTS m (1-based start, at most 1000 per page,
// docs/vendors.md §2.6), and calls fn with each page's raw QueryResponse object. q
// must not carry its own STARTPOSITION or MAXRESULTS.
// API: GET /v3/company/{realmId}/query?query=… (Intuit API reference, "Query").
func (c *Client) Query(ctx context.Context, q string, fn func(page json.RawMessage) error) error {
	up := strings.ToUpper(q)
	if strings.Contains(up, "STARTPOSITION") || strings.Contains(up, "MAXRESULTS") {
		return fmt.Errorf("qbo: query %q: paging is added by Query", q)
	}
	for start := 1; ; start += c.pageSize {
		stmt := q + " STARTPOSITION " + strconv.Itoa(start) + " MAXRESULTS " + strconv.Itoa(c.pageSize)
		var r struct {
			QueryResponse json.RawMessage `json:"QueryResponse"`
		}
		cl := call{method: http.MethodGet, path: "query", query: url.Values{"query": {stmt}}}
		if err := c.do(ctx, cl, &r); err != nil {
			return fmt.Errorf("qbo: query %q: %w", q, err)
		}
		if len(r.QueryResponse) == 0 {
			return nil
		}
		var p queryPage
		if err := json.Unmarshal(r.QueryResponse, &p); err != nil {
			return fmt.Errorf("qbo: query %q: decode page: %w", q, err)
		}
		if p.MaxResults == 0 {
			return nil
		}
		if err := fn(r.QueryResponse); err != nil {
			return err
		}
		if p.MaxResults < c.pageSize {
			return nil
		}
	}
}

// queryAll collects every entity named key across pages.
func queryAll[T any](ctx context.Context, c *Client, entity, where string) ([]T, error) {
	q := "SELECT * FROM " + entity
	if strings.TrimSpace(where) != "" {
		q += " WHERE " + where
	}
	var out []T
	err := c.Query(ctx, q, func(page json.RawMessage) error {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(page, &m); err != nil {
			return fmt.Errorf("qbo: decode %s page: %w", entity, err)
		}
		raw, ok := m[entity]
		if !ok {
			return nil
		}
		var items []T
		if err := json.Unmarshal(raw, &items); err != nil {
			return fmt.Errorf("qbo: decode %s page: %w", entity, err)
		}
		out = append(out, items...)
		return nil
	})
	return out, err
}

// QueryCustomers returns every customer matching where (a query-language
// condition such as "DisplayName = " + Quote(name); empty for all).
func (c *Client) QueryCustomers(ctx context.Context, where string) ([]Customer, error) {
	return queryAll[Customer](ctx, c, "Customer", where)
}

// QueryItems returns every item matching where (empty for all).
func (c *Client) QueryItems(ctx context.Context, where string) ([]Item, error) {
	return queryAll[Item](ctx, c, "Item", where)
}

// QueryTerms returns every sales term matching where (empty for all).
// API: developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/term ("Query a term").
func (c *Client) QueryTerms(ctx context.Context, where string) ([]Term, error) {
	return queryAll[Term](ctx, c, "Term", where)
}

// QueryInvoices returns every invoice matching where, e.g. "Balance > '0'"
// for open invoices (docs/vendors.md §2.6).
func (c *Client) QueryInvoices(ctx context.Context, where string) ([]Invoice, error) {
	return queryAll[Invoice](ctx, c, "Invoice", where)
}

// MaxInValues is how many customer ids IssuedInvoices puts in one IN list,
// keeping each query URL a few kilobytes long.
const MaxInValues = 100

// IssuedInvoices returns the invoices of the given customers dated from
// through to (YYYY-MM-DD, inclusive), every page of them:
//
//	SELECT * FROM Invoice WHERE CustomerRef IN ('58','59') AND TxnDate >= '…' AND TxnDate <= '…'
//
// CustomerRef and TxnDate are filterable on Invoice (Intuit API reference,
// developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice);
// IN, >= and <= and the STARTPOSITION/MAXRESULTS paging are the query
// language's (developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries).
// Customers go MaxInValues to a query.
func (c *Client) IssuedInvoices(ctx context.Context, customerIDs []string, from, to string) ([]Invoice, error) {
	var out []Invoice
	for i := 0; i < len(customerIDs); i += MaxInValues {
		chunk := customerIDs[i:min(i+MaxInValues, len(customerIDs))]
		quoted := make([]string, len(chunk))
		for j, id := range chunk {
			quoted[j] = Quote(id)
		}
		where := "CustomerRef IN (" + strings.Join(quoted, ",") + ") AND TxnDate >= " + Quote(from) + " AND TxnDate <= " + Quote(to)
		invs, err := c.QueryInvoices(ctx, where)
		if err != nil {
			return nil, err
		}
		out = append(out, invs...)
	}
	return out, nil
}
