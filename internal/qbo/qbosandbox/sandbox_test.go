package qbosandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func newServer(t *testing.T, o Options) *Server {
	t.Helper()
	if o.StaticToken == "" {
		o.StaticToken = "tok"
	}
	s := New(o)
	t.Cleanup(s.Close)
	return s
}

func do(t *testing.T, s *Server, method, path, token, body string) (int, http.Header, map[string]any) {
	t.Helper()
	u := s.URL() + "v3/company/" + s.RealmID() + "/" + path
	if !strings.Contains(path, "minorversion") {
		if strings.Contains(path, "?") {
			u += "&minorversion=75"
		} else {
			u += "?minorversion=75"
		}
	}
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(b, &m)
	return resp.StatusCode, resp.Header, m
}

func faultCode(m map[string]any) string {
	f, _ := m["Fault"].(map[string]any)
	if f == nil {
		return ""
	}
	errs, _ := f["Error"].([]any)
	if len(errs) == 0 {
		return ""
	}
	return fmt.Sprint(errs[0].(map[string]any)["code"])
}

func TestAuth(t *testing.T) {
	t.Parallel()
	s := newServer(t, Options{})
	if code, _, _ := do(t, s, "GET", "companyinfo/"+s.RealmID(), "", ""); code != 401 {
		t.Errorf("no token: %d", code)
	}
	if code, _, _ := do(t, s, "GET", "companyinfo/"+s.RealmID(), "wrong", ""); code != 401 {
		t.Errorf("wrong token: %d", code)
	}
	at, _ := s.MintTokens()
	if code, h, _ := do(t, s, "GET", "companyinfo/"+s.RealmID(), at, ""); code != 200 || h.Get("intuit_tid") == "" {
		t.Errorf("minted token: %d tid %q", code, h.Get("intuit_tid"))
	}
	s.ExpireAccessTokens()
	if code, _, _ := do(t, s, "GET", "companyinfo/"+s.RealmID(), at, ""); code != 401 {
		t.Errorf("expired token: %d", code)
	}
}

func TestAccessTokenTTL(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	s := newServer(t, Options{Now: func() time.Time { return now }, AccessTokenTTL: time.Hour})
	at, _ := s.MintTokens()
	if code, _, _ := do(t, s, "GET", "companyinfo/"+s.RealmID(), at, ""); code != 200 {
		t.Fatalf("fresh: %d", code)
	}
	s.mu.Lock()
	s.opts.Now = func() time.Time { return now.Add(time.Hour) }
	s.mu.Unlock()
	if code, _, _ := do(t, s, "GET", "companyinfo/"+s.RealmID(), at, ""); code != 401 {
		t.Errorf("after TTL: %d", code)
	}
}

func refresh(t *testing.T, s *Server, rt, secret string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.TokenURL(), strings.NewReader(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("sandbox-client", secret)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func TestRefreshRotation(t *testing.T) {
	t.Parallel()
	for _, grace := range []int{0, 2} {
		t.Run(fmt.Sprint("grace ", grace), func(t *testing.T) {
			t.Parallel()
			s := newServer(t, Options{RefreshGrace: grace})
			_, rt := s.MintTokens()
			if code, m := refresh(t, s, rt, "bad"); code != 401 || m["error"] != "invalid_client" {
				t.Errorf("bad client secret: %d %v", code, m)
			}
			code, m := refresh(t, s, rt, "sandbox-secret")
			if code != 200 || m["refresh_token"] == rt || m["x_refresh_token_expires_in"] == nil || m["token_type"] != "bearer" {
				t.Fatalf("refresh: %d %v", code, m)
			}
			for i := range grace {
				if code, _ := refresh(t, s, rt, "sandbox-secret"); code != 200 {
					t.Errorf("grace use %d: %d", i+1, code)
				}
			}
			if code, m := refresh(t, s, rt, "sandbox-secret"); code != 400 || m["error"] != "invalid_grant" {
				t.Errorf("after grace: %d %v", code, m)
			}
		})
	}
}

func TestThrottle(t *testing.T) {
	t.Parallel()
	s := newServer(t, Options{PerWindow: 3, Window: time.Hour, RetryAfter: "60"})
	var codes []int
	for range 4 {
		code, h, _ := do(t, s, "GET", "companyinfo/"+s.RealmID(), "tok", "")
		codes = append(codes, code)
		if code == 429 && h.Get("Retry-After") != "60" {
			t.Errorf("Retry-After = %q", h.Get("Retry-After"))
		}
	}
	if diff := cmp.Diff([]int{200, 200, 200, 429}, codes); diff != "" {
		t.Errorf("codes (-want +got):\n%s", diff)
	}
}

func TestValidation(t *testing.T) {
	t.Parallel()
	s := newServer(t, Options{})
	cust := s.SeedCustomer(Customer{DisplayName: "O'Brien"})
	item := s.SeedItem(Item{Name: "Services"})
	line := func(amount string) string {
		return `{"DetailType":"SalesItemLineDetail","Amount":` + amount + `,"SalesItemLineDetail":{"ItemRef":{"value":"` + item + `"},"Qty":128.35,"UnitPrice":14.50}}`
	}
	tests := []struct {
		name, body, code string
	}{
		{"half cent rounds up", `{"CustomerRef":{"value":"` + cust + `"},"Line":[` + line("1861.08") + `]}`, ""},
		{"6070 amount", `{"CustomerRef":{"value":"` + cust + `"},"Line":[` + line("1861.07") + `]}`, "6070"},
		{"no customer", `{"Line":[` + line("1861.08") + `]}`, "2020"},
		{"unknown customer", `{"CustomerRef":{"value":"999"},"Line":[` + line("1861.08") + `]}`, "2500"},
		{"no lines", `{"CustomerRef":{"value":"` + cust + `"},"Line":[]}`, "2020"},
		{"stale", `{"Id":"3","SyncToken":"7","sparse":true,"PrivateNote":"x"}`, "5010"},
	}
	for _, tc := range tests {
		code, _, m := do(t, s, "POST", "invoice?requestid="+url.QueryEscape(tc.name), "tok", tc.body)
		if got := faultCode(m); got != tc.code || (tc.code == "" && code != 200) {
			t.Errorf("%s: HTTP %d code %q, want %q (%v)", tc.name, code, got, tc.code, m)
		}
	}
	_, _, m := do(t, s, "GET", "invoice/3", "tok", "")
	inv := m["Invoice"].(map[string]any)
	if inv["TotalAmt"].(float64) != 1861.08 || inv["DocNumber"] == "" {
		t.Errorf("invoice %v", inv)
	}
	if code, _, m := do(t, s, "POST", "invoice", "tok", `{"Id":"3","SyncToken":"0","sparse":true,"PrivateNote":"x"}`); code != 200 || faultCode(m) != "" {
		t.Errorf("sparse update: %d %v", code, m)
	}
	if code, _, _ := do(t, s, "GET", "invoice/3?minorversion=", "tok", ""); code != 400 {
		t.Errorf("no minorversion: %d", code)
	}
	var items []string
	for i := range 31 {
		items = append(items, fmt.Sprintf(`{"bId":"%d","Query":"SELECT * FROM Item"}`, i))
	}
	if code, _, m := do(t, s, "POST", "batch", "tok", `{"BatchItemRequest":[`+strings.Join(items, ",")+`]}`); code != 400 || faultCode(m) == "" {
		t.Errorf("31-item batch: %d %v", code, m)
	}
}

func TestParseQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		q    string
		want parsedQuery
		err  bool
	}{
		{`SELECT * FROM Customer WHERE DisplayName = 'O\'Brien' STARTPOSITION 3 MAXRESULTS 1000`,
			parsedQuery{entity: "Customer", conds: []cond{{"DisplayName", "=", []string{"O'Brien"}}}, start: 3, max: 1000}, false},
		{`select * from Invoice where Balance > '0' AND Id IN ('1', '2') ORDERBY TxnDate DESC`,
			parsedQuery{entity: "Invoice", conds: []cond{{"Balance", ">", []string{"0"}}, {"Id", "IN", []string{"1", "2"}}}, orderBy: "TxnDate", desc: true, start: 1, max: 100}, false},
		{`SELECT COUNT(*) FROM Item`, parsedQuery{entity: "Item", start: 1, max: 100, count: true}, false},
		{`SELECT * FROM Customer WHERE DisplayName = 'O'Brien'`, parsedQuery{}, true},
		{`SELECT * FROM Item MAXRESULTS 1001`, parsedQuery{}, true},
		{`DELETE FROM Item`, parsedQuery{}, true},
	}
	for _, tc := range tests {
		got, err := parseQuery(tc.q)
		if (err != nil) != tc.err {
			t.Errorf("%s: err = %v", tc.q, err)
			continue
		}
		if !tc.err {
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(parsedQuery{}, cond{})); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.q, diff)
			}
		}
	}
}
