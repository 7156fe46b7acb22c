-- What a controller decides for itself: for now, how long it keeps who made a data subject request
-- (`request_retention`, JSON: see ombud-domain's request/retention.rs). One row per controller that
-- has decided anything; changes are audited (`controller_settings`).

CREATE TABLE controller_settings (
    controller_id TEXT PRIMARY KEY REFERENCES organisations (id),
    request_retention TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
