-- A version of the firm configuration that every change bumps — the YAML
-- and the clients' QBO customer mapping alike — so that processes caching
-- the parsed firm know when to read it again.
ALTER TABLE firm_config ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
