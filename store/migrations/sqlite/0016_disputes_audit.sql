-- Disputes, and the indexes behind invoice detail and the audit trail.
-- Keep store/migrations/postgres/0016_disputes_audit.sql in step.
--
-- An invoice has at most one open dispute (the partial unique index): a
-- dispute pauses collections until it is resolved with an outcome.
CREATE TABLE invoice_disputes (
    id          INTEGER NOT NULL PRIMARY KEY,
    invoice_id  BIGINT  NOT NULL REFERENCES invoices (id),
    reason      TEXT    NOT NULL CHECK (reason <> ''),
    opened_by   TEXT    NOT NULL CHECK (opened_by <> ''),
    opened_at   TEXT    NOT NULL,
    outcome     TEXT    CHECK (outcome IN ('upheld', 'credited', 'withdrawn')),
    resolution  TEXT    NOT NULL DEFAULT '',
    resolved_by TEXT    NOT NULL DEFAULT '',
    resolved_at TEXT,
    CHECK ((outcome IS NULL) = (resolved_at IS NULL))
);
CREATE UNIQUE INDEX invoice_disputes_open_key ON invoice_disputes (invoice_id) WHERE resolved_at IS NULL;
CREATE INDEX invoice_disputes_invoice_idx ON invoice_disputes (invoice_id, id);

-- Invoices are looked up by their QBO DocNumber.
CREATE INDEX invoices_doc_number_idx ON invoices (doc_number);

-- The audit trail is read by time and by actor.
CREATE INDEX audit_events_at_idx ON audit_events (at, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor, at, id);

-- Invoices marked disputed before disputes had a table (an audit event
-- "disputed" with no later "dispute_cleared") stay disputed.
INSERT INTO invoice_disputes (invoice_id, reason, opened_by, opened_at)
SELECT i.id, 'marked disputed before billbot recorded reasons', a.actor, a.at
FROM audit_events a JOIN invoices i ON CAST(i.id AS TEXT) = a.subject_id
WHERE a.subject_type = 'invoice' AND a.action = 'disputed'
  AND a.id = (SELECT MAX(b.id) FROM audit_events b
              WHERE b.subject_type = 'invoice' AND b.subject_id = a.subject_id
                AND b.action IN ('disputed', 'dispute_cleared'));
