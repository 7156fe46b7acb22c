-- Failed sign-ins counted per account and per source address (ombud-domain's sign_in.rs), here so
-- that the limit holds across instances. `key` is a SHA-256 of what is counted, so the table keeps
-- no list of the addresses people mistyped. Rows end a quarter of an hour after their last failure.

CREATE TABLE sign_in_failures (
    counted_key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_failure_at TEXT NOT NULL
);
