package ratelimit

import (
	"testing"
	"time"
)

// TestLogSlidingWindow: n requests per window; the next waits until the
// oldest leaves, at exactly its time plus the window; refusals do not
// count.
func TestLogSlidingWindow(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	var l Log
	for i := range 2 {
		if _, ok := l.Admit(t0.Add(time.Duration(i)*time.Second), 2, 10*time.Second); !ok {
			t.Fatalf("request %d refused", i)
		}
	}
	if wait, ok := l.Admit(t0.Add(3*time.Second), 2, 10*time.Second); ok || wait != 7*time.Second {
		t.Fatalf("third = %s, %v; want refused for 7s", wait, ok)
	}
	if _, ok := l.Admit(t0.Add(10*time.Second), 2, 10*time.Second); !ok {
		t.Fatal("refused once the oldest left the window")
	}
	l.Reset()
	if _, ok := l.Admit(t0.Add(10*time.Second), 1, 10*time.Second); !ok {
		t.Fatal("refused after Reset")
	}
}
