package retry

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestSleepEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep on a cancelled context = %v, want context.Canceled", err)
	}
	if err := Sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep(0) on a cancelled context = %v, want context.Canceled", err)
	}
	if err := Sleep(context.Background(), -time.Second); err != nil {
		t.Fatalf("Sleep(-1s) = %v, want nil", err)
	}
}

func TestBackoffDoublesUpToTheCap(t *testing.T) {
	base, most := 500*time.Millisecond, 30*time.Second
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second,
		8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	for i, w := range want {
		if got := Backoff(base, most, i+1); got != w {
			t.Errorf("Backoff(retry %d) = %s, want %s", i+1, got, w)
		}
	}
	if got := Backoff(base, most, 1000); got != most {
		t.Errorf("Backoff(retry 1000) = %s, want the cap %s", got, most)
	}
	if got := Backoff(time.Minute, most, 1); got != most {
		t.Errorf("Backoff with base above the cap = %s, want %s", got, most)
	}
}

func TestJitterStaysInTheUpperHalf(t *testing.T) {
	for _, d := range []time.Duration{0, 1, 2 * time.Second, 30 * time.Second} {
		for range 100 {
			if got := Jitter(d); got < d/2 || got > d {
				t.Fatalf("Jitter(%s) = %s, want within [%s, %s]", d, got, d/2, d)
			}
		}
	}
}

func TestAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"  ", 0, false},
		{"soon", 0, false},
		{"7", 7 * time.Second, true},
		{" 15 ", 15 * time.Second, true},
		{"-3", 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
	}
	for _, c := range cases {
		got, ok := After(c.in, now)
		if got != c.want || ok != c.ok {
			t.Errorf("After(%q) = %s, %v; want %s, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestAfterOr(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	if d := AfterOr("7", now, time.Minute); d != 7*time.Second {
		t.Errorf("AfterOr(7) = %s", d)
	}
	if d := AfterOr("", now, time.Minute); d != time.Minute {
		t.Errorf("AfterOr(empty) = %s, want the fallback", d)
	}
}
