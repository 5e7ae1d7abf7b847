package ratelimit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"billbot/internal/ratelimit"
)

// fakeTime is a clock that moves only when the limiter sleeps.
type fakeTime struct {
	now    time.Time
	slept  []time.Duration
	cancel bool
}

func (f *fakeTime) Now() time.Time { return f.now }

func (f *fakeTime) Sleep(ctx context.Context, d time.Duration) error {
	if f.cancel {
		return context.Canceled
	}
	f.slept = append(f.slept, d)
	f.now = f.now.Add(d)
	return nil
}

func TestWindow(t *testing.T) {
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		n         int
		window    time.Duration
		requests  int
		gap       time.Duration // the clock moves this much after each release
		wantSlept []time.Duration
	}{
		{"under the limit never waits", 3, 10 * time.Second, 3, 0, nil},
		{"the fourth waits for the first to leave the window", 3, 10 * time.Second, 4, 0, []time.Duration{10 * time.Second}},
		{"spaced requests wait only for what is left", 2, 10 * time.Second, 3, 4 * time.Second, []time.Duration{2 * time.Second}},
		{"a slot frees at exactly t+window", 1, 5 * time.Second, 3, 0, []time.Duration{5 * time.Second, 5 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := &fakeTime{now: start}
			l := ratelimit.NewWindow(tt.n, tt.window, ft.Now, ft.Sleep)
			for i := range tt.requests {
				release, waited, err := l.Acquire(context.Background())
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				if i < tt.n && waited {
					t.Errorf("request %d waited with a free slot", i)
				}
				release()
				ft.now = ft.now.Add(tt.gap)
			}
			if len(ft.slept) != len(tt.wantSlept) {
				t.Fatalf("slept %v, want %v", ft.slept, tt.wantSlept)
			}
			for i := range ft.slept {
				if ft.slept[i] != tt.wantSlept[i] {
					t.Errorf("slept %v, want %v", ft.slept, tt.wantSlept)
				}
			}
		})
	}
}

// TestWindowInFlight: with every slot held by a request still in flight
// the limiter waits a share of the window, and stops when the context ends.
func TestWindowInFlight(t *testing.T) {
	ft := &fakeTime{now: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	l := ratelimit.NewWindow(2, 10*time.Second, ft.Now, ft.Sleep)
	for range 2 {
		if _, _, err := l.Acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	ft.cancel = true
	release, waited, err := l.Acquire(context.Background())
	if !errors.Is(err, context.Canceled) || !waited || release != nil {
		t.Fatalf("Acquire with both slots in flight = (%v, %v, %v), want (nil, true, context.Canceled)", release != nil, waited, err)
	}
}
