// Package metrics is a small, dependency-free registry of counters, gauges
// and histograms exposed in the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/).
//
// Metrics are registered once at start-up with fixed label names; a
// mismatch between the label names and the values passed at record time is
// a programming error and panics, as it does in the Prometheus client
// libraries. Recording is safe for concurrent use.
package metrics

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"sync"
)

// ContentType is the media type of the text exposition format 0.0.4.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Registry holds metrics and writes them in the text format.
type Registry struct {
	mu      sync.Mutex
	metrics map[string]collector
}

// collector is what every metric kind gives the registry.
type collector interface {
	describe() *desc
	writeSamples(b *bytes.Buffer)
}

// desc is a metric's fixed definition.
type desc struct {
	name    string
	help    string
	kind    string // counter, gauge or histogram
	labels  []string
	buckets []float64 // histograms only
}

func (d *desc) equal(o *desc) bool {
	return d.name == o.name && d.help == o.help && d.kind == o.kind &&
		slices.Equal(d.labels, o.labels) && slices.Equal(d.buckets, o.buckets)
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{metrics: make(map[string]collector)}
}

// register adds the metric built by mk unless one with the same name
// exists. An identical definition returns the existing metric, so building
// the same component twice on one registry is harmless; a different
// definition under the same name panics.
func (r *Registry) register(d *desc, mk func() collector) collector {
	if err := d.validate(); err != nil {
		panic(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.metrics[d.name]; ok {
		if !c.describe().equal(d) {
			panic(fmt.Sprintf("metrics: %s already registered with a different definition", d.name))
		}
		return c
	}
	c := mk()
	r.metrics[d.name] = c
	return c
}

// WriteTo writes every metric, sorted by name, with its # HELP and # TYPE
// lines and its samples sorted by label values.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	r.mu.Lock()
	names := make([]string, 0, len(r.metrics))
	for n := range r.metrics {
		names = append(names, n)
	}
	cs := make([]collector, 0, len(names))
	sort.Strings(names)
	for _, n := range names {
		cs = append(cs, r.metrics[n])
	}
	r.mu.Unlock()

	var b bytes.Buffer
	for _, c := range cs {
		d := c.describe()
		fmt.Fprintf(&b, "# HELP %s %s\n", d.name, escapeHelp(d.help))
		fmt.Fprintf(&b, "# TYPE %s %s\n", d.name, d.kind)
		c.writeSamples(&b)
	}
	return b.WriteTo(w)
}

// Handler serves the registry in the text format 0.0.4.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		var b bytes.Buffer
		if _, err := r.WriteTo(&b); err != nil {
			http.Error(w, "cannot render metrics", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", ContentType)
		w.Header().Set("Cache-Control", "no-store")
		_, _ = b.WriteTo(w)
	})
}
