-- One row per shadow cycle: how billbot's drafts compared with the invoices
-- the firm issued itself (see internal/shadow). A re-run of the same cycle
-- replaces the row and counts the runs. Keep
-- store/migrations/sqlite/0014_shadow_runs.sql in step.
CREATE TABLE shadow_runs (
    period_end         DATE        NOT NULL PRIMARY KEY,
    ran_at             TIMESTAMPTZ NOT NULL,
    actor              TEXT        NOT NULL,
    runs               INTEGER     NOT NULL DEFAULT 1,
    currency           TEXT        NOT NULL,
    amount_agreed      BIGINT      NOT NULL,
    amount_compared    BIGINT      NOT NULL CHECK (amount_compared >= amount_agreed),
    invoices_agreed    INTEGER     NOT NULL,
    invoices_compared  INTEGER     NOT NULL CHECK (invoices_compared >= invoices_agreed),
    lines_same         INTEGER     NOT NULL,
    lines_differ       INTEGER     NOT NULL,
    lines_only_billbot INTEGER     NOT NULL,
    lines_only_ledger  INTEGER     NOT NULL
);
