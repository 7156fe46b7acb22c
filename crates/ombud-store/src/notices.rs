//! Notices of a breach to other controllers in this Ombud: sent from a breach, read in the
//! recipient's inbox, perhaps registered there as the recipient's own breach. Each change is an
//! audit event of its own (`breach_notice`), under the organisation it belongs to: the sending in the
//! sender's, the reading and the registering in the recipient's — and the recipient's events name
//! nothing of the sender's breach but the notice itself.

use crate::organisations::Organisation;
use crate::{Result, Store, StoreError, WriteTx};
use ombud_domain::audit::Operation;
use ombud_domain::authz::{Action, Grant, Scope};
use ombud_domain::breach::SharedFacts;
use ombud_domain::kernel::Kind;
use serde::Serialize;

/// The audit trail's name for a notice.
pub const RECORD_TYPE: &str = "breach_notice";
/// The most notices an inbox or a breach lists at once (newest first).
pub const LIST_MAX: i64 = 500;

/// A notice as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Notice {
    pub id: String,
    /// The sender's breach: never shown to the recipient.
    #[serde(skip)]
    pub breach_id: String,
    pub from_organisation_id: String,
    pub from_controller_id: Option<String>,
    pub from_name: String,
    pub to_controller_id: String,
    pub to_name: String,
    pub sent_at: String,
    pub sent_by_id: Option<String>,
    pub sent_by_name: String,
    pub sent_by_email: Option<String>,
    pub facts: SharedFacts,
    pub read_at: Option<String>,
    pub read_by_name: Option<String>,
    /// The recipient's breach registered from it: never shown to the sender.
    #[serde(skip)]
    pub registered_breach_id: Option<String>,
}

/// A notice to be sent.
pub struct NewNotice<'a> {
    pub breach_id: &'a str,
    pub breach_scope: Scope,
    pub from: &'a Organisation,
    /// "Unit, Controller", as the recipient will read it.
    pub from_name: String,
    pub to: &'a Organisation,
    pub sent_by_email: Option<String>,
    pub facts: SharedFacts,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    breach_id: String,
    from_organisation_id: String,
    from_controller_id: Option<String>,
    from_name: String,
    to_controller_id: String,
    to_name: String,
    sent_at: String,
    sent_by_id: Option<String>,
    sent_by_name: String,
    sent_by_email: Option<String>,
    facts: String,
    read_at: Option<String>,
    read_by_name: Option<String>,
    registered_breach_id: Option<String>,
}

const COLUMNS: &str = "id, breach_id, from_organisation_id, from_controller_id, from_name, \
    to_controller_id, to_name, sent_at, sent_by_id, sent_by_name, sent_by_email, facts, read_at, \
    read_by_name, registered_breach_id";

impl TryFrom<Row> for Notice {
    type Error = StoreError;

    fn try_from(r: Row) -> Result<Notice> {
        let facts = serde_json::from_str(&r.facts)
            .map_err(|e| StoreError::Database(format!("notice {}: {e}", r.id)))?;
        Ok(Notice {
            id: r.id,
            breach_id: r.breach_id,
            from_organisation_id: r.from_organisation_id,
            from_controller_id: r.from_controller_id,
            from_name: r.from_name,
            to_controller_id: r.to_controller_id,
            to_name: r.to_name,
            sent_at: r.sent_at,
            sent_by_id: r.sent_by_id,
            sent_by_name: r.sent_by_name,
            sent_by_email: r.sent_by_email,
            facts,
            read_at: r.read_at,
            read_by_name: r.read_by_name,
            registered_breach_id: r.registered_breach_id,
        })
    }
}

/// What the recipient's audit trail keeps of a change to a notice: the notice and what changed,
/// nothing of the sender's breach.
#[derive(Serialize)]
struct Receipt<'a> {
    notice_id: &'a str,
    to_controller_id: &'a str,
    read_at: Option<&'a str>,
    read_by_name: Option<&'a str>,
    registered_breach_id: Option<&'a str>,
}

impl Notice {
    fn receipt(&self) -> Receipt<'_> {
        Receipt {
            notice_id: &self.id,
            to_controller_id: &self.to_controller_id,
            read_at: self.read_at.as_deref(),
            read_by_name: self.read_by_name.as_deref(),
            registered_breach_id: self.registered_breach_id.as_deref(),
        }
    }
}

fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// The notices sent from a breach, newest first.
    pub async fn notices_of_breach(&self, breach_id: &str) -> Result<Vec<Notice>> {
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM breach_notices WHERE breach_id = $1 \
             ORDER BY sent_at DESC, id DESC LIMIT $2"
        )))
        .bind(breach_id.to_string())
        .bind(LIST_MAX)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(Notice::try_from).collect()
    }

    /// The notices to these controllers: unread first, then newest first.
    pub async fn notices_to(&self, controller_ids: &[String]) -> Result<Vec<Notice>> {
        if controller_ids.is_empty() {
            return Ok(Vec::new());
        }
        let n = controller_ids.len();
        let mut q = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM breach_notices WHERE to_controller_id IN ({}) \
             ORDER BY CASE WHEN read_at IS NULL THEN 0 ELSE 1 END, sent_at DESC, id DESC LIMIT ${}",
            placeholders(1, n),
            n + 1
        )));
        for id in controller_ids {
            q = q.bind(id.clone());
        }
        let rows = q.bind(LIST_MAX).fetch_all(self.pool()).await?;
        rows.into_iter().map(Notice::try_from).collect()
    }

    pub async fn notice(&self, id: &str) -> Result<Notice> {
        let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM breach_notices WHERE id = $1"
        )))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// The controllers of the city, by name (a notice's possible recipients), active only.
    pub async fn controllers(&self) -> Result<Vec<Organisation>> {
        let filter = crate::organisations::OrganisationFilter {
            controller: Some(true),
            ..Default::default()
        };
        let mut out = Vec::new();
        let mut page = crate::paging::PageRequest {
            after: None,
            limit: 500,
        };
        // A city has tens of controllers; the pages bound each read, the loop the whole.
        for _ in 0..20 {
            let p = self
                .organisations(&ombud_domain::authz::Reach::Everywhere, &filter, &page)
                .await?;
            out.extend(p.items);
            match p.next.as_deref().and_then(crate::paging::Cursor::decode) {
                Some(next) => page.after = Some(next),
                None => break,
            }
        }
        Ok(out)
    }
}

impl WriteTx<'_> {
    /// Sends a notice: requires the grant to edit the breach it is sent from.
    pub async fn send_notice(&mut self, grant: &Grant, new: NewNotice<'_>) -> Result<Notice> {
        if !grant.allows(Action::Edit(Kind::Breach), &new.breach_scope) {
            return Err(StoreError::NotGranted);
        }
        if !new.to.controller || new.to.is_archived() {
            return Err(ombud_domain::Invalid::new(
                "controller_ids",
                ombud_domain::Rule::UnknownReference,
            )
            .into());
        }
        let actor = self.actor().clone();
        let notice = Notice {
            id: ombud_domain::ids::new_id(),
            breach_id: new.breach_id.to_string(),
            from_organisation_id: new.from.id.clone(),
            from_controller_id: new.from.controller_id.clone(),
            from_name: new.from_name,
            to_controller_id: new.to.id.clone(),
            to_name: new.to.name.clone(),
            sent_at: self.now().to_string(),
            sent_by_id: actor.user_id.as_ref().map(ToString::to_string),
            sent_by_name: actor.name.clone(),
            sent_by_email: new.sent_by_email,
            facts: new.facts,
            read_at: None,
            read_by_name: None,
            registered_breach_id: None,
        };
        let facts = serde_json::to_string(&notice.facts)
            .map_err(|e| StoreError::Database(format!("notice facts: {e}")))?;
        sqlx::query(
            "INSERT INTO breach_notices (id, breach_id, from_organisation_id, from_controller_id, \
             from_name, to_controller_id, to_name, sent_at, sent_by_id, sent_by_name, sent_by_email, \
             facts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(notice.id.clone())
        .bind(notice.breach_id.clone())
        .bind(notice.from_organisation_id.clone())
        .bind(notice.from_controller_id.clone())
        .bind(notice.from_name.clone())
        .bind(notice.to_controller_id.clone())
        .bind(notice.to_name.clone())
        .bind(notice.sent_at.clone())
        .bind(notice.sent_by_id.clone())
        .bind(notice.sent_by_name.clone())
        .bind(notice.sent_by_email.clone())
        .bind(facts)
        .execute(&mut *self.tx)
        .await?;
        #[derive(Serialize)]
        struct Sent<'a> {
            breach_id: &'a str,
            #[serde(flatten)]
            notice: &'a Notice,
        }
        self.record_event::<(), _>(
            Operation::Create,
            RECORD_TYPE,
            &notice.id,
            Some(&notice.from_organisation_id),
            None,
            Some(&Sent {
                breach_id: &notice.breach_id,
                notice: &notice,
            }),
        )
        .await?;
        Ok(notice)
    }

    /// Loads a notice inside the transaction (for a change to it).
    pub async fn notice(&mut self, id: &str) -> Result<Notice> {
        let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM breach_notices WHERE id = $1"
        )))
        .bind(id.to_string())
        .fetch_optional(&mut *self.tx)
        .await?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// Records the first reading of a notice at the recipient. `grant` is to read breaches at the
    /// recipient controller. Answers the notice as it now stands (unchanged when already read).
    pub async fn mark_notice_read(
        &mut self,
        grant: &Grant,
        recipient: &Scope,
        notice: Notice,
    ) -> Result<Notice> {
        if !grant.allows(Action::Read(Kind::Breach), recipient)
            || recipient.controller_id.as_ref().map(|c| c.as_str())
                != Some(notice.to_controller_id.as_str())
        {
            return Err(StoreError::NotGranted);
        }
        if notice.read_at.is_some() {
            return Ok(notice);
        }
        let now = self.now().to_string();
        let name = self.actor().name.clone();
        let changed = sqlx::query(
            "UPDATE breach_notices SET read_at = $1, read_by_name = $2 WHERE id = $3 AND read_at IS NULL",
        )
        .bind(now.clone())
        .bind(name.clone())
        .bind(notice.id.clone())
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        if changed == 0 {
            // Read at the same moment by someone else, whose reading stands.
            return self.notice(&notice.id).await;
        }
        let mut after = notice.clone();
        after.read_at = Some(now);
        after.read_by_name = Some(name);
        self.record_event(
            Operation::Update,
            RECORD_TYPE,
            &notice.id,
            Some(&notice.to_controller_id),
            Some(&notice.receipt()),
            Some(&after.receipt()),
        )
        .await?;
        Ok(after)
    }

    /// Ties a notice to the breach the recipient registered from it. `grant` is to register
    /// breaches at the recipient controller; a notice registered already is a conflict.
    pub async fn set_notice_breach(
        &mut self,
        grant: &Grant,
        recipient: &Scope,
        notice: &Notice,
        breach_id: &str,
    ) -> Result<Notice> {
        if !grant.allows(Action::Create(Kind::Breach), recipient)
            || recipient.controller_id.as_ref().map(|c| c.as_str())
                != Some(notice.to_controller_id.as_str())
        {
            return Err(StoreError::NotGranted);
        }
        let changed = sqlx::query(
            "UPDATE breach_notices SET registered_breach_id = $1 WHERE id = $2 AND registered_breach_id IS NULL",
        )
        .bind(breach_id.to_string())
        .bind(notice.id.clone())
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Conflict("notice_already_registered"));
        }
        let mut after = notice.clone();
        after.registered_breach_id = Some(breach_id.to_string());
        self.record_event(
            Operation::Update,
            RECORD_TYPE,
            &notice.id,
            Some(&notice.to_controller_id),
            Some(&notice.receipt()),
            Some(&after.receipt()),
        )
        .await?;
        Ok(after)
    }
}
