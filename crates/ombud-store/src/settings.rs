//! What a controller decides for itself: how long it keeps who made a data subject request. Each
//! change is an audit event (`controller_settings`) under the controller.

use crate::organisations::Organisation;
use crate::{Result, Store, StoreError, WriteTx};
use ombud_domain::audit::Operation;
use ombud_domain::authz::{Action, Grant};
use ombud_domain::kernel::Kind;
use ombud_domain::request::retention::RetentionRules;
use serde::Serialize;

/// The audit trail's name for a controller's settings.
pub const RECORD_TYPE: &str = "controller_settings";

fn parse(id: &str, json: &str) -> Result<RetentionRules> {
    serde_json::from_str(json).map_err(|e| StoreError::Database(format!("settings of {id}: {e}")))
}

impl Store {
    /// A controller's retention rules for requests; the default (keep) when it has decided none.
    pub async fn retention_rules(&self, controller_id: &str) -> Result<RetentionRules> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT request_retention FROM controller_settings WHERE controller_id = $1",
        )
        .bind(controller_id.to_string())
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some((json,)) => parse(controller_id, &json),
            None => Ok(RetentionRules::default()),
        }
    }

    /// Every controller that has retention rules, with them.
    pub async fn controllers_with_retention(&self) -> Result<Vec<(String, RetentionRules)>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT controller_id, request_retention FROM controller_settings ORDER BY controller_id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(id, json)| Ok((id.clone(), parse(&id, &json)?)))
            .collect()
    }
}

#[derive(Serialize)]
struct Snapshot<'a> {
    controller_id: &'a str,
    request_retention: &'a RetentionRules,
}

impl WriteTx<'_> {
    /// Sets a controller's retention rules. The grant is to edit requests at the controller.
    pub async fn set_retention_rules(
        &mut self,
        grant: &Grant,
        controller: &Organisation,
        rules: &RetentionRules,
    ) -> Result<()> {
        if !controller.controller || !grant.allows(Action::Edit(Kind::Request), &controller.scope())
        {
            return Err(StoreError::NotGranted);
        }
        let before: Option<(String,)> = sqlx::query_as(
            "SELECT request_retention FROM controller_settings WHERE controller_id = $1",
        )
        .bind(controller.id.clone())
        .fetch_optional(&mut *self.tx)
        .await?;
        let before = before.map(|(j,)| parse(&controller.id, &j)).transpose()?;
        let json = serde_json::to_string(rules)
            .map_err(|e| StoreError::Database(format!("settings: {e}")))?;
        let now = self.now().to_string();
        sqlx::query(
            "INSERT INTO controller_settings (controller_id, request_retention, updated_at, version) \
             VALUES ($1, $2, $3, 1) \
             ON CONFLICT (controller_id) DO UPDATE SET request_retention = excluded.request_retention, \
             updated_at = excluded.updated_at, version = controller_settings.version + 1",
        )
        .bind(controller.id.clone())
        .bind(json)
        .bind(now)
        .execute(&mut *self.tx)
        .await?;
        self.record_event(
            if before.is_some() {
                Operation::Update
            } else {
                Operation::Create
            },
            RECORD_TYPE,
            &controller.id,
            Some(&controller.id),
            before
                .as_ref()
                .map(|b| Snapshot {
                    controller_id: &controller.id,
                    request_retention: b,
                })
                .as_ref(),
            Some(&Snapshot {
                controller_id: &controller.id,
                request_retention: rules,
            }),
        )
        .await
    }
}
