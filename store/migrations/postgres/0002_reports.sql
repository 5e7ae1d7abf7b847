-- Indexes for the report queries of store/reports.go (/ar aging and
-- /billing status), on PostgreSQL. Keep store/migrations/sqlite/0002_reports.sql
-- in step.
--
-- Open balances and status counts select by state, optionally one client
-- matched case-insensitively.
CREATE INDEX invoices_state_client_idx ON invoices (state, LOWER(client));
-- Monthly sales select sent and paid invoices by invoice date and read only
-- currency and total: with them in the index the table is not read.
CREATE INDEX invoices_state_date_idx ON invoices (state, invoice_date, currency, total);
