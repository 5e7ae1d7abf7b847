package clock

import (
	"context"
	"testing"
	"time"
)

func TestFake(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)
	c := NewFake(t0)
	if err := c.Sleep(t.Context(), time.Hour); err != nil || !c.Now().Equal(t0.Add(time.Hour)) {
		t.Fatalf("after Sleep(1h): %v, %v", c.Now(), err)
	}
	c.Advance(24 * time.Hour)
	c.Set(c.Now().Add(time.Minute))
	if want := t0.Add(25*time.Hour + time.Minute); !c.Now().Equal(want) {
		t.Fatalf("Now = %v, want %v", c.Now(), want)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := c.Sleep(ctx, time.Second); err == nil {
		t.Error("Sleep on a cancelled context returned nil")
	}
}
