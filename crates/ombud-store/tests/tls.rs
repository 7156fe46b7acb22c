//! TLS from Ombud to PostgreSQL, for real: a PostgreSQL cluster of the test's own with `ssl = on`
//! and a certificate from a CA made for the test. `sslmode=verify-full` with that CA connects (and
//! migrates); with another CA it is refused with a clear error; `sslmode=require` encrypts without
//! checking whose certificate it is.
//!
//! Needs `initdb`, `pg_ctl` (PostgreSQL's server binaries, on PATH or under
//! /usr/lib/postgresql/*/bin) and `openssl`. Where the machine lacks them the test says so and
//! passes, unless `OMBUD_TEST_TLS=require` (CI sets it) makes that a failure.

use ombud_store::{ConnectOptions, Store};
use std::path::{Path, PathBuf};
use std::process::Command;

fn find(tool: &str) -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(tool))
            .find(|f| f.is_file())
    });
    on_path.or_else(|| {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin").join(tool)))
            .filter(|f| f.is_file())
            .collect();
        dirs.sort();
        dirs.pop()
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs a tool as the user PostgreSQL may run as (it refuses root).
fn as_server_user(tool: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(tool);
        c
    } else {
        Command::new(tool)
    };
    cmd.args(args).output().expect("the tool runs")
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, and a certificate it signed for `localhost` and 127.0.0.1, in `dir`.
fn certificates(dir: &Path, ca: &str) {
    let p = |f: &str| dir.join(f).display().to_string();
    run(Command::new("openssl").args([
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        &format!("/CN={ca}"),
        "-keyout",
        &p(&format!("{ca}.key")),
        "-out",
        &p(&format!("{ca}.pem")),
    ]));
}

fn server_certificate(dir: &Path, ca: &str) {
    let p = |f: &str| dir.join(f).display().to_string();
    std::fs::write(
        dir.join("san.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .expect("written");
    run(Command::new("openssl").args([
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        &p("server.key"),
        "-out",
        &p("server.csr"),
    ]));
    run(Command::new("openssl").args([
        "x509",
        "-req",
        "-in",
        &p("server.csr"),
        "-CA",
        &p(&format!("{ca}.pem")),
        "-CAkey",
        &p(&format!("{ca}.key")),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        &p("san.ext"),
        "-out",
        &p("server.pem"),
    ]));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a port")
}

/// Stops the cluster and removes its files, also when the test fails.
struct Cluster {
    pg_ctl: PathBuf,
    dir: PathBuf,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data").display().to_string();
        let _ = as_server_user(
            &self.pg_ctl,
            &["stop", "-D", &data, "-m", "immediate", "-w"],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test]
async fn verify_full_connects_with_the_citys_ca_and_refuses_another() {
    let required = std::env::var("OMBUD_TEST_TLS").as_deref() == Ok("require");
    let tools = (find("initdb"), find("pg_ctl"), find("openssl"));
    let (Some(initdb), Some(pg_ctl), Some(_)) = tools else {
        assert!(
            !required,
            "OMBUD_TEST_TLS=require, but initdb, pg_ctl or openssl is missing"
        );
        eprintln!("skipped: no initdb, pg_ctl or openssl on this machine");
        return;
    };
    let dir = std::env::temp_dir().join(format!("ombud-tls-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a directory");
    let cluster = Cluster {
        pg_ctl: pg_ctl.clone(),
        dir: dir.clone(),
    };
    certificates(&dir, "Stadens-CA");
    certificates(&dir, "Annan-CA");
    server_certificate(&dir, "Stadens-CA");
    if is_root() {
        run(Command::new("chown").args(["-R", "postgres", &dir.display().to_string()]));
    }
    run(Command::new("chmod").args(["600", &dir.join("server.key").display().to_string()]));
    let data = dir.join("data").display().to_string();
    let out = as_server_user(
        &initdb,
        &["-D", &data, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
    );
    assert!(
        out.status.success(),
        "initdb: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let port = free_port();
    let conf = format!(
        "\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{d}'\n\
         ssl = on\nssl_cert_file = '{d}/server.pem'\nssl_key_file = '{d}/server.key'\nfsync = off\n",
        d = dir.display()
    );
    let mut c = std::fs::read_to_string(dir.join("data/postgresql.conf")).expect("the conf");
    c.push_str(&conf);
    std::fs::write(dir.join("data/postgresql.conf"), c).expect("written");
    let log = dir.join("server.log").display().to_string();
    let out = as_server_user(
        &pg_ctl,
        &["start", "-D", &data, "-l", &log, "-w", "-t", "60"],
    );
    assert!(
        out.status.success(),
        "pg_ctl start: {} {}",
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(&log).unwrap_or_default()
    );

    let url =
        |host: &str, query: &str| format!("postgres://postgres@{host}:{port}/postgres?{query}");
    let ca = dir.join("Stadens-CA.pem").display().to_string();
    let other = dir.join("Annan-CA.pem").display().to_string();

    // The city's CA, the server's name checked: connects, and the schema is migrated over TLS.
    let store = Store::connect(&ConnectOptions::new(url(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    )))
    .await
    .unwrap_or_else(|e| panic!("verify-full with the right CA: {e}"));
    store.ping().await.expect("answers");
    assert!(
        store.uses_tls().await.expect("asks"),
        "the connection is encrypted"
    );
    store.close().await;

    // Another CA: refused, and the error says it is the certificate.
    let refused = match Store::connect(&ConnectOptions::new(url(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={other}"),
    )))
    .await
    {
        Ok(_) => panic!("connected although the certificate is from another CA"),
        Err(e) => e.to_string(),
    };
    assert!(
        refused.to_lowercase().contains("certificate"),
        "a clear error: {refused}"
    );
    assert!(refused.contains("sslrootcert"), "with a hint: {refused}");

    // verify-full checks the name too: 127.0.0.1 is in the certificate, so it connects.
    let by_ip = Store::connect(&ConnectOptions::new(url(
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    )))
    .await
    .unwrap_or_else(|e| panic!("verify-full by IP address: {e}"));
    by_ip.close().await;

    // require: encrypted, the certificate not checked.
    let required_only = Store::connect(&ConnectOptions::new(url("localhost", "sslmode=require")))
        .await
        .unwrap_or_else(|e| panic!("require: {e}"));
    assert!(required_only.uses_tls().await.expect("asks"));
    required_only.close().await;
    drop(cluster);
}
