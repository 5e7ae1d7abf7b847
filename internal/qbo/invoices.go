package qbo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// invoiceResponse is {"Invoice":{...},"time":...}.
type invoiceResponse struct {
	Invoice Invoice `json:"Invoice"`
}

func checkRequestID(id string, max int) error {
	if id == "" {
		return errors.New("qbo: requestid is required on every write")
	}
	if len(id) > max {
		return fmt.Errorf("qbo: requestid %q is longer than %d characters", id, max)
	}
	return nil
}

// GetInvoice reads one invoice.
// API: GET /v3/company/{realmId}/invoice/{id} (Intuit API reference, Invoice "Read").
func (c *Client) GetInvoice(ctx context.Context, id string) (Invoice, error) {
	var r invoiceResponse
	if err := c.do(ctx, call{method: http.MethodGet, path: "invoice/" + url.PathEscape(id)}, &r); err != nil {
		return Invoice{}, fmt.Errorf("qbo: get invoice %s: %w", id, err)
	}
	return r.Invoice, nil
}

// CreateInvoice creates inv. requestID makes the create idempotent: QBO
// answers a repeated requestid with the original response (docs/vendors.md §2.5), so
// a lost response is retried safely.
// API: POST /v3/company/{realmId}/invoice (Intuit API reference, Invoice "Create").
func (c *Client) CreateInvoice(ctx context.Context, inv Invoice, requestID string) (Invoice, error) {
	if err := checkRequestID(requestID, MaxRequestIDLen); err != nil {
		return Invoice{}, err
	}
	inv.ID, inv.SyncToken, inv.Sparse = "", "", false
	body, err := json.Marshal(inv)
	if err != nil {
		return Invoice{}, fmt.Errorf("qbo: encode invoice: %w", err)
	}
	var r invoiceResponse
	cl := call{method: http.MethodPost, path: "invoice", body: body, requestID: requestID}
	if err := c.do(ctx, cl, &r); err != nil {
		return Invoice{}, fmt.Errorf("qbo: create invoice for customer %s: %w", refValue(inv.CustomerRef), err)
	}
	return r.Invoice, nil
}

// UpdateInvoice reads the invoice, lets mutate change a copy, and sends the
// changed top-level fields as a sparse update with the current SyncToken
// (docs/vendors.md §2.2–2.3). When QBO answers 5010 Stale Object Error (someone
// edited it meanwhile) it re-reads, re-applies mutate and tries again, a few
// times at most. A Line array, if changed, replaces all lines.
//
// The first attempt uses requestID; later attempts use an id derived from it
// and the SyncToken they carry, so each distinct write has its own
// idempotency key and a replayed attempt stays a replay.
// API: POST /v3/company/{realmId}/invoice with "sparse": true.
func (c *Client) UpdateInvoice(ctx context.Context, id string, mutate func(*Invoice) error, requestID string) (Invoice, error) {
	if err := checkRequestID(requestID, MaxRequestIDLen); err != nil {
		return Invoice{}, err
	}
	return c.writeCurrent(ctx, "update", id, requestID, func(cur Invoice) (call, bool, error) {
		next := cloneInvoice(cur)
		if err := mutate(&next); err != nil {
			return call{}, false, err
		}
		body, changed, err := sparseBody(cur, next)
		if err != nil || !changed {
			return call{}, false, err
		}
		return call{method: http.MethodPost, path: "invoice", body: body}, true, nil
	})
}

// writeCurrent reads invoice id, has write build the call that changes it,
// and sends that call. When QBO answers 5010 Stale Object Error it reads
// again and rebuilds, up to staleAttempts times in all. The first attempt
// carries requestID; a later one an id derived from it and the SyncToken it
// carries, so each distinct write has its own idempotency key
// (docs/vendors.md §2.5). write answers false when there is nothing to
// write; the invoice is then returned as read. op names the operation in
// errors ("update", "void").
func (c *Client) writeCurrent(ctx context.Context, op, id, requestID string, write func(cur Invoice) (call, bool, error)) (Invoice, error) {
	var lastErr error
	for attempt := 0; attempt < c.staleAttempts; attempt++ {
		cur, err := c.GetInvoice(ctx, id)
		if err != nil {
			return Invoice{}, fmt.Errorf("qbo: %s invoice %s: %w", op, id, err)
		}
		cl, ok, err := write(cur)
		if err != nil {
			return Invoice{}, fmt.Errorf("qbo: %s invoice %s: %w", op, id, err)
		}
		if !ok {
			return cur, nil
		}
		cl.requestID = requestID
		if attempt > 0 {
			cl.requestID = RequestID(requestID, "synctoken", cur.SyncToken)
		}
		var r invoiceResponse
		err = c.do(ctx, cl, &r)
		if err == nil {
			return r.Invoice, nil
		}
		if !errors.Is(err, ErrStaleObject) {
			return Invoice{}, fmt.Errorf("qbo: %s invoice %s: %w", op, id, err)
		}
		lastErr = err
	}
	return Invoice{}, fmt.Errorf("qbo: %s invoice %s: still stale after %d attempts: %w", op, id, c.staleAttempts, lastErr)
}

// cloneInvoice deep-copies through JSON so mutate cannot alias cur.
func cloneInvoice(inv Invoice) Invoice {
	b, err := json.Marshal(inv)
	if err != nil {
		return inv
	}
	var out Invoice
	if err := json.Unmarshal(b, &out); err != nil {
		return inv
	}
	return out
}

// sparseBody returns {"Id","SyncToken","sparse":true, <changed fields>}.
// Read-only fields are never sent.
func sparseBody(cur, next Invoice) ([]byte, bool, error) {
	a, err := topLevel(cur)
	if err != nil {
		return nil, false, err
	}
	b, err := topLevel(next)
	if err != nil {
		return nil, false, err
	}
	out := map[string]json.RawMessage{}
	for k, v := range b {
		if readOnly(k) {
			continue
		}
		if !bytes.Equal(a[k], v) {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil, false, nil
	}
	if lines, ok := out["Line"]; ok {
		out["Line"] = stripSubTotals(lines)
	}
	out["Id"], _ = json.Marshal(cur.ID)
	out["SyncToken"], _ = json.Marshal(cur.SyncToken)
	out["sparse"] = json.RawMessage("true")
	body, err := json.Marshal(out)
	return body, true, err
}

// readOnly lists fields QBO computes or controls; a sparse update never
// sends them (Id and SyncToken are added separately).
func readOnly(field string) bool {
	switch field {
	case "Id", "SyncToken", "sparse", "TotalAmt", "Balance", "MetaData", "LinkedTxn", "DeliveryInfo", "status":
		return true
	}
	return false
}

func topLevel(inv Invoice) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(inv)
	if err != nil {
		return nil, fmt.Errorf("encode invoice: %w", err)
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("encode invoice: %w", err)
	}
	return m, nil
}

// stripSubTotals drops the SubTotalLineDetail lines QBO adds to responses;
// they are computed, not sent.
func stripSubTotals(raw json.RawMessage) json.RawMessage {
	var lines []Line
	if json.Unmarshal(raw, &lines) != nil {
		return raw
	}
	kept := lines[:0]
	for _, l := range lines {
		if l.DetailType != SubTotalLine {
			kept = append(kept, l)
		}
	}
	b, err := json.Marshal(kept)
	if err != nil {
		return raw
	}
	return b
}

// VoidInvoice voids an invoice: amounts become zero, the record stays. It
// carries the current SyncToken and retries on Stale Object Error like
// UpdateInvoice.
// API: POST /v3/company/{realmId}/invoice?operation=void.
func (c *Client) VoidInvoice(ctx context.Context, id, requestID string) (Invoice, error) {
	if err := checkRequestID(requestID, MaxRequestIDLen); err != nil {
		return Invoice{}, err
	}
	return c.writeCurrent(ctx, "void", id, requestID, func(cur Invoice) (call, bool, error) {
		body, _ := json.Marshal(map[string]string{"Id": cur.ID, "SyncToken": cur.SyncToken})
		return call{method: http.MethodPost, path: "invoice", query: url.Values{"operation": {"void"}}, body: body}, true, nil
	})
}

// SendInvoice emails the invoice to `to` (empty: its BillEmail). QBO sets
// EmailStatus to EmailSent and fills DeliveryInfo (docs/vendors.md §2.1).
// API: POST /v3/company/{realmId}/invoice/{id}/send?sendTo=…, Content-Type application/octet-stream.
func (c *Client) SendInvoice(ctx context.Context, id, to, requestID string) (Invoice, error) {
	if err := checkRequestID(requestID, MaxRequestIDLen); err != nil {
		return Invoice{}, err
	}
	q := url.Values{}
	if to != "" {
		q.Set("sendTo", to)
	}
	var r invoiceResponse
	cl := call{method: http.MethodPost, path: "invoice/" + url.PathEscape(id) + "/send", query: q,
		contentType: "application/octet-stream", requestID: requestID}
	if err := c.do(ctx, cl, &r); err != nil {
		return Invoice{}, fmt.Errorf("qbo: send invoice %s: %w", id, err)
	}
	return r.Invoice, nil
}

func refValue(r *Ref) string {
	if r == nil {
		return ""
	}
	return r.Value
}
