-- Collection steps become claim → effect → confirm (store/steps.go). Keep
-- store/migrations/postgres/0010_collection_step_done.sql in step.
--
-- done_at is set once the step's effect (the reminder email, the
-- escalation DMs) is confirmed; a claim without it whose claimed_at is
-- older than the lease is claimed again by the next run. Steps claimed
-- before this migration were done under the old at-most-once rule.
ALTER TABLE collection_steps ADD COLUMN done_at TEXT;
UPDATE collection_steps SET done_at = claimed_at;
