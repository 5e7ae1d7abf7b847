package workflow_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

// kpiBenchFirm is a firm of 80 people with 200 clients, for the benchmark.
const kpiBenchFirm = `firm:
  name: Bench CPA
  timezone: America/New_York
  billing_manager: U0BILLMGR
  approvers: [U0APPROVER]
clients:
  - name: Client 1
engagements:
  - key: client-1
    client: Client 1
    harvest_project_id: 1
    kind: hourly
    starts_on: 2025-01-01
    partner: U0P1
    rates: { "*": "195.00" }
`

// seedKPIYear writes a year (2025) of an 80-person firm straight into
// PostgreSQL: 200,000 time entries (80 staff × 2,500), 2,000 invoices with
// two lines each, allocations for nine entries in ten, and each invoice's
// pending and approved audit events.
func seedKPIYear(b *testing.B, db *sql.DB) {
	b.Helper()
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO time_entries (source, external_id, project_id, project, harvest_client_id, client, task, user_name,
			spent_date, hours, rate, currency, notes, billable, running, approved, approved_at, billed_elsewhere, first_seen_at, synced_at)
		 SELECT 'harvest', 'e' || g, g % 200, 'P' || (g % 200), g % 200, 'Client ' || (g % 200), 'Advisory', 'Staff ' || (g % 80),
			DATE '2025-01-01' + (g % 365), 2500 * (1 + g % 16), 19500, 'USD', 'work', g % 10 <> 0, FALSE, TRUE, TIMESTAMPTZ '2025-06-01',
			FALSE, TIMESTAMPTZ '2025-06-01', TIMESTAMPTZ '2025-06-01'
		 FROM generate_series(1, 200000) g`,
		`INSERT INTO invoices (id, key, state, client, currency, period_start, period_end, invoice_date, due_date, partners_json, managers_json,
			subtotal, discount, credit, total, hours, supplemental, replenish, balance, sent_at, paid_at, created_at, updated_at)
		 SELECT g, 'inv-' || g, CASE WHEN g % 20 = 0 THEN 'voided' WHEN g % 4 = 0 THEN 'sent' ELSE 'paid' END, 'Client ' || (g % 200), 'USD',
			date_trunc('month', DATE '2025-01-01' + (g % 12) * INTERVAL '1 month')::date,
			(date_trunc('month', DATE '2025-01-01' + (g % 12) * INTERVAL '1 month') + INTERVAL '1 month - 1 day')::date,
			(date_trunc('month', DATE '2025-01-01' + (g % 12) * INTERVAL '1 month') + INTERVAL '1 month - 1 day')::date,
			(date_trunc('month', DATE '2025-01-01' + (g % 12) * INTERVAL '1 month') + INTERVAL '2 months - 1 day')::date,
			'["U0P' || (g % 10) || '"]', '["U0M' || (g % 20) || '"]',
			900000, 0, 0, 900000, 500000, FALSE, FALSE, CASE WHEN g % 4 = 0 THEN 900000 ELSE 0 END,
			date_trunc('month', TIMESTAMPTZ '2025-02-03' + (g % 12) * INTERVAL '1 month') + (g % 9) * INTERVAL '1 day',
			CASE WHEN g % 4 = 0 OR g % 20 = 0 THEN NULL ELSE date_trunc('month', TIMESTAMPTZ '2025-03-01' + (g % 12) * INTERVAL '1 month') + (g % 40) * INTERVAL '1 day' END,
			TIMESTAMPTZ '2025-01-01', TIMESTAMPTZ '2025-01-01'
		 FROM generate_series(1, 2000) g`,
		`INSERT INTO invoice_lines (invoice_id, line_no, kind, qty, unit_price, amount, late, original_amount, writedown_reason)
		 SELECT g / 2 + 1, g % 2, 'hourly', 250000, 19500, CASE WHEN g % 7 = 0 THEN 400000 ELSE 450000 END, FALSE, 450000,
			CASE WHEN g % 7 = 0 THEN 'reason ' || (g % 5) ELSE '' END
		 FROM generate_series(0, 3999) g`,
		`INSERT INTO allocations (entry_id, invoice_line_id, active, created_at)
		 SELECT e.id, (e.id % 4000) + 1, TRUE, TIMESTAMPTZ '2025-06-01' FROM time_entries e WHERE e.id % 10 <> 0`,
		`INSERT INTO audit_events (at, actor, action, subject_type, subject_id)
		 SELECT i.period_end + INTERVAL '1 day' + (a.n * (i.id % 50)) * INTERVAL '1 hour', 'U0P', a.action, 'invoice', CAST(i.id AS TEXT)
		 FROM invoices i CROSS JOIN (VALUES (0, 'invoice.pending'), (1, 'invoice.approved')) AS a(n, action)`,
		`ANALYZE`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			b.Fatalf("seed: %v\n%s", err, q)
		}
	}
}

// rebind turns the store's "?" placeholders into PostgreSQL's $n.
func rebind(q string) string {
	var out strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&out, "$%d", n)
			continue
		}
		out.WriteRune(r)
	}
	return out.String()
}

// cpuTime (shadow_bench_test.go) is this process's CPU time so far.

// drain runs a query and reads every row, as a report would.
func drain(b *testing.B, db *sql.DB, q store.Query) {
	rows, err := db.QueryContext(context.Background(), rebind(q.SQL), q.Args...)
	if err != nil {
		b.Fatalf("%v\n%s", err, q.SQL)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	for i := range vals {
		vals[i] = new(any)
	}
	for rows.Next() {
		if err := rows.Scan(vals...); err != nil {
			b.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkReportKPIs times `report kpis` for 2025 (workflow.KPIs, what the
// command prints) against the bare SQL aggregates it needs, run in the same
// loop on the same database, and reports their ratio (target ≤ 2) and the
// share of the report's wall time this process spent on CPU (getrusage).
func BenchmarkReportKPIs(b *testing.B) {
	s := storetest.Postgres(b)
	ctx := context.Background()
	parsed, err := config.ParseFirm("bench", []byte(kpiBenchFirm))
	if err != nil {
		b.Fatal(err)
	}
	_, clients, engs := parsed.Billing()
	if err := s.SaveConfig(ctx, []byte(kpiBenchFirm), clients, engs, "bench"); err != nil {
		b.Fatal(err)
	}
	seedKPIYear(b, s.DB())
	now := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	wf := workflow.New(workflow.Deps{Store: s, Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)})
	from, to := billing.MustDate("2025-01-01"), billing.MustDate("2025-12-31")
	dialect := s.Dialect()
	raw := []store.Query{
		store.RealizationQuery(dialect, store.ByPartner, from, to),
		store.RealizationQuery(dialect, store.ByClient, from, to),
		store.StaffHoursQuery(dialect, from, to),
		store.LeakageQuery(dialect, from, to),
		store.SentInvoicesQuery(from, to),
		store.StaffLinesQuery(dialect, from, to),
		// the DSO trend: receivables open at a month end of 2025, sales by month
		store.ReceivablesQuery(billing.MustDate("2025-01-31"), to, time.Date(2025, 1, 30, 0, 0, 0, 0, time.UTC)),
		store.MonthlySalesQuery(dialect, store.ReportFilter{}, billing.Date{}, to),
	}
	var report, bare, cpu time.Duration
	var rep workflow.KPIReport
	for b.Loop() {
		c0, t0 := cpuTime(), time.Now()
		rep, err = wf.KPIs(ctx, from, to)
		if err != nil {
			b.Fatal(err)
		}
		report += time.Since(t0)
		cpu += cpuTime() - c0
		t1 := time.Now()
		for i, q := range raw {
			tq := time.Now()
			drain(b, s.DB(), q)
			if testing.Verbose() {
				fmt.Printf("query %d: %s\n", i, time.Since(tq))
			}
		}
		bare += time.Since(t1)
	}
	t2 := time.Now()
	tr, err := wf.KPITrend(ctx, to, 12)
	if err != nil || len(tr.Points) != 12 {
		b.Fatalf("KPITrend: %v %+v", err, tr)
	}
	b.ReportMetric(time.Since(t2).Seconds()*1000, "trend_ms")
	if rep.Collections.Sent != 2000 || len(rep.Utilization) != 80 || rep.Leakage.Logged == 0 {
		b.Fatalf("report over the seeded year: %d sent, %d staff, %+v", rep.Collections.Sent, len(rep.Utilization), rep.Leakage)
	}
	n := float64(b.N)
	b.ReportMetric(report.Seconds()*1000/n, "report_ms")
	b.ReportMetric(bare.Seconds()*1000/n, "sql_ms")
	b.ReportMetric(report.Seconds()/bare.Seconds(), "report/sql")
	b.ReportMetric(100*cpu.Seconds()/report.Seconds(), "cpu_%")
}
