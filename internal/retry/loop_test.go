package retry_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"billbot/internal/retry"
)

var (
	errThrottled = errors.New("throttled")
	errFlaky     = errors.New("flaky")
	errFinal     = errors.New("final")
)

func TestLoop(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		answers    []error // what each try returns; past the end, nil
		wantTries  int
		wantSleeps string
		wantErr    error
	}{
		{"success at once", http.MethodGet, nil, 1, "", nil},
		{"throttles are waited out", http.MethodGet, []error{errThrottled, errThrottled}, 3, "7s 7s", nil},
		{"too many throttles in a row", http.MethodGet, []error{errThrottled, errThrottled, errThrottled, errThrottled}, 3, "7s 7s", errThrottled},
		{"flaky GETs back off", http.MethodGet, []error{errFlaky, errFlaky}, 3, "1s 2s", nil},
		{"retries run out", http.MethodGet, []error{errFlaky, errFlaky, errFlaky, errFlaky}, 3, "1s 2s", errFlaky},
		{"a POST is not retried", http.MethodPost, []error{errFlaky}, 1, "", errFlaky},
		{"a final error is not retried", http.MethodGet, []error{errFinal}, 1, "", errFinal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sleeps []string
			throttles, retries := 0, 0
			l := retry.Loop{
				Vendor: "acme", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
				Sleep: func(_ context.Context, d time.Duration) error { sleeps = append(sleeps, d.String()); return nil },
				Throttled: func(err error) (time.Duration, bool) {
					return 7 * time.Second, errors.Is(err, errThrottled)
				},
				Retryable:  func(err error) bool { return errors.Is(err, errFlaky) },
				Backoff:    func(n int) time.Duration { return time.Duration(n) * time.Second },
				MaxRetries: 2, MaxThrottled: 2,
				OnThrottle: func() { throttles++ }, OnRetry: func() { retries++ },
			}
			req, _ := http.NewRequest(tt.method, "https://api.example.com/v2/things?page=2", nil)
			tries := 0
			err := l.Do(req, func() error {
				tries++
				if tries <= len(tt.answers) {
					return tt.answers[tries-1]
				}
				return nil
			})
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("error %v, want %v", err, tt.wantErr)
			}
			if tries != tt.wantTries {
				t.Errorf("%d tries, want %d", tries, tt.wantTries)
			}
			if got := strings.Join(sleeps, " "); got != tt.wantSleeps {
				t.Errorf("slept %q, want %q", got, tt.wantSleeps)
			}
			if throttles+retries != len(sleeps) {
				t.Errorf("counted %d throttles and %d retries for %d sleeps", throttles, retries, len(sleeps))
			}
		})
	}
}

// TestLoopContext: a context that ends stops the loop with the path.
func TestLoopContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://api.example.com/v2/things", nil)
	err := retry.Loop{Vendor: "acme"}.Do(req, func() error { cancel(); return errFlaky })
	if err == nil || err.Error() != "acme: GET /v2/things: context canceled" || !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v", err)
	}
}

type slowDown struct{ wait time.Duration }

func (e *slowDown) Error() string { return "slow down" }

// TestThrottledAs: the vendor's throttling error, wrapped or not, gives its
// wait; any other error is no throttling.
func TestThrottledAs(t *testing.T) {
	throttled := retry.ThrottledAs(func(e *slowDown) time.Duration { return e.wait })
	if d, ok := throttled(fmt.Errorf("get: %w", &slowDown{wait: 3 * time.Second})); !ok || d != 3*time.Second {
		t.Errorf("throttled = %s, %v; want 3s, true", d, ok)
	}
	if _, ok := throttled(errors.New("boom")); ok {
		t.Error("a plain error counts as throttling")
	}
}
