package workflow_test

import (
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"billbot/internal/billing"
	"billbot/internal/clock"
	"billbot/internal/config"
	"billbot/internal/ledger/qbobooks"
	"billbot/internal/money"
	"billbot/internal/qbo"
	"billbot/internal/qbo/qbosandbox"
	"billbot/internal/workflow"
	"billbot/store/storetest"
)

// shadowBenchScale shrinks QBO's one-minute windows. The default is QBO's
// real limits (500 requests and 40 batches a minute, 10 concurrent): the
// shadow run needs only a handful of calls for 500 invoices, so a shrunk
// floor (e.g. -shadow-scale 100, as internal/qbo/bench_test.go scales
// batch creates) measures CPU and the database rather than the limits.
var shadowBenchScale = flag.Int("shadow-scale", 1, "divide QBO's one-minute rate-limit windows by this in BenchmarkShadow500")

// A cycle of 500 clients with one invoice each.
const (
	shadowBenchClients = 500
	shadowBenchEntries = 6 // per client: two tasks, three days
)

func shadowBenchWindow() time.Duration { return time.Minute / time.Duration(*shadowBenchScale) }

// shadowBenchFirm is 500 hourly clients, monthly; live, so Shadow
// compares them all (the preview before any client is switched).
func shadowBenchFirm() string {
	var b strings.Builder
	b.WriteString("firm:\n  name: Bench CPA\n  timezone: America/New_York\n  home_currency: USD\n  billing_channel: C0BILLING\n  default_item: Services\nclients:\n")
	for i := range shadowBenchClients {
		fmt.Fprintf(&b, "  - name: Client %03d\n    harvest_client_id: %d\n    currency: USD\n", i, 1000+i)
	}
	b.WriteString("engagements:\n")
	for i := range shadowBenchClients {
		fmt.Fprintf(&b, "  - key: c%03d-2026\n    client: Client %03d\n    harvest_project_id: %d\n    kind: hourly\n    starts_on: 2026-01-01\n"+
			"    partner: U0PARTNER\n    manager: U0MANAGER\n    cycle: monthly\n    terms_days: 30\n    rates: { \"*\": \"200.00\", Bookkeeping: \"95.00\" }\n",
			i, i, 2000+i)
	}
	return b.String()
}

type shadowBench struct {
	wf   *workflow.Workflow
	srv  *qbosandbox.Server
	plan int // QBO calls the run needs
}

func newShadowBench(b *testing.B) *shadowBench {
	b.Helper()
	ctx := b.Context()
	loc, _ := time.LoadLocation("America/New_York")
	clk := clock.NewFake(time.Date(2026, 11, 2, 9, 0, 0, 0, loc))
	st := storetest.SQLite(b).WithClock(clk.Now)
	y := shadowBenchFirm()
	parsed, err := config.ParseFirm("bench firm", []byte(y))
	if err != nil {
		b.Fatal(err)
	}
	_, clients, engs := parsed.Billing()
	if err := st.SaveConfig(ctx, []byte(y), clients, engs, "bench"); err != nil {
		b.Fatal(err)
	}
	var entries []billing.TimeEntry
	for i := range shadowBenchClients {
		for j := range shadowBenchEntries {
			task, rate := "Advisory", "200.00"
			if j%2 == 1 {
				task, rate = "Bookkeeping", "95.00"
			}
			d := billing.MustDate(fmt.Sprintf("2026-10-%02d", 5+j))
			entries = append(entries, billing.TimeEntry{
				Source: "harvest", ExternalID: fmt.Sprintf("e%d-%d", i, j), ProjectID: int64(2000 + i), Project: "P",
				ClientID: int64(1000 + i), Client: fmt.Sprintf("Client %03d", i), Task: task, User: "Sam Patel", SpentDate: d,
				Hours: money.MustHours("1.5"), Rate: money.MustParse(rate, "USD"), Currency: "USD", Billable: true, Approved: true,
				ApprovedAt: d.Time(loc).Add(20 * time.Hour),
			})
		}
	}
	if _, err := st.UpsertEntries(ctx, entries, clk.Now()); err != nil {
		b.Fatal(err)
	}
	srv := qbosandbox.New(qbosandbox.Options{StaticToken: qboToken, Now: clk.Now,
		MaxConcurrent: 10, PerWindow: 500, BatchPerWindow: 40, Window: shadowBenchWindow()})
	b.Cleanup(srv.Close)
	custs := map[string]string{}
	for i := range shadowBenchClients {
		name := fmt.Sprintf("Client %03d", i)
		custs[name] = srv.SeedCustomer(qbosandbox.Customer{DisplayName: name})
	}
	items := map[string]string{}
	for _, n := range []string{"Services", "Bookkeeping"} {
		items[n] = srv.SeedItem(qbosandbox.Item{Name: n})
	}
	hc := &http.Client{
		Transport: &oauth2.Transport{Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: qboToken})},
		Timeout:   30 * time.Second,
	}
	qc, err := qbo.NewClient(srv.URL(), srv.RealmID(), hc,
		qbo.WithLimits(qbo.Limits{MaxConcurrent: 10, Requests: 500, BatchRequests: 40, Per: shadowBenchWindow()}),
		qbo.WithRateLimitWait(shadowBenchWindow()))
	if err != nil {
		b.Fatal(err)
	}
	wf := workflow.New(workflow.Deps{Store: st, Ledger: qbobooks.New(qc, "USD", ""), Now: clk.Now, Logger: slog.New(slog.DiscardHandler)})
	// The firm's own invoices: what billbot drafts, entered by hand.
	dry, err := wf.Draft(ctx, workflow.DraftOptions{PeriodEnd: billing.MustDate("2026-10-31"), DryRun: true})
	if err != nil {
		b.Fatal(err)
	}
	if len(dry.Invoices) != shadowBenchClients {
		b.Fatalf("dry run drafted %d invoices, want %d", len(dry.Invoices), shadowBenchClients)
	}
	for _, inv := range dry.Invoices {
		q, err := qbo.InvoiceFromDraft(inv, custs[inv.Client], items, "", "")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := srv.SeedInvoice(q); err != nil {
			b.Fatal(err)
		}
	}
	// Customers and items: one page each; invoices: one query per 100
	// customers, each one page.
	plan := 2 + (shadowBenchClients+qbo.MaxInValues-1)/qbo.MaxInValues
	return &shadowBench{wf: wf, srv: srv, plan: plan}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkShadow500 compares a 500-invoice cycle with the firm's own 500
// invoices in a throttled sandbox. It reports the rate-limit floor of the
// QBO calls the run needs (calls × window ÷ 500, the client's steady
// rate), wall ÷ floor, the calls made, and the run's CPU time ÷ wall
// (getrusage, this process: billbot and the in-process sandbox).
func BenchmarkShadow500(b *testing.B) {
	var wall, best, cpu time.Duration
	var calls int
	var floor time.Duration
	for b.Loop() {
		b.StopTimer()
		sb := newShadowBench(b)
		before := sb.srv.TotalCalls()
		floor = time.Duration(sb.plan) * shadowBenchWindow() / 500
		b.StartTimer()
		c0, start := cpuTime(), time.Now()
		rep, err := sb.wf.Shadow(b.Context(), workflow.ShadowOptions{PeriodEnd: billing.MustDate("2026-10-31"), Actor: "bench"})
		el := time.Since(start)
		cpu += cpuTime() - c0
		if err != nil {
			b.Fatal(err)
		}
		if rep.InvoicesAgreed != shadowBenchClients || rep.Same != 2*shadowBenchClients {
			b.Fatalf("agreement %d of %d invoices, %d lines same", rep.InvoicesAgreed, rep.InvoicesCompared, rep.Same)
		}
		if w := sb.srv.Writes(); w != 0 {
			b.Fatalf("QBO writes = %d", w)
		}
		wall += el
		if best == 0 || el < best {
			best = el
		}
		calls += sb.srv.TotalCalls() - before
	}
	n := float64(b.N)
	b.ReportMetric(float64(floor.Microseconds())/1000, "floor-ms")
	b.ReportMetric(float64(wall.Microseconds())/1000/n, "wall-ms")
	b.ReportMetric(float64(wall)/n/float64(floor), "wall/floor")
	b.ReportMetric(float64(best)/float64(floor), "best-wall/floor")
	b.ReportMetric(float64(calls)/n, "calls")
	b.ReportMetric(float64(cpu)/float64(wall), "cpu/wall")
	b.ReportMetric(float64(cpu.Microseconds())/1000/n, "cpu-ms")
}
