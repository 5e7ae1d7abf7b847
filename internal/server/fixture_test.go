package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"billbot/internal/metrics"
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

// scrape returns the metrics exposition as lines.
func (f *fixture) scrape(t *testing.T) []string {
	t.Helper()
	var b strings.Builder
	if _, err := f.reg.WriteTo(&b); err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	return strings.Split(b.String(), "\n")
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

func contains(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}
