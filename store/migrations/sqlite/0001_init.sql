-- billbot schema v1, SQLite. Keep store/migrations/postgres/0001_init.sql
-- in step: same tables, columns, nullability and unique indexes
-- (TestSchemasMatch checks). Money is BIGINT minor units of the row's
-- currency; hours are BIGINT in money.Hours units (1/10000 h).

CREATE TABLE firm_config (
    id         INTEGER     NOT NULL PRIMARY KEY CHECK (id = 1),
    raw_yaml   TEXT        NOT NULL,
    updated_at TEXT        NOT NULL,
    updated_by TEXT        NOT NULL
);

CREATE TABLE clients (
    id                INTEGER NOT NULL PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE CHECK (name <> ''),
    harvest_client_id BIGINT  NOT NULL DEFAULT 0,
    qbo_customer_id   TEXT    NOT NULL DEFAULT '',
    currency          TEXT    NOT NULL CHECK (length(currency) = 3),
    email             TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE engagements (
    id                 INTEGER NOT NULL PRIMARY KEY,
    key                TEXT    NOT NULL UNIQUE CHECK (key <> ''),
    client_id          BIGINT  NOT NULL REFERENCES clients (id),
    harvest_project_id BIGINT  NOT NULL DEFAULT 0,
    kind               TEXT    NOT NULL CHECK (kind IN ('hourly', 'fixed_fee', 'retainer', 'mixed')),
    starts_on          TEXT,
    ends_on            TEXT,
    partner            TEXT    NOT NULL DEFAULT '',
    manager            TEXT    NOT NULL DEFAULT '',
    cycle              TEXT    NOT NULL CHECK (cycle IN ('weekly', 'biweekly', 'semimonthly', 'monthly')),
    terms_days         INTEGER NOT NULL DEFAULT 0 CHECK (terms_days >= 0),
    rates_json         TEXT    NOT NULL DEFAULT '{}',
    discount_percent   BIGINT  NOT NULL DEFAULT 0,
    fixed_fee          BIGINT  NOT NULL DEFAULT 0,
    retainer_hours     BIGINT,
    retainer_amount    BIGINT,
    task_items_json    TEXT    NOT NULL DEFAULT '{}',
    CHECK ((retainer_hours IS NULL) = (retainer_amount IS NULL))
);

CREATE TABLE time_entries (
    id                INTEGER     NOT NULL PRIMARY KEY,
    source            TEXT        NOT NULL CHECK (source <> ''),
    external_id       TEXT        NOT NULL CHECK (external_id <> ''),
    project_id        BIGINT      NOT NULL DEFAULT 0,
    project           TEXT        NOT NULL DEFAULT '',
    harvest_client_id BIGINT      NOT NULL DEFAULT 0,
    client            TEXT        NOT NULL DEFAULT '',
    task              TEXT        NOT NULL DEFAULT '',
    user_name         TEXT        NOT NULL DEFAULT '',
    spent_date        TEXT        NOT NULL,
    hours             BIGINT      NOT NULL CHECK (hours >= 0),
    rate              BIGINT      NOT NULL DEFAULT 0,
    currency          TEXT        NOT NULL DEFAULT '',
    notes             TEXT        NOT NULL DEFAULT '',
    billable          BOOLEAN     NOT NULL,
    running           BOOLEAN     NOT NULL,
    approved          BOOLEAN     NOT NULL,
    approved_at       TEXT       ,
    billed_elsewhere  BOOLEAN     NOT NULL,
    source_created_at TEXT       ,
    source_updated_at TEXT       ,
    first_seen_at     TEXT        NOT NULL,
    synced_at         TEXT        NOT NULL,
    deleted_at        TEXT       ,
    UNIQUE (source, external_id),
    CHECK (approved OR approved_at IS NULL)
);
CREATE INDEX time_entries_spent_date_idx ON time_entries (source, spent_date);

CREATE TABLE sync_cursors (
    name       TEXT        NOT NULL PRIMARY KEY,
    value      TEXT        NOT NULL,
    updated_at TEXT        NOT NULL
);

CREATE TABLE invoices (
    id               INTEGER     NOT NULL PRIMARY KEY,
    key              TEXT        NOT NULL UNIQUE CHECK (key <> ''),
    state            TEXT        NOT NULL CHECK (state IN ('draft', 'pending', 'approved', 'sent', 'paid', 'held', 'flagged', 'voided')),
    client           TEXT        NOT NULL,
    currency         TEXT        NOT NULL,
    period_start     TEXT,
    period_end       TEXT,
    invoice_date     TEXT,
    due_date         TEXT,
    engagements_json TEXT        NOT NULL DEFAULT '[]',
    partners_json    TEXT        NOT NULL DEFAULT '[]',
    managers_json    TEXT        NOT NULL DEFAULT '[]',
    notes_json       TEXT        NOT NULL DEFAULT '[]',
    subtotal         BIGINT      NOT NULL,
    discount         BIGINT      NOT NULL CHECK (discount <= 0),
    credit           BIGINT      NOT NULL CHECK (credit <= 0),
    total            BIGINT      NOT NULL,
    hours            BIGINT      NOT NULL,
    supplemental     BOOLEAN     NOT NULL,
    replenish        BOOLEAN     NOT NULL,
    qbo_id           TEXT        NOT NULL DEFAULT '',
    sync_token       TEXT        NOT NULL DEFAULT '',
    doc_number       TEXT        NOT NULL DEFAULT '',
    qbo_total        BIGINT      NOT NULL DEFAULT 0,
    balance          BIGINT      NOT NULL DEFAULT 0,
    email_status     TEXT        NOT NULL DEFAULT '',
    sent_at          TEXT       ,
    viewed_at        TEXT       ,
    paid_at          TEXT       ,
    last_reminded_at TEXT       ,
    slack_channel    TEXT        NOT NULL DEFAULT '',
    slack_ts         TEXT        NOT NULL DEFAULT '',
    hold_reason      TEXT        NOT NULL DEFAULT '',
    acted_by         TEXT        NOT NULL DEFAULT '',
    acted_at         TEXT       ,
    created_at       TEXT        NOT NULL,
    updated_at       TEXT        NOT NULL,
    version          BIGINT      NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK (total = subtotal + discount + credit)
);
CREATE UNIQUE INDEX invoices_qbo_id_key ON invoices (qbo_id) WHERE qbo_id <> '';
CREATE INDEX invoices_state_idx ON invoices (state);

CREATE TABLE invoice_lines (
    id               INTEGER NOT NULL PRIMARY KEY,
    invoice_id       BIGINT  NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    line_no          INTEGER NOT NULL CHECK (line_no >= 0),
    kind             TEXT    NOT NULL CHECK (kind IN ('hourly', 'fixed', 'discount', 'retainer_credit', 'retainer_block')),
    engagement       TEXT    NOT NULL DEFAULT '',
    task             TEXT    NOT NULL DEFAULT '',
    item             TEXT    NOT NULL DEFAULT '',
    description      TEXT    NOT NULL DEFAULT '',
    service_date     TEXT,
    qty              BIGINT  NOT NULL,
    unit_price       BIGINT  NOT NULL,
    amount           BIGINT  NOT NULL,
    late             BOOLEAN NOT NULL,
    -- write-downs: the amount first drafted and why an edit lowered it
    original_amount  BIGINT  NOT NULL,
    writedown_reason TEXT    NOT NULL DEFAULT '',
    UNIQUE (invoice_id, line_no)
);

CREATE TABLE exceptions (
    id             INTEGER     NOT NULL PRIMARY KEY,
    code           TEXT        NOT NULL CHECK (code <> ''),
    message        TEXT        NOT NULL DEFAULT '',
    engagement     TEXT        NOT NULL DEFAULT '',
    client         TEXT        NOT NULL DEFAULT '',
    entry_ids_json TEXT        NOT NULL DEFAULT '[]',
    fix            TEXT        NOT NULL DEFAULT '',
    holds          BOOLEAN     NOT NULL,
    fingerprint    TEXT        NOT NULL CHECK (fingerprint <> ''),
    status         TEXT        NOT NULL CHECK (status IN ('open', 'resolved')),
    opened_at      TEXT        NOT NULL,
    resolved_at    TEXT       ,
    resolved_by    TEXT        NOT NULL DEFAULT '',
    resolution     TEXT        NOT NULL DEFAULT '',
    CHECK ((status = 'open') = (resolved_at IS NULL))
);
-- the same problem is open at most once
CREATE UNIQUE INDEX exceptions_open_fingerprint_key ON exceptions (fingerprint) WHERE status = 'open';

-- An allocation puts a time entry on an invoice line or holds it under an
-- open exception. At most one allocation per entry is active: this partial
-- unique index is what makes double billing impossible.
CREATE TABLE allocations (
    id              INTEGER     NOT NULL PRIMARY KEY,
    entry_id        BIGINT      NOT NULL REFERENCES time_entries (id),
    invoice_line_id BIGINT      REFERENCES invoice_lines (id) ON DELETE CASCADE,
    exception_id    BIGINT      REFERENCES exceptions (id),
    active          BOOLEAN     NOT NULL,
    created_at      TEXT        NOT NULL,
    released_at     TEXT       ,
    CHECK ((invoice_line_id IS NULL) <> (exception_id IS NULL)),
    CHECK (active = (released_at IS NULL))
);
CREATE UNIQUE INDEX allocations_active_entry_key ON allocations (entry_id) WHERE active;
CREATE INDEX allocations_line_idx ON allocations (invoice_line_id);
CREATE INDEX allocations_exception_idx ON allocations (exception_id);

CREATE TABLE audit_events (
    id           INTEGER     NOT NULL PRIMARY KEY,
    at           TEXT        NOT NULL,
    actor        TEXT        NOT NULL CHECK (actor <> ''),
    action       TEXT        NOT NULL CHECK (action <> ''),
    subject_type TEXT        NOT NULL,
    subject_id   TEXT        NOT NULL,
    note         TEXT        NOT NULL DEFAULT '',
    before_json  TEXT,
    after_json   TEXT
);
CREATE INDEX audit_events_subject_idx ON audit_events (subject_type, subject_id, id);

CREATE TABLE secrets (
    name       TEXT        NOT NULL PRIMARY KEY CHECK (name <> ''),
    ciphertext BLOB        NOT NULL,
    updated_at TEXT        NOT NULL
);

CREATE TABLE retainer_blocks (
    id             INTEGER     NOT NULL PRIMARY KEY,
    engagement_key TEXT        NOT NULL CHECK (engagement_key <> ''),
    seq            INTEGER     NOT NULL CHECK (seq >= 1),
    hours          BIGINT      NOT NULL CHECK (hours >= 0),
    amount         BIGINT      NOT NULL CHECK (amount >= 0),
    invoice_id     BIGINT      REFERENCES invoices (id),
    created_at     TEXT        NOT NULL,
    UNIQUE (engagement_key, seq)
);
CREATE UNIQUE INDEX retainer_blocks_invoice_key ON retainer_blocks (invoice_id) WHERE invoice_id IS NOT NULL;

CREATE TABLE job_runs (
    id            INTEGER     NOT NULL PRIMARY KEY,
    job           TEXT        NOT NULL CHECK (job <> ''),
    scheduled_for TEXT        NOT NULL,
    started_at    TEXT        NOT NULL,
    finished_at   TEXT       ,
    status        TEXT        NOT NULL CHECK (status <> ''),
    detail        TEXT        NOT NULL DEFAULT '',
    UNIQUE (job, scheduled_for)
);

CREATE TABLE collection_steps (
    id         INTEGER     NOT NULL PRIMARY KEY,
    invoice_id BIGINT      NOT NULL REFERENCES invoices (id),
    step       TEXT        NOT NULL CHECK (step <> ''),
    claimed_at TEXT        NOT NULL,
    UNIQUE (invoice_id, step)
);

CREATE TABLE idempotency_keys (
    key        TEXT        NOT NULL PRIMARY KEY CHECK (key <> ''),
    claimed_at TEXT        NOT NULL
);
