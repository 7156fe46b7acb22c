//! Reading the audit trail: a record's history, and verification of the whole chain.

use crate::paging::{self, Cursor, Page, PageRequest};
use crate::{Result, Store};
use ombud_domain::audit::{ChainBreak, Event, Verifier};

#[derive(Debug, Clone, sqlx::FromRow)]
struct EventRow {
    seq: i64,
    event_id: String,
    occurred_at: String,
    actor_id: Option<String>,
    actor_name: String,
    channel: String,
    operation: String,
    record_type: String,
    record_id: String,
    organisation_id: Option<String>,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: String,
    hash: String,
}

impl From<EventRow> for Event {
    fn from(r: EventRow) -> Self {
        Event {
            seq: r.seq,
            event_id: r.event_id,
            occurred_at: r.occurred_at,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            channel: r.channel,
            operation: r.operation,
            record_type: r.record_type,
            record_id: r.record_id,
            organisation_id: r.organisation_id,
            before: r.before_json,
            after: r.after_json,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

const COLUMNS: &str = "seq, event_id, occurred_at, actor_id, actor_name, channel, operation, record_type, \
                       record_id, organisation_id, before_json, after_json, prev_hash, hash";

/// The result of checking the chain.
#[derive(Debug)]
pub enum Verification {
    Intact { events: i64 },
    Broken(ChainBreak),
}

impl Store {
    /// The sequence number of the newest audit event. Every change is audited, so while it stands
    /// still nothing has changed: derived figures may be reused under it.
    pub async fn audit_seq(&self) -> Result<i64> {
        let (seq,): (i64,) = sqlx::query_as("SELECT seq FROM audit_head WHERE id = 1")
            .fetch_one(self.pool())
            .await?;
        Ok(seq)
    }

    /// One record's history, newest first, a page at a time.
    pub async fn history(
        &self,
        record_type: &str,
        record_id: &str,
        page: &PageRequest,
    ) -> Result<Page<Event>> {
        self.events(
            "record_type = $1 AND record_id = $2",
            &[record_type, record_id],
            page,
        )
        .await
    }

    /// Everything that happened to an organisation: its own record and the role grants made in it,
    /// newest first, a page at a time.
    pub async fn organisation_history(
        &self,
        organisation_id: &str,
        page: &PageRequest,
    ) -> Result<Page<Event>> {
        self.events(
            "organisation_id = $1 AND record_type IN ('organisation', 'membership')",
            &[organisation_id],
            page,
        )
        .await
    }

    /// The events a condition over `$1…` selects, newest first, after the page's cursor (a sequence
    /// number).
    async fn events(
        &self,
        condition: &str,
        args: &[&str],
        page: &PageRequest,
    ) -> Result<Page<Event>> {
        let before = page
            .after
            .as_ref()
            .and_then(|c| c.key.parse::<i64>().ok())
            .unwrap_or(i64::MAX);
        let n = args.len();
        let mut q = sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(format!(
            // The limit as a literal, as in `Sql::page_by`.
            "SELECT {COLUMNS} FROM audit_events WHERE {condition} AND seq < ${} ORDER BY seq DESC LIMIT {}",
            n + 1,
            page.limit + 1
        )));
        for a in args {
            q = q.bind(a.to_string());
        }
        let rows: Vec<EventRow> = q.bind(before).fetch_all(self.pool()).await?;
        let events: Vec<Event> = rows.into_iter().map(Event::from).collect();
        Ok(paging::finish(events, page.limit, |e| Cursor {
            key: e.seq.to_string(),
            id: e.event_id.clone(),
        }))
    }

    /// Recomputes every hash in order, in pages, and compares the end with the head.
    pub async fn verify_audit(&self) -> Result<Verification> {
        const PAGE: i64 = 2000;
        let mut v = Verifier::default();
        let mut after = 0i64;
        loop {
            let rows: Vec<EventRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2"
            )))
            .bind(after)
            .bind(PAGE)
            .fetch_all(self.pool())
            .await?;
            let n = rows.len() as i64;
            for r in rows {
                after = r.seq;
                if let Err(b) = v.push(&Event::from(r)) {
                    return Ok(Verification::Broken(b));
                }
            }
            if n < PAGE {
                break;
            }
        }
        let (seq, hash): (i64, String) =
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(self.pool())
                .await?;
        Ok(match v.finish(seq, &hash) {
            Ok(events) => Verification::Intact { events },
            Err(b) => Verification::Broken(b),
        })
    }
}
