-- Going live at a firm.
-- The Harvest user id of each time entry: person and level rates are keyed by it
-- (0 when the source carries none, as a CSV export).
ALTER TABLE time_entries ADD COLUMN user_id BIGINT NOT NULL DEFAULT 0;
-- The hours of a retainer's first block already used before billbot took over;
-- they count toward the block's usage.
ALTER TABLE engagements ADD COLUMN retainer_used_hours BIGINT NOT NULL DEFAULT 0;
-- Slack user ids resolved from the email addresses the configuration names
-- people by (users.lookupByEmail), so that later loads need no Slack call.
CREATE TABLE slack_user_emails (
    email       TEXT        NOT NULL PRIMARY KEY,
    user_id     TEXT        NOT NULL,
    resolved_at TEXT        NOT NULL
);
