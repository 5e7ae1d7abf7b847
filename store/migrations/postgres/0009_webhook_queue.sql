-- Intuit webhook intake (store/webhooks.go). Keep
-- store/migrations/sqlite/0009_webhook_queue.sql in step.
--
-- Each delivery (by the hash of its body) and each event (CloudEvents id, or
-- realm, entity, id, operation and lastUpdated) is taken in once, across
-- replicas: a replay finds its key and is dropped.
CREATE TABLE webhook_receipts (
    key         TEXT        NOT NULL PRIMARY KEY CHECK (key <> ''),
    received_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_receipts_received_idx ON webhook_receipts (received_at);

-- QBO entities waiting to be re-read, one row per entity however many events
-- name it. generation rises with each new event, so a refresh that read the
-- entity before a newer event does not remove it; claimed_until is the lease
-- of the worker reading it (NULL: free).
CREATE TABLE qbo_refresh_queue (
    entity        TEXT        NOT NULL CHECK (entity <> ''),
    entity_id     TEXT        NOT NULL,
    generation    BIGINT      NOT NULL,
    queued_at     TIMESTAMPTZ NOT NULL,
    claimed_until TIMESTAMPTZ,
    PRIMARY KEY (entity, entity_id)
);
CREATE INDEX qbo_refresh_queue_queued_idx ON qbo_refresh_queue (queued_at);
