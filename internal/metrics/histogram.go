package metrics

import (
	"bytes"
	"math"
	"slices"
	"sort"
	"strconv"
	"sync"
)

// DefaultBuckets returns the Prometheus client libraries' default upper
// bounds, in seconds, suited to HTTP request durations. Each call returns a
// fresh slice.
func DefaultBuckets() []float64 {
	return []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
}

// Histogram counts observations (durations in seconds) into fixed buckets,
// optionally split by labels.
type Histogram struct {
	f *family[histValue]
}

type histValue struct {
	mu     sync.Mutex
	counts []uint64 // per bucket, not cumulative; last is +Inf
	sum    float64
	count  uint64
}

// NewHistogram registers a histogram with the given bucket upper bounds
// (strictly increasing; a trailing +Inf is implied and may be omitted;
// nil means DefaultBuckets()) and fixed label names. The label name "le" is
// reserved for buckets. It panics on invalid input or a conflicting
// registration.
func (r *Registry) NewHistogram(name, help string, buckets []float64, labelNames ...string) *Histogram {
	if buckets == nil {
		buckets = DefaultBuckets()
	}
	bs := slices.Clone(buckets)
	if n := len(bs); n > 0 && math.IsInf(bs[n-1], +1) {
		bs = bs[:n-1]
	}
	d := desc{name: name, help: help, kind: "histogram", labels: labelNames, buckets: bs}
	c := r.register(&d, func() collector {
		n := len(bs) + 1
		return &Histogram{f: newFamily(d, func() *histValue { return &histValue{counts: make([]uint64, n)} })}
	})
	return c.(*Histogram)
}

// Observe records one observation of seconds in the series named by labels.
// A value equal to a bucket's upper bound falls in that bucket.
func (h *Histogram) Observe(seconds float64, labels ...string) {
	v := h.f.with(labels)
	i := sort.SearchFloat64s(h.f.d.buckets, seconds)
	v.mu.Lock()
	v.counts[i]++
	v.sum += seconds
	v.count++
	v.mu.Unlock()
}

func (h *Histogram) describe() *desc { return h.f.describe() }

func (h *Histogram) writeSamples(b *bytes.Buffer) {
	d := &h.f.d
	for _, ch := range h.f.sorted() {
		ch.v.mu.Lock()
		counts := slices.Clone(ch.v.counts)
		sum, count := ch.v.sum, ch.v.count
		ch.v.mu.Unlock()

		var cum uint64
		for i, ub := range d.buckets {
			cum += counts[i]
			writeSample(b, d.name+"_bucket", d.labels, ch.values, "le", formatFloat(ub), strconv.FormatUint(cum, 10))
		}
		writeSample(b, d.name+"_bucket", d.labels, ch.values, "le", "+Inf", strconv.FormatUint(count, 10))
		writeSample(b, d.name+"_sum", d.labels, ch.values, "", "", formatFloat(sum))
		writeSample(b, d.name+"_count", d.labels, ch.values, "", "", strconv.FormatUint(count, 10))
	}
}
