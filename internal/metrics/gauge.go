package metrics

import (
	"bytes"
	"math"
	"sync/atomic"
)

// Gauge is a value that goes up and down, optionally split by labels.
type Gauge struct {
	f *family[gaugeValue]
}

// gaugeValue stores a float64's bits so updates are lock-free.
type gaugeValue struct{ bits atomic.Uint64 }

func (g *gaugeValue) load() float64 { return math.Float64frombits(g.bits.Load()) }

func (g *gaugeValue) add(d float64) {
	for {
		old := g.bits.Load()
		if g.bits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+d)) {
			return
		}
	}
}

// NewGauge registers a gauge with fixed label names. It panics on an
// invalid name or a conflicting registration.
func (r *Registry) NewGauge(name, help string, labelNames ...string) *Gauge {
	d := desc{name: name, help: help, kind: "gauge", labels: labelNames}
	c := r.register(&d, func() collector {
		return &Gauge{f: newFamily(d, func() *gaugeValue { return new(gaugeValue) })}
	})
	return c.(*Gauge)
}

// Set sets the series named by labels to v.
func (g *Gauge) Set(v float64, labels ...string) { g.f.with(labels).bits.Store(math.Float64bits(v)) }

// Add adds d (which may be negative) to the series named by labels.
func (g *Gauge) Add(d float64, labels ...string) { g.f.with(labels).add(d) }

// Inc adds one to the series named by labels.
func (g *Gauge) Inc(labels ...string) { g.Add(1, labels...) }

// Dec subtracts one from the series named by labels.
func (g *Gauge) Dec(labels ...string) { g.Add(-1, labels...) }

// Value returns the current value of the series named by labels.
func (g *Gauge) Value(labels ...string) float64 { return g.f.with(labels).load() }

func (g *Gauge) describe() *desc { return g.f.describe() }

func (g *Gauge) writeSamples(b *bytes.Buffer) {
	for _, ch := range g.f.sorted() {
		writeSample(b, g.f.d.name, g.f.d.labels, ch.values, "", "", formatFloat(ch.v.load()))
	}
}
