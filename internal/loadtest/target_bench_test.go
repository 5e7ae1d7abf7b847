package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"billbot/internal/slacksandbox"
)

// The Slack load target: signed /ar aging (firm-wide) and /billing status,
// half each, for targetDuration, with every reply in under targetLate
// (Slack's 3 seconds; docs/vendors.md §1.2).
const (
	targetDuration = 10 * time.Second
	targetLate     = 3 * time.Second
)

// BenchmarkSlackTarget starts the real `billbot serve` binary as a child
// process on PostgreSQL seeded with Answers (1,500 clients, 100,500
// invoices), with its defaults (database pool, in-flight limit, the
// answer cache), Slack's Web API and response_urls played by the sandbox
// in this process, and sends it signed slash commands over HTTP, open
// loop: /ar aging and /billing status alternating, at 50 and at 200
// requests a second for 10 seconds, each rate against a fresh serve. For
// each it reports the reply time — the ack when the reply came inline,
// else the moment it reached response_url — at p50 and p99 (target p99 ≤
// 100 ms), the failures (a transport error, a status other than 200, an
// error or busy reply, no reply at all, or a reply after 3 s; target 0),
// serve's peak resident memory during the load (VmRSS sampled every 50 ms;
// target ≤ 300 MB) and its VmHWM since start, and serve's CPU share of the
// machine over the run (from /proc/PID/stat; PostgreSQL and this process
// are others). Everything runs once whatever b.N (-benchtime 1x). It skips
// without TEST_DATABASE_URL, and fails under CI.
func BenchmarkSlackTarget(b *testing.B) {
	ctx := context.Background()
	dsn, _, _, _ := seededDSN(ctx, b, Answers)
	bin := buildBillbot(b)
	slack := slacksandbox.New(slacksandbox.Options{Token: slackToken})
	defer slack.Close()

	b.ResetTimer()
	for _, rate := range []int{50, 200} {
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) {
			for b.Loop() {
				r := targetLoad(ctx, b, serveCommand(ctx, b, bin, dsn, slack.APIURL()), slack, rate)
				b.Logf("%d req/s for %s: n=%d p50=%.1fms p99=%.1fms failures=%d (errors %d, late %d, missing %d) peak RSS %.1f MB (VmHWM %.1f MB) serve CPU %.0f%% of %d cores, %.2f ms a request",
					rate, targetDuration, r.n, Millis(r.p50), Millis(r.p99), r.errors+r.late+r.missing, r.errors, r.late, r.missing,
					r.peakRSS, r.hwm, r.cpu*100, runtime.NumCPU(), Millis(r.cpuPer))
				b.ReportMetric(Millis(r.p50), "p50-ms")
				b.ReportMetric(Millis(r.p99), "p99-ms")
				b.ReportMetric(float64(r.errors+r.late+r.missing), "failures")
				b.ReportMetric(float64(r.late), "late")
				b.ReportMetric(r.peakRSS, "peak-rss-MB")
				b.ReportMetric(r.hwm, "hwm-MB")
				b.ReportMetric(r.cpu*100, "serve-cpu-%")
			}
		})
	}
}

type targetResult struct {
	n                 int
	p50, p99          time.Duration
	errors, late      int
	missing           int
	peakRSS, hwm, cpu float64
	cpuPer            time.Duration
}

// targetLoad starts serve, sends the load at rate and measures it.
func targetLoad(ctx context.Context, b *testing.B, cmd *exec.Cmd, slack *slacksandbox.Server, rate int) targetResult {
	b.Helper()
	base, stop := startChild(b, cmd)
	defer stop()
	pid := cmd.Process.Pid
	signer := slacksandbox.Signer{Secret: signingSecret}
	tr := &http.Transport{MaxIdleConnsPerHost: 1024}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	defer tr.CloseIdleConnections()

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
		respond := slack.NewResponseURL()
		req := signer.SlashCommand(base+"/slack/commands", url.Values{
			"command": {cmd}, "text": {text}, "team_id": {slacksandbox.TeamID}, "channel_id": {"C0BILLING"},
			"user_id": {"U0PARTNER0"}, "user_name": {"load"}, "response_url": {respond},
			"trigger_id": {"1337." + strconv.FormatInt(time.Now().UnixNano(), 10)},
		})
		mu.Lock()
		sentAt[i], replyTo[i] = time.Now(), respond
		mu.Unlock()
		return kind, req
	}
	// Warm-up: one request of each kind, so the load meets a serve as
	// it runs (answers of the current ledger version computed once).
	Run(ctx, client, Plan{Rate: 2, Duration: time.Second}, next)
	time.Sleep(time.Second) // follow-ups (the chart) of the warm-up
	mu.Lock()
	clear(sentAt)
	clear(replyTo)
	mu.Unlock()

	// serve's memory, sampled through the load and until its replies are in.
	var peak float64
	sampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if rss, _ := procMemory(b, pid); rss > peak {
				peak = rss
			}
			select {
			case <-sampling:
				return
			case <-t.C:
			}
		}
	}()
	cpu0, wall0 := procCPU(b, pid), time.Now()
	samples := Run(ctx, client, Plan{Rate: rate, Duration: targetDuration}, next)
	// Replies that missed the ack arrive later; wait for them up to the
	// point where they would be late anyway.
	time.Sleep(targetLate)
	wall, cpu := time.Since(wall0), procCPU(b, pid)-cpu0
	close(sampling)
	<-sampled
	_, hwm := procMemory(b, pid)

	r := targetResult{n: len(samples), peakRSS: peak, hwm: hwm,
		cpu:    float64(cpu) / float64(wall) / float64(runtime.NumCPU()),
		cpuPer: cpu / time.Duration(max(len(samples), 1))}
	var replies []time.Duration
	for i, s := range samples {
		if s.Err != nil || s.Status != http.StatusOK {
			r.errors++
			continue
		}
		d, body := s.Ack, s.Body
		if len(body) == 0 { // acked empty: the reply went to response_url
			posts := slack.ResponsePosts(replyTo[i])
			if len(posts) == 0 || posts[0].Error != "" {
				r.missing++
				continue
			}
			d = posts[0].At.Sub(sentAt[i])
			body, _ = json.Marshal(map[string]any{"blocks": posts[0].Blocks})
		}
		if !rendered(body) {
			r.errors++ // billbot's error and busy replies are text only
			continue
		}
		if d > targetLate {
			r.late++
		}
		replies = append(replies, d)
	}
	r.p50, r.p99 = Percentile(replies, 50), Percentile(replies, 99)
	return r
}

// rendered reports whether a reply body carries blocks: an answer, not one
// of billbot's text-only error or busy replies.
func rendered(body []byte) bool {
	var reply struct {
		Blocks []json.RawMessage `json:"blocks"`
	}
	return json.Unmarshal(body, &reply) == nil && len(reply.Blocks) > 0
}
