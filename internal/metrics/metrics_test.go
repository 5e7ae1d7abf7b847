package metrics

import (
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func render(t *testing.T, r *Registry) string {
	t.Helper()
	var b strings.Builder
	if _, err := r.WriteTo(&b); err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	return b.String()
}

func lines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

func TestCounterExposition(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	c := r.NewCounter("app_requests_total", "Requests handled.", "route", "code")
	c.Inc("/b", "200")
	c.Inc("/a", "500")
	c.Add(3, "/a", "200")
	c.Inc("/a", "200")
	r.NewCounter("app_boots_total", "Starts.\nSecond line with a \\ backslash.")

	want := []string{
		`# HELP app_boots_total Starts.\nSecond line with a \\ backslash.`,
		`# TYPE app_boots_total counter`,
		`app_boots_total 0`,
		`# HELP app_requests_total Requests handled.`,
		`# TYPE app_requests_total counter`,
		`app_requests_total{route="/a",code="200"} 4`,
		`app_requests_total{route="/a",code="500"} 1`,
		`app_requests_total{route="/b",code="200"} 1`,
	}
	if diff := cmp.Diff(want, lines(render(t, r))); diff != "" {
		t.Errorf("exposition (-want +got):\n%s", diff)
	}
	if got := c.Value("/a", "200"); got != 4 {
		t.Errorf("Value = %d, want 4", got)
	}
}

func TestLabelValueEscaping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, value, want string
	}{
		{"plain", "ok", `ok`},
		{"quote", `say "hi"`, `say \"hi\"`},
		{"backslash", `C:\dir`, `C:\\dir`},
		{"newline", "a\nb", `a\nb`},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
		{"unicode kept", "café", "café"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := NewRegistry()
			r.NewCounter("x_total", "X.", "v").Inc(tc.value)
			got := lines(render(t, r))[2]
			want := `x_total{v="` + tc.want + `"} 1`
			if got != want {
				t.Errorf("sample line = %s, want %s", got, want)
			}
			name, labels, value := parseSample(t, got)
			if diff := cmp.Diff([]string{"x_total", "v", strings.ToValidUTF8(tc.value, "\uFFFD"), "1"},
				[]string{name, labels[0][0], labels[0][1], value}); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInvalidUTF8LabelsDoNotCollide(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	c := r.NewCounter("x_total", "X.", "a", "b")
	c.Inc("p\xff", "q")
	c.Inc("p", "\xffq")
	want := []string{
		`# HELP x_total X.`,
		`# TYPE x_total counter`,
		"x_total{a=\"p\",b=\"\uFFFDq\"} 1",
		"x_total{a=\"p\uFFFD\",b=\"q\"} 1",
	}
	if diff := cmp.Diff(want, lines(render(t, r))); diff != "" {
		t.Errorf("exposition (-want +got):\n%s", diff)
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
	want := []string{
		`# HELP app_queue_depth Items waiting.`,
		`# TYPE app_queue_depth gauge`,
		`app_queue_depth{queue="drafts"} 4`,
		`app_queue_depth{queue="sync"} 0.5`,
		`app_queue_depth{queue="zz"} +Inf`,
	}
	if diff := cmp.Diff(want, lines(render(t, r))); diff != "" {
		t.Errorf("exposition (-want +got):\n%s", diff)
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
	want := []string{
		`# HELP app_duration_seconds Durations.`,
		`# TYPE app_duration_seconds histogram`,
		`app_duration_seconds_bucket{route="/a",le="0.1"} 2`,
		`app_duration_seconds_bucket{route="/a",le="1"} 3`,
		`app_duration_seconds_bucket{route="/a",le="+Inf"} 4`,
		`app_duration_seconds_sum{route="/a"} 2.65`,
		`app_duration_seconds_count{route="/a"} 4`,
		`app_duration_seconds_bucket{route="/b",le="0.1"} 0`,
		`app_duration_seconds_bucket{route="/b",le="1"} 1`,
		`app_duration_seconds_bucket{route="/b",le="+Inf"} 1`,
		`app_duration_seconds_sum{route="/b"} 1`,
		`app_duration_seconds_count{route="/b"} 1`,
	}
	if diff := cmp.Diff(want, lines(render(t, r))); diff != "" {
		t.Errorf("exposition (-want +got):\n%s", diff)
	}
}

func TestUnlabelledHistogramStartsAtZero(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	r.NewHistogram("job_seconds", "Job time.", []float64{1})
	want := []string{
		`# HELP job_seconds Job time.`,
		`# TYPE job_seconds histogram`,
		`job_seconds_bucket{le="1"} 0`,
		`job_seconds_bucket{le="+Inf"} 0`,
		`job_seconds_sum 0`,
		`job_seconds_count 0`,
	}
	if diff := cmp.Diff(want, lines(render(t, r))); diff != "" {
		t.Errorf("exposition (-want +got):\n%s", diff)
	}
}

func TestHandler(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	r.NewCounter("a_total", "A.").Inc()
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	if got := rec.Header().Get("Content-Type"); got != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if diff := cmp.Diff("# HELP a_total A.\n# TYPE a_total counter\na_total 1\n", rec.Body.String()); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
}

func TestRegistration(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	a := r.NewCounter("same_total", "Same.", "x")
	if b := r.NewCounter("same_total", "Same.", "x"); a != b {
		t.Error("identical registration returned a different counter")
	}
	panics := []struct {
		name string
		fn   func()
	}{
		{"different labels", func() { r.NewCounter("same_total", "Same.", "y") }},
		{"different kind", func() { r.NewGauge("same_total", "Same.", "x") }},
		{"bad metric name", func() { r.NewCounter("1abc", "Bad.") }},
		{"dash in name", func() { r.NewCounter("a-b", "Bad.") }},
		{"bad label name", func() { r.NewCounter("ok_total", "Bad.", "a:b") }},
		{"reserved label", func() { r.NewCounter("ok_total", "Bad.", "__x") }},
		{"duplicate label", func() { r.NewCounter("ok_total", "Bad.", "a", "a") }},
		{"le on histogram", func() { r.NewHistogram("h", "Bad.", nil, "le") }},
		{"unsorted buckets", func() { r.NewHistogram("h", "Bad.", []float64{1, 0.5}) }},
		{"no buckets", func() { r.NewHistogram("h", "Bad.", []float64{}) }},
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

func TestConcurrentRecording(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	c := r.NewCounter("c_total", "C.", "k")
	g := r.NewGauge("g", "G.")
	h := r.NewHistogram("h_seconds", "H.", []float64{1}, "k")
	const workers, each = 8, 500
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			k := []string{"even", "odd"}[w%2]
			for range each {
				c.Inc(k)
				g.Inc()
				h.Observe(0.5, k)
				_ = render(t, r)
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
	out := render(t, r)
	for _, want := range []string{`h_seconds_count{k="even"} 2000`, `h_seconds_bucket{k="odd",le="1"} 2000`} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("missing line %q in\n%s", want, out)
		}
	}
}
