package loadtest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPercentile(t *testing.T) {
	t.Parallel()
	ms := func(vs ...int) []time.Duration {
		out := make([]time.Duration, len(vs))
		for i, v := range vs {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = 100 - i // 100 … 1, unsorted
	}
	tests := []struct {
		name string
		ds   []time.Duration
		p    int
		want time.Duration
	}{
		{"none", nil, 50, 0},
		{"one", ms(7), 99, 7 * time.Millisecond},
		{"median of four is the second", ms(4, 1, 3, 2), 50, 2 * time.Millisecond},
		{"p99 of 100", ms(hundred...), 99, 99 * time.Millisecond},
		{"p50 of 100", ms(hundred...), 50, 50 * time.Millisecond},
		{"p100 is the max", ms(3, 9, 1), 100, 9 * time.Millisecond},
		{"p0 is the min", ms(3, 9, 1), 0, 1 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.ds, tt.p); got != tt.want {
				t.Errorf("Percentile(%v, %d) = %v, want %v", tt.ds, tt.p, got, tt.want)
			}
		})
	}
}

// TestRunSchedulesOpenLoop checks that Run sends Rate×Duration requests,
// each scheduled at start + i/Rate whatever the responses do, and returns
// them in send order; the wait is instant, so nothing sleeps.
func TestRunSchedulesOpenLoop(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write([]byte(r.URL.Query().Get("i")))
	}))
	defer srv.Close()
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	var (
		mu    sync.Mutex
		waits []time.Duration
	)
	p := Plan{
		Rate: 4, Duration: 2 * time.Second,
		Now: func() time.Time { return start },
		Wait: func(_ context.Context, until time.Time) error {
			mu.Lock()
			waits = append(waits, until.Sub(start))
			mu.Unlock()
			return nil
		},
	}
	samples := Run(t.Context(), srv.Client(), p, func(i int) (string, *http.Request) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/?i="+strconv.Itoa(i), nil)
		return "kind" + strconv.Itoa(i%2), req
	})
	want := []time.Duration{0, 250, 500, 750, 1000, 1250, 1500, 1750}
	for i := range want {
		want[i] *= time.Millisecond
	}
	if diff := cmp.Diff(want, waits); diff != "" {
		t.Errorf("scheduled instants (-want +got):\n%s", diff)
	}
	if len(samples) != 8 {
		t.Fatalf("got %d samples, want 8", len(samples))
	}
	for i, s := range samples {
		if s.Err != nil || s.Status != http.StatusTeapot || string(s.Body) != strconv.Itoa(i) || s.Kind != "kind"+strconv.Itoa(i%2) {
			t.Errorf("sample %d = %+v", i, s)
		}
	}
}

func TestRunStopsWhenWaitFails(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	stop := errors.New("stopped")
	calls := 0
	p := Plan{Rate: 10, Duration: time.Second, Wait: func(context.Context, time.Time) error {
		calls++
		if calls > 3 {
			return stop
		}
		return nil
	}}
	samples := Run(t.Context(), srv.Client(), p, func(int) (string, *http.Request) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		return "k", req
	})
	for i, s := range samples {
		if sent := i < 3; sent != (s.Err == nil) || (!sent && !errors.Is(s.Err, stop)) {
			t.Errorf("sample %d: err %v", i, s.Err)
		}
	}
}

func TestRebind(t *testing.T) {
	t.Parallel()
	got := rebind("a = ? AND b LIKE ? ESCAPE '\\' AND c = ?")
	if want := "a = $1 AND b LIKE $2 ESCAPE '\\' AND c = $3"; got != want {
		t.Errorf("rebind = %q, want %q", got, want)
	}
}
