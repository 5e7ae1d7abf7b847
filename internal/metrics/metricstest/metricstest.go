// Package metricstest scrapes a /metrics handler the way Prometheus does
// and returns what it served as plain values, for tests to compare.
package metricstest

import (
	"mime"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Family is one scraped metric family.
type Family struct {
	Type string // counter, gauge, histogram, summary or untyped
	Help string
	// Samples holds every sample by its Key: a histogram's are
	// name_bucket{...,le="…"}, name_sum{...} and name_count{...}, a
	// summary's name{...,quantile="…"}, name_sum and name_count.
	Samples map[string]float64
}

// Key spells a sample as name{label="value",...}, the labels given as
// name, value pairs and written sorted by name; no labels give the bare
// name.
func Key(name string, labelPairs ...string) string {
	if len(labelPairs)%2 != 0 {
		panic("metricstest.Key: odd number of label name/value arguments")
	}
	pairs := make([]string, 0, len(labelPairs)/2)
	for i := 0; i < len(labelPairs); i += 2 {
		pairs = append(pairs, labelPairs[i]+"="+strconv.Quote(labelPairs[i+1]))
	}
	if len(pairs) == 0 {
		return name
	}
	sort.Strings(pairs)
	return name + "{" + strings.Join(pairs, ",") + "}"
}

// Scrape GETs /metrics from h without an Accept header, checks the answer
// is 200 in the text format 0.0.4, and parses it with the Prometheus text
// parser, which fails on anything Prometheus would not read.
func Scrape(t testing.TB, h http.Handler) map[string]Family {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: status %d: %s", rec.Code, rec.Body)
	}
	ct := rec.Header().Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "text/plain" || params["version"] != "0.0.4" {
		t.Fatalf("GET /metrics: Content-Type %q is not the text format 0.0.4", ct)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	mfs, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("GET /metrics: parse: %v", err)
	}
	out := make(map[string]Family, len(mfs))
	for name, mf := range mfs {
		f := Family{Type: strings.ToLower(mf.GetType().String()), Help: mf.GetHelp(), Samples: map[string]float64{}}
		for _, m := range mf.GetMetric() {
			addSamples(f.Samples, name, mf.GetType(), m)
		}
		out[name] = f
	}
	return out
}

func addSamples(s map[string]float64, name string, typ dto.MetricType, m *dto.Metric) {
	var labels []string
	for _, l := range m.GetLabel() {
		labels = append(labels, l.GetName(), l.GetValue())
	}
	with := func(extra ...string) []string { return append(append([]string(nil), labels...), extra...) }
	switch typ {
	case dto.MetricType_COUNTER:
		s[Key(name, labels...)] = m.GetCounter().GetValue()
	case dto.MetricType_GAUGE:
		s[Key(name, labels...)] = m.GetGauge().GetValue()
	case dto.MetricType_HISTOGRAM:
		h := m.GetHistogram()
		for _, b := range h.GetBucket() {
			s[Key(name+"_bucket", with("le", formatFloat(b.GetUpperBound()))...)] = float64(b.GetCumulativeCount())
		}
		s[Key(name+"_bucket", with("le", "+Inf")...)] = float64(h.GetSampleCount())
		s[Key(name+"_sum", labels...)] = h.GetSampleSum()
		s[Key(name+"_count", labels...)] = float64(h.GetSampleCount())
	case dto.MetricType_SUMMARY:
		sm := m.GetSummary()
		for _, q := range sm.GetQuantile() {
			s[Key(name, with("quantile", formatFloat(q.GetQuantile()))...)] = q.GetValue()
		}
		s[Key(name+"_sum", labels...)] = sm.GetSampleSum()
		s[Key(name+"_count", labels...)] = float64(sm.GetSampleCount())
	default:
		s[Key(name, labels...)] = m.GetUntyped().GetValue()
	}
}

// formatFloat spells a bucket bound or quantile as the text format does.
func formatFloat(f float64) string {
	return model.SampleValue(f).String()
}
