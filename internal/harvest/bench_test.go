package harvest_test

import (
	"context"
	"math"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/harvest"
	"billbot/internal/harvest/harvestsandbox"
)

// countingStore is a Store that only counts, so the benchmark measures the
// client and the rate limit, not a database.
type countingStore struct {
	entries int
	cursor  string
}

func (s *countingStore) UpsertEntries(_ context.Context, e []billing.TimeEntry, _ time.Time) (harvest.UpsertStats, error) {
	s.entries += len(e)
	return harvest.UpsertStats{Inserted: len(e)}, nil
}

func (s *countingStore) RemoveMissing(context.Context, string, billing.Period, []string, time.Time) (harvest.RemoveStats, error) {
	return harvest.RemoveStats{}, nil
}

func (s *countingStore) Cursor(context.Context, string) (string, error) { return "", nil }

func (s *countingStore) SetCursor(_ context.Context, _, v string) error {
	s.cursor = v
	return nil
}

// BenchmarkSync1M syncs 1,000,000 entries (500 pages of 2000) from the
// sandbox with Harvest's rate limit of 100 requests per 15 s scaled ×10 to
// 100 requests per 1.5 s, so that the limit, not the code, should bound the
// run. It reports the rate-limit floor (pages ÷ allowed rate = 7.5 s) and
// wall time ÷ floor; the goal is ≤ 1.1. At ×15 (10 ms a page) a 2-core
// machine is CPU-bound on rendering and decoding 2 MB pages.
func BenchmarkSync1M(b *testing.B) {
	const (
		entries    = 1_000_000
		limit      = harvest.DefaultLimit
		benchScale = 10
	)
	window := harvest.DefaultWindow / benchScale
	firm := harvestsandbox.Generate(1, harvestsandbox.GenerateOptions{
		Entries: entries, Clients: 60, Users: 30,
		From: billing.MustDate("2025-04-01"), To: billing.MustDate("2026-03-31"),
	})
	srv := harvestsandbox.New(harvestsandbox.Options{Limit: limit, Window: window})
	srv.Seed(firm)
	srv.Start()
	defer srv.Close()
	client, err := harvest.NewClient(srv.URL(), srv.AccountID(), srv.Token(),
		harvest.WithLimiter(limit, window), harvest.WithUserAgent("bench@example.com"))
	if err != nil {
		b.Fatal(err)
	}
	pages := math.Ceil(float64(entries) / harvest.MaxPerPage)
	floor := time.Duration(pages / limit * float64(window))
	ctx := context.Background()

	b.ResetTimer()
	var total time.Duration
	for b.Loop() {
		store := &countingStore{}
		start := time.Now()
		rep, err := harvest.NewSyncer(client, store, harvest.SyncerConfig{}).Run(ctx, harvest.SyncOptions{})
		total += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if store.entries != entries {
			b.Fatalf("stored %d entries, want %d", store.entries, entries)
		}
		_ = rep
	}
	b.ReportMetric(floor.Seconds(), "floor-s")
	b.ReportMetric(total.Seconds()/float64(b.N)/floor.Seconds(), "wall/floor")
	b.ReportMetric(float64(entries)*float64(b.N)/total.Seconds(), "entries/s")
	if st := srv.Stats(); st.Throttled > 0 {
		b.Errorf("sandbox throttled %d requests; the client limiter should prevent every 429", st.Throttled)
	}
}
