package priority_test

import (
	"context"
	"errors"
	"testing"

	"golang.org/x/time/rate"

	"billbot/internal/priority"
)

func TestBackground(t *testing.T) {
	ctx := t.Context()
	if priority.IsBackground(ctx) {
		t.Error("a plain context is background")
	}
	if !priority.IsBackground(priority.Background(ctx)) {
		t.Error("Background's context is not background")
	}
}

// TestAdmit: one background call at a time; a context that ends while
// waiting for the slot or the rate gives the slot back.
func TestAdmit(t *testing.T) {
	sem := make(chan struct{}, 1)
	lim := rate.NewLimiter(rate.Inf, 1)
	release, err := priority.Admit(t.Context(), sem, lim)
	if err != nil {
		t.Fatal(err)
	}
	ended, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := priority.Admit(ended, sem, lim); !errors.Is(err, context.Canceled) {
		t.Fatalf("second Admit while the slot is held: %v, want context.Canceled", err)
	}
	release()
	if len(sem) != 0 {
		t.Fatal("release kept the slot")
	}
	slow := rate.NewLimiter(rate.Limit(0.001), 1)
	slow.Allow() // the one token is spent: the next waits ~1000 s
	if _, err := priority.Admit(ended, sem, slow); err == nil {
		t.Fatal("Admit with an ended context and no rate left succeeded")
	}
	if len(sem) != 0 {
		t.Fatal("a failed rate wait kept the slot")
	}
}
