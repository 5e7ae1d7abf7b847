package qbo

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/sync/errgroup"

	"billbot/internal/qbo/qbosandbox"
)

// benchScale shrinks QBO's one-minute throttle window 100-fold: 40 batch
// requests per 600 ms and 500 requests per 600 ms, 10 concurrent
// (docs/vendors.md §2.7–2.8). The client uses the same limits as the sandbox.
const (
	benchScale    = 100
	benchInvoices = 500
)

func benchWindow() time.Duration { return time.Minute / benchScale }

func benchClient(b *testing.B, srv *qbosandbox.Server) *Client {
	b.Helper()
	hc := &http.Client{
		Transport: &oauth2.Transport{Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: staticToken})},
		Timeout:   30 * time.Second,
	}
	c, err := NewClient(srv.URL(), srv.RealmID(), hc,
		WithLimits(Limits{MaxConcurrent: 10, Requests: 500, BatchRequests: 40, Per: benchWindow()}),
		WithRateLimitWait(benchWindow()))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func benchSandbox(b *testing.B) (*qbosandbox.Server, string, map[string]string) {
	srv := qbosandbox.New(qbosandbox.Options{
		StaticToken: staticToken, MaxConcurrent: 10, PerWindow: 500, BatchPerWindow: 40, Window: benchWindow(),
	})
	cust, items := seed(srv)
	return srv, cust, items
}

// BenchmarkCreate500 creates 500 invoices into a throttled sandbox, in
// batches of 30 and, as the baseline, one create per invoice. It reports
// the throttle floor (the least time the limits allow), wall ÷ floor, HTTP
// calls per invoice and 429s seen.
func BenchmarkCreate500(b *testing.B) {
	b.Run("batch30", func(b *testing.B) {
		batches := (benchInvoices + MaxBatchItems - 1) / MaxBatchItems
		floor := time.Duration(batches) * benchWindow() / 40
		var wall, best time.Duration
		var calls, throttled int
		for i := 0; b.Loop(); i++ {
			srv, cust, items := benchSandbox(b)
			c := benchClient(b, srv)
			inv := testInvoice(b, cust, items, "bench")
			start := time.Now()
			var g errgroup.Group
			g.SetLimit(10)
			for bi := range batches {
				g.Go(func() error {
					var its []BatchItem
					for j := bi * MaxBatchItems; j < min((bi+1)*MaxBatchItems, benchInvoices); j++ {
						v := inv
						its = append(its, BatchItem{BID: fmt.Sprint(j), Operation: OpCreate, Invoice: &v})
					}
					res, err := c.Batch(b.Context(), its, BatchRequestID("bench", fmt.Sprint(i), fmt.Sprint(bi)))
					if err != nil {
						return err
					}
					for _, r := range res {
						if r.Fault != nil {
							return r.Fault
						}
					}
					return nil
				})
			}
			if err := g.Wait(); err != nil {
				b.Fatal(err)
			}
			el := time.Since(start)
			wall += el
			if best == 0 || el < best {
				best = el
			}
			if n := srv.InvoiceCount(); n != benchInvoices {
				b.Fatalf("invoices = %d", n)
			}
			calls += srv.TotalCalls()
			throttled += countThrottled(srv)
			srv.Close()
		}
		report(b, wall, best, floor, calls, throttled)
	})
	b.Run("single", func(b *testing.B) {
		floor := time.Duration(benchInvoices) * benchWindow() / 500
		var wall, best time.Duration
		var calls, throttled int
		for i := 0; b.Loop(); i++ {
			srv, cust, items := benchSandbox(b)
			c := benchClient(b, srv)
			inv := testInvoice(b, cust, items, "bench")
			start := time.Now()
			var g errgroup.Group
			g.SetLimit(10)
			for j := range benchInvoices {
				g.Go(func() error {
					_, err := c.CreateInvoice(b.Context(), inv, RequestID("bench", fmt.Sprint(i), fmt.Sprint(j)))
					return err
				})
			}
			if err := g.Wait(); err != nil {
				b.Fatal(err)
			}
			el := time.Since(start)
			wall += el
			if best == 0 || el < best {
				best = el
			}
			if n := srv.InvoiceCount(); n != benchInvoices {
				b.Fatalf("invoices = %d", n)
			}
			calls += srv.TotalCalls()
			throttled += countThrottled(srv)
			srv.Close()
		}
		report(b, wall, best, floor, calls, throttled)
	})
}

// countThrottled is the number of write calls beyond one per batch or
// invoice: each is a 429 retried, since the benchmark injects no faults.
func countThrottled(srv *qbosandbox.Server) int {
	c := srv.Calls()
	if n := c["POST batch"]; n > 0 {
		return n - (benchInvoices+MaxBatchItems-1)/MaxBatchItems
	}
	return c["POST invoice"] - benchInvoices
}

// report adds the figures; best-wall/floor is the least noisy on a shared
// machine.
func report(b *testing.B, wall, best, floor time.Duration, calls, throttled int) {
	n := float64(b.N)
	b.ReportMetric(float64(floor.Milliseconds()), "floor-ms")
	b.ReportMetric(float64(wall.Milliseconds())/n, "wall-ms")
	b.ReportMetric(float64(wall)/n/float64(floor), "wall/floor")
	b.ReportMetric(float64(best)/float64(floor), "best-wall/floor")
	b.ReportMetric(float64(calls)/n/benchInvoices, "calls/invoice")
	b.ReportMetric(float64(throttled)/n, "429s")
}
