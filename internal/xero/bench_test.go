package xero

import (
	"fmt"
	"net/http"
	"syscall"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/sync/errgroup"

	"billbot/internal/xero/xerosandbox"
)

// benchScale shrinks Xero's one-minute window 100-fold, as the QBO
// benchmark does: 60 calls per 600 ms, 5 at once, 5,000 per 864 s
// (docs/vendors.md §6.10). Client and sandbox use the same limits. Xero's
// Retry-After is in whole seconds, which cannot be scaled, so the sandbox
// sends none and the client waits one call's spacing (window ÷ 60) after a
// 429: a 429 in the benchmark costs what a one-second Retry-After costs
// against Xero's real minute.
const (
	benchScale    = 100
	benchInvoices = 500
)

func benchWindow() time.Duration { return time.Minute / benchScale }

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCreate500 drafts 500 invoices, five at a time, into a sandbox
// that enforces Xero's scaled limits. It reports the rate-limit floor (the
// least time 500 calls take at 60 per window), wall ÷ floor, HTTP calls per
// invoice, the 429s seen and the CPU share (CPU time ÷ wall: how much of a
// core billbot and the sandbox use while the limit, not the machine, sets
// the pace).
func BenchmarkCreate500(b *testing.B) {
	floor := time.Duration(benchInvoices-1) * benchWindow() / 60
	var wall, best, cpu time.Duration
	var calls, throttled int
	for i := 0; b.Loop(); i++ {
		srv := xerosandbox.New(xerosandbox.Options{RetryAfter: "-", StaticToken: staticToken, Window: benchWindow(), DayWindow: 24 * time.Hour / benchScale})
		cid := srv.AddContact("Acme", "ap@acme.example", "")
		srv.AddItem("TAX", "Tax Preparation", "200")
		hc := &http.Client{Transport: &oauth2.Transport{Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: staticToken})}, Timeout: 30 * time.Second}
		c, err := NewClient(srv.URL(), srv.TenantID(), hc,
			WithLimits(Limits{MaxConcurrent: 5, PerMinute: 60, PerDay: 5000, Per: benchWindow(), Day: 24 * time.Hour / benchScale}),
			WithRateLimitWait(benchWindow()/60, time.Minute))
		if err != nil {
			b.Fatal(err)
		}
		inv := draft(cid)
		start, cpu0 := time.Now(), cpuTime()
		var g errgroup.Group
		g.SetLimit(5)
		for j := range benchInvoices {
			g.Go(func() error {
				_, err := c.CreateInvoice(b.Context(), inv, IdempotencyKey("bench", fmt.Sprint(i), fmt.Sprint(j)))
				return err
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
		el := time.Since(start)
		cpu += cpuTime() - cpu0
		wall += el
		if best == 0 || el < best {
			best = el
		}
		if n := srv.InvoiceCount(); n != benchInvoices {
			b.Fatalf("invoices = %d", n)
		}
		calls += srv.TotalCalls()
		throttled += srv.Calls()["PUT Invoices"] - benchInvoices
		srv.Close()
	}
	n := float64(b.N)
	b.ReportMetric(float64(floor.Milliseconds()), "floor-ms")
	b.ReportMetric(float64(wall.Milliseconds())/n, "wall-ms")
	b.ReportMetric(float64(wall)/n/float64(floor), "wall/floor")
	b.ReportMetric(float64(best)/float64(floor), "best-wall/floor")
	b.ReportMetric(float64(calls)/n/benchInvoices, "calls/invoice")
	b.ReportMetric(float64(throttled)/n, "429s")
	b.ReportMetric(float64(cpu)/float64(wall), "cpu-share")
}
