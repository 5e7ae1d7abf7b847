package invoicedetail_test

import (
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"billbot/internal/invoicedetail"
)

// serve mounts the handler the way internal/server does; wrap, when set,
// wraps the mux (the browser test records statuses).
func serve(t testing.TB, d invoicedetail.Detail, now func() time.Time, wrap ...func(http.Handler) http.Handler) (*httptest.Server, *invoicedetail.Signer) {
	t.Helper()
	mux := http.NewServeMux()
	var h http.Handler = mux
	for _, w := range wrap {
		h = w(h)
	}
	srv := httptest.NewUnstartedServer(h)
	s, err := invoicedetail.NewSigner(testKey, "http://"+srv.Listener.Addr().String(), now)
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("GET /invoices/{number}", invoicedetail.Handler(source{d}, s, nil))
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, s
}

func get(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestDetailPage(t *testing.T) {
	d := sample(6)
	d.Lines[0].Entries[1].Notes = `<script>alert(1)</script>" onmouseover="x`
	d.Lines[0].Entries[1].SourceID = `9"><b>`
	_, s := serve(t, d, func() time.Time { return t0 })
	link, exp := s.Link("1042")
	if want := t0.Add(invoicedetail.LinkTTL); !exp.Equal(want) {
		t.Errorf("expiry %v, want %v", exp, want)
	}
	resp, body := get(t, link)
	if resp.StatusCode != 200 {
		t.Fatalf("GET signed link: %d %s", resp.StatusCode, body)
	}
	for h, want := range map[string]string{
		"Content-Type": "text/html; charset=utf-8", "X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'none'; style-src 'sha256-") {
		t.Errorf("CSP %q", csp)
	}
	for _, want := range []string{`name="viewport"`, "Acme &lt;Corp&gt;", `id="total">USD `, "900005", "written down from", "Disputed since", "efficiency"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{"<Corp>", "<script>", `" onmouseover`, `9"><b>`} {
		if strings.Contains(body, bad) {
			t.Errorf("page carries %q unescaped", bad)
		}
	}
	if n := strings.Count(body, `class="entry"`); n != 6 {
		t.Errorf("%d entry rows, want 6", n)
	}
	resp, body = get(t, link+"&format=csv")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), `filename="invoice-1042.csv"`) {
		t.Fatalf("CSV: %d %v", resp.StatusCode, resp.Header)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 7 || rows[0][0] != "invoice" {
		t.Fatalf("CSV rows %d, %v", len(rows), err)
	}
	if notes := rows[1][13]; !strings.HasPrefix(notes, "note 0") {
		t.Errorf("notes cell %q", notes)
	}
}

// TestDetailLinkRefused: a tampered number, expiry or signature, an expired
// link, a link signed with another key or none at all get 403.
func TestDetailLinkRefused(t *testing.T) {
	var now atomic.Int64
	now.Store(t0.UnixNano())
	srv, s := serve(t, sample(2), func() time.Time { return time.Unix(0, now.Load()) })
	link, _ := s.Link("1042")
	u, _ := url.Parse(link)
	q := u.Query()
	other, _ := invoicedetail.NewSigner([]byte("another key, 32 bytes long......"), srv.URL, func() time.Time { return t0 })
	otherLink, _ := other.Link("1042")
	cases := map[string]string{
		"number":    srv.URL + "/invoices/1043?" + q.Encode(),
		"expiry":    srv.URL + "/invoices/1042?exp=" + "9999999999" + "&sig=" + q.Get("sig"),
		"signature": srv.URL + "/invoices/1042?exp=" + q.Get("exp") + "&sig=" + strings.Repeat("A", len(q.Get("sig"))),
		"unsigned":  srv.URL + "/invoices/1042",
		"other key": otherLink,
		"csv":       srv.URL + "/invoices/1043?" + q.Encode() + "&format=csv",
	}
	for name, u := range cases {
		if resp, _ := get(t, u); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, resp.StatusCode)
		}
	}
	now.Store(t0.Add(invoicedetail.LinkTTL - time.Second).UnixNano())
	if resp, _ := get(t, link); resp.StatusCode != 200 {
		t.Errorf("a second before expiry: %d", resp.StatusCode)
	}
	now.Store(t0.Add(invoicedetail.LinkTTL).UnixNano())
	if resp, _ := get(t, link); resp.StatusCode != http.StatusForbidden {
		t.Errorf("expired: %d, want 403", resp.StatusCode)
	}
	if _, err := invoicedetail.NewSigner(nil, srv.URL, nil); err == nil {
		t.Error("a signer without a key")
	}
}

func TestDetailTextAndCSV(t *testing.T) {
	d := sample(4)
	var b strings.Builder
	if err := invoicedetail.WriteText(&b, d); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Invoice 1042 — Acme <Corp> (sent)", "DISPUTED", "Harvest 900003", "written down from USD 225.00", "Total", "Edits:", "USD 322.50 → USD 222.50"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	if err := invoicedetail.WriteCSV(&b, d); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil || len(rows) != 5 {
		t.Fatalf("csv %d rows, %v", len(rows), err)
	}
}

// TestDetailLinkForDraftKey: links in QuickBooks name the invoice by its
// draft key, which has a slash and may have spaces.
func TestDetailLinkForDraftKey(t *testing.T) {
	d := sample(1)
	d.Number = "Birch & Daughters/2026-10-31"
	_, s := serve(t, d, func() time.Time { return t0 })
	link, _ := s.Link(d.Number)
	if !strings.Contains(link, "/invoices/Birch%20&%20Daughters%2F2026-10-31?") {
		t.Errorf("link %s", link)
	}
	if resp, body := get(t, link); resp.StatusCode != 200 || !strings.Contains(body, "Daughters/2026-10-31") {
		t.Errorf("GET %s: %d", link, resp.StatusCode)
	}
}
