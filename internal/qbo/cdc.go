package qbo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Changes are the objects changed since a point in time, by entity.
// Deleted objects carry only Id and Status "Deleted".
type Changes struct {
	Invoices  []Invoice
	Payments  []Payment
	Customers []Customer
	Items     []Item
}

// CDC returns what changed in entities (e.g. "Invoice", "Payment") since
// `since`; QBO looks back at most 30 days and returns at most 1000 objects
// per call (docs/vendors.md §2.10, api-reference/changedatacapture). billbot runs it
// daily to catch missed webhooks.
// API: GET /v3/company/{realmId}/cdc?entities=…&changedSince=….
func (c *Client) CDC(ctx context.Context, entities []string, since time.Time) (Changes, error) {
	q := url.Values{
		"entities":     {strings.Join(entities, ",")},
		"changedSince": {since.Format(time.RFC3339)},
	}
	var r struct {
		CDCResponse []struct {
			QueryResponse []map[string]json.RawMessage `json:"QueryResponse"`
		} `json:"CDCResponse"`
	}
	if err := c.do(ctx, call{method: http.MethodGet, path: "cdc", query: q}, &r); err != nil {
		return Changes{}, fmt.Errorf("qbo: cdc since %s: %w", since.Format(time.RFC3339), err)
	}
	var ch Changes
	for _, cr := range r.CDCResponse {
		for _, qr := range cr.QueryResponse {
			for name, raw := range qr {
				var err error
				switch name {
				case "Invoice":
					err = appendJSON(raw, &ch.Invoices)
				case "Payment":
					err = appendJSON(raw, &ch.Payments)
				case "Customer":
					err = appendJSON(raw, &ch.Customers)
				case "Item":
					err = appendJSON(raw, &ch.Items)
				}
				if err != nil {
					return Changes{}, fmt.Errorf("qbo: cdc: decode %s: %w", name, err)
				}
			}
		}
	}
	return ch, nil
}

func appendJSON[T any](raw json.RawMessage, dst *[]T) error {
	var v []T
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	*dst = append(*dst, v...)
	return nil
}
