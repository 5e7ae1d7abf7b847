package answers_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"billbot/internal/answers"
	"billbot/internal/billing"
)

func TestLRUIsBounded(t *testing.T) {
	c := answers.NewLRU[int, int](3)
	for i := range 10 {
		c.Add(i, i)
	}
	if c.Len() != 3 {
		t.Fatalf("len = %d, want 3", c.Len())
	}
	c.Get(7) // 7 is now the most recently used: 8 goes first
	c.Add(10, 10)
	if _, ok := c.Get(8); ok {
		t.Error("the least recently used entry survived")
	}
	for _, k := range []int{7, 9, 10} {
		if _, ok := c.Get(k); !ok {
			t.Errorf("entry %d forgotten", k)
		}
	}
}

// TestLedgerComputesOncePerVersionAndDay: fifty callers at once share one
// computation; a new version or a new day computes again; an error is not
// remembered; a nil cache always computes.
func TestLedgerComputesOncePerVersionAndDay(t *testing.T) {
	var version atomic.Int64
	l := answers.NewLedger(func(context.Context) (int64, error) { return version.Load(), nil }, 4)
	var computed atomic.Int64
	ask := func(day billing.Date) int64 {
		v, err := answers.Get(t.Context(), l, "aging", day, func(context.Context) (int64, error) {
			computed.Add(1)
			return version.Load()*1000 + int64(day.Day), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	d1, d2 := billing.MustDate("2026-12-01"), billing.MustDate("2026-12-02")
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { ask(d1) })
	}
	wg.Wait()
	if n := computed.Load(); n != 1 {
		t.Fatalf("50 callers computed %d times, want 1", n)
	}
	if s := l.Stats(); s.Computed != 1 || s.Hits != 49 {
		t.Errorf("stats = %+v, want 1 computed, 49 hits", s)
	}
	version.Add(1)
	if got := ask(d1); got != 1001 {
		t.Errorf("after a change: %d, want 1001 (a fresh answer)", got)
	}
	if got := ask(d2); got != 1002 {
		t.Errorf("the next day: %d, want 1002", got)
	}
	if n := computed.Load(); n != 3 {
		t.Errorf("computed %d times, want 3", n)
	}

	if l.Len() != 2 {
		t.Errorf("cache holds %d answers after a change, want 2 (the older version's dropped)", l.Len())
	}

	boom := errors.New("boom")
	for range 2 {
		if _, err := answers.Get(t.Context(), l, "status", d1, func(context.Context) (int, error) { return 0, boom }); !errors.Is(err, boom) {
			t.Errorf("err = %v, want boom", err)
		}
	}
	if _, err := answers.Get(t.Context(), l, "status", d1, func(context.Context) (int, error) { return 7, nil }); err != nil {
		t.Errorf("after an error: %v", err)
	}

	for i := range 10 {
		ask(billing.MustDate("2027-01-01").AddDays(i))
	}
	if l.Len() > 4 {
		t.Errorf("cache holds %d answers, bound 4", l.Len())
	}

	n := 0
	for range 3 {
		if _, err := answers.Get(t.Context(), nil, "x", d1, func(context.Context) (int, error) { n++; return n, nil }); err != nil {
			t.Fatal(err)
		}
	}
	if n != 3 {
		t.Errorf("a nil cache computed %d times, want 3", n)
	}
}

func TestLedgerVersionErrorIsReturned(t *testing.T) {
	boom := errors.New("db down")
	l := answers.NewLedger(func(context.Context) (int64, error) { return 0, boom }, 0)
	_, err := answers.Get(t.Context(), l, "x", billing.Date{}, func(context.Context) (int, error) { return 1, nil })
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the version's error", err)
	}
}
