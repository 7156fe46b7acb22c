-- Notices of a breach to other controllers in this Ombud (seed 004: a board whose data is hit is
-- told at once). A notice is a snapshot of the facts shared when it was sent (`facts`, JSON), kept
-- as sent: the recipient's 72 hours run from `sent_at`. The recipient reads it in its inbox
-- (`read_at`, `read_by_name`: the sender sees when) and may register its own breach from it
-- (`registered_breach_id`, seen only by the recipient).
--
-- The sender's breach may later be removed; the notice stays (the other controller was told), so
-- there is no foreign key to it. Names are kept as they were when the notice was sent.

CREATE TABLE breach_notices (
    id TEXT PRIMARY KEY,
    breach_id TEXT NOT NULL,
    from_organisation_id TEXT NOT NULL REFERENCES organisations (id),
    from_controller_id TEXT,
    from_name TEXT NOT NULL,
    to_controller_id TEXT NOT NULL REFERENCES organisations (id),
    to_name TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    sent_by_id TEXT,
    sent_by_name TEXT NOT NULL,
    sent_by_email TEXT,
    facts TEXT NOT NULL,
    read_at TEXT,
    read_by_name TEXT,
    registered_breach_id TEXT
);
CREATE INDEX breach_notices_by_recipient ON breach_notices (to_controller_id, sent_at);
CREATE INDEX breach_notices_by_breach ON breach_notices (breach_id, sent_at);
