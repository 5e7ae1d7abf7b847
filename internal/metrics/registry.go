// Package metrics is billbot's thin wrapper over the Prometheus Go client
// (github.com/prometheus/client_golang). A Registry is billbot's own
// Prometheus registry, never the client's global default one, so every
// server and every test has its own. It holds the Go runtime (go_*) and
// process (process_*) collectors and billbot's counters, gauges,
// histograms and func-backed metrics, and serves them through promhttp.
//
// Metrics are registered once at start-up with fixed label names. Names
// follow the Prometheus naming rules
// (https://prometheus.io/docs/practices/naming/): snake_case, base units
// (_seconds, _bytes), _total on counters and only on counters. A name that
// breaks a rule, an invalid label name or a mismatch between the label
// names and the values passed at record time is a programming error and
// panics, as it does in the Prometheus client. Recording is safe for
// concurrent use.
package metrics

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Registry holds billbot's metrics and serves them. Build it with
// NewRegistry.
type Registry struct {
	prom *prometheus.Registry

	mu   sync.Mutex
	defs map[string]*def
}

// def is what billbot registered under one metric name.
type def struct {
	typ     dto.MetricType
	help    string
	labels  []string  // variable label names, or the constant ones of a func-backed metric
	buckets []float64 // histograms only
	fn      bool      // func-backed
	series  map[string]bool
	metric  any // *Counter, *Gauge or *Histogram; nil when fn
}

func (d *def) same(o *def) bool {
	return d.typ == o.typ && d.help == o.help && d.fn == o.fn &&
		slices.Equal(d.labels, o.labels) && slices.Equal(d.buckets, o.buckets)
}

// NewRegistry returns a registry holding the Go runtime and process
// collectors and nothing else.
func NewRegistry() *Registry {
	r := &Registry{prom: prometheus.NewRegistry(), defs: make(map[string]*def)}
	r.prom.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return r
}

// register validates d and registers the metric that mk builds, unless one
// exists under name. An identical definition returns the existing metric,
// so building the same component twice on one registry is harmless; a
// different definition under the same name panics.
func (r *Registry) register(name string, d def, mk func() (prometheus.Collector, any)) any {
	if err := validate(name, &d); err != nil {
		panic(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.defs[name]; ok {
		if !old.same(&d) {
			panic(fmt.Sprintf("metrics: %s already registered with a different definition", name))
		}
		return old.metric
	}
	c, m := mk()
	if err := r.prom.Register(c); err != nil {
		panic(fmt.Sprintf("metrics: register %s: %v", name, err))
	}
	d.metric = m
	r.defs[name] = &d
	return m
}

// Labels are the constant label names and values of one func-backed series.
type Labels map[string]string

// NewGaugeFunc registers a gauge whose value is fn's result at each scrape,
// e.g. a figure of sql.DB.Stats(). Several series of one name differ by
// their constant labels (nil for none), which must have the same names and
// the same help; fn must be safe for concurrent use and quick. Registering
// the same name and labels twice panics, since two functions cannot be
// told equal.
func (r *Registry) NewGaugeFunc(name, help string, labels Labels, fn func() float64) {
	r.registerFunc(name, help, dto.MetricType_GAUGE, labels, func(o prometheus.Opts) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts(o), fn)
	})
}

// NewCounterFunc registers a counter whose value is fn's result at each
// scrape; fn must never return less than it did before (e.g. a cumulative
// count such as sql.DBStats.WaitCount). The name ends in _total; otherwise
// it is as NewGaugeFunc.
func (r *Registry) NewCounterFunc(name, help string, labels Labels, fn func() float64) {
	r.registerFunc(name, help, dto.MetricType_COUNTER, labels, func(o prometheus.Opts) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts(o), fn)
	})
}

func (r *Registry) registerFunc(name, help string, typ dto.MetricType, labels Labels, mk func(prometheus.Opts) prometheus.Collector) {
	names := make([]string, 0, len(labels))
	values := make(prometheus.Labels, len(labels))
	for n, v := range labels {
		names = append(names, n)
		values[n] = strings.ToValidUTF8(v, "\uFFFD")
	}
	sort.Strings(names)
	d := def{typ: typ, help: help, labels: names, fn: true}
	if err := validate(name, &d); err != nil {
		panic(err)
	}
	var key strings.Builder
	for _, n := range names {
		key.WriteString(n + "=" + values[n] + "\xff")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old, ok := r.defs[name]
	switch {
	case ok && !old.same(&d):
		panic(fmt.Sprintf("metrics: %s already registered with a different definition", name))
	case ok && old.series[key.String()]:
		panic(fmt.Sprintf("metrics: %s%v already registered; a func-backed series is registered once", name, labels))
	}
	c := mk(prometheus.Opts{Name: name, Help: help, ConstLabels: values})
	if err := r.prom.Register(c); err != nil {
		panic(fmt.Sprintf("metrics: register %s: %v", name, err))
	}
	if !ok {
		d.series = make(map[string]bool)
		old = &d
		r.defs[name] = old
	}
	old.series[key.String()] = true
}

// MustRegister registers ready-made client_golang collectors (for example
// collectors.NewDBStatsCollector) on the registry; it panics on a clash.
// Their names are not checked against the naming rules: prefer the New*
// methods for billbot's own metrics.
func (r *Registry) MustRegister(cs ...prometheus.Collector) { r.prom.MustRegister(cs...) }

// Gather returns every metric family, sorted by name, so a Registry is a
// prometheus.Gatherer (e.g. for client_golang's testutil).
func (r *Registry) Gather() ([]*dto.MetricFamily, error) { return r.prom.Gather() }

// WriteTo writes every metric in the Prometheus text format.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	mfs, err := r.prom.Gather()
	if err != nil {
		return 0, err
	}
	var total int64
	for _, mf := range mfs {
		n, err := expfmt.MetricFamilyToText(w, mf)
		total += int64(n)
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// Handler serves the registry through promhttp, which picks the exposition
// format from the scraper's Accept header (text format 0.0.4 by default)
// and compresses when asked.
func (r *Registry) Handler() http.Handler {
	h := promhttp.HandlerFor(r.prom, promhttp.HandlerOpts{})
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, req)
	})
}

// validate checks a definition against the data model
// (https://prometheus.io/docs/concepts/data_model/) and the naming rules
// (https://prometheus.io/docs/practices/naming/, as client_golang's
// promlint checks them), and histogram buckets.
func validate(name string, d *def) error {
	if !model.LegacyValidation.IsValidMetricName(name) {
		return fmt.Errorf("metrics: invalid metric name %q", name)
	}
	seen := make(map[string]bool, len(d.labels))
	lint := &dto.Metric{}
	for _, l := range d.labels {
		if !model.LegacyValidation.IsValidLabelName(l) || strings.HasPrefix(l, "__") {
			return fmt.Errorf("metrics: %s: invalid label name %q", name, l)
		}
		if d.typ == dto.MetricType_HISTOGRAM && l == "le" {
			return fmt.Errorf("metrics: %s: label name \"le\" is reserved for histogram buckets", name)
		}
		if seen[l] {
			return fmt.Errorf("metrics: %s: duplicate label name %q", name, l)
		}
		seen[l] = true
		lint.Label = append(lint.Label, &dto.LabelPair{Name: &l})
	}
	if d.typ == dto.MetricType_HISTOGRAM {
		if len(d.buckets) == 0 {
			return fmt.Errorf("metrics: %s: histogram needs at least one finite bucket", name)
		}
		for i, b := range d.buckets {
			if math.IsNaN(b) || math.IsInf(b, 0) || (i > 0 && b <= d.buckets[i-1]) {
				return fmt.Errorf("metrics: %s: buckets must be finite and strictly increasing", name)
			}
		}
	}
	mf := &dto.MetricFamily{Name: &name, Type: d.typ.Enum(), Metric: []*dto.Metric{lint}}
	if d.help != "" {
		mf.Help = &d.help // promlint asks for help text
	}
	problems, err := promlint.NewWithMetricFamilies([]*dto.MetricFamily{mf}).Lint()
	if err != nil {
		return fmt.Errorf("metrics: %s: %w", name, err)
	}
	if len(problems) > 0 {
		texts := make([]string, len(problems))
		for i, p := range problems {
			texts[i] = p.Text
		}
		return fmt.Errorf("metrics: %s breaks the naming rules: %s", name, strings.Join(texts, "; "))
	}
	return nil
}

// labelValues checks the number of values and replaces invalid UTF-8,
// which the exposition formats do not allow; the common case of valid
// values allocates nothing.
func labelValues(name string, names, values []string) []string {
	if len(values) != len(names) {
		panic(fmt.Sprintf("metrics: %s takes %d label values %v, got %d", name, len(names), names, len(values)))
	}
	for i, v := range values {
		if !utf8.ValidString(v) {
			out := slices.Clone(values)
			for j := i; j < len(out); j++ {
				out[j] = strings.ToValidUTF8(out[j], "\uFFFD")
			}
			return out
		}
	}
	return values
}
