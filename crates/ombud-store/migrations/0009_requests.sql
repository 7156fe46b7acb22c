-- Data subject requests, a kind of the register kernel (see ombud-domain's register/request.rs): the
-- common columns of every kind, then the request's own, derived from its details on every write.
-- `due_on` is the last day to answer (ISO date); `due_at` the end of that day in Stockholm as an
-- instant in the fixed UTC form, which the worklist counts down to.

CREATE TABLE data_subject_requests (
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
    request_type TEXT,
    received_on TEXT,
    due_on TEXT,
    due_at TEXT,
    outcome TEXT,
    answered_on TEXT
);
CREATE INDEX data_subject_requests_by_controller ON data_subject_requests (controller_id, name, id);
CREATE INDEX data_subject_requests_by_organisation ON data_subject_requests (organisation_id, name, id);
CREATE INDEX data_subject_requests_by_due ON data_subject_requests (controller_id, due_at);
CREATE UNIQUE INDEX data_subject_requests_by_import_key ON data_subject_requests (organisation_id, import_key);
