-- Personal data breaches, a kind of the register kernel (see ombud-domain's register/breach.rs): the
-- common columns of every kind, then the breach's own, derived from its details on every write.
-- Instants are TEXT in the fixed UTC storage form, so text order is time order on both databases.
-- `reporter_id` lets a reporter find their own reports without reading the register.

CREATE TABLE breaches (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    controller_id TEXT,
    name TEXT NOT NULL,
    status TEXT,
    state TEXT NOT NULL DEFAULT '{}',
    details TEXT NOT NULL,
    search_text TEXT NOT NULL,
    gap_codes TEXT NOT NULL DEFAULT '',
    review_on TEXT,
    import_key TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL,
    aware_at TEXT,
    imy_deadline TEXT,
    reporter_id TEXT,
    risk_category TEXT,
    cause TEXT,
    imy_notified_at TEXT
);
CREATE INDEX breaches_by_controller ON breaches (controller_id, name, id);
CREATE INDEX breaches_by_organisation ON breaches (organisation_id, name, id);
CREATE INDEX breaches_by_reporter ON breaches (reporter_id, created_at);
CREATE UNIQUE INDEX breaches_by_import_key ON breaches (organisation_id, import_key);
