package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"billbot/internal/metrics"
	"billbot/internal/metrics/metricstest"
)

// fixture is a Server with a JSON log captured in a buffer.
type fixture struct {
	srv  *Server
	reg  *metrics.Registry
	logs *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newFixture builds a server from cfg, filling Logger and Metrics.
func newFixture(t *testing.T, cfg Config) *fixture {
	t.Helper()
	f := &fixture{reg: metrics.NewRegistry(), logs: &syncBuffer{}}
	cfg.Metrics = f.reg
	cfg.Logger = slog.New(slog.NewJSONHandler(f.logs, nil))
	f.srv = New(cfg)
	return f
}

// do serves one request through Handler.
func (f *fixture) do(t *testing.T, method, target string, hdr http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(""))
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	return rec
}

// accessLines returns the decoded "http request" log records.
func (f *fixture) accessLines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(f.logs.String()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %q: %v", sc.Text(), err)
		}
		if m["msg"] == "http request" {
			out = append(out, m)
		}
	}
	return out
}

// scrape GETs /metrics through the server's own routes and parses it.
// The scrape itself is counted after it answers, so it shows in the next
// scrape only.
func (f *fixture) scrape(t *testing.T) map[string]metricstest.Family {
	t.Helper()
	return metricstest.Scrape(t, f.srv.Handler())
}

// checkSamples reports each sample of want (by metricstest.Key) that the
// scrape lacks or holds with another value.
func checkSamples(t *testing.T, got map[string]metricstest.Family, want map[string]float64) {
	t.Helper()
	all := make(map[string]float64)
	for _, f := range got {
		maps.Copy(all, f.Samples)
	}
	for k, v := range want {
		if g, ok := all[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
}

// stepClock advances by step on every reading.
type stepClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.step)
	return c.t
}

// echo answers 200 with name and the request path.
func echo(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, name+" "+r.URL.Path)
	})
}
