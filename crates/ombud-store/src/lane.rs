//! Connections for the reads almost every request makes (one record, a list page), handed back
//! without sqlx's test on release.
//!
//! sqlx's pool pings every connection as it comes back, in case a cancelled statement left it
//! unusable: on PostgreSQL one more round trip to the server per statement, on SQLite one more hop
//! to the connection's thread, each as dear as the statement itself for a read by id (measured: the
//! ping was a quarter of the process's time for a single-record read on SQLite). Here a connection
//! goes back only when its statement ran to its end; one whose statement was cancelled or failed is
//! closed instead. A connection that has rested is pinged before use, as the pool's are, and one
//! that has lived its [`LIFETIME`] is closed and opened anew, as sqlx's pool does with its own: a
//! PostgreSQL server process grows with the statements it has cached, and a server switched over or
//! reconfigured is reached anew.

use crate::{Backend, IDLE_BEFORE_PING, Result, StoreError, prepare_connection};
use sqlx::AnyConnection;
use sqlx::Connection;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a connection is lent before it is replaced: sqlx's pool's own default.
const LIFETIME: Duration = Duration::from_secs(30 * 60);

/// A connection and when it was opened.
#[derive(Debug)]
struct Opened {
    conn: AnyConnection,
    at: Instant,
}

#[derive(Debug)]
pub(crate) struct Lane {
    url: String,
    backend: Backend,
    /// Connections at rest, with when each came back.
    idle: Mutex<Vec<(Opened, Instant)>>,
    slots: tokio::sync::Semaphore,
    lifetime: Duration,
}

/// A connection lent for one read. Call [`Lease::done`] once the statement has run to its end;
/// dropped before that, the connection is closed rather than lent again.
pub(crate) struct Lease<'a> {
    lane: &'a Lane,
    conn: Option<Opened>,
    _slot: tokio::sync::SemaphorePermit<'a>,
    finished: bool,
}

impl Lane {
    pub(crate) fn new(url: &str, backend: Backend, connections: usize) -> Lane {
        Lane {
            url: url.to_string(),
            backend,
            idle: Mutex::new(Vec::new()),
            slots: tokio::sync::Semaphore::new(connections.max(1)),
            lifetime: LIFETIME,
        }
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<(Opened, Instant)>> {
        // A poisoned lock only means a panic elsewhere while holding it; the list is still whole.
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) async fn lease(&self) -> Result<Lease<'_>> {
        let slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| StoreError::Database("the connection lane is closed".into()))?;
        let rested = self.idle().pop();
        let conn = match rested {
            Some((old, _)) if old.at.elapsed() > self.lifetime => {
                // Said goodbye to rather than dropped: the server need not notice a lost client.
                let _ = old.conn.close().await;
                self.open().await?
            }
            Some((mut rested, since)) => {
                if since.elapsed() <= IDLE_BEFORE_PING || rested.conn.ping().await.is_ok() {
                    rested
                } else {
                    self.open().await?
                }
            }
            None => self.open().await?,
        };
        Ok(Lease {
            lane: self,
            conn: Some(conn),
            _slot: slot,
            finished: false,
        })
    }

    async fn open(&self) -> Result<Opened> {
        let mut conn = AnyConnection::connect(&self.url).await?;
        prepare_connection(&mut conn, self.backend).await?;
        Ok(Opened {
            conn,
            at: Instant::now(),
        })
    }

    #[cfg(test)]
    fn resting(&self) -> usize {
        self.idle().len()
    }
}

#[cfg(test)]
impl Lease<'_> {
    fn opened_at(&self) -> Option<Instant> {
        self.conn.as_ref().map(|o| o.at)
    }
}

impl Lease<'_> {
    pub(crate) fn conn(&mut self) -> Result<&mut AnyConnection> {
        // Present from `lease` until the lease is dropped.
        self.conn
            .as_mut()
            .map(|o| &mut o.conn)
            .ok_or_else(|| StoreError::Database("a lease without its connection".into()))
    }

    /// The statement ran to its end: the connection may be lent again.
    pub(crate) fn done(mut self) {
        self.finished = true;
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take()
            && self.finished
        {
            self.lane.idle().push((conn, Instant::now()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lane of two connections to a new SQLite database in a folder of its own (removed by the
    /// test when done).
    fn sqlite_lane(name: &str) -> (Lane, std::path::PathBuf) {
        sqlx::any::install_default_drivers();
        let dir = std::env::temp_dir().join(format!("ombud-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a folder");
        let url = format!("sqlite://{}/lane.db?mode=rwc", dir.display());
        (Lane::new(&url, Backend::Sqlite, 2), dir)
    }

    /// One statement on a lease's connection, run to its end.
    async fn answers(lease: &mut Lease<'_>) {
        let (one,): (i64,) = sqlx::query_as("SELECT 1")
            .fetch_one(lease.conn().expect("held"))
            .await
            .expect("answers");
        assert_eq!(one, 1);
    }

    #[tokio::test]
    async fn a_finished_lease_is_lent_again_and_an_unfinished_one_is_closed() {
        let (lane, dir) = sqlite_lane("lane");
        let mut lease = lane.lease().await.expect("a connection");
        answers(&mut lease).await;
        lease.done();
        assert_eq!(lane.resting(), 1);
        // Cancelled (dropped before `done`): not lent again.
        let lease = lane.lease().await.expect("the rested connection");
        assert_eq!(lane.resting(), 0);
        drop(lease);
        assert_eq!(lane.resting(), 0);
        // Never more lent at once than the lane has slots.
        let a = lane.lease().await.expect("first");
        let b = lane.lease().await.expect("second");
        let third = tokio::time::timeout(std::time::Duration::from_millis(50), lane.lease()).await;
        assert!(third.is_err(), "a third lease waits for a slot");
        a.done();
        let c = tokio::time::timeout(std::time::Duration::from_secs(5), lane.lease())
            .await
            .expect("a slot came free")
            .expect("a connection");
        b.done();
        c.done();
        assert_eq!(lane.resting(), 2);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn a_connection_past_its_lifetime_is_replaced_not_lent_again() {
        let (mut lane, dir) = sqlite_lane("lane-life");
        let first = lane.lease().await.expect("a connection");
        let opened = first.opened_at();
        first.done();
        let again = lane.lease().await.expect("the same connection");
        assert_eq!(again.opened_at(), opened, "young: lent again");
        again.done();
        lane.lifetime = Duration::ZERO;
        let mut renewed = lane.lease().await.expect("a new connection");
        assert!(renewed.opened_at() > opened, "old: closed and opened anew");
        answers(&mut renewed).await;
        renewed.done();
        assert_eq!(lane.resting(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
