package retry

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestAttemptsDo: failures are tried again with the policy's wait until
// Max attempts were made; a refusal of the policy ends at once.
func TestAttemptsDo(t *testing.T) {
	boom := errors.New("boom")
	var waits []time.Duration
	a := DefaultAttempts()
	a.Set(3, 0, 0)
	a.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	calls, told := 0, 0
	err := a.Do(context.Background(), func() error { calls++; return boom },
		func(_ error, n int) (time.Duration, bool) { return time.Duration(n) * time.Second, true },
		func(int, time.Duration, error) { told++ })
	if !errors.Is(err, boom) || calls != 3 || told != 2 || len(waits) != 2 || waits[1] != 2*time.Second {
		t.Errorf("Do = %v after %d calls, %d told, waits %v; want boom after 3 calls, 2 waits of 1s and 2s", err, calls, told, waits)
	}
	calls = 0
	err = a.Do(context.Background(), func() error { calls++; return boom },
		func(error, int) (time.Duration, bool) { return 0, false }, func(int, time.Duration, error) {})
	if !errors.Is(err, boom) || calls != 1 {
		t.Errorf("Do with a refusing policy = %v after %d calls, want boom after one", err, calls)
	}
	if a.Base != 500*time.Millisecond || a.Cap != 30*time.Second {
		t.Errorf("Set(3, 0, 0) changed the backoff: %s..%s", a.Base, a.Cap)
	}
}

// TestAttemptsDoStopsWithTheContext: a failure after ctx ended returns
// ctx's error without another attempt.
func TestAttemptsDoStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := DefaultAttempts().Do(ctx, func() error { calls++; cancel(); return errors.New("boom") },
		func(error, int) (time.Duration, bool) { return 0, true }, func(int, time.Duration, error) {})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("Do = %v after %d calls, want context.Canceled after one", err, calls)
	}
}
