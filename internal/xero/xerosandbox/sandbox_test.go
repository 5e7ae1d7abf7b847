package xerosandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

const tok = "sandbox-test-token"

func start(t *testing.T, o Options) *Server {
	t.Helper()
	o.StaticToken = tok
	s := New(o)
	t.Cleanup(s.Close)
	return s
}

func do(t *testing.T, s *Server, method, path, key string, body any) (*http.Response, map[string]any) {
	t.Helper()
	var rdr io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rdr = bytes.NewReader(b)
	}
	req, _ := http.NewRequestWithContext(t.Context(), method, s.URL()+path, rdr)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("xero-tenant-id", s.TenantID())
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	d := json.NewDecoder(resp.Body)
	d.UseNumber()
	d.Decode(&m)
	return resp, m
}

func firstInvoice(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	invs, _ := m["Invoices"].([]any)
	if len(invs) != 1 {
		t.Fatalf("answer %v: want one invoice", m)
	}
	return invs[0].(map[string]any)
}

// TestTotalsAsXeroComputesThem: tax per line rounded to the cent, then
// summed (developer.xero.com/documentation/api-guides/rounding-in-xero's
// own example: 25.06, 25.61, 25.63 at 15 % → tax 11.44, total 87.74).
func TestTotalsAsXeroComputesThem(t *testing.T) {
	s := start(t, Options{})
	cid := s.AddContact("Acme", "a@x", "")
	lines := []map[string]any{}
	for _, u := range []string{"25.06", "25.61", "25.63"} {
		lines = append(lines, map[string]any{"Description": "p", "Quantity": 1, "UnitAmount": json.Number(u), "AccountCode": "200", "TaxType": "OUTPUT"})
	}
	cases := []struct{ lat, sub, tax, total string }{
		{"Exclusive", "76.30", "11.44", "87.74"},
		{"Inclusive", "66.35", "9.95", "76.30"},
		{"NoTax", "76.30", "0.00", "76.30"},
	}
	for _, c := range cases {
		resp, m := do(t, s, http.MethodPut, "api.xro/2.0/Invoices", "", map[string]any{"Invoices": []any{map[string]any{
			"Type": "ACCREC", "Contact": map[string]any{"ContactID": cid}, "LineAmountTypes": c.lat, "LineItems": lines}}})
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %v", c.lat, resp.StatusCode, m)
		}
		inv := firstInvoice(t, m)
		if inv["SubTotal"] != json.Number(c.sub) || inv["TotalTax"] != json.Number(c.tax) || inv["Total"] != json.Number(c.total) {
			t.Errorf("%s: sub %v tax %v total %v, want %s %s %s", c.lat, inv["SubTotal"], inv["TotalTax"], inv["Total"], c.sub, c.tax, c.total)
		}
	}
}

func TestUnitAmountRoundedWithoutUnitdp(t *testing.T) {
	s := start(t, Options{})
	cid := s.AddContact("Acme", "a@x", "")
	body := map[string]any{"Invoices": []any{map[string]any{"Type": "ACCREC", "Contact": map[string]any{"ContactID": cid},
		"LineItems": []any{map[string]any{"Description": "p", "Quantity": 1, "UnitAmount": json.Number("1.795"), "AccountCode": "200"}}}}}
	_, m := do(t, s, http.MethodPut, "api.xro/2.0/Invoices", "", body)
	if li := firstInvoice(t, m)["LineItems"].([]any)[0].(map[string]any); li["UnitAmount"] != json.Number("1.80") || li["LineAmount"] != json.Number("1.80") {
		t.Errorf("without unitdp=4, 1.795 → %v / %v, want 1.80", li["UnitAmount"], li["LineAmount"])
	}
	_, m = do(t, s, http.MethodPut, "api.xro/2.0/Invoices?unitdp=4", "", body)
	if li := firstInvoice(t, m)["LineItems"].([]any)[0].(map[string]any); li["UnitAmount"] != json.Number("1.7950") || li["LineAmount"] != json.Number("1.80") {
		t.Errorf("with unitdp=4: %v / %v, want 1.7950 and 1.80", li["UnitAmount"], li["LineAmount"])
	}
}

func TestReplayAnswersTheFirstResponse(t *testing.T) {
	s := start(t, Options{})
	cid := s.AddContact("Acme", "a@x", "")
	body := map[string]any{"Invoices": []any{map[string]any{"Type": "ACCREC", "Contact": map[string]any{"ContactID": cid},
		"LineItems": []any{map[string]any{"Description": "p", "Quantity": 1, "UnitAmount": 5, "AccountCode": "200"}}}}}
	_, a := do(t, s, http.MethodPut, "api.xro/2.0/Invoices", "k1", body)
	_, b := do(t, s, http.MethodPut, "api.xro/2.0/Invoices", "k1", body)
	_, c := do(t, s, http.MethodPut, "api.xro/2.0/Invoices", "k2", body)
	if firstInvoice(t, a)["InvoiceID"] != firstInvoice(t, b)["InvoiceID"] || firstInvoice(t, a)["InvoiceID"] == firstInvoice(t, c)["InvoiceID"] {
		t.Error("same key gave another invoice, or another key the same one")
	}
	if s.InvoiceCount() != 2 {
		t.Errorf("%d invoices, want 2", s.InvoiceCount())
	}
}

func TestLimitsAnswer429WithHeaders(t *testing.T) {
	s := start(t, Options{PerWindow: 2, Window: time.Hour})
	for i := range 2 {
		resp, _ := do(t, s, http.MethodGet, "api.xro/2.0/Accounts", "", nil)
		if resp.StatusCode != 200 || resp.Header.Get("X-MinLimit-Remaining") != []string{"1", "0"}[i] || resp.Header.Get("X-DayLimit-Remaining") == "" {
			t.Fatalf("call %d: %d, min remaining %q", i, resp.StatusCode, resp.Header.Get("X-MinLimit-Remaining"))
		}
	}
	resp, _ := do(t, s, http.MethodGet, "api.xro/2.0/Accounts", "", nil)
	ra := resp.Header.Get("Retry-After")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("X-Rate-Limit-Problem") != "minute" || ra == "" || ra == "0" {
		t.Errorf("third call: %d, problem %q, Retry-After %q", resp.StatusCode, resp.Header.Get("X-Rate-Limit-Problem"), ra)
	}
}

func TestTenantHeaderRequired(t *testing.T) {
	s := start(t, Options{})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL()+"api.xro/2.0/Accounts", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("no xero-tenant-id: %d, want 403", resp.StatusCode)
	}
	req.Header.Set("Authorization", "Bearer nope")
	req.Header.Set("xero-tenant-id", s.TenantID())
	resp, _ = s.Client().Do(req)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("bad token: %d, want 401", resp.StatusCode)
	}
}

func TestAuthoriseNeedsAccountCodes(t *testing.T) {
	s := start(t, Options{})
	cid := s.AddContact("Acme", "a@x", "")
	s.AddItem("NOACC", "No account", "")
	_, m := do(t, s, http.MethodPut, "api.xro/2.0/Invoices", "", map[string]any{"Invoices": []any{map[string]any{"Type": "ACCREC",
		"Contact": map[string]any{"ContactID": cid}, "LineItems": []any{map[string]any{"Description": "p", "Quantity": 1, "UnitAmount": 5, "ItemCode": "NOACC"}}}}})
	id := firstInvoice(t, m)["InvoiceID"].(string)
	resp, m := do(t, s, http.MethodPost, "api.xro/2.0/Invoices/"+id, "", map[string]any{"Invoices": []any{map[string]any{"Status": "AUTHORISED"}}})
	if resp.StatusCode != http.StatusBadRequest || m["Type"] != "ValidationException" {
		t.Errorf("authorising a line without an account: %d %v", resp.StatusCode, m)
	}
}

// TestRefreshTokenRotation: every refresh rotates; the old refresh token
// is refused at once, or within RefreshGrace still honoured
// (developer.xero.com/faq/oauth2: 30 minutes after a lost answer).
func TestRefreshTokenRotation(t *testing.T) {
	for _, grace := range []time.Duration{0, 30 * time.Minute} {
		s := start(t, Options{RefreshGrace: grace})
		code := func() string {
			nf := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := nf.Get(s.IdentityURL() + AuthorizePath + "?response_type=code&client_id=sandbox-client&redirect_uri=https://x/cb&scope=offline_access+accounting.transactions&state=s")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			u, _ := resp.Location()
			return u.Query().Get("code")
		}()
		grant := func(form string) (int, map[string]any) {
			req, _ := http.NewRequest(http.MethodPost, s.IdentityURL()+TokenPath, bytes.NewBufferString(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth("sandbox-client", "sandbox-secret")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var m map[string]any
			json.NewDecoder(resp.Body).Decode(&m)
			return resp.StatusCode, m
		}
		st, first := grant("grant_type=authorization_code&code=" + code + "&redirect_uri=https://x/cb")
		if st != 200 || first["expires_in"] != float64(1800) {
			t.Fatalf("code grant: %d %v", st, first)
		}
		st, second := grant("grant_type=refresh_token&refresh_token=" + first["refresh_token"].(string))
		if st != 200 || second["refresh_token"] == first["refresh_token"] {
			t.Fatalf("refresh: %d %v", st, second)
		}
		st, again := grant("grant_type=refresh_token&refresh_token=" + first["refresh_token"].(string))
		if (grace == 0) != (st == http.StatusBadRequest && again["error"] == "invalid_grant") {
			t.Errorf("grace %s: the old refresh token answered %d %v", grace, st, again)
		}
	}
}
