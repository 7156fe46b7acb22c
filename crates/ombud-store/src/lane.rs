//! Connections for the reads almost every request makes (one record, a list page), handed back
//! without sqlx's test on release.
//!
//! sqlx's pool pings every connection as it comes back, in case a cancelled statement left it
//! unusable: on PostgreSQL one more round trip to the server per statement, on SQLite one more hop
//! to the connection's thread, each as dear as the statement itself for a read by id (measured: the
//! ping was a quarter of the process's time for a single-record read on SQLite). Here a connection
//! goes back only when its statement ran to its end; one whose statement was cancelled or failed is
//! closed instead. A connection that has rested is pinged before use, as the pool's are.

use crate::{Backend, IDLE_BEFORE_PING, Result, StoreError, prepare_connection};
use sqlx::AnyConnection;
use sqlx::Connection;
use std::sync::Mutex;
use std::time::Instant;

#[derive(Debug)]
pub(crate) struct Lane {
    url: String,
    backend: Backend,
    idle: Mutex<Vec<(AnyConnection, Instant)>>,
    slots: tokio::sync::Semaphore,
}

/// A connection lent for one read. Call [`Lease::done`] once the statement has run to its end;
/// dropped before that, the connection is closed rather than lent again.
pub(crate) struct Lease<'a> {
    lane: &'a Lane,
    conn: Option<AnyConnection>,
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
        }
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<(AnyConnection, Instant)>> {
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
            Some((mut conn, since)) => {
                if since.elapsed() <= IDLE_BEFORE_PING || conn.ping().await.is_ok() {
                    conn
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

    async fn open(&self) -> Result<AnyConnection> {
        let mut conn = AnyConnection::connect(&self.url).await?;
        prepare_connection(&mut conn, self.backend).await?;
        Ok(conn)
    }

    #[cfg(test)]
    fn resting(&self) -> usize {
        self.idle().len()
    }
}

impl Lease<'_> {
    pub(crate) fn conn(&mut self) -> Result<&mut AnyConnection> {
        // Present from `lease` until the lease is dropped.
        self.conn
            .as_mut()
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

    fn sqlite_lane(dir: &std::path::Path) -> Lane {
        let url = format!("sqlite://{}/lane.db?mode=rwc", dir.display());
        Lane::new(&url, Backend::Sqlite, 2)
    }

    #[tokio::test]
    async fn a_finished_lease_is_lent_again_and_an_unfinished_one_is_closed() {
        sqlx::any::install_default_drivers();
        let dir = std::env::temp_dir().join(format!("ombud-lane-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a folder");
        let lane = sqlite_lane(&dir);
        let mut lease = lane.lease().await.expect("a connection");
        let (one,): (i64,) = sqlx::query_as("SELECT 1")
            .fetch_one(lease.conn().expect("held"))
            .await
            .expect("answers");
        assert_eq!(one, 1);
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
}
