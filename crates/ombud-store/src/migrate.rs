//! Schema migrations, embedded in the binary and applied in order at start.
//!
//! Append-only: a migration once released is never edited (its checksum is kept and checked).
//! On PostgreSQL an advisory lock lets several instances start at once without racing.

use crate::{Backend, Result, Store, StoreError};
use sqlx::{Acquire, AssertSqlSafe};

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "platform",
        sql: include_str!("../migrations/0001_platform.sql"),
    },
    Migration {
        version: 2,
        name: "registers",
        sql: include_str!("../migrations/0002_registers.sql"),
    },
    Migration {
        version: 3,
        name: "kernel",
        sql: include_str!("../migrations/0003_kernel.sql"),
    },
    Migration {
        version: 4,
        name: "kernel_state",
        sql: include_str!("../migrations/0004_kernel_state.sql"),
    },
    Migration {
        version: 5,
        name: "gap_rules",
        sql: include_str!("../migrations/0005_gap_rules.sql"),
    },
    Migration {
        version: 6,
        name: "outbox",
        sql: include_str!("../migrations/0006_outbox.sql"),
    },
    Migration {
        version: 7,
        name: "breaches",
        sql: include_str!("../migrations/0007_breaches.sql"),
    },
    Migration {
        version: 8,
        name: "breach_notices",
        sql: include_str!("../migrations/0008_breach_notices.sql"),
    },
    Migration {
        version: 9,
        name: "requests",
        sql: include_str!("../migrations/0009_requests.sql"),
    },
    Migration {
        version: 10,
        name: "controller_settings",
        sql: include_str!("../migrations/0010_controller_settings.sql"),
    },
    Migration {
        version: 11,
        name: "request_days_off",
        sql: include_str!("../migrations/0011_request_days_off.sql"),
    },
    Migration {
        version: 12,
        name: "sign_in_failures",
        sql: include_str!("../migrations/0012_sign_in_failures.sql"),
    },
    Migration {
        version: 13,
        name: "sso_logins",
        sql: include_str!("../migrations/0013_sso_logins.sql"),
    },
    Migration {
        version: 14,
        name: "linked_from",
        sql: include_str!("../migrations/0014_linked_from.sql"),
    },
];

/// Any 64-bit lock id: Ombud's own.
const PG_LOCK_ID: i64 = 0x0b0d_0001;

pub(crate) async fn run(store: &Store) -> Result<()> {
    // Instances started together migrate one after the other.
    // On PostgreSQL the lock's own connection migrates: a pool of one connection must do.
    let mut lock = store.start_lock().await?;
    let outcome = match lock.conn.as_mut() {
        Some(conn) => apply(conn).await,
        None => apply(&mut store.pool().acquire().await?).await,
    };
    lock.release().await?;
    outcome
}

/// Ombud's lock across instances on one PostgreSQL: held while an instance does what only one may
/// do at a time at start (migrate; load the demo city into an empty database). On
/// SQLite, whose database one process serves, there is nothing to hold.
pub struct StartLock {
    conn: Option<sqlx::pool::PoolConnection<sqlx::Any>>,
}

impl Store {
    /// Waits for the start lock and takes it.
    pub async fn start_lock(&self) -> Result<StartLock> {
        if self.backend() != Backend::Postgres {
            return Ok(StartLock { conn: None });
        }
        let mut conn = self.pool().acquire().await?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(PG_LOCK_ID)
            .execute(&mut *conn)
            .await?;
        Ok(StartLock { conn: Some(conn) })
    }
}

impl StartLock {
    /// Lets the next instance go on.
    pub async fn release(mut self) -> Result<()> {
        if let Some(mut conn) = self.conn.take() {
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(PG_LOCK_ID)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }
}

impl Drop for StartLock {
    // Not released (an error on the way): the connection is closed rather than returned to the
    // pool still holding the lock; PostgreSQL lets go of it with the session.
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            drop(conn.detach());
        }
    }
}

async fn apply(conn: &mut sqlx::pool::PoolConnection<sqlx::Any>) -> Result<()> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS ombud_migrations (
            version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .execute(&mut **conn)
    .await?;
    let applied: Vec<(i64, String)> =
        sqlx::query_as("SELECT version, checksum FROM ombud_migrations ORDER BY version")
            .fetch_all(&mut **conn)
            .await?;
    for m in MIGRATIONS {
        let sum = checksum(m.sql);
        if let Some((_, stored)) = applied.iter().find(|(v, _)| *v == m.version) {
            if *stored != sum {
                return Err(StoreError::Database(format!(
                    "migration {} ({}) was changed after it was applied",
                    m.version, m.name
                )));
            }
            continue;
        }
        let mut tx = conn.begin().await?;
        sqlx::raw_sql(AssertSqlSafe(m.sql))
            .execute(&mut *tx)
            .await?;
        match m.version {
            3 => kernel_data(&mut tx, m.version).await?,
            5 => refresh_all(&mut tx, m.version).await?,
            14 => linked_from_all(&mut tx, m.version).await?,
            _ => {}
        }
        sqlx::query("INSERT INTO ombud_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
            .bind(m.version)
            .bind(m.name)
            .bind(sum)
            .bind(ombud_domain::time::now())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(version = m.version, name = m.name, "migration applied");
    }
    if let Some((v, _)) = applied
        .iter()
        .find(|(v, _)| !MIGRATIONS.iter().any(|m| m.version == *v))
    {
        return Err(StoreError::Database(format!(
            "the database has migration {v}, which this Ombud does not know: it is older than the database"
        )));
    }
    Ok(())
}

/// The data step of migration 3: a processing activity's next review moves into its document (it is
/// a field people edit, and an edit of it is a change like any other), who approved it and when into
/// its `state`; then every kind's derived columns are made again by its descriptor.
async fn kernel_data(tx: &mut sqlx::AnyConnection, at: i64) -> Result<()> {
    use serde_json::{Map, Value};
    #[derive(sqlx::FromRow)]
    struct Old {
        id: String,
        details: String,
        review_on: Option<String>,
        approved_at: Option<String>,
        approved_by: Option<String>,
    }
    let rows: Vec<Old> = sqlx::query_as(
        "SELECT id, details, review_on, approved_at, approved_by FROM processing_activities",
    )
    .fetch_all(&mut *tx)
    .await?;
    for Old {
        id,
        details,
        review_on,
        approved_at,
        approved_by,
    } in rows
    {
        let mut doc: Map<String, Value> = serde_json::from_str(&details)
            .map_err(|e| StoreError::Database(format!("details of {id}: {e}")))?;
        if let Some(r) = review_on {
            doc.insert("next_review".into(), Value::String(r));
        }
        let mut state = Map::new();
        if let Some(a) = approved_at {
            state.insert("approved_at".into(), Value::String(a));
        }
        if let Some(b) = approved_by {
            state.insert("approved_by".into(), Value::String(b));
        }
        sqlx::query("UPDATE processing_activities SET details = $1, state = $2 WHERE id = $3")
            .bind(Value::Object(doc).to_string())
            .bind(Value::Object(state).to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    refresh_all(tx, at).await
}

/// The migration that creates a table, read from the migrations themselves.
fn created_in(table: &str) -> Option<i64> {
    let create = format!("CREATE TABLE {table} (");
    MIGRATIONS
        .iter()
        .find(|m| m.sql.contains(&create))
        .map(|m| m.version)
}

/// Derives every kind's columns again (after the rules of what is derived changed), for every kind
/// the kernel declares whose table exists at migration `at` (a kind added later has none yet, and
/// nothing to derive).
async fn refresh_all(tx: &mut sqlx::AnyConnection, at: i64) -> Result<()> {
    use ombud_domain::kernel::{Descriptor, KindVisitor, for_each_kind};
    type Refresh = for<'a> fn(
        &'a mut sqlx::AnyConnection,
    )
        -> std::pin::Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;
    fn one<D: Descriptor>(
        tx: &mut sqlx::AnyConnection,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
        Box::pin(crate::records::refresh::<D>(tx))
    }
    struct Kinds(Vec<Refresh>, i64);
    impl KindVisitor for Kinds {
        fn visit<D: Descriptor>(&mut self) {
            if created_in(D::info().table).is_some_and(|v| v <= self.1) {
                self.0.push(one::<D>);
            }
        }
    }
    let mut kinds = Kinds(Vec::new(), at);
    for_each_kind(&mut kinds);
    for refresh in kinds.0 {
        refresh(tx).await?;
    }
    Ok(())
}

/// Derives the `linked_from` column of every kind with link gaps whose table exists at migration
/// `at` from the links already made (a kind added later starts with no links, which its default
/// says).
async fn linked_from_all(tx: &mut sqlx::AnyConnection, at: i64) -> Result<()> {
    for kind in ombud_domain::kernel::Kind::ALL {
        let info = kind.info();
        if !info.link_gaps.is_empty() && created_in(info.table).is_some_and(|v| v <= at) {
            sqlx::query(AssertSqlSafe(format!(
                "UPDATE {} SET linked_from = {}",
                info.table,
                crate::records::linked_from_of(info, &format!("{}.id", info.table))
            )))
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(())
}

/// FNV-1a, enough to notice an edited migration file; not a security measure.
fn checksum(s: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}
