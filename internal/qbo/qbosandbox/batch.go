package qbosandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// maxBatch is QBO's limit of payloads per batch request (docs/vendors.md §2.7).
const maxBatch = 30

type batchItem struct {
	BID       string          `json:"bId"`
	Operation string          `json:"operation"`
	Invoice   json.RawMessage `json:"Invoice"`
	Query     string          `json:"Query"`
}

// batch is POST /batch: items are independent, each answered with its
// entity, QueryResponse or Fault, in no guaranteed order; the request as a
// whole answers 200 (docs/vendors.md §2.7). Each created invoice is counted under
// "requestid/bId".
func (s *Server) batch(body []byte, rid string) result {
	var req struct {
		BatchItemRequest []batchItem `json:"BatchItemRequest"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return validation("2010", "Request has invalid or unsupported property", "BatchItemRequest: "+err.Error(), "")
	}
	if n := len(req.BatchItemRequest); n == 0 || n > maxBatch {
		// Code unverified; the limit itself is from Intuit's batch page.
		return validation("2010", "Request has invalid or unsupported property", "A batch request must carry between 1 and 30 items", "BatchItemRequest")
	}
	out := make([]map[string]any, 0, len(req.BatchItemRequest))
	for _, it := range req.BatchItemRequest {
		var res result
		switch {
		case it.Query != "":
			q := s.runQuery(it.Query)
			if q.fault != nil {
				res = *q.fault
			} else {
				res = result{status: http.StatusOK, body: map[string]any{"QueryResponse": q.page}}
			}
		case len(it.Invoice) > 0:
			switch strings.ToLower(it.Operation) {
			case "create", "update":
				res = s.writeInvoice(it.Invoice, rid+"/"+it.BID)
			case "delete":
				res = s.deleteInvoice(it.Invoice)
			default:
				res = validation("2010", "Request has invalid or unsupported property", "operation "+it.Operation, "operation")
			}
		default:
			res = validation("2010", "Request has invalid or unsupported property", "no entity or Query in batch item", "")
		}
		item := map[string]any{"bId": it.BID}
		for k, v := range res.body {
			item[k] = v
		}
		out = append(out, item)
	}
	// Order is not guaranteed by QBO; shuffle so clients key by bId.
	s.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return result{status: http.StatusOK, body: map[string]any{"BatchItemResponse": out}}
}

// cdc is GET /cdc?entities=Invoice,Payment&changedSince=...: the current
// state of each object changed since then, deleted ones as {Id,status}
// (docs/vendors.md §2.10, api-reference/changedatacapture).
func (s *Server) cdc(entities, since string) result {
	t, err := time.Parse(time.RFC3339, since)
	if err != nil {
		return validation("2010", "Request has invalid or unsupported property", "changedSince must be an RFC 3339 time", "changedSince")
	}
	if s.opts.Now().Sub(t) > 30*24*time.Hour {
		return validation("2010", "Request has invalid or unsupported property", "changedSince may look back at most 30 days", "changedSince")
	}
	var resp []map[string]any
	for _, e := range strings.Split(entities, ",") {
		name := entityName(strings.TrimSpace(e))
		var rows []any
		for _, r := range s.tbl(name).sorted(true) {
			if !r.updated.After(t) {
				continue
			}
			if r.deleted {
				rows = append(rows, map[string]string{"Id": r.doc.str("Id"), "status": "Deleted", "domain": "QBO"})
			} else {
				rows = append(rows, r.doc)
			}
		}
		if len(rows) > 1000 {
			rows = rows[:1000]
		}
		page := map[string]any{"startPosition": 1, "maxResults": len(rows)}
		if len(rows) > 0 {
			page[name] = rows
		}
		resp = append(resp, page)
	}
	return result{status: http.StatusOK, body: map[string]any{"CDCResponse": []map[string]any{{"QueryResponse": resp}}}}
}
