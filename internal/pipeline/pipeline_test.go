package pipeline_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"testing"

	"billbot/internal/pipeline"
)

// TestAheadOverlaps: consume of item 1 blocks until produce has made item
// 1+depth, which only happens if producing runs while consuming waits.
func TestAheadOverlaps(t *testing.T) {
	for _, depth := range []int{1, 2, 3} {
		made := make(chan int, 10)
		var got []int
		err := pipeline.Ahead(t.Context(), depth,
			func(ctx context.Context, emit func(int) error) error {
				for i := 1; i <= 6; i++ {
					made <- i
					if err := emit(i); err != nil {
						return err
					}
				}
				return nil
			},
			func(v int) error {
				if v == 1 {
					for m := range made {
						if m == 1+depth {
							break
						}
					}
				}
				got = append(got, v)
				return nil
			})
		if err != nil {
			t.Fatalf("depth %d: %v", depth, err)
		}
		if want := []int{1, 2, 3, 4, 5, 6}; !slices.Equal(got, want) {
			t.Errorf("depth %d: consumed %v, want %v", depth, got, want)
		}
	}
}

// TestAheadBounded: with consume blocked on item 1, produce makes exactly
// depth more items and then waits in emit.
func TestAheadBounded(t *testing.T) {
	const depth = 2
	made := make(chan int, 100)
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- pipeline.Ahead(t.Context(), depth,
			func(ctx context.Context, emit func(int) error) error {
				for i := 1; i <= 10; i++ {
					made <- i
					if err := emit(i); err != nil {
						return err
					}
				}
				return nil
			},
			func(v int) error {
				if v == 1 {
					<-release
				}
				return nil
			})
	}()
	for want := 1; want <= 1+depth; want++ {
		if got := <-made; got != want {
			t.Fatalf("made %d, want %d", got, want)
		}
	}
	// Item 1+depth is made and emit of it blocks: nothing more until consume moves.
	runtime.Gosched()
	select {
	case m := <-made:
		t.Fatalf("made item %d while consume held item 1 with depth %d", m, depth)
	default:
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestAheadConsumeError: an error of consume stops produce (its emit fails
// with the cancelled context) and is returned; no later item is consumed.
func TestAheadConsumeError(t *testing.T) {
	boom := errors.New("store failed")
	var consumed []int
	produced := 0
	var produceErr error
	err := pipeline.Ahead(t.Context(), 2,
		func(ctx context.Context, emit func(int) error) error {
			for i := 1; ; i++ {
				if err := emit(i); err != nil {
					produceErr = err
					return err
				}
				produced = i
			}
		},
		func(v int) error {
			consumed = append(consumed, v)
			if v == 3 {
				return boom
			}
			return nil
		})
	if !errors.Is(err, boom) {
		t.Fatalf("Ahead = %v, want %v", err, boom)
	}
	if !errors.Is(produceErr, context.Canceled) {
		t.Errorf("produce stopped with %v, want context.Canceled", produceErr)
	}
	if !slices.Equal(consumed, []int{1, 2, 3}) {
		t.Errorf("consumed %v, want [1 2 3]", consumed)
	}
	if produced > 3+2+1 {
		t.Errorf("produced %d items; at most depth+1 beyond the failing one", produced)
	}
}

// TestAheadProduceError: an error of produce is returned, and items after
// it never reach consume.
func TestAheadProduceError(t *testing.T) {
	boom := errors.New("fetch failed")
	var consumed []int
	err := pipeline.Ahead(t.Context(), 2,
		func(ctx context.Context, emit func(int) error) error {
			if err := emit(1); err != nil {
				return err
			}
			return boom
		},
		func(v int) error {
			consumed = append(consumed, v)
			return nil
		})
	if !errors.Is(err, boom) {
		t.Fatalf("Ahead = %v, want %v", err, boom)
	}
	if len(consumed) > 1 {
		t.Errorf("consumed %v after produce failed", consumed)
	}
}
