//! The server as the IT department runs it: the binary itself, on a port of its own. Its logs as
//! JSON with the request id the answer carries and no personal data; `/metrics` behind its token;
//! and two instances started together with `--demo` on one empty PostgreSQL.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A running `ombud serve`, its standard error collected line by line.
struct Server {
    child: Child,
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(database: &str, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ombud"));
        cmd.args(["serve", "--database", database, "--bind"])
            .arg(format!("127.0.0.1:{port}"))
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("ombud starts");
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().expect("stderr");
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap_or_else(|p| p.into_inner()).push(line);
            }
        });
        Server { child, port, log }
    }

    /// Waits until `/healthz` answers 200; panics with the log after 60 s or if the process ends.
    fn ready(&mut self) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("ombud exited ({status}): {:?}", self.lines());
            }
            if self
                .get("/healthz", &[])
                .is_some_and(|r| r.starts_with("HTTP/1.1 200"))
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("ombud was not ready in 60 s: {:?}", self.lines());
    }

    /// A GET with these headers; the whole answer, head and body.
    fn get(&self, path: &str, headers: &[(&str, &str)]) -> Option<String> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        let mut req = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes()).ok()?;
        let mut out = String::new();
        s.read_to_string(&mut out).ok()?;
        Some(out)
    }

    fn lines(&self) -> Vec<String> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn header<'a>(answer: &'a str, name: &str) -> Option<&'a str> {
    answer.split("\r\n\r\n").next()?.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn temp_sqlite(name: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("ombud-serve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let url = format!("sqlite://{}/ombud.db", dir.display());
    (dir, url)
}

#[test]
fn json_logs_carry_the_request_id_and_no_personal_data_and_metrics_need_their_token() {
    let (dir, url) = temp_sqlite("logs");
    let mut server = Server::start(
        &url,
        &[],
        &[
            ("OMBUD_LOG_FORMAT", "json"),
            ("OMBUD_LOG", "info,tower_http=debug,sqlx=warn"),
            ("OMBUD_METRICS_TOKEN", "skrapa-mig-9"),
        ],
    );
    server.ready();

    // A search for a person's name, by someone not signed in: answered, and logged without it.
    let answer = server
        .get(
            "/api/v1/organisations?q=Greta%20Hemligsson",
            &[("X-Request-Id", "spara-mig-1")],
        )
        .expect("an answer");
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert_eq!(header(&answer, "x-request-id"), Some("spara-mig-1"));
    let own = server.get("/healthz", &[]).expect("an answer");
    let generated = header(&own, "x-request-id").expect("an id is made when none is sent");
    assert_eq!(generated.len(), 36, "{generated}");

    // Metrics: 401 without the token, the figures with it.
    let refused = server.get("/metrics", &[]).expect("an answer");
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");
    let wrong = server
        .get("/metrics", &[("Authorization", "Bearer skrapa-mig-8")])
        .expect("an answer");
    assert!(wrong.starts_with("HTTP/1.1 401"), "{wrong}");
    let metrics = server
        .get("/metrics", &[("Authorization", "Bearer skrapa-mig-9")])
        .expect("an answer");
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    for expected in [
        r#"ombud_http_requests_total{method="GET",route="/healthz",status="200"}"#,
        r#"ombud_http_requests_total{method="GET",route="/api/v1/organisations",status="401"} 1"#,
        "ombud_http_request_duration_seconds_bucket{",
        "ombud_db_pool_connections ",
        "ombud_outbox_queued ",
        "ombud_jobs_pending ",
    ] {
        assert!(metrics.contains(expected), "{expected} in {metrics}");
    }
    assert!(!metrics.contains("Hemligsson"));

    // Let the last lines reach the log.
    std::thread::sleep(Duration::from_millis(300));
    let lines = server.lines();
    let events: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(
        events
            .iter()
            .any(|e| e["span"]["request_id"] == "spara-mig-1"
                && e["span"]["route"] == "/api/v1/organisations"),
        "{lines:#?}"
    );
    assert!(
        events.iter().any(|e| e["span"]["request_id"] == generated),
        "{lines:#?}"
    );
    for l in &lines {
        assert!(!l.contains("Hemligsson") && !l.contains("Greta"), "{l}");
    }
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_unknown_log_format_is_refused_at_start() {
    let (dir, url) = temp_sqlite("format");
    let out = Command::new(env!("CARGO_BIN_EXE_ombud"))
        .args(["migrate", "--database", &url])
        .env("OMBUD_LOG_FORMAT", "xml")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("OMBUD_LOG_FORMAT"));
    let _ = std::fs::remove_dir_all(dir);
}

/// Two instances with `--demo` on one empty PostgreSQL: both serve, the city is loaded once.
#[test]
fn two_instances_started_together_with_the_demo_on_an_empty_postgresql_both_serve() {
    let base = std::env::var("OMBUD_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    if std::env::var("OMBUD_TEST_POSTGRES").as_deref() == Ok("skip") {
        return;
    }
    let name = format!("ombud_serve_demo_{}", std::process::id());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let admin = |sql: String| {
        let base = base.clone();
        rt.block_on(async move {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&base)
                .await
                .expect("PostgreSQL answers");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut c)
                .await
                .expect("admin statement");
        })
    };
    admin(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    admin(format!("CREATE DATABASE {name}"));
    let url = match base.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => panic!("a database URL: {base}"),
    };
    let mut a = Server::start(&url, &["--demo"], &[]);
    let mut b = Server::start(&url, &["--demo"], &[]);
    a.ready();
    b.ready();
    let loaded = a
        .lines()
        .iter()
        .chain(b.lines().iter())
        .filter(|l| l.contains("demo city loaded"))
        .count();
    assert_eq!(loaded, 1, "{:?} {:?}", a.lines(), b.lines());
    drop(a);
    drop(b);
    admin(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
}

/// A POST with a body; the whole answer.
fn post(port: u16, path: &str, headers: &[(&str, &str)], body: &[u8]) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(120)))
        .expect("a timeout");
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).expect("sent");
    s.write_all(body).expect("sent");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn body_json(answer: &str) -> serde_json::Value {
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {answer}"))
}

/// Heavy imports are read off the threads that answer requests: while two large files are read,
/// `/healthz` still answers at once (it waited 10.8 s when they were read on the async threads).
#[test]
fn the_server_answers_while_large_imports_are_read() {
    let (dir, url) = temp_sqlite("imports");
    let mut server = Server::start(&url, &["--demo"], &[("OMBUD_LOG", "warn")]);
    server.ready();
    let port = server.port;
    let session = body_json(&post(
        port,
        "/api/v1/session",
        &[("Content-Type", "application/json")],
        br#"{"email":"admin@sjostad.se","password":"Ombud-demo-2026"}"#,
    ));
    let token = session["token"].as_str().expect("a token").to_string();
    let orgs = server
        .get(
            "/api/v1/organisations?q=Kommunstyrelsen",
            &[("Authorization", &format!("Bearer {token}"))],
        )
        .expect("an answer");
    let org = body_json(&orgs)["items"][0]["id"]
        .as_str()
        .expect("an organisation")
        .to_string();
    // 60,000 rows, each a problem (the date is impossible): a lot of reading and planning.
    let mut csv = String::from("Behandling;Ändamål;Nästa översyn\n");
    for i in 0..60_000 {
        csv.push_str(&format!(
            "Behandling nummer {i};Ett ändamål som tar plats;2026-13-45\n"
        ));
    }
    let boundary = "ombudgrans";
    let mut body = Vec::new();
    for (name, value) in [("organisation_id", org.as_str()), ("dry_run", "true")] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"stor.csv\"\r\nContent-Type: text/csv\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(csv.as_bytes());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let body = Arc::new(body);
    let ct = format!("multipart/form-data; boundary={boundary}");
    let imports: Vec<_> = (0..3)
        .map(|_| {
            let (body, ct, token) = (body.clone(), ct.clone(), token.clone());
            std::thread::spawn(move || {
                let started = Instant::now();
                let answer = post(
                    port,
                    "/api/v1/processing-activities/import",
                    &[
                        ("Content-Type", &ct),
                        ("Authorization", &format!("Bearer {token}")),
                    ],
                    &body,
                );
                (started.elapsed(), answer)
            })
        })
        .collect();
    // While they are read: the health check, again and again.
    std::thread::sleep(Duration::from_millis(200));
    let mut slowest = Duration::ZERO;
    while !imports.iter().all(|t| t.is_finished()) {
        let started = Instant::now();
        let answer = server.get("/healthz", &[]).expect("an answer");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        slowest = slowest.max(started.elapsed());
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut longest = Duration::ZERO;
    for t in imports {
        let (took, answer) = t.join().expect("the import thread");
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "{}",
            &answer[..answer.len().min(300)]
        );
        longest = longest.max(took);
    }
    assert!(
        slowest < Duration::from_millis(1000),
        "/healthz took {slowest:?} while the imports were read (they took up to {longest:?})"
    );
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}
