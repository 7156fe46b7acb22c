//! The harness: every test gets its own app, driven in-process through `tower::ServiceExt::oneshot`,
//! on a database of its own.
//!
//! `both!(name, |app| async move { … })` writes a test twice: `name::sqlite` on a fresh SQLite file,
//! and `name::postgres` on a fresh PostgreSQL database copied from a template migrated once per process.
//!
//! PostgreSQL: `OMBUD_TEST_POSTGRES_URL` (default [`DEFAULT_POSTGRES_URL`]) names a database on a server
//! where the user may create databases. When the server cannot be reached the postgres tests fail, so
//! that CI never passes without them; `OMBUD_TEST_POSTGRES=skip` skips them on purpose.
//!
//! Database names are `ombud_t_<pid>_<nonce>_tpl` (the template) and `ombud_t_<pid>_<nonce>_<n>` (one
//! per test, dropped when the test ends, also when it fails). While the test process runs, it holds a
//! PostgreSQL advisory lock named after `<pid>_<nonce>`; at start, `ombud_t_*` databases whose lock
//! nobody holds belong to a run that has ended (crashed, or left its template behind) and are dropped.
//! The lock rather than `/proc/<pid>` decides, so that a concurrent run, even on another machine or
//! container, is never disturbed.
//!
//! Cost: PostgreSQL takes some 0.3–0.5 s to copy the template and drop the copy (each `DROP DATABASE`
//! is a checkpoint), mostly waiting for the disk; that, not the tests, is most of the postgres half.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use ombud_domain::audit::{Channel, Event};
use ombud_domain::people::{PasswordCost, hash_password};
use ombud_domain::role::Role;
use ombud_store::audit::Verification;
use ombud_store::{Actor, ConnectOptions, Store, WriteTx};
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Connection};
use std::future::{Future, IntoFuture};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tower::ServiceExt;

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Everyone's password in the tests.
pub const PASSWORD: &str = "korrekt häst batteri 7";

/// Writes a test for both databases: `$name::sqlite` and `$name::postgres`.
macro_rules! both {
    ($name:ident, |$app:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $app = $crate::helpers::TestApp::sqlite().await;
                $body.await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($app) = $crate::helpers::TestApp::postgres().await else {
                    return;
                };
                let cleanup = $app.cleanup();
                $body.await;
                cleanup.finish().await;
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// The app and its database

/// One app on one database of its own.
pub struct TestApp {
    pub router: Router,
    pub store: Store,
    /// `sqlite` or `postgres`, for messages.
    pub backend: &'static str,
    /// The database's URL, for a second instance over the same database.
    url: String,
    /// Removes the database when the last holder lets go (this app, or its [`Cleanup`]).
    db: Arc<DbGuard>,
}

/// Ends a test: closes its connections first, so that its database is dropped without waiting for
/// them. A test that panics never gets here, and its database is dropped by force instead.
pub struct Cleanup {
    store: Store,
    _db: Arc<DbGuard>,
}

impl Cleanup {
    pub async fn finish(self) {
        self.store.close().await;
    }
}

static SQLITE_DBS: AtomicU64 = AtomicU64::new(0);

impl TestApp {
    pub async fn sqlite() -> TestApp {
        let dir = std::env::temp_dir().join(format!(
            "ombud-api-test-{}-{}",
            std::process::id(),
            SQLITE_DBS.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let url = format!("sqlite://{}/ombud.db", dir.display());
        let guard = DbGuard::Sqlite(dir);
        let store = Store::connect(&ConnectOptions::new(url.clone()))
            .await
            .expect("the SQLite test database opens");
        TestApp::new(store, "sqlite", guard, url)
    }

    /// `None` only when `OMBUD_TEST_POSTGRES=skip`; panics when PostgreSQL cannot be used.
    pub async fn postgres() -> Option<TestApp> {
        let pg = match postgres_server() {
            PgState::Skip => {
                eprintln!("OMBUD_TEST_POSTGRES=skip: this PostgreSQL test is skipped");
                return None;
            }
            PgState::Broken(why) => panic!("{why}"),
            PgState::Ready(pg) => pg,
        };
        let name = pg.create_database().await;
        let guard = DbGuard::Postgres(name.clone());
        let url = with_database(&pg.url, &name);
        let store = Store::connect(&ConnectOptions {
            url: url.clone(),
            max_connections: Some(8),
        })
        .await
        .unwrap_or_else(|e| panic!("the PostgreSQL test database {name} opens: {e}"));
        Some(TestApp::new(store, "postgres", guard, url))
    }

    pub fn cleanup(&self) -> Cleanup {
        Cleanup {
            store: self.store.clone(),
            _db: self.db.clone(),
        }
    }

    fn new(store: Store, backend: &'static str, db: DbGuard, url: String) -> TestApp {
        TestApp {
            router: ombud_web::app(store.clone(), Self::config()),
            store,
            backend,
            url,
            db: Arc::new(db),
        }
    }

    fn config() -> ombud_web::Config {
        ombud_web::Config {
            password_cost: PasswordCost::Minimal,
            ..Default::default()
        }
    }

    /// The same Ombud, on the same database, as served under another public URL (e.g. `https://`).
    pub fn under(&self, public_url: &str) -> TestApp {
        self.configured(|c| c.public_url = public_url.into())
    }

    /// The same Ombud, on the same database, configured otherwise.
    pub fn configured(&self, change: impl FnOnce(&mut ombud_web::Config)) -> TestApp {
        let mut config = Self::config();
        change(&mut config);
        TestApp {
            router: ombud_web::app(self.store.clone(), config),
            store: self.store.clone(),
            backend: self.backend,
            url: self.url.clone(),
            db: self.db.clone(),
        }
    }

    /// Runs SQL on the app's database over a connection of its own, as something other than Ombud
    /// (an older Ombud's schema, say).
    pub async fn raw_sql(&self, sql: &'static str) {
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&self.url)
            .await
            .expect("the test database opens");
        sqlx::raw_sql(sql)
            .execute(&mut conn)
            .await
            .expect("the SQL runs");
        conn.close().await.expect("the connection closes");
    }

    /// A second instance of Ombud over the same database, with caches of its own (as behind a load
    /// balancer).
    pub async fn second_instance(&self) -> TestApp {
        let store = Store::connect(&ConnectOptions {
            url: self.url.clone(),
            max_connections: Some(4),
        })
        .await
        .expect("a second instance opens the same database");
        TestApp {
            router: ombud_web::app(store.clone(), Self::config()),
            store,
            backend: self.backend,
            url: self.url.clone(),
            db: self.db.clone(),
        }
    }
}

/// Removes a test's database when the test ends, whether it passed or not.
enum DbGuard {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        match self {
            DbGuard::Sqlite(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            DbGuard::Postgres(name) => {
                if let PgState::Ready(pg) = postgres_server() {
                    pg.drop_database(name);
                }
            }
        }
    }
}

enum PgState {
    Skip,
    Broken(String),
    Ready(Pg),
}

/// The PostgreSQL server of this test process: a runtime of its own (so that its connections outlive
/// each test's runtime), a pool on the maintenance database, and the migrated template.
struct Pg {
    url: String,
    rt: tokio::runtime::Handle,
    admin: sqlx::PgPool,
    prefix: String,
    template: String,
    next: AtomicU64,
}

static PG: OnceLock<PgState> = OnceLock::new();

fn postgres_server() -> &'static PgState {
    PG.get_or_init(|| {
        if std::env::var("OMBUD_TEST_POSTGRES").as_deref() == Ok("skip") {
            return PgState::Skip;
        }
        let url = std::env::var("OMBUD_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_string());
        let (tx, rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("postgres-admin".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = tx.send(Err(format!("a runtime for PostgreSQL: {e}")));
                        return;
                    }
                };
                let prepared = rt.block_on(prepare(url, rt.handle().clone()));
                let _ = tx.send(prepared);
                // Keep the runtime, the admin pool and the liveness lock for the rest of the process.
                rt.block_on(std::future::pending::<()>());
            });
        if let Err(e) = spawned {
            return PgState::Broken(format!("a thread for PostgreSQL: {e}"));
        }
        match rx.recv() {
            Ok(Ok(pg)) => PgState::Ready(pg),
            Ok(Err(why)) => PgState::Broken(why),
            Err(_) => PgState::Broken("the PostgreSQL setup thread died".into()),
        }
    })
}

async fn prepare(url: String, rt: tokio::runtime::Handle) -> Result<Pg, String> {
    let unreachable = |e: &dyn std::fmt::Display| {
        format!(
            "the PostgreSQL tests need a server, and {url} cannot be used: {e}. Start PostgreSQL, \
             set OMBUD_TEST_POSTGRES_URL to a database on a server where this user may create \
             databases, or set OMBUD_TEST_POSTGRES=skip to skip the PostgreSQL tests on purpose."
        )
    };
    let timeout = Duration::from_secs(10);
    // One plain connection first: it says why it fails (a pool would only time out).
    let mut keeper = tokio::time::timeout(timeout, sqlx::PgConnection::connect(&url))
        .await
        .map_err(|e| unreachable(&e))?
        .map_err(|e| unreachable(&e))?;
    let tag = format!("{}_{:08x}", std::process::id(), nonce());
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(lock_key(&tag))
        .execute(&mut keeper)
        .await
        .map_err(|e| unreachable(&e))?;
    let admin = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(timeout)
        .connect(&url)
        .await
        .map_err(|e| unreachable(&e))?;
    tokio::spawn(async move {
        let _held_while_the_process_lives = keeper;
        std::future::pending::<()>().await
    });

    drop_stale_databases(&admin, &tag).await;

    let prefix = format!("ombud_t_{tag}");
    let template = format!("{prefix}_tpl");
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE \"{template}\"")))
        .execute(&admin)
        .await
        .map_err(|e| unreachable(&e))?;
    let store = Store::connect(&ConnectOptions {
        url: with_database(&url, &template),
        max_connections: Some(1),
    })
    .await
    .map_err(|e| format!("migrating the template database {template}: {e}"))?;
    store.close().await;

    Ok(Pg {
        url,
        rt,
        admin,
        prefix,
        template,
        next: AtomicU64::new(0),
    })
}

/// Drops the databases of test runs that have ended: those whose liveness lock is free.
async fn drop_stale_databases(admin: &sqlx::PgPool, mine: &str) {
    let names: Vec<String> = match sqlx::query_scalar(
        "SELECT datname FROM pg_database WHERE datname LIKE 'ombud\\_t\\_%'",
    )
    .fetch_all(admin)
    .await
    {
        Ok(n) => n,
        Err(e) => {
            eprintln!("listing old test databases: {e}");
            return;
        }
    };
    for name in names {
        let Some(tag) = run_tag(&name) else { continue };
        if tag == mine {
            continue;
        }
        // Taken and released in one statement; free means no live process holds it.
        let free: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
            .bind(lock_key(tag))
            .fetch_one(admin)
            .await
            .unwrap_or(false);
        if free {
            let dropped =
                sqlx::raw_sql(AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\"")))
                    .execute(admin)
                    .await;
            if let Err(e) = dropped {
                eprintln!("dropping the old test database {name}: {e}");
            }
        }
    }
}

/// `<pid>_<nonce>` of a test database name.
fn run_tag(datname: &str) -> Option<&str> {
    let rest = datname.strip_prefix("ombud_t_")?;
    let mut parts = rest.splitn(3, '_');
    let pid = parts.next()?;
    let nonce = parts.next()?;
    parts.next()?;
    let ok = !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && nonce.len() == 8
        && nonce.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| &rest[..pid.len() + 1 + nonce.len()])
}

/// The advisory lock key of a test run (FNV-1a of its tag).
fn lock_key(tag: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in format!("ombud-api-tests/{tag}").bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(h.to_ne_bytes())
}

fn nonce() -> u32 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() ^ (d.as_secs() as u32))
        .unwrap_or_default();
    nanos ^ std::process::id().rotate_left(16)
}

/// The same server URL with another database name.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let host_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[host_start..].find('/') {
        Some(i) => &base[..host_start + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

/// `CREATE DATABASE <name> TEMPLATE <template>`.
async fn copy_template(admin: &sqlx::PgPool, template: &str, name: &str) -> Result<(), String> {
    let sql = format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
    let mut attempt = 0;
    loop {
        match sqlx::raw_sql(AssertSqlSafe(sql.clone()))
            .execute(admin)
            .await
        {
            Ok(_) => return Ok(()),
            // The template is briefly in use while another copy of it starts.
            Err(e) if attempt < 20 && e.to_string().contains("being accessed") => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}

impl Pg {
    /// A fresh, migrated database of this test's own.
    async fn create_database(&self) -> String {
        let name = format!(
            "{}_{}",
            self.prefix,
            self.next.fetch_add(1, Ordering::SeqCst)
        );
        let (admin, template, new) = (self.admin.clone(), self.template.clone(), name.clone());
        let made = self
            .rt
            .spawn(async move { copy_template(&admin, &template, &new).await })
            .await
            .expect("the PostgreSQL admin task runs");
        if let Err(e) = made {
            panic!("creating the test database {name}: {e}");
        }
        name
    }

    /// Drops a test's database, ending any connection still open to it. Blocks: called from `Drop`.
    fn drop_database(&self, name: &str) {
        let (tx, rx) = std::sync::mpsc::channel();
        let admin = self.admin.clone();
        let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        self.rt.spawn(async move {
            let r = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&admin).await;
            let _ = tx.send(r.map(|_| ()).map_err(|e| e.to_string()));
        });
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("dropping the test database {name}: {e}"),
            Err(e) => eprintln!("dropping the test database {name}: no answer ({e})"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Requests and responses

impl TestApp {
    pub fn get(&self, uri: impl Into<String>) -> Call<'_> {
        self.call(Method::GET, uri)
    }
    pub fn post(&self, uri: impl Into<String>) -> Call<'_> {
        self.call(Method::POST, uri)
    }
    pub fn put(&self, uri: impl Into<String>) -> Call<'_> {
        self.call(Method::PUT, uri)
    }
    pub fn patch(&self, uri: impl Into<String>) -> Call<'_> {
        self.call(Method::PATCH, uri)
    }
    pub fn delete(&self, uri: impl Into<String>) -> Call<'_> {
        self.call(Method::DELETE, uri)
    }

    pub fn call(&self, method: Method, uri: impl Into<String>) -> Call<'_> {
        Call {
            app: self,
            method,
            uri: uri.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
}

/// A request being put together; `.await` sends it.
pub struct Call<'a> {
    app: &'a TestApp,
    method: Method,
    uri: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Call<'_> {
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// As this person, with their bearer token.
    pub fn by(self, person: &Person) -> Self {
        self.token(&person.token)
    }

    pub fn token(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }

    pub fn json(self, body: Value) -> Self {
        self.raw(Some("application/json"), body.to_string())
    }

    /// A body as it is, with this content type (or none).
    pub fn raw(mut self, content_type: Option<&str>, body: impl Into<Vec<u8>>) -> Self {
        if let Some(ct) = content_type {
            self.headers.push(("content-type".into(), ct.into()));
        }
        self.body = body.into();
        self
    }

    pub fn if_match(self, etag: &str) -> Self {
        self.header("if-match", etag)
    }

    pub fn english(self) -> Self {
        self.header("accept-language", "en")
    }

    pub async fn send(self) -> Resp {
        let mut req = Request::builder().method(self.method).uri(&self.uri);
        for (k, v) in &self.headers {
            req = req.header(k, v);
        }
        let req = req.body(Body::from(self.body)).expect("a valid request");
        let res = match self.app.router.clone().oneshot(req).await {
            Ok(res) => res,
            Err(never) => match never {},
        };
        let status = res.status();
        let headers = res.headers().clone();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .expect("the body is read")
            .to_vec();
        Resp {
            status,
            headers,
            body,
        }
    }
}

impl<'a> IntoFuture for Call<'a> {
    type Output = Resp;
    type IntoFuture = Pin<Box<dyn Future<Output = Resp> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A response, read in full.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn etag(&self) -> Option<&str> {
        self.header("etag")
    }

    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.text()))
    }

    /// Asserts the status and returns the JSON body (`null` when empty).
    #[track_caller]
    pub fn expect(&self, status: StatusCode) -> Value {
        assert_eq!(self.status, status, "body: {}", self.text());
        if self.body.is_empty() {
            Value::Null
        } else {
            self.json()
        }
    }

    /// Asserts a problem: status, code, `application/problem+json`, the Swedish title; returns it.
    #[track_caller]
    pub fn problem(&self, status: StatusCode, code: &str) -> Value {
        let p = self.any_problem(status, code);
        assert_eq!(p["title"], swedish_title(code), "{p}");
        assert_eq!(self.header("content-language"), Some("sv"));
        p
    }

    /// Like [`Resp::problem`], in English.
    #[track_caller]
    pub fn english_problem(&self, status: StatusCode, code: &str) -> Value {
        let p = self.any_problem(status, code);
        assert_eq!(p["title"], english_title(code), "{p}");
        assert_eq!(self.header("content-language"), Some("en"));
        p
    }

    #[track_caller]
    fn any_problem(&self, status: StatusCode, code: &str) -> Value {
        assert_eq!(self.status, status, "body: {}", self.text());
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "body: {}",
            self.text()
        );
        let p = self.json();
        assert_eq!(p["code"], code, "{p}");
        assert_eq!(p["status"], status.as_u16(), "{p}");
        assert_eq!(p["type"], format!("urn:ombud:problem:{code}"), "{p}");
        assert!(p["detail"].as_str().is_some_and(|d| !d.is_empty()), "{p}");
        p
    }
}

/// The Swedish titles of the problems, as clients see them.
pub fn swedish_title(code: &str) -> &'static str {
    match code {
        "unauthenticated" => "Inte inloggad",
        "bad_credentials" => "Inloggningen misslyckades",
        "forbidden" => "Behörighet saknas",
        "csrf" => "Begäran kunde inte verifieras",
        "not_found" => "Hittades inte",
        "malformed_request" => "Felaktig begäran",
        "unsupported_media_type" => "Fel innehållstyp",
        "invalid" => "Ogiltiga uppgifter",
        "unprocessable" => "Uppgifterna kan inte tolkas",
        "stale_version" => "Uppgifterna har ändrats",
        "too_many_attempts" => "För många försök",
        "email_taken"
        | "organisation_has_active_children"
        | "move_would_cross_links"
        | "system_in_use"
        | "agreement_in_use" => "Konflikt",
        "workflow" => "Steget finns inte i arbetsflödet",
        "gaps_open" => "Posten har brister",
        "import_has_errors" => "Filen har fel",
        "too_large" => "För stort",
        "sso_required" | "sso_not_configured" | "identity_taken" => "Konflikt",
        other => panic!("no Swedish title known for {other}"),
    }
}

pub fn english_title(code: &str) -> &'static str {
    match code {
        "unauthenticated" => "Not signed in",
        "bad_credentials" => "Sign-in failed",
        "forbidden" => "Forbidden",
        "not_found" => "Not found",
        "malformed_request" => "Malformed request",
        "unsupported_media_type" => "Unsupported media type",
        "invalid" => "Invalid input",
        "unprocessable" => "Input cannot be processed",
        "stale_version" => "The record has changed",
        "email_taken"
        | "organisation_has_active_children"
        | "move_would_cross_links"
        | "system_in_use"
        | "agreement_in_use" => "Conflict",
        "workflow" => "Not a step of the workflow",
        "gaps_open" => "The record has gaps",
        "import_has_errors" => "The file has errors",
        other => panic!("no English title known for {other}"),
    }
}

/// The `(field, code)` pairs of a problem's `errors`.
pub fn field_errors(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|e| (text(e, "field"), text(e, "code")))
                .collect()
        })
        .unwrap_or_default()
}

/// A string field of a JSON object.
#[track_caller]
pub fn text(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {v}"))
        .to_string()
}

/// A page as a signed-in browser asks for it (it must answer 200).
pub async fn page_of(app: &TestApp, p: &Person, path: &str) -> String {
    let res = app
        .get(path)
        .header("cookie", &format!("ombud_session={}", p.token))
        .header("sec-fetch-site", "same-origin")
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.text()
}

/// The ids of a list's items.
pub fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .map(|items| items.iter().map(|i| text(i, "id")).collect())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// People, organisations and the audit trail

/// A person with a bearer token.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: String,
    pub email: String,
    pub name: String,
    pub token: String,
}

impl TestApp {
    /// Creates a person straight in the store, with [`PASSWORD`].
    pub async fn create_user(&self, email: &str, name: &str, admin: bool) -> String {
        let hash = hash_password(PASSWORD, PasswordCost::Minimal).expect("the password hashes");
        let actor = Actor::system("test setup", Channel::System);
        let mut w = WriteTx::begin(&self.store, &actor)
            .await
            .expect("a write begins");
        let u = w
            .create_user(email, name, Some(&hash), admin)
            .await
            .expect("the person is created");
        w.commit().await.expect("the person is saved");
        u.id
    }

    /// Signs in through the API; the bearer token.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let res = self
            .post("/api/v1/session")
            .json(json!({ "email": email, "password": password }))
            .await;
        text(&res.expect(StatusCode::OK), "token")
    }

    /// A person created in the store and signed in.
    pub async fn person(&self, email: &str, name: &str) -> Person {
        self.person_with(email, name, false).await
    }

    /// The system administrator.
    pub async fn admin(&self) -> Person {
        self.person_with("ada.admin@exempelstad.se", "Ada Administratör", true)
            .await
    }

    async fn person_with(&self, email: &str, name: &str, admin: bool) -> Person {
        let id = self.create_user(email, name, admin).await;
        let token = self.sign_in(email, PASSWORD).await;
        Person {
            id,
            email: email.into(),
            name: name.into(),
            token,
        }
    }

    /// Gives roles straight in the store (not through the API under test).
    pub async fn grant(&self, organisation_id: &str, user_id: &str, roles: &[Role]) {
        let actor = Actor::system("test setup", Channel::System);
        let setup = ombud_domain::authz::Principal::system("test setup");
        let mut w = WriteTx::begin(&self.store, &actor)
            .await
            .expect("a write begins");
        let org = w
            .organisation(organisation_id)
            .await
            .expect("the organisation exists");
        let grant = setup
            .authorize(ombud_domain::authz::Action::ManageMembers, &org.scope())
            .expect("the system may");
        w.set_roles(&grant, &org, user_id, roles.iter().copied().collect(), None)
            .await
            .expect("the roles are set");
        w.commit().await.expect("the roles are saved");
    }

    /// Creates an organisation through the API, expecting 201; its JSON.
    pub async fn org(&self, by: &Person, name: &str, kind: &str, parent: Option<&str>) -> Value {
        let mut body = json!({ "name": name, "kind": kind });
        if let Some(p) = parent {
            body["parent_id"] = json!(p);
        }
        self.post("/api/v1/organisations")
            .by(by)
            .json(body)
            .await
            .expect(StatusCode::CREATED)
    }

    /// An organisation as the store has it now.
    pub async fn stored(&self, id: &str) -> ombud_store::organisations::Organisation {
        self.store
            .organisation(id)
            .await
            .expect("the organisation is stored")
    }

    /// The number of audit events, after checking that the chain is intact.
    pub async fn audit_events(&self) -> i64 {
        match self
            .store
            .verify_audit()
            .await
            .expect("the audit trail can be read")
        {
            Verification::Intact { events } => events,
            Verification::Broken(b) => panic!("the audit chain is broken ({}): {b}", self.backend),
        }
    }

    /// A record's audit events, newest first.
    pub async fn events_of(&self, record_type: &str, record_id: &str) -> Vec<Event> {
        self.store
            .history(
                record_type,
                record_id,
                &ombud_store::paging::PageRequest::first(500),
            )
            .await
            .expect("the history can be read")
            .items
    }

    /// A small city: city → board (controller) → administration → department → unit.
    pub async fn city(&self, admin: &Person) -> Tree {
        let city = self.org(admin, "Exempelstad", "city", None).await;
        let board = self
            .org(admin, "Socialnämnden", "board", Some(&text(&city, "id")))
            .await;
        let administration = self
            .org(
                admin,
                "Socialförvaltningen",
                "administration",
                Some(&text(&board, "id")),
            )
            .await;
        let department = self
            .org(
                admin,
                "Avdelningen för barn och unga",
                "department",
                Some(&text(&administration, "id")),
            )
            .await;
        let unit = self
            .org(
                admin,
                "Familjeenheten",
                "unit",
                Some(&text(&department, "id")),
            )
            .await;
        Tree {
            city: text(&city, "id"),
            board: text(&board, "id"),
            administration: text(&administration, "id"),
            department: text(&department, "id"),
            unit: text(&unit, "id"),
        }
    }
}

/// The ids of [`TestApp::city`].
#[derive(Debug, Clone)]
pub struct Tree {
    pub city: String,
    pub board: String,
    pub administration: String,
    pub department: String,
    pub unit: String,
}

/// `/api/v1/organisations/{id}`.
pub fn org_url(id: &str) -> String {
    format!("/api/v1/organisations/{id}")
}

/// An id Ombud could have issued but did not.
pub fn unknown_id() -> String {
    ombud_domain::ids::OrganisationId::generate().into_string()
}

/// A multipart body with the import form's fields and a file of any kind.
pub fn import_form(org: &str, file_name: &str, file: &[u8], dry_run: bool) -> (String, Vec<u8>) {
    let b = "ombudgrans";
    let mut body = Vec::new();
    for (name, value) in [
        ("organisation_id", org),
        ("dry_run", if dry_run { "true" } else { "false" }),
    ] {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}
