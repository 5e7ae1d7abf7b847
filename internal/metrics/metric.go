package metrics

import (
	"math"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Counter is a monotonically increasing count, optionally split by labels.
type Counter struct {
	name   string
	labels []string
	vec    *prometheus.CounterVec
}

// NewCounter registers a counter with fixed label names. The name ends in
// _total. It panics on a name that breaks the naming rules, an invalid
// label name or a conflicting registration. An unlabelled counter is
// exposed as 0 before the first event.
func (r *Registry) NewCounter(name, help string, labelNames ...string) *Counter {
	d := def{typ: dto.MetricType_COUNTER, help: help, labels: slices.Clone(labelNames)}
	return r.register(name, d, func() (prometheus.Collector, any) {
		c := &Counter{name: name, labels: d.labels,
			vec: prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, d.labels)}
		if len(d.labels) == 0 {
			c.vec.WithLabelValues()
		}
		return c.vec, c
	}).(*Counter)
}

func (c *Counter) with(labels []string) prometheus.Counter {
	return c.vec.WithLabelValues(labelValues(c.name, c.labels, labels)...)
}

// Inc adds one to the series named by labels (one value per label name, in
// registration order).
func (c *Counter) Inc(labels ...string) { c.with(labels).Inc() }

// Init makes the series named by labels exist at zero, so /metrics shows
// it (and a rate over it is defined) before the first event, as Prometheus
// advises for known label values
// (https://prometheus.io/docs/practices/instrumentation/#avoid-missing-metrics).
func (c *Counter) Init(labels ...string) { c.with(labels) }

// Add adds n to the series named by labels.
func (c *Counter) Add(n uint64, labels ...string) { c.with(labels).Add(float64(n)) }

// Value returns the current count of the series named by labels.
func (c *Counter) Value(labels ...string) uint64 {
	var m dto.Metric
	_ = c.with(labels).Write(&m)
	return uint64(m.GetCounter().GetValue())
}

// Gauge is a value that goes up and down, optionally split by labels.
type Gauge struct {
	name   string
	labels []string
	vec    *prometheus.GaugeVec
}

// NewGauge registers a gauge with fixed label names. It panics on a name
// that breaks the naming rules, an invalid label name or a conflicting
// registration. An unlabelled gauge is exposed as 0 before it is set.
func (r *Registry) NewGauge(name, help string, labelNames ...string) *Gauge {
	d := def{typ: dto.MetricType_GAUGE, help: help, labels: slices.Clone(labelNames)}
	return r.register(name, d, func() (prometheus.Collector, any) {
		g := &Gauge{name: name, labels: d.labels,
			vec: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, d.labels)}
		if len(d.labels) == 0 {
			g.vec.WithLabelValues()
		}
		return g.vec, g
	}).(*Gauge)
}

func (g *Gauge) with(labels []string) prometheus.Gauge {
	return g.vec.WithLabelValues(labelValues(g.name, g.labels, labels)...)
}

// Set sets the series named by labels to v.
func (g *Gauge) Set(v float64, labels ...string) { g.with(labels).Set(v) }

// Add adds d (which may be negative) to the series named by labels.
func (g *Gauge) Add(d float64, labels ...string) { g.with(labels).Add(d) }

// Inc adds one to the series named by labels.
func (g *Gauge) Inc(labels ...string) { g.with(labels).Inc() }

// Dec subtracts one from the series named by labels.
func (g *Gauge) Dec(labels ...string) { g.with(labels).Dec() }

// Value returns the current value of the series named by labels.
func (g *Gauge) Value(labels ...string) float64 {
	var m dto.Metric
	_ = g.with(labels).Write(&m)
	return m.GetGauge().GetValue()
}

// DefaultBuckets returns the Prometheus client's default upper bounds, in
// seconds, suited to HTTP request durations. Each call returns a fresh
// slice.
func DefaultBuckets() []float64 { return slices.Clone(prometheus.DefBuckets) }

// Histogram counts observations (durations in seconds) into fixed buckets,
// optionally split by labels.
type Histogram struct {
	name   string
	labels []string
	vec    *prometheus.HistogramVec
}

// NewHistogram registers a histogram with the given bucket upper bounds
// (strictly increasing; a trailing +Inf is implied and may be omitted;
// nil means DefaultBuckets()) and fixed label names. The label name "le" is
// reserved for buckets. It panics on invalid input or a conflicting
// registration. An unlabelled histogram is exposed with zero counts before
// the first observation.
func (r *Registry) NewHistogram(name, help string, buckets []float64, labelNames ...string) *Histogram {
	if buckets == nil {
		buckets = DefaultBuckets()
	}
	bs := slices.Clone(buckets)
	if n := len(bs); n > 0 && math.IsInf(bs[n-1], +1) {
		bs = bs[:n-1]
	}
	d := def{typ: dto.MetricType_HISTOGRAM, help: help, labels: slices.Clone(labelNames), buckets: bs}
	return r.register(name, d, func() (prometheus.Collector, any) {
		h := &Histogram{name: name, labels: d.labels,
			vec: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: bs}, d.labels)}
		if len(d.labels) == 0 {
			h.vec.WithLabelValues()
		}
		return h.vec, h
	}).(*Histogram)
}

// Observe records one observation of seconds in the series named by labels.
// A value equal to a bucket's upper bound falls in that bucket.
func (h *Histogram) Observe(seconds float64, labels ...string) {
	h.vec.WithLabelValues(labelValues(h.name, h.labels, labels)...).Observe(seconds)
}
