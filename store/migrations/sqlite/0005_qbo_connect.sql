-- One-time links that start the QuickBooks connect flow. Only hashes
-- (SHA-256, hex) of the link token and of the OAuth state are kept: a
-- database read gives nobody a usable link. A link is opened once (which
-- binds a state to one browser) and its state consumed once, both before
-- expires_at.
CREATE TABLE qbo_connect_links (
    id           INTEGER     NOT NULL PRIMARY KEY,
    link_hash    TEXT        NOT NULL UNIQUE CHECK (link_hash <> ''),
    created_by   TEXT        NOT NULL CHECK (created_by <> ''),
    created_via  TEXT        NOT NULL CHECK (created_via <> ''),
    allow_switch BOOLEAN     NOT NULL,
    created_at   TEXT        NOT NULL,
    expires_at   TEXT        NOT NULL,
    opened_at    TEXT       ,
    state_hash   TEXT        UNIQUE,
    used_at      TEXT       ,
    realm_id     TEXT        NOT NULL DEFAULT ''
);

-- The connected company, one row. generation grows with every connection
-- or switch, so running processes notice a reconnect and rebuild their
-- QuickBooks client.
CREATE TABLE qbo_connection (
    id           INTEGER     NOT NULL PRIMARY KEY CHECK (id = 1),
    generation   BIGINT      NOT NULL CHECK (generation >= 1),
    realm_id     TEXT        NOT NULL CHECK (realm_id <> ''),
    company_name TEXT        NOT NULL DEFAULT '',
    connected_by TEXT        NOT NULL CHECK (connected_by <> ''),
    connected_at TEXT        NOT NULL
);
