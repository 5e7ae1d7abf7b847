package xerosandbox

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// TestListInvoicesFilters: GET /Invoices narrows by ContactIDs, Statuses
// and a where clause on Type and Date, and refuses a where clause it does
// not understand rather than ignoring it.
func TestListInvoicesFilters(t *testing.T) {
	s := start(t, Options{})
	a, b := s.AddContact("Acme", "a@x", ""), s.AddContact("Beta", "b@x", "")
	put := func(contact, date, status string) string {
		t.Helper()
		resp, m := do(t, s, http.MethodPut, "api.xro/2.0/Invoices", "", map[string]any{"Invoices": []any{map[string]any{
			"Type": "ACCREC", "Contact": map[string]any{"ContactID": contact}, "Date": date, "Status": status,
			"LineItems": []any{map[string]any{"Description": "p", "Quantity": 1, "UnitAmount": 10, "AccountCode": "200"}}}}})
		if resp.StatusCode != 200 {
			t.Fatalf("create: %d %v", resp.StatusCode, m)
		}
		return firstInvoice(t, m)["InvoiceID"].(string)
	}
	in := put(a, "2026-11-30", "AUTHORISED")
	put(a, "2026-11-30", "DRAFT")
	put(a, "2026-11-29", "AUTHORISED")
	put(a, "2026-12-07", "AUTHORISED")
	put(b, "2026-11-30", "AUTHORISED")
	edge := put(a, "2026-12-06", "AUTHORISED")

	q := url.Values{"ContactIDs": {a}, "Statuses": {"AUTHORISED,PAID"},
		"where": {`Type=="ACCREC" AND Date>=DateTime(2026,11,30) AND Date<=DateTime(2026,12,06)`}}
	resp, m := do(t, s, http.MethodGet, "api.xro/2.0/Invoices?"+q.Encode(), "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("list: %d %v", resp.StatusCode, m)
	}
	var got []string
	for _, inv := range m["Invoices"].([]any) {
		got = append(got, inv.(map[string]any)["InvoiceID"].(string))
	}
	if want := []string{in, edge}; !slices.Equal(got, want) {
		t.Errorf("filtered %v, want %v", got, want)
	}
	q.Set("where", `Reference.Contains("x")`)
	if resp, _ := do(t, s, http.MethodGet, "api.xro/2.0/Invoices?"+q.Encode(), "", nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown where clause: %d, want 400", resp.StatusCode)
	}
}
