package loadtest

import (
	"context"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"billbot/internal/retry"
)

// Plan is a steady load: Rate requests a second for Duration.
type Plan struct {
	Rate     int
	Duration time.Duration
	// Now reads the clock for schedules and latencies; default time.Now.
	Now func() time.Time
	// Wait blocks until the instant given (or ctx ends); default a real
	// timer. Tests make it return at once.
	Wait func(ctx context.Context, until time.Time) error
}

// Sample is the outcome of one request.
type Sample struct {
	Kind   string
	Ack    time.Duration // from sending the request to its response headers
	Status int
	Body   []byte
	Err    error
}

// Run sends Rate×Duration requests, request i at start + i/Rate seconds,
// open loop: each leaves at its time whatever the earlier ones are doing, so
// a slow server cannot slow the load down and hide its own latency. next
// gives request i and its kind. Run waits for every response and returns
// the samples in send order.
func Run(ctx context.Context, client *http.Client, p Plan, next func(i int) (string, *http.Request)) []Sample {
	now, wait := p.Now, p.Wait
	if now == nil {
		now = time.Now
	}
	if wait == nil {
		wait = sleepUntil
	}
	n := int(int64(p.Rate) * int64(p.Duration) / int64(time.Second))
	interval := time.Second / time.Duration(max(p.Rate, 1))
	samples := make([]Sample, n)
	var wg sync.WaitGroup
	start := now()
	for i := range n {
		if err := wait(ctx, start.Add(time.Duration(i)*interval)); err != nil {
			for j := i; j < n; j++ {
				samples[j].Err = err
			}
			break
		}
		kind, req := next(i)
		samples[i].Kind = kind
		wg.Add(1)
		go func() {
			defer wg.Done()
			samples[i] = send(ctx, client, now, kind, req)
		}()
	}
	wg.Wait()
	return samples
}

// send does one request and times its ack.
func send(ctx context.Context, client *http.Client, now func() time.Time, kind string, req *http.Request) Sample {
	s := Sample{Kind: kind}
	t0 := now()
	resp, err := client.Do(req.WithContext(ctx))
	s.Ack = now().Sub(t0)
	if err != nil {
		s.Err = err
		return s
	}
	defer resp.Body.Close()
	s.Status = resp.StatusCode
	s.Body, s.Err = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return s
}

func sleepUntil(ctx context.Context, t time.Time) error {
	return retry.Sleep(ctx, time.Until(t))
}

// Percentile returns the p-th percentile (0–100) of ds by the nearest-rank
// method: the smallest value with at least p% of ds at or below it; 0 for
// no values.
func Percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := (p*len(s) + 99) / 100 // ceil(p/100 × n)
	return s[min(max(rank, 1), len(s))-1]
}

// Millis converts d to milliseconds for a benchmark metric.
func Millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
