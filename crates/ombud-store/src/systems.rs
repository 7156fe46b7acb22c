//! IT systems (objekt) and the links between the registers.

use crate::organisations::Organisation;
use crate::{Result, Store, StoreError, WriteTx};
use ombud_domain::audit::Operation;
use ombud_domain::register::system::{Procurement, SystemDetails};
use serde::Serialize;

/// A system as callers see it. Also its audit snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct System {
    pub id: String,
    pub organisation_id: String,
    pub controller_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
    #[serde(flatten)]
    pub details: SystemDetails,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    organisation_id: String,
    controller_id: Option<String>,
    details: String,
    created_at: String,
    updated_at: String,
    version: i64,
}

impl TryFrom<Row> for System {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(System {
            details: serde_json::from_str(&r.details)
                .map_err(|e| StoreError::Database(format!("details of {}: {e}", r.id)))?,
            id: r.id,
            organisation_id: r.organisation_id,
            controller_id: r.controller_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

/// A system with how many processing activities it carries.
#[derive(Debug, Clone)]
pub struct SystemWithLinks {
    pub system: System,
    pub processing_count: i64,
}

#[derive(sqlx::FromRow)]
struct RowWithLinks {
    id: String,
    organisation_id: String,
    controller_id: Option<String>,
    details: String,
    created_at: String,
    updated_at: String,
    version: i64,
    processing_count: i64,
}

impl Store {
    /// Every system in an organisation's subtree, with its number of linked processing activities.
    pub async fn systems_within(&self, org: &Organisation) -> Result<Vec<SystemWithLinks>> {
        let rows: Vec<RowWithLinks> = sqlx::query_as(
            "SELECT s.id, s.organisation_id, s.controller_id, s.details, s.created_at, s.updated_at, s.version, \
             (SELECT COUNT(*) FROM register_links l WHERE l.to_type = 'system' AND l.to_id = s.id \
              AND l.from_type = 'processing_activity') AS processing_count \
             FROM systems s JOIN organisations o ON o.id = s.organisation_id \
             WHERE o.path LIKE $1 ESCAPE '\\' ORDER BY s.name, s.id",
        )
        .bind(format!("{}%", crate::sql::like_escape(&org.path)))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                let processing_count = r.processing_count;
                let system = System::try_from(Row {
                    id: r.id,
                    organisation_id: r.organisation_id,
                    controller_id: r.controller_id,
                    details: r.details,
                    created_at: r.created_at,
                    updated_at: r.updated_at,
                    version: r.version,
                })?;
                Ok(SystemWithLinks {
                    system,
                    processing_count,
                })
            })
            .collect()
    }
}

impl WriteTx<'_> {
    /// Registers a system owned by `org`.
    pub async fn create_system(
        &mut self,
        org: &Organisation,
        details: SystemDetails,
        import_key: Option<&str>,
    ) -> Result<System> {
        let details = details.validate().map_err(|e| {
            e.into_iter()
                .next()
                .map(StoreError::Invalid)
                .unwrap_or(StoreError::Database("validation".into()))
        })?;
        let now = self.now().to_string();
        let s = System {
            id: ombud_domain::ids::new_id(),
            organisation_id: org.id.clone(),
            controller_id: org.controller_id.clone(),
            created_at: now.clone(),
            updated_at: now,
            version: 1,
            details,
        };
        let json =
            serde_json::to_string(&s.details).map_err(|e| StoreError::Database(e.to_string()))?;
        sqlx::query(
            "INSERT INTO systems (id, organisation_id, controller_id, name, details, search_text, holds_personal_data, \
             self_procured, classified_on, classification_review, import_key, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(s.id.clone())
        .bind(s.organisation_id.clone())
        .bind(s.controller_id.clone())
        .bind(s.details.name.clone())
        .bind(json)
        .bind(s.details.search_text())
        .bind(i32::from(s.details.holds_personal_data))
        .bind(i32::from(s.details.procurement == Procurement::SelfProcured))
        .bind(s.details.classification.as_ref().map(|c| c.classified_on.clone()))
        .bind(s.details.classification.as_ref().and_then(|c| c.next_review.clone()))
        .bind(import_key.map(str::to_string))
        .bind(s.created_at.clone())
        .bind(s.updated_at.clone())
        .bind(s.version)
        .execute(&mut *self.tx)
        .await?;
        self.record(
            Operation::Create,
            "system",
            &s.id,
            Some(&s.organisation_id),
            None::<&()>,
            Some(&s),
        )
        .await?;
        Ok(s)
    }

    /// Makes the links from one record to others of a type exactly `to_ids`.
    pub async fn set_links(
        &mut self,
        from_type: &str,
        from_id: &str,
        to_type: &str,
        to_ids: &[String],
    ) -> Result<()> {
        sqlx::query(
            "DELETE FROM register_links WHERE from_type = $1 AND from_id = $2 AND to_type = $3",
        )
        .bind(from_type.to_string())
        .bind(from_id.to_string())
        .bind(to_type.to_string())
        .execute(&mut *self.tx)
        .await?;
        for to in to_ids {
            sqlx::query("INSERT INTO register_links (from_type, from_id, to_type, to_id) VALUES ($1, $2, $3, $4)")
                .bind(from_type.to_string())
                .bind(from_id.to_string())
                .bind(to_type.to_string())
                .bind(to.clone())
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }
}
