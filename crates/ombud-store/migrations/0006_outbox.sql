-- E-mail and reminders that must outlive the request, and the server, that caused them.
--
-- `outbox`: a message is written in the same transaction as the change that causes it, and a worker
-- sends it after commit; a rolled-back change therefore never sends mail. `dedupe_key` names the
-- logical message (e.g. `breach:<id>:notice:<user>`), so the same one can never be queued twice.
-- A worker claims a row for a while (`claimed_by`, `claimed_until`): a lease, so that a row claimed
-- by an instance that died is taken up by another once the lease has run out.
-- `given_up_at` marks a message that will not be tried again; it stays, with its error, for an
-- administrator to see.
--
-- `scheduled_jobs`: work due at a later instant (a reminder 24 hours after a breach was found);
-- `job_key` makes scheduling idempotent. `retry_at` delays a job whose handler failed, without
-- moving the instant it was due at. `outcome` says how it ended: done, cancelled, or given up.
--
-- Instants are TEXT in the fixed UTC form (text order is time order). No foreign key to
-- organisations: a message or a reminder is history and must not stop an organisation's removal.

CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,
    recipient_address TEXT NOT NULL,
    recipient_name TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    language TEXT NOT NULL,
    organisation_id TEXT,
    created_at TEXT NOT NULL,
    not_before TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    last_error TEXT,
    last_attempt_at TEXT,
    claimed_by TEXT,
    claimed_until TEXT,
    sent_at TEXT,
    given_up_at TEXT
);
-- What the worker polls: only the rows still to send (the sent history grows, this index does not).
CREATE INDEX outbox_pending ON outbox (not_before) WHERE sent_at IS NULL AND given_up_at IS NULL;
-- The administrator's list of messages that failed, newest first.
CREATE INDEX outbox_by_last_attempt ON outbox (last_attempt_at) WHERE last_error IS NOT NULL;

CREATE TABLE scheduled_jobs (
    id TEXT PRIMARY KEY,
    job_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    due_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    last_error TEXT,
    retry_at TEXT,
    claimed_by TEXT,
    claimed_until TEXT,
    done_at TEXT,
    outcome TEXT
);
CREATE INDEX scheduled_jobs_pending ON scheduled_jobs (due_at) WHERE done_at IS NULL;
