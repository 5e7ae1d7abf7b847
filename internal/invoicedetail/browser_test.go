package invoicedetail_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"billbot/internal/invoicedetail"
)

// chromiumPath is Debian's chromium package (scripts/test installs it).
const chromiumPath = "/usr/bin/chromium"

// dumpDOM opens u in headless Chromium and returns the DOM it rendered.
func dumpDOM(t *testing.T, u string) string {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing (apt-get install -y chromium): %v", chromiumPath, err)
		}
		t.Skipf("%s is missing: %v", chromiumPath, err)
	}
	// A bound so a wedged browser cannot hang the suite; not an assertion.
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromiumPath, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--dump-dom", u)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom %s: %v", u, err)
	}
	return string(out)
}

// statusRecorder remembers the status of each request path it served.
type statusRecorder struct {
	mu     sync.Mutex
	status map[string]int
	next   http.Handler
}

type recordingWriter struct {
	http.ResponseWriter
	code int
}

func (w *recordingWriter) WriteHeader(code int) { w.code = code; w.ResponseWriter.WriteHeader(code) }

func (s *statusRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rw := &recordingWriter{ResponseWriter: w, code: http.StatusOK}
	s.next.ServeHTTP(rw, r)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status[r.URL.RequestURI()] = rw.code
}

func (s *statusRecorder) of(uri string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status[uri]
}

// TestDetailPageInBrowser renders the signed page in headless Chromium and
// reads the rows and totals from the DOM; a tampered and an expired link
// are answered 403 and show no invoice data.
func TestDetailPageInBrowser(t *testing.T) {
	d := sample(12)
	var now atomic.Int64 // the server's clock, moved past the expiry below
	now.Store(t0.UnixNano())
	rec := &statusRecorder{status: map[string]int{}}
	srv, s := serve(t, d, func() time.Time { return time.Unix(0, now.Load()) }, func(h http.Handler) http.Handler {
		rec.next = h
		return rec
	})
	link, _ := s.Link(d.Number)

	dom := dumpDOM(t, link)
	if n := strings.Count(dom, `class="entry"`); n != 12 {
		t.Errorf("DOM has %d entry rows, want 12", n)
	}
	if n := strings.Count(dom, `class="line"`); n != 2 {
		t.Errorf("DOM has %d line rows, want 2", n)
	}
	for id, want := range map[string]string{
		"total": d.Total.Display(d.Currency), "subtotal": d.Subtotal.Display(d.Currency),
		"hours": d.Hours.String(), "entries": "12", "number": "1042",
	} {
		m := regexp.MustCompile(`id="` + id + `"[^>]*>([^<]*)<`).FindStringSubmatch(dom)
		if m == nil || m[1] != want {
			t.Errorf("#%s = %v, want %q", id, m, want)
		}
	}
	for _, want := range []string{"Harvest id", "900011", "Staff 4", "Acme &lt;Corp&gt;", "Disputed since", "Download CSV"} {
		if !strings.Contains(dom, want) {
			t.Errorf("DOM lacks %q", want)
		}
	}
	if !strings.Contains(dom, `data-harvest="900000"`) {
		t.Error("entry rows carry no Harvest id")
	}

	tampered := strings.Replace(link, "/invoices/1042", "/invoices/1043", 1)
	dom = dumpDOM(t, tampered)
	if code := rec.of(strings.TrimPrefix(tampered, srv.URL)); code != http.StatusForbidden {
		t.Errorf("tampered link: %d, want 403", code)
	}
	if strings.Contains(dom, "900000") || !strings.Contains(dom, "invalid or has expired") {
		t.Errorf("tampered link shows:\n%s", dom)
	}

	now.Store(t0.Add(invoicedetail.LinkTTL + time.Minute).UnixNano())
	dom = dumpDOM(t, link)
	if code := rec.of(strings.TrimPrefix(link, srv.URL)); code != http.StatusForbidden {
		t.Errorf("expired link: %d, want 403", code)
	}
	if strings.Contains(dom, "900000") {
		t.Errorf("expired link shows entries")
	}
}
