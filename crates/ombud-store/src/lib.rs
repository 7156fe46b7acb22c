//! Ombud's storage: one code path over SQLite (embedded default) and PostgreSQL (several instances).
//!
//! Built on sqlx's `Any` driver, so the database URL chooses the backend at run time and every query
//! is portable SQL with `$n` placeholders. Conventions that keep it portable: ids and timestamps are
//! TEXT, flags INTEGER 0/1, counters BIGINT; no `?` placeholders, no BOOLEAN, no backend-only syntax.
//!
//! Every change goes through a [`WriteTx`], which records an audit event for it in the same
//! transaction: a change and its record in the audit trail commit together or not at all.
//!
//! Errors: sqlx errors never leave this crate; callers see [`StoreError`].

mod attention;
pub mod audit;
mod epoch;
mod lane;
mod migrate;
pub use migrate::StartLock;
pub mod notices;
pub mod organisations;
pub mod outbox;
pub mod paging;
pub mod people;
pub mod records;
pub mod settings;
mod sql;
mod write;

pub use write::{Actor, WriteTx};

use ombud_domain::Invalid;
use sqlx::Connection;
use sqlx::any::{AnyPoolOptions, install_default_drivers};

/// How long a pooled connection may rest before it is pinged again on its next use.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(5);
use sqlx::{AnyPool, Executor};
use std::time::Duration;

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The storage handle: cheap to clone, shared by every request.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    epoch: std::sync::Arc<epoch::EpochWatch>,
    wake: std::sync::Arc<outbox::Wake>,
    /// Connections for the hottest reads (see [`lane`]); `None` for an in-memory database.
    lane: Option<std::sync::Arc<lane::Lane>>,
    /// Every organisation's name, with the auth epoch it was read under (see
    /// [`Store::organisation_names`]).
    organisation_names: std::sync::Arc<std::sync::Mutex<Option<(i64, OrganisationNames)>>>,
}

/// Organisations' names by id.
pub(crate) type OrganisationNames = std::sync::Arc<std::collections::HashMap<String, String>>;

/// What can go wrong in storage, in terms callers act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// The record changed since the caller read it (optimistic concurrency).
    #[error("stale version: the record is now at version {current}")]
    Stale { current: i64 },
    /// A uniqueness rule: e.g. the e-mail address is taken.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Records of other kinds link to the record, so it cannot be removed.
    #[error("in use: other records link to this {0:?}")]
    InUse(ombud_domain::kernel::Kind),
    /// A write without a grant that covers it: a bug in the caller, refused before anything changes.
    #[error("a write was attempted without a grant that covers it")]
    NotGranted,
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("database: {0}")]
    Database(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            other => StoreError::Database(other.to_string()),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How to open the database.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub url: String,
    /// Connections in the pool; `None` chooses by backend.
    pub max_connections: Option<u32>,
}

impl ConnectOptions {
    pub fn new(url: impl Into<String>) -> Self {
        ConnectOptions {
            url: url.into(),
            max_connections: None,
        }
    }
}

impl Store {
    /// Opens the database, creating an SQLite file (and its folder) if needed, and brings its schema
    /// up to date.
    pub async fn connect(opts: &ConnectOptions) -> Result<Store> {
        install_default_drivers();
        let (url, backend, file) = normalise_url(&opts.url)?;
        // Each SQLite connection runs on a thread of its own and only one writes at a time, so a few
        // connections serve best: more only add thread switches (measured: 16 connections answered a
        // list page at ~900 req/s on 2 cores, 4 at noticeably more). PostgreSQL's connections are
        // processes that share the machine's cores with Ombud's: two per core kept them busy without
        // queueing (measured on 2 cores: 4 connections 4,800 list pages/s at p99 9 ms, 16 connections
        // 4,200 at p99 16 ms).
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u32);
        let default_connections = match backend {
            Backend::Sqlite => 4,
            Backend::Postgres => (2 * cores).clamp(4, 32),
        };
        // A connection used within the last few seconds is known to be alive: pinging it before
        // every request was one more round trip each time (to SQLite's thread, or to PostgreSQL),
        // a tenth or more of a single record's read (measured on SQLite: 14,000–15,400 → 16,300–17,400
        // reads/s at 64 clients). One idle for
        // longer is pinged first, so that a connection the database dropped is replaced rather
        // than failing a request.
        let mut pool_opts = AnyPoolOptions::new()
            .max_connections(opts.max_connections.unwrap_or(default_connections))
            .acquire_timeout(Duration::from_secs(10))
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for > IDLE_BEFORE_PING {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            });
        pool_opts = pool_opts.after_connect(move |conn, _meta| {
            Box::pin(async move { prepare_connection(conn, backend).await })
        });
        if backend == Backend::Sqlite {
            forget_sqlite_samples(&url).await?;
        }
        let pool = pool_opts.connect(&url).await.map_err(|e| {
            let why = e.to_string();
            // The TLS errors name the certificate; say what to check.
            let hint = if why.to_lowercase().contains("certificate") {
                " (TLS: the server's certificate was not accepted. With sslmode=verify-ca or \
                 verify-full, give the CA certificate that signed it as sslrootcert=/path/ca.pem \
                 in the database URL; verify-full also checks that the host name is in it)"
            } else {
                ""
            };
            StoreError::Database(format!("cannot connect to the database: {why}{hint}"))
        })?;
        let epoch = match backend {
            Backend::Sqlite => std::sync::Arc::new(epoch::EpochWatch::sqlite(file.clone())),
            Backend::Postgres => epoch::postgres(&url),
        };
        // An in-memory SQLite database is one per connection: its reads stay on the pool's.
        let lane = (backend == Backend::Postgres || file.is_some()).then(|| {
            std::sync::Arc::new(lane::Lane::new(
                &url,
                backend,
                opts.max_connections.unwrap_or(default_connections) as usize,
            ))
        });
        let store = Store {
            pool,
            backend,
            epoch,
            wake: Default::default(),
            lane,
            organisation_names: Default::default(),
        };
        migrate::run(&store).await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool's connections: (open, idle), for monitoring.
    pub fn pool_state(&self) -> (u32, usize) {
        (self.pool().size(), self.pool().num_idle())
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The one row a read statement answers, on a lent connection when the database has them
    /// (see [`lane`]).
    pub(crate) async fn read_one<T>(&self, sql: sql::Sql) -> Result<T>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        self.read_optional(sql).await?.ok_or(StoreError::NotFound)
    }

    /// [`Store::read_one`] for a statement that may answer no row.
    pub(crate) async fn read_optional<T>(&self, sql: sql::Sql) -> Result<Option<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        Ok(self.read_all(sql).await?.into_iter().next())
    }

    /// The rows a read statement answers, on a lent connection when the database has them (see
    /// [`lane`]).
    pub(crate) async fn read_all<T>(&self, sql: sql::Sql) -> Result<Vec<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        match self.lane.as_deref() {
            Some(lane) => {
                let mut lease = lane.lease().await?;
                let rows = sql.query_as().fetch_all(lease.conn()?).await?;
                lease.done();
                Ok(rows)
            }
            None => Ok(sql.query_as().fetch_all(self.pool()).await?),
        }
    }

    /// The mark that changes whenever who may do what changes anywhere (see
    /// [`WriteTx::bump_auth_epoch`]).
    pub async fn auth_epoch(&self) -> Result<i64> {
        let ticket = match self.epoch.cached() {
            Ok(e) => return Ok(e),
            Err(t) => t,
        };
        let e = sqlx::query_scalar("SELECT value FROM auth_epoch WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        self.epoch.keep(ticket, e);
        Ok(e)
    }

    /// Answers whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Whether this connection to the database is encrypted (PostgreSQL over TLS).
    pub async fn uses_tls(&self) -> Result<bool> {
        if self.backend == Backend::Sqlite {
            return Ok(false);
        }
        let (ssl,): (i32,) = sqlx::query_as(
            "SELECT CASE WHEN ssl THEN 1 ELSE 0 END FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(ssl == 1)
    }

    /// Refreshes the planner's statistics after a bulk load, so that the first queries on the new
    /// rows are planned for their real numbers. On PostgreSQL the tables are vacuumed too, which
    /// marks the new pages all-visible: until then every index-only read of them (whether a record
    /// has links) visits the table as well. Autovacuum would do both, but only later, and not at all
    /// where it is switched off.
    pub async fn analyze(&self) -> Result<()> {
        match self.backend {
            // Not in a transaction, as VACUUM requires: the simple protocol, one statement.
            Backend::Postgres => {
                sqlx::raw_sql("VACUUM (ANALYZE)")
                    .execute(&self.pool)
                    .await?;
            }
            Backend::Sqlite => {
                sqlx::query("ANALYZE").execute(&self.pool).await?;
                sqlx::query(FORGET_STAT4).execute(&self.pool).await?;
            }
        }
        Ok(())
    }

    /// Writes a consistent copy of an SQLite database to `to` while Ombud keeps running.
    /// PostgreSQL is backed up with its own tools (`pg_dump`), as the README says.
    pub async fn backup_sqlite(&self, to: &str) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Conflict("backup_postgres_with_pg_dump"));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(to.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Picks the backend from the URL and makes SQLite create its file when missing.
/// SQLite's value samples (`sqlite_stat4`, written by `ANALYZE`) make it prepare a statement anew
/// each time a value bound in its WHERE clause changes: every read of one record was parsed and
/// planned again (measured: 9,100 → 15,700 single-record reads/s once the samples were gone). The
/// per-index counts in `sqlite_stat1` stay and are what our indexed filters need.
const FORGET_STAT4: &str = "DELETE FROM sqlite_stat4";

/// Removes value samples a database may have from an earlier `ANALYZE` (an older Ombud, or a person
/// with the `sqlite3` shell), before any pooled connection has loaded them.
async fn forget_sqlite_samples(url: &str) -> Result<()> {
    use sqlx::Connection;
    let mut c = sqlx::AnyConnection::connect(url).await?;
    sqlx::query("PRAGMA busy_timeout = 10000")
        .execute(&mut c)
        .await?;
    let has: Option<(i64,)> = sqlx::query_as(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat4' \
         HAVING COUNT(*) > 0",
    )
    .fetch_optional(&mut c)
    .await?;
    if has.is_some() {
        let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sqlite_stat4")
            .fetch_one(&mut c)
            .await?;
        if rows > 0 {
            sqlx::query(FORGET_STAT4).execute(&mut c).await?;
        }
    }
    c.close().await?;
    Ok(())
}

/// The URL as sqlx takes it, the backend, and for SQLite the database file (`None` in memory).
fn normalise_url(url: &str) -> Result<(String, Backend, Option<std::path::PathBuf>)> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        // The client's own environment variables are honoured as libpq's are.
        let pghost = std::env::var("PGHOST").ok();
        let url = if on_this_machine(url, pghost.as_deref())
            && !has_param(url, "sslmode")
            && std::env::var_os("PGSSLMODE").is_none()
        {
            with_param(url, "sslmode=disable")
        } else {
            url.to_string()
        };
        return Ok((url, Backend::Postgres, None));
    }
    let Some(rest) = url.strip_prefix("sqlite:") else {
        return Err(StoreError::Database(format!(
            "unsupported database URL (use sqlite://… or postgres://…): {url}"
        )));
    };
    let path = rest.trim_start_matches("//");
    let file = path.split('?').next().unwrap_or_default();
    if !file.is_empty()
        && file != ":memory:"
        && let Some(dir) = std::path::Path::new(file)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Database(format!("{}: {e}", dir.display())))?;
    }
    let url = if url.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    };
    let memory = file.is_empty() || file == ":memory:" || url.contains("mode=memory");
    let file = (!memory).then(|| std::path::PathBuf::from(file));
    Ok((url, Backend::Sqlite, file))
}

/// What every new connection is told first.
pub(crate) async fn prepare_connection(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
) -> sqlx::Result<()> {
    match backend {
        // WAL lets readers go on while one writer writes; the busy timeout makes a second writer
        // wait its turn instead of failing; foreign keys are off by default in SQLite.
        Backend::Sqlite => {
            conn.execute(
                "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
                 PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
            )
            .await?;
        }
        // Our statements are prepared once per connection and filtered by indexed columns
        // (controller, status, name), so a generic plan serves every value alike. Left to choose,
        // PostgreSQL re-planned every search (a LIKE with a fresh pattern) from its statistics:
        // under load the planning, not the search, took most of its time (measured: 2,150 →
        // 2,850 searches/s, p99 25 → 21 ms).
        Backend::Postgres => {
            conn.execute("SET plan_cache_mode = force_generic_plan")
                .await?;
        }
    }
    Ok(())
}

/// Whether a PostgreSQL URL names a server on this machine: a loopback address, `localhost`, or a
/// Unix socket (a `host=` that is a folder; with no host at all, what `PGHOST` says, or else the
/// default, this machine). Without an `sslmode` such a connection is
/// not encrypted: the client's default ("prefer") would encrypt whenever the server can, and on a
/// connection that never leaves the machine that protects nothing while costing both processes
/// time on every statement (measured: a fifth of the database's time for a list page).
fn on_this_machine(url: &str, pghost: Option<&str>) -> bool {
    let rest = url.split_once("://").map_or("", |(_, r)| r);
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let authority = before_query.split('/').next().unwrap_or_default();
    let hosts = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(socket) = query.split('&').find_map(|p| p.strip_prefix("host=")) {
        return socket.starts_with('/') || socket.starts_with("%2F") || socket.starts_with("%2f");
    }
    let hosts = match pghost {
        Some(env) if hosts.is_empty() => {
            if env.starts_with('/') {
                return true;
            }
            env
        }
        _ if hosts.is_empty() => return true,
        _ => hosts,
    };
    // Several hosts (`h1:5432,h2:5432`) are on this machine only if every one is.
    hosts.split(',').all(|h| {
        let host = match h.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default(),
            None => h.split(':').next().unwrap_or_default(),
        };
        host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    })
}

fn has_param(url: &str, name: &str) -> bool {
    url.split_once('?')
        .is_some_and(|(_, q)| q.split('&').any(|p| p.split('=').next() == Some(name)))
}

fn with_param(url: &str, param: &str) -> String {
    if url.contains('?') {
        format!("{url}&{param}")
    } else {
        format!("{url}?{param}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_create_their_file() {
        let (u, b, f) = normalise_url("sqlite:///tmp/x/ombud.db").expect("valid");
        assert_eq!(b, Backend::Sqlite);
        assert_eq!(u, "sqlite:///tmp/x/ombud.db?mode=rwc");
        assert_eq!(f, Some(std::path::PathBuf::from("/tmp/x/ombud.db")));
        let (_, _, f) = normalise_url("sqlite::memory:").expect("valid");
        assert_eq!(f, None);
    }

    #[test]
    fn postgres_urls_pass_through_unless_the_server_is_on_this_machine_and_no_sslmode_is_given() {
        let pg = |u: &str| {
            let (u, b, _) = normalise_url(u).expect("valid");
            assert_eq!(b, Backend::Postgres);
            u
        };
        for remote in [
            "postgres://ombud:x@db.stad.local:5432/ombud",
            "postgresql://ombud@10.0.0.5/ombud?application_name=ombud",
            "postgres://ombud@[2001:db8::1]:5432/ombud",
            // One remote host of several is enough to leave the choice to the server.
            "postgres://ombud@127.0.0.1:5432,db.stad.local:5432/ombud",
            "postgres://ombud@db.stad.local/ombud?host=db2.stad.local",
        ] {
            assert_eq!(pg(remote), remote);
        }
        for local in [
            "postgres://postgres@127.0.0.1/test",
            "postgres://postgres@127.0.0.1:5432/test",
            "postgres://postgres:secret@localhost/test",
            "postgres://LOCALHOST:5432/test",
            "postgres://postgres@[::1]:5432/test",
            "postgres:///test",
            "postgres://postgres@/test?host=/var/run/postgresql",
            "postgres://postgres@/test?host=%2Fvar%2Frun%2Fpostgresql",
        ] {
            let want = if local.contains('?') {
                format!("{local}&sslmode=disable")
            } else {
                format!("{local}?sslmode=disable")
            };
            assert_eq!(pg(local), want);
        }
        // A URL that says what it wants is kept as it is, wherever the server is.
        for explicit in [
            "postgres://postgres@127.0.0.1/test?sslmode=require",
            "postgres://postgres@localhost/test?application_name=x&sslmode=verify-full",
        ] {
            assert_eq!(pg(explicit), explicit);
        }
        // With no host in the URL, `PGHOST` decides.
        assert!(on_this_machine("postgres:///test", None));
        assert!(on_this_machine("postgres:///test", Some("/run/postgresql")));
        assert!(on_this_machine("postgres:///test", Some("localhost")));
        assert!(!on_this_machine("postgres:///test", Some("db.stad.local")));
        assert!(!on_this_machine(
            "postgres://postgres@/test",
            Some("10.1.2.3")
        ));
        assert!(on_this_machine(
            "postgres://127.0.0.1/test",
            Some("db.stad.local")
        ));
        // A parameter that merely ends in the name is not the name.
        assert_eq!(
            pg("postgres://127.0.0.1/test?xsslmode=require"),
            "postgres://127.0.0.1/test?xsslmode=require&sslmode=disable"
        );
    }

    #[tokio::test]
    async fn sqlite_keeps_no_value_samples_that_would_reprepare_every_read() {
        let dir = std::env::temp_dir().join(format!("ombud-stat4-{}", std::process::id()));
        let url = format!("sqlite://{}/o.db", dir.display());
        let store = Store::connect(&ConnectOptions::new(&url))
            .await
            .expect("opens");
        let pool = store.pool().clone();
        sqlx::raw_sql(
            "CREATE TABLE t (a TEXT); CREATE INDEX t_a ON t (a); \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) \
             INSERT INTO t SELECT 'v' || (i % 37) FROM n;",
        )
        .execute(&pool)
        .await
        .expect("filled");
        let samples = |p: sqlx::AnyPool| async move {
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sqlite_stat4")
                .fetch_one(&p)
                .await
                .expect("counted");
            n
        };
        store.analyze().await.expect("analysed");
        assert_eq!(samples(pool.clone()).await, 0);
        // A plain ANALYZE (an older Ombud, the sqlite3 shell) is undone when the database opens.
        sqlx::raw_sql("ANALYZE")
            .execute(&pool)
            .await
            .expect("analysed");
        assert!(samples(pool.clone()).await > 0);
        pool.close().await;
        let again = Store::connect(&ConnectOptions::new(&url))
            .await
            .expect("opens");
        assert_eq!(samples(again.pool().clone()).await, 0);
        again.pool().close().await;
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn other_urls_are_refused() {
        assert!(normalise_url("mysql://x").is_err());
    }
}
