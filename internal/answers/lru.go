// Package answers remembers answers that need no work twice: figures
// derived from the invoices (aging, status, App Home), keyed by the store's
// ledger version and the firm's day, and anything else keyed by what it was
// made from (the Slack file of a chart, by the hash of the data drawn).
// Every cache is bounded (least recently used goes first) and computes one
// missing answer once however many ask for it at the same moment.
package answers

import (
	"container/list"
	"sync"
)

// LRU is a map of at most Max entries that forgets the least recently used
// one when full. It is safe for concurrent use.
type LRU[K comparable, V any] struct {
	mu  sync.Mutex
	max int
	ll  *list.List // front: most recently used
	m   map[K]*list.Element
}

type entry[K comparable, V any] struct {
	k K
	v V
}

// NewLRU returns an LRU of at most size entries (at least 1).
func NewLRU[K comparable, V any](size int) *LRU[K, V] {
	return &LRU[K, V]{max: max(1, size), ll: list.New(), m: map[K]*list.Element{}}
}

// Get returns the value of k and marks it used.
func (c *LRU[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[k]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*entry[K, V]).v, true
	}
	var zero V
	return zero, false
}

// Add sets k to v, forgetting the least recently used entry when full.
func (c *LRU[K, V]) Add(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[k]; ok {
		e.Value.(*entry[K, V]).v = v
		c.ll.MoveToFront(e)
		return
	}
	c.m[k] = c.ll.PushFront(&entry[K, V]{k, v})
	for c.ll.Len() > c.max {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.m, old.Value.(*entry[K, V]).k)
	}
}

// DeleteFunc removes the entries whose key del reports.
func (c *LRU[K, V]) DeleteFunc(del func(K) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for e := c.ll.Front(); e != nil; {
		next := e.Next()
		if k := e.Value.(*entry[K, V]).k; del(k) {
			c.ll.Remove(e)
			delete(c.m, k)
		}
		e = next
	}
}

// Len returns the number of entries.
func (c *LRU[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}
