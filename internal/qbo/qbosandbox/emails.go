package qbosandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
)

// Emails returns the addresses the invoice was emailed to, one per send
// QBO executed (a requestid replay sends nothing). A client that got the
// invoice twice shows here twice.
func (s *Server) Emails(invoiceID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.emails[invoiceID])
}

// ForgetRequestIDs drops every remembered requestid, as if the replay
// window had passed: Intuit documents that a repeated requestid gets the
// original response, but not for how long it is remembered ("Request ID
// update for QuickBooks Online integration", blogs.intuit.com/2015/04/06/15346),
// so billbot must not rely on it across a crash and restart.
func (s *Server) ForgetRequestIDs() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.replays)
}

// UpdateInvoiceAsUser applies a sparse update to an invoice as someone in
// the QBO web app would: fields replace the invoice's (a Line array
// replaces every line), QBO re-prices the lines and recomputes TotalAmt,
// and SyncToken and MetaData move on. It goes through the same checks as
// the API's sparse update (developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice,
// "Sparse update an invoice").
func (s *Server) UpdateInvoiceAsUser(invoiceID string, fields map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.tbl("Invoice").rows[invoiceID]
	if rec == nil || rec.deleted {
		return fmt.Errorf("qbosandbox: no invoice %s", invoiceID)
	}
	in := doc{"Id": raw(invoiceID), "SyncToken": rec.doc["SyncToken"], "sparse": raw(true)}
	for k, v := range fields {
		in[k] = raw(v)
	}
	res := s.updateInvoice(invoiceID, in)
	if res.status != http.StatusOK {
		b, _ := json.Marshal(res.body)
		return fmt.Errorf("qbosandbox: update invoice %s: %d %s", invoiceID, res.status, b)
	}
	return nil
}
