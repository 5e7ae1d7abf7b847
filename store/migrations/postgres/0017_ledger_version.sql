-- A version of the invoices that every change of an invoice, its lines,
-- balance, state or dispute bumps, in the same transaction as the change:
-- processes caching answers derived from the invoices (aging, status, App
-- Home) read this one row to know when to compute them again.
CREATE TABLE ledger_version (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
INSERT INTO ledger_version (id, version) VALUES (1, 0);
