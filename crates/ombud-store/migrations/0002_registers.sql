-- The registers: processing activities (art. 30), IT systems, processor agreements.
-- Each record keeps what people edit as one JSON document (`details`) and, beside it, the columns that
-- lists filter, sort and count on. `controller_id` is the owning organisation's controller, kept here
-- so that a controller's register is one index range.

CREATE TABLE processing_activities (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    controller_id TEXT,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    role TEXT NOT NULL,
    details TEXT NOT NULL,
    search_text TEXT NOT NULL,
    special_categories INTEGER NOT NULL,
    criminal_offence_data INTEGER NOT NULL,
    protected_identity INTEGER NOT NULL,
    personal_identity_numbers INTEGER NOT NULL,
    third_country INTEGER NOT NULL,
    high_risk_markers INTEGER NOT NULL,
    -- The codes of the gaps that depend only on the contents, comma-separated ('' for none); an
    -- overdue review depends on the date and is computed when read.
    gap_codes TEXT NOT NULL,
    next_review TEXT,
    approved_at TEXT,
    approved_by TEXT,
    -- The key a spreadsheet import gave the row, so that importing the same file again updates
    -- instead of duplicating.
    import_key TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX processing_by_controller ON processing_activities (controller_id, name, id);
CREATE INDEX processing_by_organisation ON processing_activities (organisation_id, name, id);
CREATE INDEX processing_by_status ON processing_activities (controller_id, status, name, id);
CREATE INDEX processing_by_name ON processing_activities (name, id);
CREATE UNIQUE INDEX processing_by_import_key ON processing_activities (controller_id, import_key);

CREATE TABLE systems (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    controller_id TEXT,
    name TEXT NOT NULL,
    details TEXT NOT NULL,
    search_text TEXT NOT NULL,
    holds_personal_data INTEGER NOT NULL,
    self_procured INTEGER NOT NULL,
    classified_on TEXT,
    classification_review TEXT,
    import_key TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX systems_by_controller ON systems (controller_id, name, id);
CREATE INDEX systems_by_organisation ON systems (organisation_id, name, id);
CREATE UNIQUE INDEX systems_by_import_key ON systems (controller_id, import_key);

CREATE TABLE agreements (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    controller_id TEXT,
    name TEXT NOT NULL,
    counterparty TEXT NOT NULL,
    direction TEXT NOT NULL,
    details TEXT NOT NULL,
    search_text TEXT NOT NULL,
    signed_on TEXT,
    review_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX agreements_by_controller ON agreements (controller_id, name, id);
CREATE INDEX agreements_by_organisation ON agreements (organisation_id, name, id);

-- Links between the registers (processing ↔ system ↔ agreement), kept as rows so that both sides
-- can be listed and a system's processings counted.
CREATE TABLE register_links (
    from_type TEXT NOT NULL,
    from_id TEXT NOT NULL,
    to_type TEXT NOT NULL,
    to_id TEXT NOT NULL,
    PRIMARY KEY (from_type, from_id, to_type, to_id)
);
CREATE INDEX register_links_by_target ON register_links (to_type, to_id, from_type);
