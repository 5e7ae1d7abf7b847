package qbtime_test

import (
	"context"
	"math"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/qbtime"
	"billbot/internal/qbtime/qbtimesandbox"
)

// countingStore is a Store that only counts, so the benchmark measures the
// client and the rate limit, not a database.
type countingStore struct {
	entries int
	cursors map[string]string
}

func (s *countingStore) UpsertEntries(_ context.Context, e []billing.TimeEntry, _ time.Time) (qbtime.UpsertStats, error) {
	s.entries += len(e)
	return qbtime.UpsertStats{Inserted: len(e)}, nil
}

func (s *countingStore) RemoveMissing(context.Context, string, billing.Period, []string, time.Time) (qbtime.RemoveStats, error) {
	return qbtime.RemoveStats{}, nil
}

func (s *countingStore) Cursor(_ context.Context, name string) (string, error) {
	return s.cursors[name], nil
}

func (s *countingStore) SetCursor(_ context.Context, name, v string) error {
	s.cursors[name] = v
	return nil
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSync1M syncs N timesheets (env N, default 100,000; N=1000000
// for the full million) from the sandbox, 200 a page, under QuickBooks
// Time's rate limit of 300 calls per 5 minutes scaled ×50 to 300 per 6 s
// (Harvest's benchmark scales its 15-second window ×10; this window is 20
// times longer), so that the limit, not the code, should bound the run:
// a page costs a 2-core machine about 8 ms of decoding and rendering, the
// scaled limit allows one per 20 ms. It reports:
//   - floor-s: the same number of requests, each a one-user answer, made
//     through the same limiter against a sandbox with the same limit in
//     the same run: the rate-limit floor, measured;
//   - wall/floor: the sync's wall time ÷ that floor, the goal ≤ 1.1. The
//     first 300 requests pass at once, so the floor is nearly free for
//     them while the sync still decodes 300 pages: with small N the ratio
//     says more about that burst than about the limit;
//   - cpu-share: the process's CPU time during the sync ÷ (wall time ×
//     GOMAXPROCS): well below 1 means the run waited, on the limit or on
//     other processes.
func BenchmarkSync1M(b *testing.B) {
	entries := 100_000
	if v := os.Getenv("N"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			b.Fatalf("N=%q: want a positive number of timesheets", v)
		}
		entries = n
	}
	const (
		limit      = qbtime.DefaultLimit
		benchScale = 50
	)
	window := qbtime.DefaultWindow / benchScale
	firm := qbtimesandbox.Generate(1, qbtimesandbox.GenerateOptions{
		Timesheets: entries, Customers: 60, Users: 30,
		From: billing.MustDate("2025-04-01"), To: billing.MustDate("2026-03-31"),
	})
	srv := qbtimesandbox.New(qbtimesandbox.Options{Limit: limit, Window: window})
	srv.Seed(firm)
	srv.Start()
	defer srv.Close()
	requests := 1 + int(math.Ceil(float64(entries)/qbtime.MaxLimit)) // users, then the pages
	ctx := context.Background()

	b.ResetTimer()
	var wall, floor, cpu time.Duration
	for b.Loop() {
		// The floor: as many requests through a fresh limiter against a
		// fresh sandbox with the same limit.
		base := qbtimesandbox.New(qbtimesandbox.Options{Limit: limit, Window: window})
		base.Seed(qbtimesandbox.Generate(1, qbtimesandbox.GenerateOptions{Timesheets: 1, Users: 1}))
		base.Start()
		bc, err := qbtime.NewClient(base.URL(), base.Token(), qbtime.WithLimiter(limit, window))
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		for range requests {
			if _, err := bc.CurrentUser(ctx); err != nil {
				b.Fatal(err)
			}
		}
		floor += time.Since(start)
		base.Close()

		client, err := qbtime.NewClient(srv.URL(), srv.Token(), qbtime.WithLimiter(limit, window))
		if err != nil {
			b.Fatal(err)
		}
		// Let the sandbox's window empty of the previous iteration's hits.
		time.Sleep(window)
		store := &countingStore{cursors: map[string]string{}}
		c0 := cpuTime()
		start = time.Now()
		rep, err := qbtime.NewSyncer(client, store, qbtime.SyncerConfig{}).Run(ctx, qbtime.SyncOptions{})
		wall += time.Since(start)
		cpu += cpuTime() - c0
		if err != nil {
			b.Fatal(err)
		}
		if store.entries != entries || rep.Requests != int64(requests) {
			b.Fatalf("stored %d entries in %d requests, want %d in %d", store.entries, rep.Requests, entries, requests)
		}
	}
	n := float64(b.N)
	b.ReportMetric(floor.Seconds()/n, "floor-s")
	b.ReportMetric(wall.Seconds()/floor.Seconds(), "wall/floor")
	b.ReportMetric(cpu.Seconds()/(wall.Seconds()*float64(runtimeProcs())), "cpu-share")
	b.ReportMetric(float64(entries)*n/wall.Seconds(), "entries/s")
	if st := srv.Stats(); st.Throttled > 0 {
		b.Errorf("sandbox throttled %d requests; the client limiter should prevent every 429", st.Throttled)
	}
}
