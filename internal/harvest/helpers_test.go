package harvest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"billbot/internal/harvest"
)

const (
	testAccount = "987654"
	testToken   = "pat-secret-123"
)

// fakeClock is a clock whose Sleep advances time instead of waiting.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 31, 18, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	c.sleeps = append(c.sleeps, d)
	return nil
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// setup starts a per-test server and returns a client pointed at it, the
// mux to register handlers on, and the clock the client waits with
// (go-github's setup pattern).
func setup(t *testing.T, opts ...harvest.Option) (*harvest.Client, *http.ServeMux, *httptest.Server, *fakeClock) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	clock := newFakeClock()
	all := append([]harvest.Option{
		harvest.WithUserAgent("ops@firm.example"),
		harvest.WithClock(clock.Now),
		harvest.WithSleep(clock.Sleep),
	}, opts...)
	c, err := harvest.NewClient(srv.URL+"/v2/", testAccount, testToken, all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c, mux, srv, clock
}

// testHeaders checks the three headers Harvest requires on every request.
func testHeaders(t *testing.T, r *http.Request) {
	t.Helper()
	if r.Method != http.MethodGet {
		t.Errorf("method = %s, want GET", r.Method)
	}
	want := map[string]string{
		"Authorization":      "Bearer " + testToken,
		"Harvest-Account-Id": testAccount,
		"User-Agent":         "billbot (ops@firm.example)",
	}
	for k, v := range want {
		if got := r.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
}

// fixture serves testdata/name.
func fixture(t *testing.T, name string) http.HandlerFunc {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return func(w http.ResponseWriter, r *http.Request) {
		testHeaders(t, r)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}
}
