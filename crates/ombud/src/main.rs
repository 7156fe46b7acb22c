//! `ombud`: the command line. Wiring only: parse arguments, open the store, call into the crates.

mod demo;
mod demo_register;
mod generate;

// Every request allocates many small strings (rows, JSON): under load glibc's allocator took a fifth
// of the server's time; with mimalloc a list page answers ~18% faster in less memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use ombud_domain::audit::Channel;
use ombud_domain::people::{self, PasswordCost};
use ombud_store::audit::Verification;
use ombud_store::{Actor, ConnectOptions, Store, WriteTx};
use std::io::BufRead;
use std::net::SocketAddr;

/// Ombud: dataskyddsarbetet i kommunen — the data protection register and workbench.
#[derive(Parser)]
#[command(name = "ombud", version, about)]
struct Cli {
    /// Database URL: `sqlite://path/to/ombud.db` (embedded) or `postgres://user@host/db`.
    #[arg(
        long,
        global = true,
        env = "OMBUD_DATABASE_URL",
        default_value = "sqlite://data/ombud.db"
    )]
    database: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server (UI and API).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "OMBUD_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// The address people reach Ombud at; an https:// one makes cookies Secure.
        #[arg(long, env = "OMBUD_PUBLIC_URL")]
        public_url: Option<String>,
        /// Load the demo city first if the database has no organisations.
        #[arg(long)]
        demo: bool,
        /// Mail server: `smtps://user:pass@host`, `smtp://host:587?tls=required` (STARTTLS) or
        /// `smtp://127.0.0.1:25`. Without it, e-mail waits in the outbox.
        #[arg(long, env = "OMBUD_SMTP_URL", hide_env_values = true)]
        smtp_url: Option<String>,
        /// Sign-in with the city's identity provider (OpenID Connect): its issuer URL.
        #[arg(long, env = "OMBUD_OIDC_ISSUER")]
        oidc_issuer: Option<String>,
        /// The client id Ombud has at the provider.
        #[arg(long, env = "OMBUD_OIDC_CLIENT_ID")]
        oidc_client_id: Option<String>,
        /// The client secret (a public client with PKCE needs none).
        #[arg(long, env = "OMBUD_OIDC_CLIENT_SECRET", hide_env_values = true)]
        oidc_client_secret: Option<String>,
        /// What the sign-in button names: "Logga in med …".
        #[arg(long, env = "OMBUD_OIDC_LABEL", default_value = "kommunens inloggning")]
        oidc_label: String,
        /// Create an account without roles for someone the provider knows and Ombud does not.
        #[arg(long, env = "OMBUD_OIDC_CREATE_PEOPLE")]
        oidc_create_people: bool,
        /// Only the system administrator signs in with a password; everyone else with the provider.
        #[arg(long, env = "OMBUD_OIDC_REQUIRED")]
        oidc_required: bool,
        /// Behind a load balancer: count failed sign-ins by the address in the last
        /// `X-Forwarded-For` entry, not by the balancer's own address.
        #[arg(long, env = "OMBUD_TRUST_FORWARDED_FOR")]
        trust_forwarded_for: bool,
        /// The bearer token `GET /metrics` asks for; without it there are no metrics (404).
        #[arg(long, env = "OMBUD_METRICS_TOKEN", hide_env_values = true)]
        metrics_token: Option<String>,
        /// The sender of Ombud's e-mail.
        #[arg(
            long,
            env = "OMBUD_MAIL_FROM",
            default_value = "Ombud <ombud@localhost>"
        )]
        mail_from: String,
    },
    /// Load the demo city (Sjöstad: three controllers, their units and people in every role).
    Demo,
    /// People.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Bring the database schema up to date (also done at every start).
    Migrate,
    /// Write a consistent copy of an SQLite database while Ombud runs (PostgreSQL: use pg_dump).
    Backup {
        #[arg(long)]
        to: String,
    },
    /// Check the audit trail's hash chain; exit status 0 only if it is intact.
    VerifyAudit,
    /// Fill the database with a synthetic city of this size (for benchmarks and trials at scale).
    Generate {
        /// Number of controllers (boards).
        #[arg(long, default_value_t = 50)]
        controllers: usize,
        /// Processing activities per controller.
        #[arg(long, default_value_t = 300)]
        processing_activities: usize,
        /// Systems per controller.
        #[arg(long, default_value_t = 100)]
        systems: usize,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a person; the password is read from the first line of standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Make the person a system administrator.
        #[arg(long)]
        admin: bool,
    },
}

/// Logs to standard error: lines for people (the default) or, with `OMBUD_LOG_FORMAT=json`, one
/// JSON object per line for a log collector, each with the request's id when it has one.
fn init_logging() -> Result<(), String> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("OMBUD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match std::env::var("OMBUD_LOG_FORMAT").as_deref() {
        Err(_) | Ok("" | "text") => builder.init(),
        Ok("json") => {
            builder
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false)
                .init();
            ombud_web::log_request_ids(true);
        }
        Ok(other) => return Err(format!("OMBUD_LOG_FORMAT={other}: `text` or `json`")),
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    if let Err(e) = init_logging() {
        eprintln!("ombud: {e}");
        return std::process::ExitCode::FAILURE;
    }
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ombud: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ombud: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn open(url: &str) -> Result<Store> {
    let mut opts = ConnectOptions::new(url);
    if let Ok(n) = std::env::var("OMBUD_DATABASE_CONNECTIONS") {
        let n: u32 = n
            .trim()
            .parse()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .with_context(|| format!("OMBUD_DATABASE_CONNECTIONS must be 1–1000, not {n:?}"))?;
        opts.max_connections = Some(n);
    }
    Store::connect(&opts)
        .await
        .with_context(|| format!("cannot open the database {}", redact(url)))
}

/// A URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

async fn run(cli: Cli) -> Result<std::process::ExitCode> {
    use std::process::ExitCode;
    match cli.command {
        Command::Serve {
            bind,
            public_url,
            demo,
            smtp_url,
            mail_from,
            metrics_token,
            trust_forwarded_for,
            oidc_issuer,
            oidc_client_id,
            oidc_client_secret,
            oidc_label,
            oidc_create_people,
            oidc_required,
        } => {
            let sso = match (oidc_issuer, oidc_client_id) {
                (Some(issuer), Some(client_id)) => Some(ombud_app::sso::SsoConfig {
                    issuer,
                    client_id,
                    client_secret: oidc_client_secret.filter(|s| !s.is_empty()),
                    label: oidc_label,
                    create_people: oidc_create_people,
                    required: oidc_required,
                }),
                (None, None) => None,
                _ => bail!("single sign-on needs both OMBUD_OIDC_ISSUER and OMBUD_OIDC_CLIENT_ID"),
            };
            if let Some(c) = &sso {
                // A malformed issuer URL stops the start, rather than a sign-in later.
                ombud_app::sso::Sso::new(c.clone()).map_err(anyhow::Error::msg)?;
            }
            let started = std::time::Instant::now();
            let store = open(&cli.database).await?;
            if demo {
                // Instances started together on one empty PostgreSQL: one loads, the others then
                // find the city there.
                let lock = store.start_lock().await?;
                if demo::is_empty(&store).await? {
                    demo::load(&store).await?;
                    tracing::info!("demo city loaded");
                }
                lock.release().await?;
            }
            let config = ombud_web::Config {
                public_url: public_url.unwrap_or_else(|| format!("http://{bind}")),
                metrics_token: metrics_token.filter(|t| !t.trim().is_empty()),
                trust_forwarded_for,
                sso,
                ..Default::default()
            };
            spawn_session_purge(store.clone());
            let mail = ombud_app::mail::spawn_mail_worker(
                store.clone(),
                ombud_app::mail::MailConfig::new(smtp_url, mail_from),
            )?;
            ombud_app::retention::schedule_retention(&store).await?;
            let jobs = ombud_app::jobs::spawn_scheduler(
                store.clone(),
                ombud_app::jobs::handlers(&store, &config.public_url),
                Default::default(),
            );
            let app = ombud_web::app(store.clone(), config);
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .with_context(|| format!("cannot listen on {bind}"))?;
            tracing::info!(%bind, database = %redact(&cli.database), ready_ms = started.elapsed().as_millis() as u64, "Ombud is ready");
            // For the person who started it; the log (maybe JSON lines on stderr) says it too.
            println!("Ombud: http://{bind}");
            ombud_web::serve::serve(
                listener,
                app,
                ombud_web::serve::Limits::default(),
                shutdown_signal(),
            )
            .await;
            jobs.stop().await;
            mail.stop().await;
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo => {
            let store = open(&cli.database).await?;
            if !demo::is_empty(&store).await? {
                bail!(
                    "the database already has organisations; the demo city loads only into an empty one"
                );
            }
            demo::load(&store).await?;
            println!(
                "Demostaden Sjöstad är inläst. Logga in som t.ex. {} med lösenordet {}.",
                demo::ADMIN_EMAIL,
                demo::PASSWORD
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    password_stdin: _,
                    admin,
                },
        } => {
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            let email = people::email(&email)
                .map_err(|e| anyhow::anyhow!("--email: {}", e.rule.message(Default::default())))?;
            let name = people::name(&name)
                .map_err(|e| anyhow::anyhow!("--name: {}", e.rule.message(Default::default())))?;
            people::new_password("password", &password, &email, &name)
                .map_err(|e| anyhow::anyhow!("lösenord: {}", e.rule.message(Default::default())))?;
            let hash = tokio::task::spawn_blocking(move || {
                people::hash_password(&password, PasswordCost::Standard)
            })
            .await??;
            let store = open(&cli.database).await?;
            let actor = Actor::system("kommandoraden", Channel::Cli);
            let mut w = WriteTx::begin(&store, &actor).await?;
            let user = match w.create_user(&email, &name, Some(&hash), admin).await {
                Ok(u) => u,
                Err(ombud_store::StoreError::Conflict(_)) => {
                    bail!("det finns redan en person med e-postadressen {email}")
                }
                Err(e) => return Err(e.into()),
            };
            w.commit().await?;
            println!("{}", user.id);
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            open(&cli.database).await?;
            println!("Databasen är uppdaterad.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { to } => {
            let store = open(&cli.database).await?;
            if std::path::Path::new(&to).exists() {
                bail!("{to} finns redan; välj ett nytt filnamn");
            }
            match store.backup_sqlite(&to).await {
                Ok(()) => {
                    println!("Säkerhetskopian är skriven till {to}.");
                    Ok(ExitCode::SUCCESS)
                }
                Err(ombud_store::StoreError::Conflict(_)) => {
                    bail!(
                        "PostgreSQL säkerhetskopieras med pg_dump (se README); `ombud backup` gäller SQLite"
                    )
                }
                Err(e) => Err(e.into()),
            }
        }
        Command::Generate {
            controllers,
            processing_activities,
            systems,
        } => {
            let store = open(&cli.database).await?;
            let started = std::time::Instant::now();
            let n = generate::run(&store, controllers, processing_activities, systems).await?;
            store.analyze().await?;
            println!(
                "Genererade {controllers} personuppgiftsansvariga med totalt {n} behandlingar och {} system på {:.1} s.",
                controllers * systems,
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::VerifyAudit => {
            let store = open(&cli.database).await?;
            match store.verify_audit().await? {
                Verification::Intact { events } => {
                    println!("Revisionsloggen är obruten: {events} händelser kontrollerade.");
                    Ok(ExitCode::SUCCESS)
                }
                Verification::Broken(b) => {
                    println!("Revisionsloggen är BRUTEN: {b}");
                    Ok(ExitCode::from(2))
                }
            }
        }
    }
}

/// Removes expired sessions every hour.
fn spawn_session_purge(store: Store) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = store
                .purge_expired_sessions(&ombud_domain::time::now())
                .await
            {
                tracing::warn!(error = %e, "could not purge expired sessions");
            }
            let window = ombud_domain::sign_in::ACCOUNT
                .window
                .max(ombud_domain::sign_in::SOURCE.window);
            if let Err(e) = store
                .purge_sign_in_failures(jiff::Timestamp::now() - window)
                .await
            {
                tracing::warn!(error = %e, "could not purge old sign-in failures");
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_in_database_urls_are_not_printed() {
        assert_eq!(
            redact("postgres://ombud:hemligt@db/ombud"),
            "postgres://ombud:***@db/ombud"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(redact("sqlite://data/ombud.db"), "sqlite://data/ombud.db");
    }
}
