package qbo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// MaxBatchItems is the most payloads one batch request may carry (docs/vendors.md
// §2.7, developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/batch).
const MaxBatchItems = 30

// Batch operations.
const (
	OpCreate = "create"
	OpUpdate = "update"
	OpDelete = "delete"
)

// BatchItem is one entry of a batch: an invoice operation or a query. BID
// identifies it in the response (order is not guaranteed).
type BatchItem struct {
	BID       string   `json:"bId"`
	Operation string   `json:"operation,omitempty"`
	Invoice   *Invoice `json:"Invoice,omitempty"`
	Query     string   `json:"Query,omitempty"`
}

// BatchItemResponse is one result: the entity, a query response, or a Fault
// for that item alone (the batch as a whole still answers HTTP 200).
type BatchItemResponse struct {
	BID           string          `json:"bId"`
	Invoice       *Invoice        `json:"Invoice,omitempty"`
	QueryResponse json.RawMessage `json:"QueryResponse,omitempty"`
	Fault         *Fault          `json:"-"`
}

type batchItemWire struct {
	BID           string          `json:"bId"`
	Invoice       *Invoice        `json:"Invoice,omitempty"`
	QueryResponse json.RawMessage `json:"QueryResponse,omitempty"`
	Fault         *struct {
		Error []FaultError `json:"Error"`
		Type  string       `json:"type"`
	} `json:"Fault,omitempty"`
}

// Batch sends up to 30 independent operations in one request. requestID (≤ 36
// characters for a batch, docs/vendors.md §2.5) makes the whole batch idempotent.
// The result maps each item's bId to its response; items never reference one
// another.
// API: POST /v3/company/{realmId}/batch.
func (c *Client) Batch(ctx context.Context, items []BatchItem, requestID string) (map[string]BatchItemResponse, error) {
	if len(items) == 0 {
		return map[string]BatchItemResponse{}, nil
	}
	if len(items) > MaxBatchItems {
		return nil, fmt.Errorf("qbo: batch of %d items: at most %d allowed", len(items), MaxBatchItems)
	}
	if err := checkRequestID(requestID, MaxBatchRequestIDLen); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, it := range items {
		if it.BID == "" || seen[it.BID] {
			return nil, fmt.Errorf("qbo: batch item id %q is empty or repeated", it.BID)
		}
		seen[it.BID] = true
	}
	body, err := json.Marshal(map[string][]BatchItem{"BatchItemRequest": items})
	if err != nil {
		return nil, fmt.Errorf("qbo: encode batch: %w", err)
	}
	var r struct {
		BatchItemResponse []batchItemWire `json:"BatchItemResponse"`
	}
	cl := call{method: http.MethodPost, path: "batch", body: body, requestID: requestID, batch: true}
	if err := c.do(ctx, cl, &r); err != nil {
		return nil, fmt.Errorf("qbo: batch of %d: %w", len(items), err)
	}
	out := make(map[string]BatchItemResponse, len(r.BatchItemResponse))
	for _, w := range r.BatchItemResponse {
		resp := BatchItemResponse{BID: w.BID, Invoice: w.Invoice, QueryResponse: w.QueryResponse}
		if w.Fault != nil {
			resp.Fault = &Fault{StatusCode: http.StatusOK, Type: w.Fault.Type, Errors: w.Fault.Error}
		}
		out[w.BID] = resp
	}
	return out, nil
}
