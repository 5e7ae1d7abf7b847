package loadtest

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"billbot/internal/billing"
	"billbot/internal/config"
	"billbot/store"
)

// Seed fills a freshly migrated PostgreSQL schema with a firm of size s as
// of asOf: the firm configuration through st.SaveConfig, then invoices, one
// line each, and time entries in bulk, INSERT … SELECT over generate_series
// straight into the store's tables (store/migrations/postgres/0001_init.sql)
// on conn, and finally VACUUM ANALYZE so the planner knows the tables.
//
// Client i has one invoice a month for s.Months() months, dated the first,
// due 30 days later. How an invoice stands depends on its age, like a real
// ledger: this month's are drafts, pending, flagged, held, approved or sent;
// last month's mostly sent and unpaid; older ones mostly paid, a few still
// open or voided. Every fifth client bills in CAD; one in seventeen
// invoices names a second manager.
func Seed(ctx context.Context, st *store.Store, conn *pgx.Conn, s Size, asOf billing.Date) error {
	if err := s.check(); err != nil {
		return err
	}
	raw := FirmYAML(s)
	firm, err := config.ParseFirm("load test firm", raw)
	if err != nil {
		return fmt.Errorf("loadtest: firm configuration: %w", err)
	}
	_, clients, engs := firm.Billing()
	if err := st.SaveConfig(ctx, raw, clients, engs, "U0LOADTEST"); err != nil {
		return fmt.Errorf("loadtest: save configuration: %w", err)
	}
	first := firstInvoiceDate(s, asOf).String()
	steps := []struct {
		what string
		sql  string
		args []any
	}{
		{"invoices", seedInvoicesSQL, []any{s.Invoices, s.Clients, s.Months(), first, s.Managers}},
		{"invoice lines", seedLinesSQL, nil},
		{"time entries", seedEntriesSQL, []any{s.Entries, s.Clients, s.Months() * 31, first}},
		{"statistics", "VACUUM ANALYZE invoices, invoice_lines, time_entries", nil},
	}
	for _, step := range steps {
		if _, err := conn.Exec(ctx, step.sql, step.args...); err != nil {
			return fmt.Errorf("loadtest: seed %s: %w", step.what, err)
		}
	}
	return nil
}

// seedInvoicesSQL inserts $1 invoices for $2 clients over $3 months from
// the invoice date $4, with $5 managers. r is a fixed pseudo-random 0–99
// per invoice that picks its state.
const seedInvoicesSQL = `
WITH g AS (
	SELECT i, ((i - 1) % $2) + 1 AS c, $3 - 1 - (i - 1) / $2 AS age, (i * 7919 + 13) % 100 AS r,
		(($4::date) + make_interval(months => ((i - 1) / $2)::int))::date AS inv_date,
		50000 + (i * 104729) % 900000 AS total
	FROM generate_series(1::bigint, $1) AS i
), s AS (
	SELECT g.*, CASE
		WHEN age = 0 THEN CASE WHEN r < 5 THEN 'draft' WHEN r < 35 THEN 'pending' WHEN r < 40 THEN 'flagged'
			WHEN r < 45 THEN 'held' WHEN r < 55 THEN 'approved' ELSE 'sent' END
		WHEN age = 1 THEN CASE WHEN r < 55 THEN 'sent' ELSE 'paid' END
		WHEN age = 2 THEN CASE WHEN r < 20 THEN 'sent' ELSE 'paid' END
		WHEN age = 3 THEN CASE WHEN r < 8 THEN 'sent' ELSE 'paid' END
		WHEN r < 1 THEN 'voided'
		WHEN r < 2 AND age < 12 THEN 'sent'
		ELSE 'paid' END AS state
	FROM g
)
INSERT INTO invoices (key, state, client, currency, period_start, period_end, invoice_date, due_date,
	engagements_json, partners_json, managers_json, notes_json, subtotal, discount, credit, total, hours,
	supplemental, replenish, qbo_id, doc_number, qbo_total, balance, email_status, sent_at, paid_at,
	created_at, updated_at, version)
SELECT 'load-' || i, state, 'Client ' || lpad(c::text, 4, '0'), CASE WHEN c % 5 = 0 THEN 'CAD' ELSE 'USD' END,
	(inv_date - interval '1 month')::date, inv_date - 1, inv_date, inv_date + 30,
	'["client-' || lpad(c::text, 4, '0') || '"]', '["U0PARTNER' || (c % 10) || '"]',
	CASE WHEN i % 17 = 0 THEN '["U0MGR' || lpad(((c + 1) % $5)::text, 2, '0') || '","U0MGR' || lpad((c % $5)::text, 2, '0') || '"]'
		ELSE '["U0MGR' || lpad((c % $5)::text, 2, '0') || '"]' END,
	'[]', total, 0, 0, total, total * 10000 / 19500, FALSE, FALSE,
	CASE WHEN state IN ('approved', 'sent', 'paid', 'voided') THEN 'Q' || i ELSE '' END,
	CASE WHEN state IN ('sent', 'paid', 'voided') THEN (100000 + i)::text ELSE '' END,
	CASE WHEN state IN ('approved', 'sent', 'paid', 'voided') THEN total ELSE 0 END,
	CASE WHEN state = 'sent' THEN CASE WHEN r % 7 = 0 THEN total / 2 ELSE total END
		WHEN state = 'approved' THEN total ELSE 0 END,
	CASE WHEN state IN ('sent', 'paid') THEN 'EmailSent' ELSE '' END,
	CASE WHEN state IN ('sent', 'paid') THEN inv_date + time '14:00' END,
	CASE WHEN state = 'paid' THEN inv_date + 20 + time '10:00' END,
	inv_date + time '06:00', inv_date + time '06:00', 1
FROM s`

// seedLinesSQL gives every invoice its one hourly line.
const seedLinesSQL = `
INSERT INTO invoice_lines (invoice_id, line_no, kind, engagement, task, item, description, service_date,
	qty, unit_price, amount, late, original_amount)
SELECT id, 0, 'hourly', 'client-' || substr(client, 8), 'Tax Prep', 'Services', 'Professional services',
	period_end, hours, 19500, total, FALSE, total
FROM invoices`

// seedEntriesSQL inserts $1 approved Harvest time entries for $2 clients
// over $3 days from $4.
const seedEntriesSQL = `
INSERT INTO time_entries (source, external_id, project_id, project, harvest_client_id, client, task, user_name,
	spent_date, hours, rate, currency, notes, billable, running, approved, approved_at, billed_elsewhere,
	first_seen_at, synced_at)
SELECT 'harvest', j::text, 100000 + c, 'Engagement ' || lpad(c::text, 4, '0'), 1000 + c, 'Client ' || lpad(c::text, 4, '0'),
	(ARRAY['Tax Prep', 'Bookkeeping', 'Advisory', 'Payroll'])[1 + j % 4], 'Staff ' || (j % 120),
	($4::date - interval '1 month')::date + ((j * 31) % $3)::int, 2500 * (1 + j % 24), 19500,
	CASE WHEN c % 5 = 0 THEN 'CAD' ELSE 'USD' END, '', TRUE, FALSE, TRUE, now(), FALSE, now(), now()
FROM (SELECT j, ((j - 1) % $2) + 1 AS c FROM generate_series(1::bigint, $1) AS j) AS e`
