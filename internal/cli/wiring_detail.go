package cli

import (
	"log/slog"
	"net/http"

	"billbot/internal/invoicedetail"
	"billbot/internal/workflow"
)

// detailSigner signs links to the invoice detail page with a key derived
// from BILLBOT_ENCRYPTION_KEY, under BILLBOT_PUBLIC_URL; nil (no links, no
// page) when the encryption key is not set.
func (c *cli) detailSigner() *invoicedetail.Signer {
	key, ok := c.env.EncryptionKeyBytes()
	if !ok {
		return nil
	}
	s, err := invoicedetail.NewSigner(key, c.env.PublicURL, c.now)
	if err != nil {
		c.logger.Warn("invoice detail links off", "error", err)
		return nil
	}
	return s
}

// detailHandler is GET /invoices/{number}; nil when links are off.
func detailHandler(wf *workflow.Workflow, s *invoicedetail.Signer, log *slog.Logger) http.Handler {
	if s == nil {
		return nil
	}
	return invoicedetail.Handler(wf, s, log)
}
