-- The register kernel: every kind's table has the same common columns beside its own derived ones
-- (see src/records.rs). A record's review date is `review_on` in every kind; the workflow's facts
-- (who approved, when) are `state`, a JSON object; kinds without a workflow leave `status` empty.
-- An import key now belongs to the organisation imported into, not to its whole controller: a re-import
-- only ever finds the records of the place it imports into.
-- `auth_epoch` changes whenever who may do what changes (a role, a disabled person, a move), so that
-- every instance stops trusting what it cached about a session at once.

ALTER TABLE processing_activities RENAME COLUMN next_review TO review_on;
ALTER TABLE processing_activities ADD COLUMN state TEXT NOT NULL DEFAULT '{}';

ALTER TABLE systems RENAME COLUMN classification_review TO review_on;
ALTER TABLE systems ADD COLUMN status TEXT;
ALTER TABLE systems ADD COLUMN state TEXT NOT NULL DEFAULT '{}';
ALTER TABLE systems ADD COLUMN gap_codes TEXT NOT NULL DEFAULT '';

ALTER TABLE agreements ADD COLUMN status TEXT;
ALTER TABLE agreements ADD COLUMN state TEXT NOT NULL DEFAULT '{}';
ALTER TABLE agreements ADD COLUMN gap_codes TEXT NOT NULL DEFAULT '';
ALTER TABLE agreements ADD COLUMN import_key TEXT;

DROP INDEX processing_by_import_key;
CREATE UNIQUE INDEX processing_by_import_key ON processing_activities (organisation_id, import_key);
DROP INDEX systems_by_import_key;
CREATE UNIQUE INDEX systems_by_import_key ON systems (organisation_id, import_key);
CREATE UNIQUE INDEX agreements_by_import_key ON agreements (organisation_id, import_key);

CREATE TABLE auth_epoch (
    id INTEGER PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO auth_epoch (id, value) VALUES (1, 0);
