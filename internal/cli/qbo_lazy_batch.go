package cli

import (
	"context"

	"billbot/internal/workflow"
)

var _ workflow.InvoiceBatchReader = (*lazyBooks)(nil)

// Invoices implements workflow.InvoiceBatchReader.
func (l *lazyBooks) Invoices(ctx context.Context, qboIDs []string) ([]workflow.Remote, error) {
	b, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return b.Invoices(ctx, qboIDs)
}
