CREATE TABLE IF NOT EXISTS virtual_aliases (
    address VARCHAR(320) PRIMARY KEY,
    goto    TEXT NOT NULL
);
