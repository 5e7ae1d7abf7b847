package metrics

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// family holds one child value of type T per distinct tuple of label values.
type family[T any] struct {
	d        desc
	newChild func() *T

	mu       sync.RWMutex
	children map[string]*child[T]
}

type child[T any] struct {
	values []string
	v      *T
}

func newFamily[T any](d desc, newChild func() *T) *family[T] {
	f := &family[T]{d: d, newChild: newChild, children: make(map[string]*child[T])}
	if len(d.labels) == 0 {
		// An unlabelled metric exists from the start, so it is exposed as 0
		// before the first event.
		f.with(nil)
	}
	return f
}

func (f *family[T]) describe() *desc { return &f.d }

// with returns the child for values, creating it on first use.
func (f *family[T]) with(values []string) *T {
	if len(values) != len(f.d.labels) {
		panic(fmt.Sprintf("metrics: %s takes %d label values %v, got %d", f.d.name, len(f.d.labels), f.d.labels, len(values)))
	}
	values = validUTF8(values)
	// 0xff never occurs in valid UTF-8, so the joined key is unambiguous.
	key := strings.Join(values, "\xff")
	f.mu.RLock()
	c, ok := f.children[key]
	f.mu.RUnlock()
	if ok {
		return c.v
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.children[key]; ok {
		return c.v
	}
	c = &child[T]{values: slices.Clone(values), v: f.newChild()}
	f.children[key] = c
	return c.v
}

// validUTF8 replaces invalid UTF-8, which the text format does not allow
// and which would make the joined key ambiguous; the common case of valid
// values allocates nothing.
func validUTF8(values []string) []string {
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

// sorted returns the children ordered by their label values.
func (f *family[T]) sorted() []*child[T] {
	f.mu.RLock()
	out := make([]*child[T], 0, len(f.children))
	for _, c := range f.children {
		out = append(out, c)
	}
	f.mu.RUnlock()
	slices.SortFunc(out, func(a, b *child[T]) int { return slices.Compare(a.values, b.values) })
	return out
}
