package setup_test

import (
	"context"
	"math"
	"syscall"
	"testing"
	"time"

	"billbot/internal/config"
	"billbot/internal/harvest"
	"billbot/internal/setup"
	"billbot/internal/setup/setuptest"
)

// cpuTime is this process's user + system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSetup1500 runs setup (Gather, Build, Render) for a firm of
// 1,500 clients and 3,000 projects against the three sandboxes, their rate
// limits scaled ×10 as BenchmarkSync1M scales Harvest's (Harvest 100 per
// 1.5 s, QBO 500 per 6 s, Slack Tier 3 50 per 6 s). Harvest bounds the run: one call per list page and
// two per project (task and user assignments). The floor is what the
// vendors' limits allow for the calls made, counted in the same run: for
// n calls under a limit of L per window W, (ceil(n/L) − 1) × W, the
// largest over the vendors (they are read in parallel). It reports wall ÷
// floor (target ≤ 1.2) and the CPU share of the run (getrusage user+sys ÷
// wall; the sandboxes run in this process, so their CPU counts too).
//
// Two ways to read the assignments: "per-project" (GET
// /v2/projects/{id}/task_assignments and …/user_assignments, 6,000 calls:
// the floor is 60 Harvest windows) and "bulk" (GET /v2/task_assignments and
// /v2/user_assignments, a few pages: every vendor's calls fit in its first
// window, so the floor is zero and only wall time is reported).
func BenchmarkSetup1500(b *testing.B) {
	f := setuptest.Large(1500, 40)
	b.Run("per-project", func(b *testing.B) { benchSetup(b, f, true) })
	b.Run("bulk", func(b *testing.B) { benchSetup(b, f, false) })
}

func benchSetup(b *testing.B, f setuptest.Firm, perProject bool) {
	const scale = 10
	v := startVendors(b, f, limits{scale: scale})
	v.src.PerProject = perProject
	ctx := context.Background()
	window := harvest.DefaultWindow / scale
	slackWindow := setup.SlackTier3Window / scale
	qboWindow := time.Minute / scale

	var wall, cpu, floor, gather time.Duration
	var decisions, hcallsTotal int
	for b.Loop() {
		before := v.harvest.Stats().Requests
		qboBefore := v.qbo.TotalCalls()
		slackBefore := len(v.slack.Calls())
		c0, start := cpuTime(b), time.Now()
		in, calls, err := setup.Gather(ctx, v.src)
		if err != nil {
			b.Fatal(err)
		}
		gather += time.Since(start)
		plan := setup.Build(in)
		res, err := setup.Render(plan, nil)
		if err != nil {
			b.Fatal(err)
		}
		wall += time.Since(start)
		cpu += cpuTime(b) - c0
		b.StopTimer()
		if _, err := config.ParseFirm("bench.yml", res.YAML); err != nil {
			b.Fatalf("config import rejects the file: %v", err)
		}
		if len(plan.Clients) != 1500 || len(plan.Engagements)+len(plan.Pending) != 3000 {
			b.Fatalf("%d clients, %d engagements", len(plan.Clients), len(plan.Engagements)+len(plan.Pending))
		}
		hcalls := v.harvest.Stats().Requests - before
		hcallsTotal += hcalls
		floor += max(
			windows(hcalls, harvest.DefaultLimit, window),
			windows(v.qbo.TotalCalls()-qboBefore, 500, qboWindow),
			windows(len(v.slack.Calls())-slackBefore, setup.SlackTier3PerWindow, slackWindow),
		)
		decisions = res.Decisions
		_ = calls
		b.StartTimer()
	}
	b.ReportMetric(floor.Seconds()/float64(b.N), "floor-s")
	if floor > 0 {
		b.ReportMetric(wall.Seconds()/floor.Seconds(), "wall/floor")
	}
	b.ReportMetric(wall.Seconds()/float64(b.N), "wall-s")
	b.ReportMetric(float64(hcallsTotal)/float64(b.N), "harvest-calls")
	b.ReportMetric(cpu.Seconds()/wall.Seconds(), "cpu/wall")
	b.ReportMetric(float64(decisions), "decisions")
	b.ReportMetric((wall-gather).Seconds()/float64(b.N), "build+render-s")
	if st := v.harvest.Stats(); st.Throttled > 0 {
		b.Errorf("Harvest answered 429 %d times; the client's limiter should prevent it", st.Throttled)
	}
}

// windows is the least time n calls take under a limit of l per window:
// the first l go at once, each further l waits a window.
func windows(n, l int, w time.Duration) time.Duration {
	if n <= l {
		return 0
	}
	return time.Duration(math.Ceil(float64(n)/float64(l))-1) * w
}
