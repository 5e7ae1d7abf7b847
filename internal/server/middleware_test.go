package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/metrics/metricstest"
)

func TestAccessLogHasNoQueryString(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{QBOCallback: echo("callback")})
	rec := f.do(t, "GET", "/oauth/qbo/callback?code=SECRETCODE&state=s&realmId=123", nil)
	if rec.Code != 200 {
		t.Fatalf("status = %d", rec.Code)
	}
	logs := f.logs.String()
	for _, leak := range []string{"SECRETCODE", "realmId", "?code"} {
		if strings.Contains(logs, leak) {
			t.Errorf("log contains %q:\n%s", leak, logs)
		}
	}
	lines := f.accessLines(t)
	if len(lines) != 1 {
		t.Fatalf("got %d access lines, want 1:\n%s", len(lines), logs)
	}
	got := lines[0]
	delete(got, "time")
	want := map[string]any{
		"level": "INFO", "msg": "http request", "component": "http",
		"method": "GET", "route": "/oauth/qbo/callback", "status": float64(200),
		"duration_ms": got["duration_ms"], "request_id": rec.Header().Get(RequestIDHeader),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("access line (-want +got):\n%s", diff)
	}
}

func TestAccessLogDuration(t *testing.T) {
	t.Parallel()
	clock := &stepClock{t: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), step: 250 * time.Millisecond}
	f := newFixture(t, Config{Now: clock.Now})
	f.do(t, "GET", "/healthz", nil)
	if got := f.accessLines(t)[0]["duration_ms"]; got != float64(250) {
		t.Errorf("duration_ms = %v, want 250", got)
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	var seen string
	f := newFixture(t, Config{Slack: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = RequestID(r.Context())
	})})
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	tests := []struct {
		name, in string
		keep     bool
	}{
		{"absent", "", false},
		{"kept", "abc-123_X.y:z", true},
		{"space", "a b", false},
		{"newline", "a\nb", false},
		{"too long", strings.Repeat("a", 129), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hdr := http.Header{}
			if tc.in != "" {
				hdr.Set(RequestIDHeader, tc.in)
			}
			got := f.do(t, "POST", "/slack/events", hdr).Header().Get(RequestIDHeader)
			if tc.keep && got != tc.in {
				t.Errorf("id = %q, want %q kept", got, tc.in)
			}
			if !tc.keep && !hex32.MatchString(got) {
				t.Errorf("id = %q, want a new 32-hex id", got)
			}
			if seen != got {
				t.Errorf("handler saw id %q, response has %q", seen, got)
			}
		})
	}
}

func TestPanicRecovery(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{
		Slack: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }),
		QBOWebhook: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, "partial")
			panic("late boom")
		}),
	})
	ts := httptest.NewServer(f.srv.Handler())
	t.Cleanup(ts.Close)

	resp, err := ts.Client().Post(ts.URL+"/slack/commands", "text/plain", nil)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	id := resp.Header.Get(RequestIDHeader)
	if resp.StatusCode != 500 || string(body) != "internal server error (request id "+id+")\n" {
		t.Errorf("got %d %q, want 500 with the request id", resp.StatusCode, body)
	}

	// A panic after the status line was sent aborts the response.
	if resp, err := ts.Client().Post(ts.URL+"/webhooks/qbo", "text/plain", nil); err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			t.Error("late panic: response arrived whole, want it aborted")
		}
	}

	resp, err = ts.Client().Get(ts.URL + "/healthz")
	if err != nil {
		t.Fatalf("server stopped serving after a panic: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("healthz after panic = %d", resp.StatusCode)
	}

	checkSamples(t, f.scrape(t), map[string]float64{
		reqKey("/slack/", "POST", "500"):       1,
		reqKey("/webhooks/qbo", "POST", "500"): 1,
		reqKey("/healthz", "GET", "200"):       1,
	})
	logs := f.logs.String()
	if !strings.Contains(logs, `"msg":"panic serving request"`) || !strings.Contains(logs, `"panic":"boom"`) {
		t.Errorf("panic not logged:\n%s", logs)
	}
}

func TestRequestMetrics(t *testing.T) {
	t.Parallel()
	clock := &stepClock{t: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), step: 30 * time.Millisecond}
	// The Slack transport is itself a ServeMux; its finer pattern labels the request.
	slackMux := http.NewServeMux()
	slackMux.Handle("POST /slack/commands", echo("cmd"))
	f := newFixture(t, Config{Now: clock.Now, Slack: slackMux})
	f.do(t, "GET", "/healthz", nil)
	f.do(t, "GET", "/healthz", nil)
	f.do(t, "POST", "/slack/commands", nil)
	f.do(t, "POST", "/slack/nope", nil)
	f.do(t, "GET", "/no/such/path?x=1", nil)
	f.do(t, "BREW", "/healthz", nil)

	got := f.scrape(t)
	for name, want := range map[string][2]string{
		"billbot_http_requests_total": {"counter",
			"HTTP requests served, by route pattern, method and status code."},
		"billbot_http_request_duration_seconds": {"histogram",
			"Time to serve an HTTP request, by route pattern."},
	} {
		if f := got[name]; f.Type != want[0] || f.Help != want[1] {
			t.Errorf("%s: type %q help %q, want %q %q", name, f.Type, f.Help, want[0], want[1])
		}
	}
	bucket := func(route, le string) string {
		return metricstest.Key("billbot_http_request_duration_seconds_bucket", "route", route, "le", le)
	}
	count := func(route string) string {
		return metricstest.Key("billbot_http_request_duration_seconds_count", "route", route)
	}
	checkSamples(t, got, map[string]float64{
		// Each request takes one 30ms clock step: in the 0.05 bucket, not 0.025.
		bucket("/healthz", "0.005"): 0,
		bucket("/healthz", "0.025"): 0,
		bucket("/healthz", "0.05"):  2,
		bucket("/healthz", "10"):    2,
		bucket("/healthz", "+Inf"):  2,
		metricstest.Key("billbot_http_request_duration_seconds_sum", "route", "/healthz"): 0.06,
		count("/healthz"):                        2,
		count("/slack/commands"):                 1,
		count("unmatched"):                       3,
		reqKey("/healthz", "GET", "200"):         2,
		reqKey("/slack/commands", "POST", "200"): 1,
		reqKey("unmatched", "GET", "404"):        1,
		reqKey("unmatched", "OTHER", "405"):      1,
		reqKey("unmatched", "POST", "404"):       1,
	})
	if n := len(got["billbot_http_requests_total"].Samples); n != 5 {
		t.Errorf("billbot_http_requests_total has %d series, want 5: %v", n, got["billbot_http_requests_total"].Samples)
	}
	// The exposition keeps the Go runtime and process metrics beside billbot's.
	for _, name := range []string{"go_goroutines", "go_memstats_alloc_bytes", "go_info"} {
		if _, ok := got[name]; !ok {
			t.Errorf("%s missing from /metrics", name)
		}
	}
	if runtime.GOOS == "linux" {
		for _, name := range []string{"process_cpu_seconds_total", "process_resident_memory_bytes", "process_start_time_seconds"} {
			if _, ok := got[name]; !ok {
				t.Errorf("%s missing from /metrics", name)
			}
		}
	}
	// A scrape is itself a request, counted once it has answered.
	checkSamples(t, f.scrape(t), map[string]float64{reqKey("/metrics", "GET", "200"): 1})
}

// reqKey names one series of billbot_http_requests_total.
func reqKey(route, method, code string) string {
	return metricstest.Key("billbot_http_requests_total", "route", route, "method", method, "code", code)
}

func TestSameRegistryTwice(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	other := New(Config{Metrics: f.reg})
	other.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/healthz", nil))
	f.do(t, "GET", "/healthz", nil)
	checkSamples(t, f.scrape(t), map[string]float64{reqKey("/healthz", "GET", "200"): 2})
}
