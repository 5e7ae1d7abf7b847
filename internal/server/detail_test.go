package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"billbot/internal/invoicedetail"
)

type oneInvoice struct{}

func (oneInvoice) InvoiceDetail(_ context.Context, number string) (invoicedetail.Detail, error) {
	if number != "1042" {
		return invoicedetail.Detail{}, invoicedetail.ErrNotFound
	}
	return invoicedetail.Detail{Number: "1042", Client: "Acme", Currency: "USD", State: "sent"}, nil
}

// TestInvoiceDetailMountedOnlyWhenConfigured: without a handler the path
// is unknown (404); with one, a signed link is served (with the access
// log's security headers intact) and an unsigned one refused.
func TestInvoiceDetailMountedOnlyWhenConfigured(t *testing.T) {
	off := newFixture(t, Config{})
	if rec := off.do(t, http.MethodGet, "/invoices/1042", nil); rec.Code != http.StatusNotFound {
		t.Errorf("unconfigured: %d, want 404", rec.Code)
	}
	now := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	s, err := invoicedetail.NewSigner([]byte("0123456789abcdef0123456789abcdef"), "http://billbot.test", func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	on := newFixture(t, Config{InvoiceDetail: invoicedetail.Handler(oneInvoice{}, s, nil)})
	link, _ := s.Link("1042")
	rec := on.do(t, http.MethodGet, strings.TrimPrefix(link, "http://billbot.test"), nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Acme") || rec.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("signed: %d %v", rec.Code, rec.Header())
	}
	if rec := on.do(t, http.MethodGet, "/invoices/1042?exp=1&sig=x", nil); rec.Code != http.StatusForbidden {
		t.Errorf("forged: %d, want 403", rec.Code)
	}
	if rec := on.do(t, http.MethodPost, strings.TrimPrefix(link, "http://billbot.test"), nil); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", rec.Code)
	}
}
