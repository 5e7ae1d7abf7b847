package loadtest

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"billbot/internal/chat"
	"billbot/store"
)

// Answers is the firm of the answer cache's benchmark: 1,500 clients with
// 67 monthly invoices each (100,500 invoices).
var Answers = Size{Clients: 1500, Managers: 50, Invoices: 100_500, Entries: 150_000}

// The answer cache's load: /ar aging and /billing status alternating at
// 200 signed requests a second for answersDuration, once recomputing every
// answer (the baseline) and once remembering them.
const (
	answersRate     = 200
	answersDuration = 3 * time.Second
)

// BenchmarkAnswerCache seeds PostgreSQL with Answers, then sends /ar aging
// and /billing status (firm-wide, as an approver asks them) at 200 signed
// requests a second twice in the same run: first to an app that recomputes
// every answer and draws and uploads every chart (app.Parts' Recompute and RedrawCharts),
// then to one that remembers them (the default). For each it reports the
// reply time — the ack for a reply that made it inline, else the moment
// the reply reached response_url — at p50 and p99, the share of replies
// later than Slack's 3 seconds, the process's CPU share of the machine
// over the run (load generator included; PostgreSQL is another process),
// its CPU time per request, /ar aging's handler time alone (median of ten,
// after the load), the charts uploaded and, cached, how many aging/status
// answers were computed.
// Everything runs once whatever b.N (-benchtime 1x). It skips without
// TEST_DATABASE_URL, and fails under CI.
func BenchmarkAnswerCache(b *testing.B) {
	ctx := context.Background()
	st, _, _ := seeded(ctx, b, Answers)

	b.ResetTimer()
	for _, mode := range []struct {
		name string
		new  func(*store.Store, func() time.Time, *slog.Logger) (*App, error)
	}{
		{"recompute", NewAppRecomputing},
		{"cached", NewApp},
	} {
		app, err := mode.new(st, func() time.Time { return benchNow }, nil)
		if err != nil {
			b.Fatal(err)
		}
		r := answerLoad(ctx, b, app)
		app.Close()
		b.Logf("%-9s n=%d p50=%.0fms p99=%.0fms over3s=%.1f%% wall=%s cpu=%.0f%% (%.2f of %d cores) cpu/request=%.1fms handler=%.1fms computed=%d uploads=%d",
			mode.name, r.n, Millis(r.p50), Millis(r.p99), r.late*100, r.wall.Round(time.Millisecond), r.cpu*100, r.cpu*float64(runtime.NumCPU()), runtime.NumCPU(),
			Millis(r.cpuPer), Millis(r.handler), r.computed, r.uploads)
		b.ReportMetric(Millis(r.p50), mode.name+"-p50-ms")
		b.ReportMetric(Millis(r.p99), mode.name+"-p99-ms")
		b.ReportMetric(r.late*100, mode.name+"-over3s-%")
		b.ReportMetric(r.cpu*100, mode.name+"-cpu-%")
		b.ReportMetric(Millis(r.cpuPer), mode.name+"-cpu-ms/req")
		b.ReportMetric(Millis(r.handler), mode.name+"-aging-handler-ms")
		b.ReportMetric(float64(r.uploads), mode.name+"-uploads")
		if mode.name == "cached" {
			b.ReportMetric(float64(r.computed), "cached-computations")
		}
	}
}

type loadResult struct {
	n                     int
	p50, p99              time.Duration
	late, cpu             float64
	wall, cpuPer, handler time.Duration
	computed              int64
	uploads               int
}

// answerLoad warms app up (one request of each kind, so the cached run
// starts as a running server's would: with the answers of the current
// version at most once to compute), then sends the load and times every
// reply.
func answerLoad(ctx context.Context, b *testing.B, app *App) loadResult {
	b.Helper()
	if err := app.Ping(ctx); err != nil {
		b.Fatal(err)
	}
	var (
		mu      sync.Mutex
		sentAt  = map[int]time.Time{}
		replyTo = map[int]string{}
	)
	next := func(i int) (string, *http.Request) {
		cmd, text, kind := "/ar", "aging", "/ar aging"
		if i%2 == 1 {
			cmd, text, kind = "/billing", "status", "/billing status"
		}
		req, url := app.CommandReplyingTo(cmd, text, "U0PARTNER0")
		mu.Lock()
		sentAt[i], replyTo[i] = time.Now(), url
		mu.Unlock()
		return kind, req
	}
	warm := Run(ctx, app.Client, Plan{Rate: 2, Duration: time.Second}, next)
	if _, err := failures(warm); err != nil {
		b.Fatal(err)
	}
	app.Wait()
	mu.Lock()
	clear(sentAt)
	clear(replyTo)
	mu.Unlock()

	cpu0, wall0 := processCPU(b), time.Now()
	samples := Run(ctx, app.Client, Plan{Rate: answersRate, Duration: answersDuration}, next)
	app.Wait()
	wall, cpu := time.Since(wall0), processCPU(b)-cpu0
	if _, err := failures(samples); err != nil {
		b.Fatal(err)
	}
	var replies []time.Duration
	late := 0
	for i, s := range samples {
		d := s.Ack
		if len(s.Body) == 0 { // acked empty: the reply went to response_url
			at, ok := app.ReplyAt(replyTo[i])
			if !ok {
				b.Fatalf("request %d (%s): no reply", i, s.Kind)
			}
			d = at.Sub(sentAt[i])
		}
		if d > 3*time.Second {
			late++
		}
		replies = append(replies, d)
	}
	r := loadResult{
		n: len(replies), p50: Percentile(replies, 50), p99: Percentile(replies, 99),
		late: float64(late) / float64(len(replies)),
		cpu:  float64(cpu) / float64(wall) / float64(runtime.NumCPU()),
		wall: wall, cpuPer: cpu / time.Duration(len(replies)),
	}
	if app.Answers != nil {
		r.computed = app.Answers.Stats().Computed
	}
	r.uploads = app.Uploads()
	// /ar aging's handler alone, no HTTP, one at a time (median).
	cmd := chat.Command{Command: "/ar", Text: "aging", UserID: "U0PARTNER0", ChannelID: "C0BILLING", TeamID: "T0LOADTEST"}
	var hs []time.Duration
	for range 10 {
		t0 := time.Now()
		reply, err := app.Commands.HandleCommand(ctx, cmd)
		hs = append(hs, time.Since(t0))
		if err != nil || len(reply.Blocks) == 0 {
			b.Fatalf("/ar aging: %v (%q)", err, reply.Text)
		}
	}
	r.handler = Percentile(hs, 50)
	return r
}

// processCPU is the CPU time this process has used (user and system).
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
