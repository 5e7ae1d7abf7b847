package loadtest

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"billbot/internal/billing"
)

// DraftFirm is the firm of the draft benchmark: 1,500 clients, each a
// QuickBooks customer with one monthly engagement, 100,500 invoices and
// 1,000,000 unbilled time entries.
var DraftFirm = Size{Clients: 1500, Managers: 50, Invoices: 100_500, Entries: 1_000_000, QBOCustomers: true}

// draftPeriodEnd is the cycle the benchmark drafts, whatever the day it runs.
var draftPeriodEnd = billing.MustDate("2026-10-31")

var draftBin = flag.String("draft-bin", "", "BenchmarkDraftDryRun: run this billbot binary instead of building the tree's (to time an older build in the same run)")

// draftRounds is how many times each side runs, interleaved; the medians
// are compared.
const draftRounds = 3

// BenchmarkDraftDryRun seeds PostgreSQL with DraftFirm, then runs the
// user's path, `billbot draft --dry-run --period-end 2026-10-31` as a
// process (built from the tree, or -draft-bin), beside its baseline in the
// same run: psql reading the rows the draft reads (`COPY (SELECT …) TO
// STDOUT`, store.EachBillable's query) into nothing. Each runs draftRounds
// times, interleaved; it reports the medians (draft-s, psql-s), their
// ratio (draft/psql), the draft's peak RSS (peak-MB, the child's rusage
// Maxrss; no GOMEMLIMIT in its environment) and each process's CPU time
// over its wall (draft-cpu/wall, psql-cpu/wall; PostgreSQL's own work is
// another process). It skips without TEST_DATABASE_URL and fails under CI.
func BenchmarkDraftDryRun(b *testing.B) {
	ctx := context.Background()
	_, conn, _ := seeded(ctx, b, DraftFirm)
	dsn := conn.Config().ConnString()
	dir := b.TempDir()
	bin := *draftBin
	if bin == "" {
		bin = filepath.Join(dir, "billbot")
		build := exec.Command("go", "build", "-o", bin, ".")
		build.Dir = filepath.Join("..", "..")
		if out, err := build.CombinedOutput(); err != nil {
			b.Fatalf("go build: %v\n%s", err, out)
		}
	}
	psql, err := exec.LookPath("psql")
	if err != nil {
		b.Skip("psql not found: the baseline is psql's COPY")
	}
	env := []string{"DATABASE_URL=" + dsn, "BILLBOT_DATA_DIR=" + dir, "LOG_LEVEL=error"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOMEMLIMIT=") && !strings.HasPrefix(kv, "GOGC=") {
			env = append(env, kv)
		}
	}
	// libpq takes no search_path in a URL: PGOPTIONS sets it.
	u, err := url.Parse(dsn)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	schema := q.Get("search_path")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	today := billing.DateOf(time.Now())
	copySQL := fmt.Sprintf("COPY (%s) TO STDOUT", billableSQL(today.AddDays(-7)))

	draftCmd := func() *exec.Cmd {
		c := exec.Command(bin, "draft", "--dry-run", "--period-end", draftPeriodEnd.String())
		c.Env = env
		return c
	}
	psqlCmd := func() *exec.Cmd {
		c := exec.Command(psql, u.String(), "-v", "ON_ERROR_STOP=1", "-qc", copySQL)
		c.Env = append(os.Environ(), "PGOPTIONS=-c search_path="+schema)
		c.Stdout = io.Discard
		return c
	}
	if err := psqlCmd().Run(); err != nil { // warms the cache for both
		b.Fatalf("psql: %v", err)
	}

	var drafts, copies []run
	var out []byte
	for b.Loop() {
		for range draftRounds {
			p := psqlCmd()
			c, err := timed(p, nil)
			if err != nil {
				b.Fatalf("psql: %v", err)
			}
			copies = append(copies, c)
			d := draftCmd()
			var buf strings.Builder
			r, err := timed(d, &buf)
			if err != nil {
				b.Fatalf("billbot draft: %v\n%s", err, buf.String())
			}
			drafts = append(drafts, r)
			out = []byte(buf.String())
		}
	}
	first, _, _ := strings.Cut(string(out), "\n")
	if !strings.Contains(first, fmt.Sprintf("would draft (dry run: nothing stored or sent) %d invoice(s)", DraftFirm.Clients)) {
		b.Fatalf("draft output: %s", first)
	}
	d, c := median(drafts), median(copies)
	b.ReportMetric(d.wall.Seconds(), "draft-s")
	b.ReportMetric(c.wall.Seconds(), "psql-s")
	b.ReportMetric(d.wall.Seconds()/c.wall.Seconds(), "draft/psql")
	b.ReportMetric(peak(drafts), "peak-MB")
	b.ReportMetric(d.cpu.Seconds()/d.wall.Seconds(), "draft-cpu/wall")
	b.ReportMetric(c.cpu.Seconds()/c.wall.Seconds(), "psql-cpu/wall")
	b.Logf("%s (%s); draft %v (cpu %v), psql COPY %v (cpu %v), peak %.0f MB", first, bin, d.wall.Round(time.Millisecond),
		d.cpu.Round(time.Millisecond), c.wall.Round(time.Millisecond), c.cpu.Round(time.Millisecond), peak(drafts))
}

// billableSQL is store.EachBillable's query for a firm whose unapproved
// alert names time spent before awaitingBefore, with the day written in.
func billableSQL(awaitingBefore billing.Date) string {
	return `SELECT t.id, t.project_id, t.project, t.harvest_client_id, t.client, t.task, t.user_name,
	t.spent_date, t.hours, t.rate, t.currency, t.billable, t.running, t.approved, t.approved_at, t.billed_elsewhere,
	t.user_id FROM time_entries t WHERE t.deleted_at IS NULL
	AND t.billable AND NOT t.running AND NOT t.billed_elsewhere AND t.hours > 0
	AND (t.approved OR t.spent_date < '` + awaitingBefore.String() + `')
	AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.entry_id = t.id AND a.active)`
}

// run is one process's wall time, CPU time (user + system) and peak RSS.
type run struct {
	wall, cpu time.Duration
	maxRSSMB  float64
}

func timed(c *exec.Cmd, stdout io.Writer) (run, error) {
	if stdout != nil {
		c.Stdout = stdout
	}
	var stderr strings.Builder
	c.Stderr = &stderr
	start := time.Now()
	if err := c.Run(); err != nil {
		return run{}, fmt.Errorf("%w: %s", err, stderr.String())
	}
	wall := time.Since(start)
	u := c.ProcessState.SysUsage().(*syscall.Rusage)
	return run{wall: wall, cpu: time.Duration(u.Utime.Nano() + u.Stime.Nano()), maxRSSMB: float64(u.Maxrss) / 1024}, nil // Linux: KiB
}

// median is the run of median wall time.
func median(rs []run) run {
	s := slices.Clone(rs)
	slices.SortFunc(s, func(a, b run) int { return int(a.wall - b.wall) })
	return s[len(s)/2]
}

func peak(rs []run) float64 {
	m := 0.0
	for _, r := range rs {
		m = max(m, r.maxRSSMB)
	}
	return m
}
