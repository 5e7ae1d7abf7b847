// Package lazyconn holds the client of a ledger connected through OAuth
// while billbot runs: built the first time a token is stored, and rebuilt
// whenever the stored connection changes, so that a reconnect made through
// any process takes effect in every process without a restart. The ledger
// adapters (qbobooks, xerobooks) keep one each, with what differs between
// the vendors: the key that names a connection and how a client is built.
package lazyconn

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// retryAfter is how long a failed build is not retried while the
// connection stays the same, so that a missing token is not re-read on
// every call.
const retryAfter = 5 * time.Second

// Source is how one ledger's client is made and what names its
// connection.
type Source[K comparable, T any] struct {
	// Vendor names the ledger in the error of a failed read of the
	// connection ("QuickBooks: read the connection: ...").
	Vendor string
	// NotConnected is the error before a client is built.
	NotConnected error
	// Key reads what names the stored connection (a generation, a
	// tenant); nil means it never changes.
	Key func(ctx context.Context) (K, error)
	// Build makes the client over the token stored for key (nil, nil
	// while none is).
	Build func(ctx context.Context, key K) (*T, error)
}

// Conn is the client of the connection stored now. Its zero value holds
// none; it is safe for concurrent use.
type Conn[K comparable, T any] struct {
	mu        sync.Mutex
	client    *T
	built     K         // key client was built at
	last      time.Time // last failed attempt
	failedKey K         // key of that attempt: a new connection retries at once
}

// Get returns the client of the connection src names now, building it
// when the connection is new; src.NotConnected before one is.
func (c *Conn[K, T]) Get(ctx context.Context, src Source[K, T]) (*T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var key K
	if src.Key != nil {
		k, err := src.Key(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: read the connection: %w", src.Vendor, err)
		}
		key = k
	}
	if c.client != nil && key == c.built {
		return c.client, nil
	}
	if c.client == nil && !c.last.IsZero() && key == c.failedKey && time.Since(c.last) < retryAfter {
		return nil, src.NotConnected
	}
	c.client = nil // never the previous connection's client after a reconnect
	t, err := src.Build(ctx, key)
	if err != nil || t == nil {
		c.last, c.failedKey = time.Now(), key
		if err == nil {
			err = src.NotConnected
		}
		return nil, err
	}
	c.client, c.built = t, key
	return t, nil
}

// Current is the client built last, nil before one is or after a failed
// rebuild; it builds nothing.
func (c *Conn[K, T]) Current() *T {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.client
}

// With calls f on the client get returns.
func With[T, R any](ctx context.Context, get func(context.Context) (T, error), f func(T) (R, error)) (R, error) {
	t, err := get(ctx)
	if err != nil {
		var zero R
		return zero, err
	}
	return f(t)
}

// With2 is With for a call of two results and an error.
func With2[T, R, S any](ctx context.Context, get func(context.Context) (T, error), f func(T) (R, S, error)) (R, S, error) {
	t, err := get(ctx)
	if err != nil {
		var r R
		var s S
		return r, s, err
	}
	return f(t)
}
