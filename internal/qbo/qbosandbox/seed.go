package qbosandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// SeedInvoice stores an invoice as someone entering it in the QBO web app
// would: inv is the JSON shape of an invoice create (a qbo.Invoice, or a
// map), validated and priced as a create is, with its DocNumber and TxnDate
// kept when given. It is no API call: Calls and Writes do not count it, so
// a test can plant the firm's own invoices and still assert that billbot
// wrote nothing.
func (s *Server) SeedInvoice(inv any) (string, error) {
	body, err := json.Marshal(inv)
	if err != nil {
		return "", fmt.Errorf("qbosandbox: encode invoice: %w", err)
	}
	var in doc
	if err := json.Unmarshal(body, &in); err != nil || in == nil {
		return "", fmt.Errorf("qbosandbox: invoice is not a JSON object")
	}
	delete(in, "Id")
	body, _ = json.Marshal(in)
	s.mu.Lock()
	defer s.mu.Unlock()
	res := s.writeInvoice(body, "")
	if res.status != http.StatusOK {
		b, _ := json.Marshal(res.body)
		return "", fmt.Errorf("qbosandbox: seed invoice: %s", b)
	}
	var id string
	json.Unmarshal(res.body["Invoice"].(doc)["Id"], &id)
	return id, nil
}

// Writes is the number of API calls that could change the company: every
// POST (creates, updates, voids, sends, batches), failed ones included.
func (s *Server) Writes() int {
	n := 0
	for ep, c := range s.Calls() {
		if strings.HasPrefix(ep, http.MethodPost+" ") {
			n += c
		}
	}
	return n
}
