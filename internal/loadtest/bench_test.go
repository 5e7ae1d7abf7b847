package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"billbot/internal/billing"
	"billbot/internal/chat"
	"billbot/store"
	"billbot/store/storetest"
)

// benchNow is the business day of the benchmark: aging and status are
// computed as of it, whatever the day the benchmark runs.
var benchNow = time.Date(2026, 11, 20, 20, 0, 0, 0, time.UTC)

// Load of the acceptance target: 50 signed requests a second for ten
// seconds; then reps runs of /ar aging and of its bare SQL.
const (
	benchRate     = 50
	benchDuration = 10 * time.Second
	benchReps     = 40
)

// BenchmarkSlashCommands seeds PostgreSQL with 100,000 invoices and
// 1,000,000 time entries, serves billbot's endpoints over it, and sends
// signed /ar aging (all, one client, one manager) and /billing status
// requests at 50 a second. It reports the ack latency (p50-ack-ms,
// p99-ack-ms), then /ar aging's handler time against the bare SQL it needs
// (aging-ms, sql-ms, and their ratio aging/sql, medians of interleaved
// runs), and, for /ar aging about clients whose chart is new, the reply's
// time and the chart's drawing and upload that follow it
// (client-reply-ms, client-chart-ms; see chartAfterReply). Everything runs once whatever b.N (scripts/bench passes
// -benchtime 1x). It skips without TEST_DATABASE_URL, and fails under CI.
func BenchmarkSlashCommands(b *testing.B) {
	ctx := context.Background()
	st, conn, asOf := seeded(ctx, b, Full)

	// Recomputing: this benchmark times the work an answer takes (its
	// handler against its bare SQL); BenchmarkAnswerCache times the cache
	// that spares it. The chart of the same figures is shown from its
	// first upload, as serve does, so charts do not crowd out the answers.
	app, err := NewAppRecomputingAnswers(st, func() time.Time { return benchNow }, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer app.Close()
	if err := app.Ping(ctx); err != nil {
		b.Fatal(err)
	}
	// A short warm-up fills the connection pools and the database cache.
	warm := Run(ctx, app.Client, Plan{Rate: benchRate, Duration: time.Second}, mix(app))
	if _, err := failures(warm); err != nil {
		b.Fatal(err)
	}

	b.ResetTimer()
	samples := Run(ctx, app.Client, Plan{Rate: benchRate, Duration: benchDuration}, mix(app))
	b.StopTimer()
	deferred, err := failures(samples)
	if err != nil {
		b.Fatal(err)
	}
	acks := make([]time.Duration, len(samples))
	byKind := map[string][]time.Duration{}
	for i, s := range samples {
		acks[i] = s.Ack
		byKind[s.Kind] = append(byKind[s.Kind], s.Ack)
	}
	for kind, ds := range byKind {
		b.Logf("%-24s n=%d p50=%.2fms p99=%.2fms", kind, len(ds), Millis(Percentile(ds, 50)), Millis(Percentile(ds, 99)))
	}

	split := breakdown(ctx, b, app, asOf)
	aging, sql := agingVersusSQL(ctx, b, app, conn, asOf)
	reply, drawn := chartAfterReply(ctx, b, app)
	b.ReportMetric(Millis(reply), "client-reply-ms")
	b.ReportMetric(Millis(drawn), "client-chart-ms")
	b.ReportMetric(float64(deferred), "deferred-acks")
	b.ReportMetric(Millis(split.firm), "firm-ms")
	b.ReportMetric(Millis(split.aging), "wf-aging-ms")
	b.ReportMetric(Millis(split.status), "wf-status-ms")
	b.ReportMetric(Millis(Percentile(acks, 50)), "p50-ack-ms")
	b.ReportMetric(Millis(Percentile(acks, 99)), "p99-ack-ms")
	b.ReportMetric(Millis(aging), "aging-ms")
	b.ReportMetric(Millis(sql), "sql-ms")
	b.ReportMetric(float64(aging)/float64(sql), "aging/sql")
}

// mix is the benchmark's request sequence: /ar aging, /ar aging for one
// client, /billing status, /ar aging for one manager, round and round, over
// different clients and managers.
func mix(app *App) func(i int) (string, *http.Request) {
	return func(i int) (string, *http.Request) {
		switch i % 4 {
		case 0:
			return "/ar aging", app.Command("/ar", "aging", "U0PARTNER0")
		case 1:
			return "/ar aging <client>", app.Command("/ar", "aging "+ClientName(1+(i*37)%Full.Clients), "U0PARTNER0")
		case 2:
			return "/billing status", app.Command("/billing", "status", "U0PARTNER0")
		default:
			m := ManagerID((i * 7) % Full.Managers)
			return "/ar aging <@manager>", app.Command("/ar", "aging <@"+m+"|"+m+">", "U0PARTNER0")
		}
	}
}

// failures reports the first request that failed: a transport error, a
// status other than 200, or an inline reply without blocks (billbot's
// error replies are text only). An empty 200 is an ack whose reply went to
// response_url after the ack budget; deferred counts those.
func failures(samples []Sample) (deferred int, err error) {
	for i, s := range samples {
		if s.Err != nil {
			return deferred, fmt.Errorf("request %d (%s): %w", i, s.Kind, s.Err)
		}
		if s.Status != http.StatusOK {
			return deferred, fmt.Errorf("request %d (%s): status %d: %s", i, s.Kind, s.Status, s.Body)
		}
		if len(s.Body) == 0 {
			deferred++
			continue
		}
		var reply struct {
			Blocks []json.RawMessage `json:"blocks"`
		}
		if err := json.Unmarshal(s.Body, &reply); err != nil || len(reply.Blocks) == 0 {
			return deferred, fmt.Errorf("request %d (%s): not a rendered reply: %s", i, s.Kind, s.Body)
		}
	}
	return deferred, nil
}

// agingVersusSQL times /ar aging's handler (HandleCommand, no HTTP) and the
// bare SQL it needs, interleaved so both see the same machine, and returns
// their medians.
func agingVersusSQL(ctx context.Context, b *testing.B, app *App, conn *pgx.Conn, asOf billing.Date) (aging, sql time.Duration) {
	b.Helper()
	cmd := chat.Command{Command: "/ar", Text: "aging", UserID: "U0PARTNER0", ChannelID: "C0BILLING", TeamID: "T0LOADTEST"}
	var agings, sqls []time.Duration
	rows := 0
	for range benchReps {
		t0 := time.Now()
		reply, err := app.Commands.HandleCommand(ctx, cmd)
		agings = append(agings, time.Since(t0))
		if err != nil || len(reply.Blocks) == 0 {
			b.Fatalf("/ar aging: %v (%q)", err, reply.Text)
		}
		t0 = time.Now()
		n, err := RawAging(ctx, conn, store.ReportFilter{}, asOf)
		sqls = append(sqls, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		rows = n
	}
	b.Logf("/ar aging reads %d rows", rows)
	return Percentile(agings, 50), Percentile(sqls, 50)
}

// chartAfterReply times /ar aging for clients not asked about before (so
// each has a new chart), one at a time: the handler's reply, which no
// longer waits for the chart, and the chart's drawing and upload after it
// (the reply's Then), medians. Their sum is what the reply waited for when
// the chart was drawn before it.
func chartAfterReply(ctx context.Context, b *testing.B, app *App) (reply, chart time.Duration) {
	b.Helper()
	var replies, charts []time.Duration
	for i := 0; len(replies) < benchReps && i < Full.Clients; i++ {
		cmd := chat.Command{Command: "/ar", Text: "aging " + ClientName(Full.Clients-i), UserID: "U0PARTNER0", ChannelID: "C0BILLING", TeamID: "T0LOADTEST"}
		t0 := time.Now()
		r, err := app.Commands.HandleCommand(ctx, cmd)
		took := time.Since(t0)
		if err != nil || len(r.Blocks) == 0 {
			b.Fatalf("/ar aging %s: %v (%q)", ClientName(Full.Clients-i), err, r.Text)
		}
		if r.Then == nil {
			continue // the load asked about this client: its chart is shown at once
		}
		replies = append(replies, took)
		t0 = time.Now()
		next := r.Then(ctx)
		charts = append(charts, time.Since(t0))
		if len(next.Blocks) != 1 {
			b.Fatalf("chart of %s: %d blocks", ClientName(Full.Clients-i), len(next.Blocks))
		}
	}
	return Percentile(replies, 50), Percentile(charts, 50)
}

// split is where /ar aging and /billing status spend their time: loading
// the firm configuration, and the workflows' own queries and computing.
type split struct{ firm, aging, status time.Duration }

// breakdown times Workflow.LoadFirm, Workflow.Aging and Workflow.Status
// alone (medians), to show what a slash command's time is made of.
func breakdown(ctx context.Context, b *testing.B, app *App, asOf billing.Date) split {
	b.Helper()
	var firm, aging, status []time.Duration
	for range benchReps {
		t0 := time.Now()
		_, err := app.Workflow.LoadFirm(ctx)
		firm = append(firm, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		t0 = time.Now()
		_, err = app.Workflow.Aging(ctx, asOf, "", "")
		aging = append(aging, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		t0 = time.Now()
		_, err = app.Workflow.Status(ctx, "")
		status = append(status, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
	}
	return split{Percentile(firm, 50), Percentile(aging, 50), Percentile(status, 50)}
}

func mustLocation(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// seeded opens the test PostgreSQL, migrates it and seeds a firm of size s
// as of benchNow's day in New York; the store and the raw connection close
// when b ends.
func seeded(ctx context.Context, b *testing.B, s Size) (*store.Store, *pgx.Conn, billing.Date) {
	b.Helper()
	_, st, conn, asOf := seededDSN(ctx, b, s)
	return st, conn, asOf
}

// seededDSN is seeded that also returns the database URL (its schema in
// search_path), for a billbot process of its own.
func seededDSN(ctx context.Context, b *testing.B, s Size) (string, *store.Store, *pgx.Conn, billing.Date) {
	b.Helper()
	dsn := storetest.PostgresURL(b)
	st, err := store.Open(ctx, dsn, "", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close(ctx) })
	asOf := billing.DateIn(benchNow, mustLocation(b, "America/New_York"))
	start := time.Now()
	if err := Seed(ctx, st, conn, s, asOf); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d clients, %d invoices and %d time entries in %s", s.Clients, s.Invoices, s.Entries, time.Since(start).Round(time.Millisecond))
	return dsn, st, conn, asOf
}
