-- Time entries no longer keep the source's created_at and updated_at: billing
-- never used them (the approval time is kept in approved_at), and every byte of
-- an entry counts when a cycle holds a million of them.
ALTER TABLE time_entries DROP COLUMN source_created_at;
ALTER TABLE time_entries DROP COLUMN source_updated_at;
