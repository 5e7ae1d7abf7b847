package qbo

import (
	"context"
	"fmt"
	"strings"

	"billbot/internal/priority"
)

// Background marks ctx's calls as background work (webhook refreshes):
// they run one at a time and within the Limits' Background share of the
// request rate, so that interactive calls (a partner's Approve or Edit)
// find at most one background call queued before them.
func Background(ctx context.Context) context.Context {
	return priority.Background(ctx)
}

func isBackground(ctx context.Context) bool {
	return priority.IsBackground(ctx)
}

// admitBackground waits for the background slot and the background rate;
// the returned release frees the slot after the call.
func (c *Client) admitBackground(ctx context.Context) (release func(), err error) {
	return priority.Admit(ctx, c.bgSem, c.bgLim)
}

// invoiceIDsPerQuery bounds the ids of one "Id IN (...)" query, keeping
// its URL short.
const invoiceIDsPerQuery = 200

// GetInvoices reads the invoices with the given ids with one query per
// 200 ids (select * from Invoice where Id in (...)) instead of one read
// each. Ids QBO does not return (deleted) are absent from the result.
func (c *Client) GetInvoices(ctx context.Context, ids []string) ([]Invoice, error) {
	var out []Invoice
	for start := 0; start < len(ids); start += invoiceIDsPerQuery {
		chunk := ids[start:min(start+invoiceIDsPerQuery, len(ids))]
		quoted := make([]string, len(chunk))
		for i, id := range chunk {
			quoted[i] = Quote(id)
		}
		got, err := c.QueryInvoices(ctx, "Id IN ("+strings.Join(quoted, ", ")+")")
		if err != nil {
			return out, fmt.Errorf("qbo: read %d invoices: %w", len(chunk), err)
		}
		out = append(out, got...)
	}
	return out, nil
}
