//! The authorisation epoch without a database round trip per request.
//!
//! A change of who may do what (a role, a disabled person, a moved organisation) bumps a counter in
//! the database, and every request compares it with the one its cached session was built at. Asking
//! the database on every request cost a second statement on every page and list (about a quarter of
//! a single-record read). So each instance keeps the last epoch it read and learns cheaply when it
//! may have changed:
//!
//! - **PostgreSQL:** the bump sends `NOTIFY` in its transaction; every instance `LISTEN`s on its own
//!   connection and forgets what it knew when a notification arrives. While that connection is down
//!   (and until it is listening again), every request asks the database, as before.
//! - **SQLite:** other processes may share the file. A commit writes to the write-ahead log, which
//!   changes its modification time; so while neither the database file nor its log has changed since
//!   the epoch was read, the epoch has not either. File times are coarse (a clock tick), so a time
//!   is trusted only once it is well in the past: until then, every request asks.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// How old a file time must be before "unchanged" is trusted: far above any clock tick.
const SETTLED: Duration = Duration::from_secs(1);

/// What the files looked like when the epoch was last read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mark {
    files: Vec<Option<(SystemTime, u64, u64)>>,
}

#[derive(Debug)]
struct Known {
    epoch: i64,
    mark: Mark,
    /// When the files were looked at, before the epoch was read.
    seen_at: SystemTime,
}

#[derive(Debug)]
pub(crate) struct EpochWatch {
    sqlite_files: Vec<PathBuf>,
    sqlite_known: Mutex<Option<Known>>,
    /// PostgreSQL: the last epoch read, or `UNKNOWN`.
    pg_epoch: AtomicI64,
    /// PostgreSQL: whether the listener is listening (else nothing may be trusted).
    pg_listening: AtomicBool,
    /// PostgreSQL: bumped on every notification, so that a read that raced one is not kept.
    pg_generation: AtomicU64,
    /// Ends the listener when the store is gone.
    _stop: Option<tokio::sync::watch::Sender<()>>,
}

const UNKNOWN: i64 = i64::MIN;

fn mark_of(paths: &[PathBuf]) -> Mark {
    Mark {
        files: paths
            .iter()
            .map(|p| {
                std::fs::metadata(p).ok().and_then(|m| {
                    #[cfg(unix)]
                    let ino = std::os::unix::fs::MetadataExt::ino(&m);
                    #[cfg(not(unix))]
                    let ino = 0;
                    m.modified().ok().map(|t| (t, m.len(), ino))
                })
            })
            .collect(),
    }
}

impl Mark {
    fn newest(&self) -> Option<SystemTime> {
        self.files.iter().flatten().map(|(t, _, _)| *t).max()
    }
}

impl EpochWatch {
    /// For an SQLite file (`None` for an in-memory database: then every request asks).
    pub(crate) fn sqlite(file: Option<PathBuf>) -> EpochWatch {
        let sqlite_files = match file {
            Some(f) => {
                let wal = PathBuf::from(format!("{}-wal", f.display()));
                vec![f, wal]
            }
            None => Vec::new(),
        };
        EpochWatch {
            sqlite_files,
            sqlite_known: Mutex::new(None),
            pg_epoch: AtomicI64::new(UNKNOWN),
            pg_listening: AtomicBool::new(false),
            pg_generation: AtomicU64::new(0),
            _stop: None,
        }
    }

    fn known(&self) -> std::sync::MutexGuard<'_, Option<Known>> {
        self.sqlite_known.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The epoch, if it can be trusted without asking; else a token to hand back with what was read.
    pub(crate) fn cached(&self) -> Result<i64, Ticket> {
        if !self.sqlite_files.is_empty() {
            let now = SystemTime::now();
            let mark = mark_of(&self.sqlite_files);
            if let Some(k) = self.known().as_ref()
                && k.mark == mark
                && mark.files[0].is_some()
                && mark
                    .newest()
                    .is_some_and(|t| k.seen_at.duration_since(t).is_ok_and(|d| d > SETTLED))
            {
                return Ok(k.epoch);
            }
            return Err(Ticket::Sqlite { mark, seen_at: now });
        }
        if self.pg_listening.load(Ordering::Acquire) {
            let generation = self.pg_generation.load(Ordering::Acquire);
            let e = self.pg_epoch.load(Ordering::Acquire);
            if e != UNKNOWN {
                return Ok(e);
            }
            return Err(Ticket::Postgres { generation });
        }
        Err(Ticket::Ask)
    }

    /// Keeps an epoch read from the database after [`cached`](Self::cached) had none.
    pub(crate) fn keep(&self, ticket: Ticket, epoch: i64) {
        match ticket {
            Ticket::Sqlite { mark, seen_at } => {
                *self.known() = Some(Known {
                    epoch,
                    mark,
                    seen_at,
                });
            }
            Ticket::Postgres { generation } => {
                // Kept only if no notification came in while it was being read.
                if self.pg_generation.load(Ordering::Acquire) == generation {
                    let _ = self.pg_epoch.compare_exchange(
                        UNKNOWN,
                        epoch,
                        Ordering::AcqRel,
                        Ordering::Acquire,
                    );
                }
            }
            Ticket::Ask => {}
        }
    }

    /// This instance changed the epoch itself: forget it at once, whatever the files or the
    /// notification say.
    pub(crate) fn forget(&self) {
        *self.known() = None;
        self.pg_generation.fetch_add(1, Ordering::AcqRel);
        self.pg_epoch.store(UNKNOWN, Ordering::Release);
    }
}

/// What [`EpochWatch::cached`] saw, for [`EpochWatch::keep`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Ticket {
    Sqlite { mark: Mark, seen_at: SystemTime },
    Postgres { generation: u64 },
    Ask,
}

/// The channel the bump notifies on.
pub(crate) const CHANNEL: &str = "ombud_auth_epoch";

/// Starts listening on PostgreSQL; the watch stops it when it is dropped.
pub(crate) fn postgres(url: &str) -> std::sync::Arc<EpochWatch> {
    let (stop, mut stopped) = tokio::sync::watch::channel(());
    let watch = std::sync::Arc::new(EpochWatch {
        sqlite_files: Vec::new(),
        sqlite_known: Mutex::new(None),
        pg_epoch: AtomicI64::new(UNKNOWN),
        pg_listening: AtomicBool::new(false),
        pg_generation: AtomicU64::new(0),
        _stop: Some(stop),
    });
    let weak = std::sync::Arc::downgrade(&watch);
    let url = url.to_string();
    tokio::spawn(async move {
        loop {
            let listener = async {
                let mut l = sqlx::postgres::PgListener::connect(&url).await?;
                l.listen(CHANNEL).await?;
                Ok::<_, sqlx::Error>(l)
            };
            let mut listener = tokio::select! {
                l = listener => l,
                _ = stopped.changed() => return,
            };
            match &mut listener {
                Ok(l) => {
                    let Some(w) = weak.upgrade() else { return };
                    // Whatever happened while nobody listened is unknown: read afresh.
                    w.forget();
                    w.pg_listening.store(true, Ordering::Release);
                    drop(w);
                    loop {
                        let next = tokio::select! {
                            n = l.try_recv() => n,
                            _ = stopped.changed() => return,
                        };
                        let Some(w) = weak.upgrade() else { return };
                        match next {
                            Ok(Some(_)) => w.forget(),
                            // The connection was lost: trust nothing until listening again.
                            Ok(None) | Err(_) => {
                                w.pg_listening.store(false, Ordering::Release);
                                w.forget();
                                break;
                            }
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "listening for authorisation changes failed; retrying");
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = stopped.changed() => return,
            }
        }
    });
    watch
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dates the files back, as if written long ago.
    fn settle(files: &[&std::path::Path], at: SystemTime) {
        for f in files {
            std::fs::File::options()
                .write(true)
                .open(f)
                .and_then(|f| f.set_modified(at))
                .expect("dated");
        }
    }

    #[test]
    fn a_fresh_write_to_the_log_is_never_trusted_as_unchanged() {
        let dir = std::env::temp_dir().join(format!("ombud-epoch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a folder");
        let db = dir.join("x.db");
        std::fs::write(&db, b"db").expect("written");
        std::fs::write(dir.join("x.db-wal"), b"log").expect("written");
        let w = EpochWatch::sqlite(Some(db.clone()));
        // Just written: not trusted, however often asked.
        let t = w.cached().expect_err("asks");
        w.keep(t, 7);
        assert!(w.cached().is_err(), "a file time within a tick of now");
        // Once settled, trusted...
        let old = SystemTime::now() - Duration::from_secs(5);
        settle(&[&db, &dir.join("x.db-wal")], old);
        let t = w.cached().expect_err("asks once more");
        w.keep(t, 7);
        assert_eq!(w.cached(), Ok(7));
        // ...until the log is written again.
        std::fs::write(dir.join("x.db-wal"), b"log, longer").expect("written");
        assert!(w.cached().is_err());
        // And forgotten when this instance bumps it.
        settle(&[&db, &dir.join("x.db-wal")], old);
        let t = w.cached().expect_err("asks");
        w.keep(t, 8);
        assert_eq!(w.cached(), Ok(8));
        w.forget();
        assert!(w.cached().is_err());
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn without_a_file_every_request_asks() {
        let w = EpochWatch::sqlite(None);
        let t = w.cached().expect_err("asks");
        w.keep(t, 1);
        assert!(w.cached().is_err());
    }
}
