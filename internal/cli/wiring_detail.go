package cli

import (
	"log/slog"
	"net/http"

	"billbot/internal/invoicedetail"
	"billbot/internal/workflow"
)

// detailHandler is GET /invoices/{number}; nil when links are off.
func detailHandler(wf *workflow.Workflow, s *invoicedetail.Signer, log *slog.Logger) http.Handler {
	if s == nil {
		return nil
	}
	return invoicedetail.Handler(wf, s, log)
}
