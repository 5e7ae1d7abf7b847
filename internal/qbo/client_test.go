package qbo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const testRealm = "123145"

// sleeps records waits instead of sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// setup returns a client and the mux of a per-test server (go-github style).
func setup(t *testing.T, opts ...Option) (*Client, *http.ServeMux, *sleeps) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	sl := &sleeps{}
	all := append([]Option{WithSleep(sl.sleep), WithJitter(func(d time.Duration) time.Duration { return d }),
		WithLimits(Limits{Requests: 1 << 20, BatchRequests: 1 << 20})}, opts...)
	c, err := NewClient(srv.URL, testRealm, srv.Client(), all...)
	if err != nil {
		t.Fatal(err)
	}
	return c, mux, sl
}

// testRequest checks what every call must carry (docs/vendors.md §2.1).
func testRequest(t *testing.T, r *http.Request, method string) {
	t.Helper()
	if r.Method != method {
		t.Errorf("method = %s, want %s", r.Method, method)
	}
	if got := r.URL.Query().Get("minorversion"); got != MinorVersion {
		t.Errorf("minorversion = %q, want %s", got, MinorVersion)
	}
	if got := r.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
}

func TestNewClientValidates(t *testing.T) {
	t.Parallel()
	for env, want := range map[string]string{"": SandboxBaseURL, "sandbox": SandboxBaseURL, "Production": ProductionBaseURL} {
		if got, err := APIBaseURL(env); got != want || err != nil {
			t.Errorf("APIBaseURL(%q) = %q, %v", env, got, err)
		}
	}
	if _, err := APIBaseURL("staging"); err == nil {
		t.Error("APIBaseURL(staging): want error")
	}
	if _, err := NewClient("not a url", "1", nil); err == nil {
		t.Error("want error for relative base URL")
	}
	if _, err := NewClient(ProductionBaseURL, "", nil); err == nil {
		t.Error("want error for empty realm")
	}
}

func TestGetInvoice(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc("/v3/company/"+testRealm+"/invoice/130", func(w http.ResponseWriter, r *http.Request) {
		testRequest(t, r, http.MethodGet)
		io.WriteString(w, `{"Invoice":{"Id":"130","SyncToken":"2","TotalAmt":1861.08,"Balance":0,"Line":[{"Amount":1861.08,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"Qty":128.35,"UnitPrice":14.5}}]},"time":"2026-11-01T10:00:00.000-07:00"}`)
	})
	inv, err := c.GetInvoice(t.Context(), "130")
	if err != nil {
		t.Fatal(err)
	}
	if inv.TotalAmt != "1861.08" || inv.Balance != "0" || inv.Line[0].SalesItemLineDetail.Qty != "128.35" {
		t.Errorf("decoded %+v", inv)
	}
	total, err := inv.TotalMinor("USD")
	if err != nil || total != 186108 {
		t.Errorf("TotalMinor = %d, %v", total, err)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		is     error
		code   string
	}{
		{"stale", 400, `{"Fault":{"Error":[{"Message":"Stale Object Error","Detail":"Stale Object Error : You and x were working on this at the same time.","code":"5010"}],"type":"ValidationFault"},"time":"x"}`, ErrStaleObject, "5010"},
		{"not found", 400, `{"Fault":{"Error":[{"Message":"Object Not Found","code":"610"}],"type":"ValidationFault"}}`, ErrNotFound, "610"},
		{"duplicate", 400, `{"Fault":{"Error":[{"Message":"Duplicate Name Exists Error","code":"6240","element":"DisplayName"}],"type":"ValidationFault"}}`, ErrDuplicate, "6240"},
		{"unauthorized lower-case body", 401, `{"fault":{"error":[{"message":"message=AuthenticationFailed; errorCode=003200; statusCode=401","detail":"Token expired","code":"3200"}],"type":"AUTHENTICATION"}}`, ErrUnauthorized, "3200"},
		{"html 404", 404, `<html>nope</html>`, ErrNotFound, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux, sl := setup(t)
			mux.HandleFunc("/v3/company/"+testRealm+"/invoice/1", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("intuit_tid", "1-abc")
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			})
			_, err := c.GetInvoice(t.Context(), "1")
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want Is %v", err, tc.is)
			}
			var f *Fault
			if !errors.As(err, &f) {
				t.Fatalf("err %v is not a *Fault", err)
			}
			if f.Code() != tc.code || f.IntuitTID != "1-abc" || f.StatusCode != tc.status {
				t.Errorf("fault = %+v", f)
			}
			if len(sl.all()) != 0 {
				t.Errorf("a %d was retried", tc.status)
			}
		})
	}
}

func TestRetryRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		responses []int
		header    string
		wantCalls int
		wantWaits []time.Duration
		wantErr   error
	}{
		{"429 with Retry-After", []int{429, 200}, "7", 2, []time.Duration{7 * time.Second}, nil},
		{"429 without Retry-After waits 60s", []int{429, 200}, "", 2, []time.Duration{60 * time.Second}, nil},
		{"5xx backs off exponentially", []int{500, 503, 502, 200}, "", 4, []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}, nil},
		{"gives up after max attempts", []int{500, 500, 500, 500, 500, 500, 500}, "", 6, []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}, nil},
		{"400 is final", []int{400}, "", 1, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux, sl := setup(t)
			var mu sync.Mutex
			calls := 0
			mux.HandleFunc("/v3/company/"+testRealm+"/companyinfo/"+testRealm, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				st := tc.responses[calls]
				calls++
				mu.Unlock()
				if st == 429 && tc.header != "" {
					w.Header().Set("Retry-After", tc.header)
				}
				w.WriteHeader(st)
				if st == 200 {
					io.WriteString(w, `{"CompanyInfo":{"CompanyName":"Sandbox"}}`)
				}
			})
			_, err := c.GetCompanyInfo(t.Context())
			last := tc.responses[len(tc.responses)-1]
			if (err == nil) != (last == 200 && tc.wantCalls == len(tc.responses)) {
				t.Errorf("err = %v", err)
			}
			if calls != tc.wantCalls {
				t.Errorf("calls = %d, want %d", calls, tc.wantCalls)
			}
			if diff := cmp.Diff(tc.wantWaits, sl.all()); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBackoffIsCapped(t *testing.T) {
	t.Parallel()
	c, mux, sl := setup(t, WithRetry(10, time.Second, 5*time.Second))
	mux.HandleFunc("/v3/company/"+testRealm+"/payment/9", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	})
	if _, err := c.GetPayment(t.Context(), "9"); err == nil {
		t.Fatal("want error")
	}
	for _, d := range sl.all() {
		if d > 5*time.Second {
			t.Errorf("wait %s exceeds the cap", d)
		}
	}
	if n := len(sl.all()); n != 9 {
		t.Errorf("waits = %d, want 9", n)
	}
}

func TestWritesCarryRequestID(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc("/v3/company/"+testRealm+"/invoice/7/send", func(w http.ResponseWriter, r *http.Request) {
		testRequest(t, r, http.MethodPost)
		if got := r.Header.Get("Content-Type"); got != "application/octet-stream" {
			t.Errorf("Content-Type = %q", got)
		}
		if got := r.URL.Query().Get("requestid"); got != "rid-1" {
			t.Errorf("requestid = %q", got)
		}
		if got := r.URL.Query().Get("sendTo"); got != "ap@acme.example" {
			t.Errorf("sendTo = %q", got)
		}
		io.WriteString(w, `{"Invoice":{"Id":"7","EmailStatus":"EmailSent"}}`)
	})
	inv, err := c.SendInvoice(t.Context(), "7", "ap@acme.example", "rid-1")
	if err != nil || inv.EmailStatus != EmailSent {
		t.Fatalf("SendInvoice = %+v, %v", inv, err)
	}
	if _, err := c.CreateInvoice(t.Context(), Invoice{}, ""); err == nil {
		t.Error("create without requestid: want error")
	}
	long := fmt.Sprintf("%051d", 0)
	if _, err := c.CreateInvoice(t.Context(), Invoice{}, long); err == nil {
		t.Error("51-char requestid: want error")
	}
	if _, err := c.Batch(t.Context(), []BatchItem{{BID: "1"}}, long[:37]); err == nil {
		t.Error("37-char batch requestid: want error")
	}
	items := make([]BatchItem, 31)
	for i := range items {
		items[i].BID = fmt.Sprint(i)
	}
	if _, err := c.Batch(t.Context(), items, "x"); err == nil {
		t.Error("31 batch items: want error")
	}
}

func TestSparseUpdateBody(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var got map[string]any
	mux.HandleFunc("/v3/company/"+testRealm+"/invoice/5", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"Invoice":{"Id":"5","SyncToken":"3","DocNumber":"1005","PrivateNote":"a","TotalAmt":10,"Balance":10,"CustomerRef":{"value":"58"},"Line":[{"Id":"1","Amount":10,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"1"},"Qty":1,"UnitPrice":10}},{"Amount":10,"DetailType":"SubTotalLineDetail","SubTotalLineDetail":{}}]}}`)
	})
	mux.HandleFunc("POST /v3/company/"+testRealm+"/invoice", func(w http.ResponseWriter, r *http.Request) {
		json.NewDecoder(r.Body).Decode(&got)
		io.WriteString(w, `{"Invoice":{"Id":"5","SyncToken":"4"}}`)
	})
	_, err := c.UpdateInvoice(t.Context(), "5", func(inv *Invoice) error {
		inv.PrivateNote = "b"
		inv.DueDate = "2026-12-01"
		return nil
	}, "rid")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"Id": "5", "SyncToken": "3", "sparse": true, "PrivateNote": "b", "DueDate": "2026-12-01"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sparse body (-want +got):\n%s", diff)
	}
}

func TestDecimalJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Decimal
	}{
		{`1861.08`, "1861.08"}, {`"95.00"`, "95.00"}, {`0`, "0"}, {`null`, ""}, {`1e2`, "1e2"},
	}
	for _, tc := range tests {
		var d Decimal
		if err := json.Unmarshal([]byte(tc.in), &d); err != nil || d != tc.want {
			t.Errorf("Unmarshal(%s) = %q, %v; want %q", tc.in, d, err, tc.want)
		}
	}
	b, err := json.Marshal(struct {
		A Decimal `json:"a"`
		B Decimal `json:"b,omitempty"`
	}{A: AmountDecimal(1050, "USD")})
	if err != nil || string(b) != `{"a":10.50}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	for _, bad := range []Decimal{"12abc", "true", `"1"`, "[1]"} {
		if _, err := json.Marshal(bad); err == nil {
			t.Errorf("Marshal(%s): want error", bad)
		}
	}
	if a, err := Decimal("1.005").Amount("USD"); err == nil {
		t.Errorf("1.005 USD parsed as %d, want precision error", a)
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	a, b := RequestID("draft-1", "create"), RequestID("draft-1", "create")
	if a != b || len(a) > MaxRequestIDLen {
		t.Errorf("RequestID not deterministic or too long: %q %q", a, b)
	}
	if RequestID("draft-1", "create") == RequestID("draft-1c", "reate") {
		t.Error("parts are not separated")
	}
	if got := BatchRequestID("x"); len(got) != MaxBatchRequestIDLen {
		t.Errorf("BatchRequestID length %d", len(got))
	}
}

func TestQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"O'Brien":  `'O\'Brien'`,
		`back\sl`:  `'back\\sl'`,
		"Acme Co.": `'Acme Co.'`,
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}
