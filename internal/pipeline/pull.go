package pipeline

import (
	"iter"
	"sync"
)

// Pull2 is iter.Pull2 with seq run in a goroutine of its own, up to depth
// batches of batch pairs ahead of the caller, so that producing the pairs
// (parsing a file, say) and consuming them (hashing and sending them on)
// use two cores instead of taking turns on one. Memory stays bounded by
// (depth + 2) batches.
//
// next returns the pairs in seq's order, then ok false. stop ends the
// run early: seq sees its yield return false at its next pair, and stop
// returns once seq has returned, so whatever seq wrote is then safe to
// read. Call stop (deferred) even after next returned ok false; it may be
// called more than once. next and stop must not be called concurrently.
func Pull2[K, V any](seq iter.Seq2[K, V], batch, depth int) (next func() (K, V, bool), stop func()) {
	type pair struct {
		k K
		v V
	}
	batch, depth = max(batch, 1), max(depth, 1)
	full := make(chan []pair, depth)
	free := make(chan []pair, depth+2) // emptied batches, made again
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(full)
		buf := make([]pair, 0, batch)
		send := func() bool {
			select {
			case full <- buf:
			case <-done:
				return false
			}
			select {
			case buf = <-free:
			default:
				buf = make([]pair, 0, batch)
			}
			return true
		}
		for k, v := range seq {
			if buf = append(buf, pair{k, v}); len(buf) == batch && !send() {
				return
			}
		}
		if len(buf) > 0 {
			send()
		}
	})
	var (
		cur     []pair
		i       int
		stopped bool
	)
	next = func() (K, V, bool) {
		if stopped {
			var k K
			var v V
			return k, v, false
		}
		for i == len(cur) {
			if cur != nil {
				clear(cur) // let what the pairs pointed to go
				select {
				case free <- cur[:0]:
				default:
				}
				cur = nil
			}
			b, ok := <-full
			if !ok {
				var k K
				var v V
				return k, v, false
			}
			cur, i = b, 0
		}
		p := cur[i]
		i++
		return p.k, p.v, true
	}
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		close(done)
		wg.Wait()
	}
	return next, stop
}
