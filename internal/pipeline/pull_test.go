package pipeline_test

import (
	"errors"
	"iter"
	"testing"

	"billbot/internal/pipeline"
)

func count(n int, ran *bool) iter.Seq2[int, error] {
	return func(yield func(int, error) bool) {
		defer func() { *ran = true }()
		for i := range n {
			var err error
			if i == n-1 {
				err = errors.New("last")
			}
			if !yield(i, err) {
				return
			}
		}
	}
}

// Pull2 hands over every pair in order, across batch boundaries, and
// seq has returned once stop returns.
func TestPull2InOrder(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 100} {
		var ended bool
		next, stop := pipeline.Pull2(count(n, &ended), 8, 2)
		for want := range n {
			got, err, ok := next()
			if !ok || got != want || (err != nil) != (want == n-1) {
				t.Fatalf("n=%d: pair %d = %d, %v, %v", n, want, got, err, ok)
			}
		}
		if _, _, ok := next(); ok {
			t.Errorf("n=%d: a pair after the last", n)
		}
		stop()
		stop()
		if !ended {
			t.Errorf("n=%d: seq had not returned when stop did", n)
		}
	}
}

// Stopped early, the producer ends without reading seq to its end, and
// next reports the end.
func TestPull2StopEarly(t *testing.T) {
	var yielded int
	seq := func(yield func(int, error) bool) {
		for i := range 1_000_000 {
			yielded++
			if !yield(i, nil) {
				return
			}
		}
	}
	next, stop := pipeline.Pull2(iter.Seq2[int, error](seq), 16, 2)
	for range 20 {
		if _, _, ok := next(); !ok {
			t.Fatal("ended early")
		}
	}
	stop()
	if yielded > 20+16*5 {
		t.Errorf("seq yielded %d pairs for 20 taken: it did not stop", yielded)
	}
	if _, _, ok := next(); ok {
		t.Error("a pair after stop")
	}
}
