//! What a controller decides for itself about its data subject requests: how long it keeps who made
//! one (`request_retention`), and which days besides weekends and public holidays it does not work
//! (`request_days_off`). One row per controller that has decided anything; each change is an audit
//! event (`controller_settings`) under the controller, naming the setting and its value before and
//! after.

use crate::organisations::Organisation;
use crate::{Result, Store, StoreError, WriteTx};
use ombud_domain::audit::Operation;
use ombud_domain::authz::{Action, Grant};
use ombud_domain::kernel::Kind;
use ombud_domain::request::ExtraDaysOff;
use ombud_domain::request::retention::RetentionRules;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The audit trail's name for a controller's settings.
pub const RECORD_TYPE: &str = "controller_settings";

/// One setting: its column, which is also its name in the audit trail.
#[derive(Debug, Clone, Copy)]
enum Setting {
    RequestRetention,
    RequestDaysOff,
}

impl Setting {
    fn column(self) -> &'static str {
        match self {
            Setting::RequestRetention => "request_retention",
            Setting::RequestDaysOff => "request_days_off",
        }
    }
}

fn parse<T: DeserializeOwned>(id: &str, json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| StoreError::Database(format!("settings of {id}: {e}")))
}

/// A controller's setting (its default when the controller has decided nothing), on the pool or
/// inside a transaction.
async fn read_setting<'e, T, E>(exec: E, controller_id: &str, setting: Setting) -> Result<T>
where
    T: DeserializeOwned + Default,
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row: Option<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM controller_settings WHERE controller_id = $1",
        setting.column()
    )))
    .bind(controller_id.to_string())
    .fetch_optional(exec)
    .await?;
    match row {
        Some((json,)) => parse(controller_id, &json),
        None => Ok(T::default()),
    }
}

impl Store {
    async fn setting<T: DeserializeOwned + Default>(
        &self,
        controller_id: &str,
        setting: Setting,
    ) -> Result<T> {
        read_setting(self.pool(), controller_id, setting).await
    }

    /// A controller's retention rules for requests; the default (keep) when it has decided none.
    pub async fn retention_rules(&self, controller_id: &str) -> Result<RetentionRules> {
        self.setting(controller_id, Setting::RequestRetention).await
    }

    /// A controller's own days off; none when it has chosen none.
    pub async fn request_days_off(&self, controller_id: &str) -> Result<ExtraDaysOff> {
        self.setting(controller_id, Setting::RequestDaysOff).await
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
struct Snapshot<'a, T: Serialize> {
    controller_id: &'a str,
    #[serde(flatten)]
    value: std::collections::BTreeMap<&'static str, &'a T>,
}

fn snapshot<'a, T: Serialize>(
    controller_id: &'a str,
    setting: Setting,
    v: &'a T,
) -> Snapshot<'a, T> {
    Snapshot {
        controller_id,
        value: [(setting.column(), v)].into_iter().collect(),
    }
}

impl WriteTx<'_> {
    /// A controller's own days off, read inside the transaction that registers a request, so that
    /// the request is counted with the setting as it is when it comes in.
    pub async fn request_days_off(&mut self, controller_id: &str) -> Result<ExtraDaysOff> {
        read_setting(&mut *self.tx, controller_id, Setting::RequestDaysOff).await
    }

    /// Sets a controller's retention rules. The grant is to edit requests at the controller.
    pub async fn set_retention_rules(
        &mut self,
        grant: &Grant,
        controller: &Organisation,
        rules: &RetentionRules,
    ) -> Result<()> {
        self.set_setting(grant, controller, Setting::RequestRetention, rules)
            .await
    }

    /// Sets a controller's own days off. The grant is to edit requests at the controller.
    pub async fn set_request_days_off(
        &mut self,
        grant: &Grant,
        controller: &Organisation,
        days: &ExtraDaysOff,
    ) -> Result<()> {
        self.set_setting(grant, controller, Setting::RequestDaysOff, days)
            .await
    }

    async fn set_setting<T: Serialize + DeserializeOwned + Default>(
        &mut self,
        grant: &Grant,
        controller: &Organisation,
        setting: Setting,
        value: &T,
    ) -> Result<()> {
        if !controller.controller || !grant.allows(Action::Edit(Kind::Request), &controller.scope())
        {
            return Err(StoreError::NotGranted);
        }
        let column = setting.column();
        let before: Option<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {column} FROM controller_settings WHERE controller_id = $1"
        )))
        .bind(controller.id.clone())
        .fetch_optional(&mut *self.tx)
        .await?;
        let before: Option<T> = before.map(|(j,)| parse(&controller.id, &j)).transpose()?;
        let json = serde_json::to_string(value)
            .map_err(|e| StoreError::Database(format!("settings: {e}")))?;
        let now = self.now().to_string();
        // A new row takes the other setting's default ('{}': keep; no days off).
        let (retention, days_off) = match setting {
            Setting::RequestRetention => (json, "{}".to_string()),
            Setting::RequestDaysOff => ("{}".to_string(), json),
        };
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO controller_settings \
             (controller_id, request_retention, request_days_off, updated_at, version) \
             VALUES ($1, $2, $3, $4, 1) \
             ON CONFLICT (controller_id) DO UPDATE SET {column} = excluded.{column}, \
             updated_at = excluded.updated_at, version = controller_settings.version + 1"
        )))
        .bind(controller.id.clone())
        .bind(retention)
        .bind(days_off)
        .bind(now)
        .execute(&mut *self.tx)
        .await?;
        let after = snapshot(&controller.id, setting, value);
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
                .map(|b| snapshot(&controller.id, setting, b))
                .as_ref(),
            Some(&after),
        )
        .await
    }
}
