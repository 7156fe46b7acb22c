//! What the organisation tree lacks, for the start page's to-do list: facts the store knows, never
//! guesses.

use crate::organisations::Organisation;
use crate::{Result, Store};
use ombud_domain::role::Role;

impl Store {
    /// Active controllers where nobody holds `role` in the controller itself (GDPR art. 37: every
    /// controller that is a public authority designates a data protection officer). A grant further
    /// down does not count: it does not reach up to the controller, and one at the city does not reach
    /// into it.
    pub async fn controllers_without_role(&self, role: Role) -> Result<Vec<Organisation>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT o.id FROM organisations o WHERE o.is_controller = 1 AND o.archived_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.organisation_id = o.id \
             AND (',' || m.roles || ',') LIKE $1 ESCAPE '\\') ORDER BY o.name, o.id",
        )
        .bind(format!("%,{},%", crate::sql::like_escape(role.as_str())))
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.organisation(&id).await?);
        }
        Ok(out)
    }
}
