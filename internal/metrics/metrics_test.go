package metrics

import (
	"math"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"billbot/internal/metrics/metricstest"
)

var key = metricstest.Key

// scrape serves r through its promhttp handler and parses the text.
func scrape(t *testing.T, r *Registry) map[string]metricstest.Family {
	t.Helper()
	return metricstest.Scrape(t, r.Handler())
}

// billbot returns the scraped families other than the runtime and process
// collectors'.
func billbot(t *testing.T, r *Registry) map[string]metricstest.Family {
	t.Helper()
	out := scrape(t, r)
	for name := range out {
		if strings.HasPrefix(name, "go_") || strings.HasPrefix(name, "process_") {
			delete(out, name)
		}
	}
	return out
}

func TestCounter(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	c := r.NewCounter("app_requests_total", "Requests handled.", "route", "code")
	c.Inc("/b", "200")
	c.Inc("/a", "500")
	c.Add(3, "/a", "200")
	c.Inc("/a", "200")
	r.NewCounter("app_boots_total", "Starts.\nSecond line with a \\ backslash.")

	want := map[string]metricstest.Family{
		"app_boots_total": {Type: "counter", Help: "Starts.\nSecond line with a \\ backslash.",
			Samples: map[string]float64{"app_boots_total": 0}},
		"app_requests_total": {Type: "counter", Help: "Requests handled.", Samples: map[string]float64{
			key("app_requests_total", "route", "/a", "code", "200"): 4,
			key("app_requests_total", "route", "/a", "code", "500"): 1,
			key("app_requests_total", "route", "/b", "code", "200"): 1,
		}},
	}
	if diff := cmp.Diff(want, billbot(t, r)); diff != "" {
		t.Errorf("scrape (-want +got):\n%s", diff)
	}
	if got := c.Value("/a", "200"); got != 4 {
		t.Errorf("Value = %d, want 4", got)
	}
}

func TestLabelValuesRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, value, want string }{
		{"plain", "ok", "ok"},
		{"quote", `say "hi"`, `say "hi"`},
		{"backslash", `C:\dir`, `C:\dir`},
		{"newline", "a\nb", "a\nb"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
		{"unicode kept", "café", "café"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := NewRegistry()
			c := r.NewCounter("x_total", "X.", "v")
			c.Inc(tc.value)
			want := map[string]float64{key("x_total", "v", tc.want): 1}
			if diff := cmp.Diff(want, billbot(t, r)["x_total"].Samples); diff != "" {
				t.Errorf("samples (-want +got):\n%s", diff)
			}
			if got := c.Value(tc.value); got != 1 {
				t.Errorf("Value(%q) = %d, want 1", tc.value, got)
			}
		})
	}
}

func TestInvalidUTF8LabelsDoNotPanic(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	c := r.NewCounter("x_total", "X.", "a", "b")
	c.Inc("p\xff", "q")
	c.Inc("p", "\xffq")
	want := map[string]float64{
		key("x_total", "a", "p", "b", "\uFFFDq"): 1,
		key("x_total", "a", "p\uFFFD", "b", "q"): 1,
	}
	if diff := cmp.Diff(want, billbot(t, r)["x_total"].Samples); diff != "" {
		t.Errorf("samples (-want +got):\n%s", diff)
	}
}

func TestGauge(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	g := r.NewGauge("app_queue_depth", "Items waiting.", "queue")
	g.Set(5, "drafts")
	g.Inc("drafts")
	g.Dec("drafts")
	g.Dec("drafts")
	g.Add(0.5, "sync")
	g.Set(math.Inf(+1), "zz")
	r.NewGauge("app_workers", "Workers running.")
	want := map[string]metricstest.Family{
		"app_queue_depth": {Type: "gauge", Help: "Items waiting.", Samples: map[string]float64{
			key("app_queue_depth", "queue", "drafts"): 4,
			key("app_queue_depth", "queue", "sync"):   0.5,
			key("app_queue_depth", "queue", "zz"):     math.Inf(+1),
		}},
		"app_workers": {Type: "gauge", Help: "Workers running.", Samples: map[string]float64{"app_workers": 0}},
	}
	if diff := cmp.Diff(want, billbot(t, r)); diff != "" {
		t.Errorf("scrape (-want +got):\n%s", diff)
	}
	if got := g.Value("drafts"); got != 4 {
		t.Errorf("Value = %v, want 4", got)
	}
}

func TestHistogram(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	h := r.NewHistogram("app_duration_seconds", "Durations.", []float64{0.1, 1, math.Inf(+1)}, "route")
	for _, v := range []float64{0.05, 0.1, 0.5, 2} {
		h.Observe(v, "/a")
	}
	h.Observe(1, "/b")
	r.NewHistogram("job_seconds", "Job time.", []float64{1})
	b := func(route, le string) string { return key("app_duration_seconds_bucket", "route", route, "le", le) }
	want := map[string]metricstest.Family{
		"app_duration_seconds": {Type: "histogram", Help: "Durations.", Samples: map[string]float64{
			b("/a", "0.1"): 2, b("/a", "1"): 3, b("/a", "+Inf"): 4,
			key("app_duration_seconds_sum", "route", "/a"):   2.65,
			key("app_duration_seconds_count", "route", "/a"): 4,
			b("/b", "0.1"): 0, b("/b", "1"): 1, b("/b", "+Inf"): 1,
			key("app_duration_seconds_sum", "route", "/b"):   1,
			key("app_duration_seconds_count", "route", "/b"): 1,
		}},
		// An unlabelled histogram is there, at zero, before any observation.
		"job_seconds": {Type: "histogram", Help: "Job time.", Samples: map[string]float64{
			key("job_seconds_bucket", "le", "1"): 0, key("job_seconds_bucket", "le", "+Inf"): 0,
			"job_seconds_sum": 0, "job_seconds_count": 0,
		}},
	}
	if diff := cmp.Diff(want, billbot(t, r)); diff != "" {
		t.Errorf("scrape (-want +got):\n%s", diff)
	}
	if got, want := DefaultBuckets(), []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}; !cmp.Equal(got, want) {
		t.Errorf("DefaultBuckets = %v, want %v", got, want)
	}
}

func TestFuncMetrics(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	var mu sync.Mutex
	open, waits := 3.0, 7.0
	read := func(v *float64) func() float64 {
		return func() float64 { mu.Lock(); defer mu.Unlock(); return *v }
	}
	r.NewGaugeFunc("app_db_connections", "Connections by state.", Labels{"state": "open"}, read(&open))
	r.NewGaugeFunc("app_db_connections", "Connections by state.", Labels{"state": "idle"}, func() float64 { return 1 })
	r.NewCounterFunc("app_db_waits_total", "Waits for a connection.", nil, read(&waits))

	want := map[string]metricstest.Family{
		"app_db_connections": {Type: "gauge", Help: "Connections by state.", Samples: map[string]float64{
			key("app_db_connections", "state", "idle"): 1,
			key("app_db_connections", "state", "open"): 3,
		}},
		"app_db_waits_total": {Type: "counter", Help: "Waits for a connection.",
			Samples: map[string]float64{"app_db_waits_total": 7}},
	}
	if diff := cmp.Diff(want, billbot(t, r)); diff != "" {
		t.Errorf("first scrape (-want +got):\n%s", diff)
	}
	// The functions are read again at every scrape.
	mu.Lock()
	open, waits = 5, 9
	mu.Unlock()
	got := billbot(t, r)
	if v := got["app_db_connections"].Samples[key("app_db_connections", "state", "open")]; v != 5 {
		t.Errorf("gauge after change = %v, want 5", v)
	}
	if v := got["app_db_waits_total"].Samples["app_db_waits_total"]; v != 9 {
		t.Errorf("counter after change = %v, want 9", v)
	}

	panics := []struct {
		name string
		fn   func()
	}{
		{"same series twice", func() {
			r.NewGaugeFunc("app_db_connections", "Connections by state.", Labels{"state": "idle"}, read(&open))
		}},
		{"other label names", func() {
			r.NewGaugeFunc("app_db_connections", "Connections by state.", Labels{"pool": "x"}, read(&open))
		}},
		{"other help", func() { r.NewGaugeFunc("app_db_connections", "Other.", Labels{"state": "busy"}, read(&open)) }},
		{"counter func without _total", func() { r.NewCounterFunc("app_db_waits", "Waits.", nil, read(&waits)) }},
		{"func over a plain gauge", func() { r.NewGauge("app_g", "G."); r.NewGaugeFunc("app_g", "G.", nil, read(&open)) }},
		{"bad constant label", func() { r.NewGaugeFunc("app_h", "H.", Labels{"__x": "1"}, read(&open)) }},
	}
	for _, tc := range panics {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tc.fn()
		})
	}
}

func TestRuntimeAndProcessMetrics(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	r.NewCounter("app_boots_total", "Starts.")
	got := scrape(t, r)
	want := map[string]string{
		"go_goroutines":           "gauge",
		"go_threads":              "gauge",
		"go_info":                 "gauge",
		"go_gc_duration_seconds":  "summary",
		"go_memstats_alloc_bytes": "gauge",
		"app_boots_total":         "counter",
	}
	if runtime.GOOS == "linux" {
		// The process collector reads /proc; elsewhere it exposes less.
		want["process_cpu_seconds_total"] = "counter"
		want["process_resident_memory_bytes"] = "gauge"
		want["process_open_fds"] = "gauge"
		want["process_start_time_seconds"] = "gauge"
	}
	for name, typ := range want {
		if f, ok := got[name]; !ok || f.Type != typ {
			t.Errorf("%s: got %+v present=%v, want type %s", name, f.Type, ok, typ)
		}
	}
	if v := got["go_goroutines"].Samples["go_goroutines"]; v < 1 {
		t.Errorf("go_goroutines = %v, want at least 1", v)
	}
	if v := got["go_info"].Samples[key("go_info", "version", runtime.Version())]; v != 1 {
		t.Errorf("go_info{version=%q} = %v, want 1", runtime.Version(), v)
	}
	// Everything served, the collectors' metrics included, passes the
	// Prometheus naming lint.
	problems, err := testutil.GatherAndLint(r)
	if err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", problems, err)
	}
}

func TestHandlerHeaders(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	// WriteTo writes the same text format, for logs and tests.
	var b strings.Builder
	if _, err := r.WriteTo(&b); err != nil || !strings.Contains(b.String(), "# TYPE go_goroutines gauge\n") {
		t.Errorf("WriteTo: %v\n%s", err, b.String())
	}
}

func TestRegistration(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	a := r.NewCounter("same_total", "Same.", "x")
	if b := r.NewCounter("same_total", "Same.", "x"); a != b {
		t.Error("identical registration returned a different counter")
	}
	h := r.NewHistogram("same_seconds", "Same.", nil)
	if h2 := r.NewHistogram("same_seconds", "Same.", DefaultBuckets()); h != h2 {
		t.Error("identical histogram registration returned a different histogram")
	}
	r.MustRegister(collectors.NewBuildInfoCollector())
	panics := []struct {
		name string
		fn   func()
	}{
		{"different labels", func() { r.NewCounter("same_total", "Same.", "y") }},
		{"different help", func() { r.NewCounter("same_total", "Other.", "x") }},
		{"different kind", func() { r.NewGauge("same_total", "Same.", "x") }},
		{"different buckets", func() { r.NewHistogram("same_seconds", "Same.", []float64{1}) }},
		{"bad metric name", func() { r.NewCounter("1abc_total", "Bad.") }},
		{"dash in name", func() { r.NewCounter("a-b_total", "Bad.") }},
		{"bad label name", func() { r.NewCounter("ok_total", "Bad.", "a:b") }},
		{"reserved label", func() { r.NewCounter("ok_total", "Bad.", "__x") }},
		{"duplicate label", func() { r.NewCounter("ok_total", "Bad.", "a", "a") }},
		{"le on histogram", func() { r.NewHistogram("h_seconds", "Bad.", nil, "le") }},
		{"unsorted buckets", func() { r.NewHistogram("h_seconds", "Bad.", []float64{1, 0.5}) }},
		{"NaN bucket", func() { r.NewHistogram("h_seconds", "Bad.", []float64{math.NaN()}) }},
		{"no buckets", func() { r.NewHistogram("h_seconds", "Bad.", []float64{}) }},
		{"counter without _total", func() { r.NewCounter("app_requests", "Bad.") }},
		{"gauge with _total", func() { r.NewGauge("app_requests_total", "Bad.") }},
		{"not a base unit", func() { r.NewHistogram("app_duration_milliseconds", "Bad.", []float64{1}) }},
		{"abbreviated unit", func() { r.NewGauge("app_uptime_sec", "Bad.") }},
		{"camelCase", func() { r.NewGauge("app_queueDepth", "Bad.") }},
		{"reserved suffix", func() { r.NewGauge("app_jobs_count", "Bad.") }},
		{"no help", func() { r.NewGauge("app_depth", "") }},
		{"clash with the Go collector", func() { r.NewGauge("go_goroutines", "Goroutines.") }},
		{"clash with a registered collector", func() { r.MustRegister(collectors.NewBuildInfoCollector()) }},
		{"too few label values", func() { a.Inc() }},
		{"too many label values", func() { a.Inc("1", "2") }},
	}
	for _, tc := range panics {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tc.fn()
		})
	}
}

func TestRegistriesAreIsolated(t *testing.T) {
	t.Parallel()
	a, b := NewRegistry(), NewRegistry()
	a.NewCounter("app_boots_total", "Starts.").Inc()
	b.NewCounter("app_boots_total", "Starts.")
	if got := billbot(t, b)["app_boots_total"].Samples["app_boots_total"]; got != 0 {
		t.Errorf("second registry sees the first's count: %v", got)
	}
}

func TestConcurrentRecording(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	c := r.NewCounter("c_total", "C.", "k")
	g := r.NewGauge("g", "G.")
	h := r.NewHistogram("h_seconds", "H.", []float64{1}, "k")
	const workers, each = 8, 200
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			k := []string{"even", "odd"}[w%2]
			for i := range each {
				c.Inc(k)
				g.Inc()
				h.Observe(0.5, k)
				if i%50 == 0 {
					_ = scrape(t, r)
				}
			}
		})
	}
	wg.Wait()
	if got := c.Value("even") + c.Value("odd"); got != workers*each {
		t.Errorf("counter total = %d, want %d", got, workers*each)
	}
	if got := g.Value(); got != workers*each {
		t.Errorf("gauge = %v, want %d", got, workers*each)
	}
	got := billbot(t, r)["h_seconds"].Samples
	for k, want := range map[string]float64{
		key("h_seconds_count", "k", "even"):            workers / 2 * each,
		key("h_seconds_bucket", "k", "odd", "le", "1"): workers / 2 * each,
	} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
}
