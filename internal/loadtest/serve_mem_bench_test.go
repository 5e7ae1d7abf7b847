package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"billbot/internal/slacksandbox"
)

// serveIdle is how long `billbot serve` idles after it is ready before its
// memory is read: long enough for its start-up garbage to be collected and
// its first pool-metrics tick.
const serveIdle = 5 * time.Second

// BenchmarkServeIdleMemory starts the real `billbot serve` binary as a
// child process on PostgreSQL seeded with Answers (1,500 clients, 100,500
// invoices), Slack's Web API played by the sandbox, waits for /readyz,
// idles serveIdle and reads the child's resident memory (VmRSS, and its
// peak VmHWM, from /proc/PID/status). Its baseline in the same run, read
// the same way, is the runtime's floor: a minimal Go HTTP server (the
// standard library's net/http answering /readyz) built with the same
// toolchain. It reports serve-rss-MB (target < 40), serve-peak-MB,
// floor-MB, serve-floor-MB (what billbot adds), serve's Go heap in use and
// its runtime's other memory (from its /metrics), and its CPU share of a
// core while idle. Linux only (/proc). It skips without TEST_DATABASE_URL,
// and fails under CI.
func BenchmarkServeIdleMemory(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("reads /proc/PID/status (Linux)")
	}
	ctx := context.Background()
	dsn, _, _, _ := seededDSN(ctx, b, Answers)
	bin := buildBillbot(b)
	floorBin := buildFloor(b)

	slack := slacksandbox.New(slacksandbox.Options{Token: slackToken})
	defer slack.Close()

	b.ResetTimer()
	var rss, peak, floor, heap, other, cpuShare float64
	for b.Loop() {
		floor, _ = idleRSS(b, exec.Command(floorBin), nil)
		rss, peak, heap, other, cpuShare = serveRSS(ctx, b, bin, dsn, slack.APIURL())
	}
	b.StopTimer()
	b.ReportMetric(rss, "serve-rss-MB")
	b.ReportMetric(peak, "serve-peak-MB")
	b.ReportMetric(floor, "floor-MB")
	b.ReportMetric(rss-floor, "serve-floor-MB")
	b.ReportMetric(heap, "heap-inuse-MB")
	b.ReportMetric(other, "runtime-other-MB")
	b.ReportMetric(cpuShare*100, "idle-cpu-%")
	b.Logf("serve idle: VmRSS %.1f MB (peak %.1f MB), a minimal Go HTTP server %.1f MB; Go heap in use %.1f MB, other runtime memory %.1f MB; CPU %.2f%% of a core while idle",
		rss, peak, floor, heap, other, cpuShare*100)
}

// floorProgram is the baseline: the smallest Go HTTP server, answering
// /readyz on LISTEN_ADDR.
const floorProgram = `package main

import (
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })
	if err := http.ListenAndServe(os.Getenv("LISTEN_ADDR"), nil); err != nil {
		os.Exit(1)
	}
}
`

// buildFloor builds floorProgram with the same go command.
func buildFloor(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module floor\n\ngo 1.26\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(floorProgram), 0o600); err != nil {
		b.Fatal(err)
	}
	bin := filepath.Join(dir, "floor")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build of the floor server: %v\n%s", err, out)
	}
	return bin
}

// serveRSS starts `billbot serve`, waits until it is ready, idles and
// returns its VmRSS and VmHWM, its heap in use and other runtime memory
// (MB, from its /metrics), and its CPU time over the idle wall time.
func serveRSS(ctx context.Context, b *testing.B, bin, dsn, slackURL string) (rss, peak, heap, other, cpuShare float64) {
	b.Helper()
	var m map[string]float64
	rss, peak, cpuShare = idleRSSWith(b, serveCommand(ctx, b, bin, dsn, slackURL), func(client *http.Client, base string) {
		m = scrape(b, client, base+"/metrics")
	})
	heap = m["go_memstats_heap_inuse_bytes"] / 1e6
	other = (m["go_memstats_sys_bytes"] - m["go_memstats_heap_sys_bytes"]) / 1e6
	return rss, peak, heap, other, cpuShare
}

// serveCommand is `billbot serve` over dsn with Slack's Web API at
// slackURL, HTTP request URLs signed with signingSecret, and the rest of
// its settings at their defaults.
func serveCommand(ctx context.Context, b *testing.B, bin, dsn, slackURL string) *exec.Cmd {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	cmd := exec.CommandContext(ctx, bin, "serve")
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+dsn,
		"BILLBOT_DATA_DIR="+b.TempDir(),
		"BILLBOT_ENCRYPTION_KEY="+base64.StdEncoding.EncodeToString(key),
		"SLACK_BOT_TOKEN="+slackToken,
		"SLACK_SIGNING_SECRET="+signingSecret,
		"SLACK_API_URL="+slackURL,
		"LOG_LEVEL=warn",
	)
	return cmd
}

// idleRSS is idleRSSWith for the VmRSS alone.
func idleRSS(b *testing.B, cmd *exec.Cmd, after func(*http.Client, string)) (rss, peak float64) {
	b.Helper()
	rss, peak, _ = idleRSSWith(b, cmd, after)
	return rss, peak
}

// idleRSSWith starts cmd listening on a free LISTEN_ADDR, waits until its
// /readyz answers 200, idles serveIdle, reads its VmRSS and VmHWM (MB) and
// its CPU share of a core over the idle time, calls after (if set) with an
// HTTP client and the process's base URL, and stops it.
func idleRSSWith(b *testing.B, cmd *exec.Cmd, after func(*http.Client, string)) (rss, peak, cpuShare float64) {
	b.Helper()
	base, stop := startChild(b, cmd)
	defer stop()
	cpu0 := procCPU(b, cmd.Process.Pid)
	time.Sleep(serveIdle)
	cpuShare = float64(procCPU(b, cmd.Process.Pid)-cpu0) / float64(serveIdle)
	rss, peak = procMemory(b, cmd.Process.Pid)
	if after != nil {
		after(&http.Client{Timeout: 5 * time.Second}, base)
	}
	return rss, peak, cpuShare
}

// startChild starts cmd listening on a free LISTEN_ADDR and waits until
// its /readyz answers 200. It returns the process's base URL and the
// function that stops it (SIGINT, then SIGKILL after 20 s).
func startChild(b *testing.B, cmd *exec.Cmd) (base string, stop func()) {
	b.Helper()
	addr := freeAddr(b)
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, "LISTEN_ADDR="+addr)
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	stop = func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	client := &http.Client{Timeout: 5 * time.Second}
	base = "http://" + addr
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := client.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, stop
			}
		}
		if time.Now().After(deadline) {
			stop()
			b.Fatalf("%s not ready after 2 minutes: %v\n%s", cmd.Path, err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// procMemory reads process pid's VmRSS and VmHWM (MB).
func procMemory(b *testing.B, pid int) (rss, peak float64) {
	b.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	return statusMB(b, status, "VmRSS:"), statusMB(b, status, "VmHWM:")
}

// lockedBuffer collects a child's output, written from its pipes'
// goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// statusMB reads one "Name:   N kB" line of /proc/PID/status, in MB.
func statusMB(b *testing.B, status []byte, name string) float64 {
	b.Helper()
	for line := range strings.SplitSeq(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == name {
			kb, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb / 1024
		}
	}
	b.Fatalf("no %s in /proc/PID/status", name)
	return 0
}

// procCPU is the user and system time process pid has used so far, from
// /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux).
func procCPU(b *testing.B, pid int) time.Duration {
	b.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// The command name (field 2) may hold spaces; count from after it.
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// scrape reads the unlabelled samples of a Prometheus text exposition.
func scrape(b *testing.B, client *http.Client, url string) map[string]float64 {
	b.Helper()
	resp, err := client.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	m := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if v, err := strconv.ParseFloat(f[1], 64); err == nil {
			m[f[0]] = v
		}
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	return m
}

// buildBillbot builds the billbot binary into a temporary folder.
func buildBillbot(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "billbot")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// freeAddr returns a loopback address with a port free right now.
func freeAddr(b *testing.B) string {
	b.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
