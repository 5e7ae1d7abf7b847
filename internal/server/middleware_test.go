package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
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

	lines := f.scrape(t)
	for _, want := range []string{
		`billbot_http_requests_total{route="/slack/",method="POST",code="500"} 1`,
		`billbot_http_requests_total{route="/webhooks/qbo",method="POST",code="500"} 1`,
		`billbot_http_requests_total{route="/healthz",method="GET",code="200"} 1`,
	} {
		if !contains(lines, want) {
			t.Errorf("missing %q in\n%s", want, strings.Join(lines, "\n"))
		}
	}
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

	want := []string{
		`# HELP billbot_http_request_duration_seconds Time to serve an HTTP request, by route pattern.`,
		`# TYPE billbot_http_request_duration_seconds histogram`,
		`billbot_http_request_duration_seconds_bucket{route="/healthz",le="0.005"} 0`,
		`billbot_http_request_duration_seconds_bucket{route="/healthz",le="0.01"} 0`,
		`billbot_http_request_duration_seconds_bucket{route="/healthz",le="0.025"} 0`,
		`billbot_http_request_duration_seconds_bucket{route="/healthz",le="0.05"} 2`,
	}
	lines := f.scrape(t)
	if diff := cmp.Diff(want, lines[:len(want)]); diff != "" {
		t.Errorf("histogram head (-want +got):\n%s", diff)
	}
	for _, w := range []string{
		`billbot_http_request_duration_seconds_count{route="/healthz"} 2`,
		`billbot_http_request_duration_seconds_count{route="/slack/commands"} 1`,
		`billbot_http_request_duration_seconds_count{route="unmatched"} 3`,
		`# TYPE billbot_http_requests_total counter`,
		`billbot_http_requests_total{route="/healthz",method="GET",code="200"} 2`,
		`billbot_http_requests_total{route="/slack/commands",method="POST",code="200"} 1`,
		`billbot_http_requests_total{route="unmatched",method="GET",code="404"} 1`,
		`billbot_http_requests_total{route="unmatched",method="OTHER",code="405"} 1`,
		`billbot_http_requests_total{route="unmatched",method="POST",code="404"} 1`,
	} {
		if !contains(lines, w) {
			t.Errorf("missing %q in\n%s", w, strings.Join(lines, "\n"))
		}
	}
}

func TestSameRegistryTwice(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	other := New(Config{Metrics: f.reg})
	other.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/healthz", nil))
	f.do(t, "GET", "/healthz", nil)
	if !contains(f.scrape(t), `billbot_http_requests_total{route="/healthz",method="GET",code="200"} 2`) {
		t.Error("two servers on one registry do not share the counter")
	}
}
