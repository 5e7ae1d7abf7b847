package harvesttime_test

import (
	"log/slog"
	"math"
	"syscall"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/harvest"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/timesource/harvesttime"
	"billbot/internal/workflow"
	"billbot/store/storetest"
)

// BenchmarkSync200kRealLimit pulls 200,000 entries (100 pages of
// harvest.MaxPerPage, Harvest's per_page maximum of 2000) from the Harvest
// sandbox at Harvest's real rate limit, 100 requests per 15 seconds
// (help.getharvest.com/api-v2/introduction/overview/general/ "Rate
// Limiting"; the sandbox enforces it and the client's limiter keeps under
// it), through the adapter (harvesttime.Source.Pull) into the PostgreSQL
// store, and then re-reads the open billing window as the sync job does
// (its last two months, 17 more pages).
//
// Its baseline is the floor the rate limit sets for the requests the run
// made: request k+100 cannot leave before request k's 15-second window has
// passed, so R requests need at least (⌈R/100⌉ − 1) × 15 s (15 s for the
// 117 requests here, which is also the 100 pages ÷ 100 requests per 15 s).
// It reports wall ÷ floor (goal ≤ 1.1: the store keeps up with the limit),
// the floor, the wall time, the requests, and the CPU share of the
// benchmark process over the wall time (sandbox included; PostgreSQL is
// another process). BenchmarkSync1M in internal/harvest is the same sync
// at ten times the limit into a store that only counts. It skips without
// TEST_DATABASE_URL, and fails under CI.
func BenchmarkSync200kRealLimit(b *testing.B) {
	const entries = 200_000
	ctx := b.Context()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	firm := harvestsandbox.Generate(3, harvestsandbox.GenerateOptions{
		Entries: entries, Clients: 60, Users: 30, Now: now,
		From: billing.MustDate("2025-11-01"), To: billing.MustDate("2026-10-31"),
	})
	srv := harvestsandbox.New(harvestsandbox.Options{Limit: harvest.DefaultLimit, Window: harvest.DefaultWindow})
	srv.Seed(firm)
	srv.Start()
	defer srv.Close()
	client, err := harvest.NewClient(srv.URL(), srv.AccountID(), srv.Token(),
		harvest.WithLimiter(harvest.DefaultLimit, harvest.DefaultWindow), harvest.WithUserAgent("bench@example.com"))
	if err != nil {
		b.Fatal(err)
	}
	// The open window of a monthly firm on 2 November: October, closed
	// and not yet billed, and November so far.
	window := billing.Period{Start: billing.MustDate("2026-09-01"), End: billing.MustDate("2026-11-02")}

	var wall, cpu, floor time.Duration
	var requests int64
	runs := 0
	for b.Loop() {
		b.StopTimer()
		st := storetest.Postgres(b)
		wf := workflow.New(workflow.Deps{Store: st, Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)})
		src, err := harvesttime.New(ctx, wf, client)
		if err != nil {
			b.Fatal(err)
		}
		if runs++; runs > 1 {
			time.Sleep(harvest.DefaultWindow) // each run starts with the limit's window empty
		}
		b.StartTimer()
		cpu0, start := processCPU(b), time.Now()
		var fed time.Duration // when the last page of the feed was stored
		rep, err := src.Pull(ctx, workflow.PullOptions{Window: window, Progress: func(done, _ int) {
			if done == entries {
				fed = time.Since(start)
			}
		}})
		wall += time.Since(start)
		cpu += processCPU(b) - cpu0
		if err != nil {
			b.Fatal(err)
		}
		if rep.Fetched != entries || rep.Inserted != entries {
			b.Fatalf("fetched %d, inserted %d entries; want %d", rep.Fetched, rep.Inserted, entries)
		}
		requests += rep.Requests
		windows := math.Ceil(float64(rep.Requests)/harvest.DefaultLimit) - 1
		floor += time.Duration(windows) * harvest.DefaultWindow
		b.Logf("%d entries, %d requests (%d window entries re-read), %d throttled waits: every page stored after %s, wall %s, floor %s",
			rep.Fetched, rep.Requests, rep.WindowSeen, rep.ThrottledWaits, fed.Round(time.Millisecond), time.Since(start).Round(time.Millisecond), time.Duration(windows)*harvest.DefaultWindow)
	}
	if floor == 0 {
		b.Fatal("the run's requests fit in one rate-limit window: no floor to measure against")
	}
	if st := srv.Stats(); st.Throttled > 0 {
		b.Errorf("sandbox throttled %d requests; the client limiter should prevent every 429", st.Throttled)
	}
	n := float64(b.N)
	b.ReportMetric(wall.Seconds()/floor.Seconds(), "wall/floor")
	b.ReportMetric(floor.Seconds()/n, "floor-s")
	b.ReportMetric(wall.Seconds()/n, "wall-s")
	b.ReportMetric(float64(requests)/n, "requests")
	b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu-%")
	b.ReportMetric(entries*n/wall.Seconds(), "entries/s")
}

// processCPU is the CPU time this process has used (user and system).
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
