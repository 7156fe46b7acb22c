//! The one way to change data: a transaction that records an audit event for each change.
//!
//! `WriteTx::begin` first claims the audit head row. That statement is a write, so on SQLite the
//! transaction holds the write lock from its first statement (no lock-upgrade deadlocks), and on
//! PostgreSQL the row lock orders concurrent writers, across instances, into one chain. Reads made
//! inside the transaction therefore see the latest committed state, which makes version checks exact.

use crate::{Result, Store};
use ombud_domain::audit::{self, Channel, Event, Operation};
use ombud_domain::ids::{EventId, UserId};
use serde::Serialize;
use sqlx::{Any, Transaction};

/// Who makes a change, and through which channel.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<UserId>,
    pub name: String,
    pub channel: Channel,
}

impl Actor {
    pub fn user(id: UserId, name: impl Into<String>, channel: Channel) -> Self {
        Actor {
            user_id: Some(id),
            name: name.into(),
            channel,
        }
    }

    /// Ombud itself, or an operator at the command line.
    pub fn system(name: impl Into<String>, channel: Channel) -> Self {
        Actor {
            user_id: None,
            name: name.into(),
            channel,
        }
    }
}

/// An open write transaction.
pub struct WriteTx<'a> {
    pub(crate) tx: Transaction<'static, Any>,
    actor: &'a Actor,
    seq: i64,
    hash: String,
    now: String,
    /// Audit events recorded but not yet written (written before commit).
    pending: Vec<Event>,
    epoch: std::sync::Arc<crate::epoch::EpochWatch>,
    backend: crate::Backend,
    /// Whether this transaction changed who may do what.
    bumped: bool,
    /// Mail queued and jobs scheduled, to wake this instance's workers after commit.
    pub(crate) queued: crate::outbox::Queued,
}

/// Audit events per INSERT statement (14 values each, well under both databases' parameter limits).
const AUDIT_BATCH: usize = 200;

impl<'a> WriteTx<'a> {
    pub async fn begin(store: &Store, actor: &'a Actor) -> Result<WriteTx<'a>> {
        let mut tx = store.pool().begin().await?;
        let (seq, hash): (i64, String) =
            sqlx::query_as("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
                .fetch_one(&mut *tx)
                .await?;
        Ok(WriteTx {
            tx,
            actor,
            seq,
            hash,
            now: ombud_domain::time::now(),
            pending: Vec::new(),
            epoch: store.epoch.clone(),
            backend: store.backend,
            bumped: false,
            queued: crate::outbox::Queued::new(&store.wake),
        })
    }

    /// The instant this transaction's changes are stamped with.
    pub fn now(&self) -> &str {
        &self.now
    }

    pub fn actor(&self) -> &Actor {
        self.actor
    }

    /// Records one change in the audit trail: the record's snapshot before and after.
    pub async fn record_event<B: Serialize, A: Serialize>(
        &mut self,
        operation: Operation,
        record_type: &str,
        record_id: &str,
        organisation_id: Option<&str>,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Result<()> {
        let to_json = |v: Option<String>| v;
        let before = to_json(
            before
                .map(serde_json::to_string)
                .transpose()
                .map_err(json_error)?,
        );
        let after = to_json(
            after
                .map(serde_json::to_string)
                .transpose()
                .map_err(json_error)?,
        );
        let mut e = Event {
            seq: self.seq + 1,
            event_id: EventId::generate().into_string(),
            occurred_at: self.now.clone(),
            actor_id: self.actor.user_id.as_ref().map(ToString::to_string),
            actor_name: self.actor.name.clone(),
            channel: self.actor.channel.as_str().to_string(),
            operation: operation.as_str().to_string(),
            record_type: record_type.to_string(),
            record_id: record_id.to_string(),
            organisation_id: organisation_id.map(str::to_string),
            before,
            after,
            prev_hash: self.hash.clone(),
            hash: String::new(),
        };
        e.hash = audit::hash_of(&e);
        self.seq = e.seq;
        self.hash.clone_from(&e.hash);
        self.pending.push(e);
        if self.pending.len() >= AUDIT_BATCH {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes the buffered audit events, many rows to a statement: an import of 10,000 records is then
    /// a few hundred round trips rather than 10,000.
    async fn flush(&mut self) -> Result<()> {
        for chunk in std::mem::take(&mut self.pending).chunks(AUDIT_BATCH) {
            let mut sql = String::from(
                "INSERT INTO audit_events (seq, event_id, occurred_at, actor_id, actor_name, channel, operation, \
                 record_type, record_id, organisation_id, before_json, after_json, prev_hash, hash) VALUES ",
            );
            for i in 0..chunk.len() {
                let b = i * 14;
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                sql.push_str(
                    &(1..=14)
                        .map(|k| format!("${}", b + k))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
                sql.push(')');
            }
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for e in chunk {
                q = q
                    .bind(e.seq)
                    .bind(e.event_id.clone())
                    .bind(e.occurred_at.clone())
                    .bind(e.actor_id.clone())
                    .bind(e.actor_name.clone())
                    .bind(e.channel.clone())
                    .bind(e.operation.clone())
                    .bind(e.record_type.clone())
                    .bind(e.record_id.clone())
                    .bind(e.organisation_id.clone())
                    .bind(e.before.clone())
                    .bind(e.after.clone())
                    .bind(e.prev_hash.clone())
                    .bind(e.hash.clone());
            }
            q.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Marks a change that may alter who may do what (a role, a disabled person, a moved
    /// organisation): every instance checks this mark before trusting what it has cached about a
    /// session, so that the change holds everywhere at once.
    pub async fn bump_auth_epoch(&mut self) -> Result<()> {
        sqlx::query("UPDATE auth_epoch SET value = value + 1 WHERE id = 1")
            .execute(&mut *self.tx)
            .await?;
        if self.backend == crate::Backend::Postgres && !self.bumped {
            // Delivered to every listening instance when (and only if) this transaction commits.
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(crate::epoch::CHANNEL)
                .execute(&mut *self.tx)
                .await?;
        }
        self.bumped = true;
        Ok(())
    }

    /// Commits the changes and their audit events together.
    pub async fn commit(mut self) -> Result<()> {
        self.flush().await?;
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(self.seq)
            .bind(self.hash.clone())
            .execute(&mut *self.tx)
            .await?;
        self.tx.commit().await?;
        if self.bumped {
            self.epoch.forget();
        }
        self.queued.committed();
        Ok(())
    }
}

fn json_error(e: serde_json::Error) -> crate::StoreError {
    crate::StoreError::Database(format!("snapshot: {e}"))
}
