package metrics

import (
	"bytes"
	"strconv"
	"sync/atomic"
)

// Counter is a monotonically increasing count, optionally split by labels.
type Counter struct {
	f *family[atomic.Uint64]
}

// NewCounter registers a counter with fixed label names. By convention the
// name ends in _total. It panics on an invalid name or a conflicting
// registration.
func (r *Registry) NewCounter(name, help string, labelNames ...string) *Counter {
	d := desc{name: name, help: help, kind: "counter", labels: labelNames}
	c := r.register(&d, func() collector {
		return &Counter{f: newFamily(d, func() *atomic.Uint64 { return new(atomic.Uint64) })}
	})
	return c.(*Counter)
}

// Inc adds one to the series named by labels (one value per label name, in
// registration order).
func (c *Counter) Inc(labels ...string) { c.Add(1, labels...) }

// Add adds n to the series named by labels.
func (c *Counter) Add(n uint64, labels ...string) { c.f.with(labels).Add(n) }

// Value returns the current count of the series named by labels.
func (c *Counter) Value(labels ...string) uint64 { return c.f.with(labels).Load() }

func (c *Counter) describe() *desc { return c.f.describe() }

func (c *Counter) writeSamples(b *bytes.Buffer) {
	for _, ch := range c.f.sorted() {
		writeSample(b, c.f.d.name, c.f.d.labels, ch.values, "", "", strconv.FormatUint(ch.v.Load(), 10))
	}
}
