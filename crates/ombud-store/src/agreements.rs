//! Processor agreements (personuppgiftsbiträdesavtal) and their compliance log.
//!
//! The details, the compliance log included, are one JSON document; `name` (the title), `counterparty`,
//! `direction`, `signed_on` and `review_on` are derived from it on every write for lists and filters.
//! An agreement owns no links: systems and processing activities link to it, and it answers which do
//! through [`Store::links_to`]. While any record links to it, it cannot be deleted.

use crate::organisations::Visibility;
use crate::paging::{self, Cursor, Page, PageRequest};
use crate::processing::push_visibility;
use crate::register::{self, Record, first_invalid, stale_unless};
use crate::sql::{Arg, Sql};
use crate::{Result, Store, StoreError, WriteTx};
use ombud_domain::audit::Operation;
use ombud_domain::register::agreement::{AgreementDetails, Direction, NewComplianceCheck};

const TABLE: &str = "agreements";

/// An agreement as callers see it. Also its audit snapshot.
pub type Agreement = Record<AgreementDetails>;

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct AgreementFilter {
    /// Only agreements of this organisation and its subtree (given as the organisation's path).
    pub within_path: Option<String>,
    /// Words to find in title, counterparty, reference, description and sub-processors.
    pub q: Option<String>,
    pub direction: Option<Direction>,
    /// Only agreements whose review date has (or has not) passed on `today`.
    pub review_overdue: Option<bool>,
    /// Today in Sweden, `YYYY-MM-DD`, for `review_overdue`.
    pub today: String,
}

fn push_filter(sql: &mut Sql, f: &AgreementFilter) {
    register::push_within_path(sql, f.within_path.as_deref());
    register::push_words(sql, "a", f.q.as_deref());
    if let Some(d) = f.direction {
        sql.push(" AND a.direction = ")
            .bind(Arg::Text(d.as_str().into()));
    }
    match f.review_overdue {
        Some(true) => {
            sql.push(" AND a.review_on IS NOT NULL AND a.review_on < ")
                .bind(Arg::Text(f.today.clone()));
        }
        Some(false) => {
            sql.push(" AND (a.review_on IS NULL OR a.review_on >= ")
                .bind(Arg::Text(f.today.clone()))
                .push(")");
        }
        None => {}
    }
}

impl Store {
    pub async fn agreement(&self, id: &str) -> Result<Agreement> {
        register::fetch(self.pool(), TABLE, "a", id).await
    }

    /// How many agreements the filter matches (for the line above a list).
    pub async fn agreement_count(
        &self,
        visibility: &Visibility,
        filter: &AgreementFilter,
    ) -> Result<i64> {
        let mut sql = Sql::new(
            "SELECT COUNT(*) FROM agreements a JOIN organisations o ON o.id = a.organisation_id WHERE 1 = 1",
        );
        if !push_visibility(&mut sql, visibility, "a") {
            return Ok(0);
        }
        push_filter(&mut sql, filter);
        let (n,): (i64,) = sql.query_as().fetch_one(self.pool()).await?;
        Ok(n)
    }

    /// A filtered, keyset-paginated list by title.
    pub async fn agreements(
        &self,
        visibility: &Visibility,
        filter: &AgreementFilter,
        sort: register::Sort,
        page: &PageRequest,
    ) -> Result<Page<Agreement>> {
        let mut sql = Sql::new(&format!(
            "{} WHERE 1 = 1",
            register::select_from(TABLE, "a")
        ));
        if !push_visibility(&mut sql, visibility, "a") {
            return Ok(Page {
                items: Vec::new(),
                next: None,
            });
        }
        push_filter(&mut sql, filter);
        let (key, descending) = sort.key("a", "review_on");
        sql.page_by(&key, "a.id", descending, page);
        let rows: Vec<register::Row> = sql.query_as().fetch_all(self.pool()).await?;
        let items = rows
            .into_iter()
            .map(Agreement::try_from)
            .collect::<Result<Vec<_>>>()?;
        Ok(paging::finish(items, page.limit, |a| Cursor {
            key: sort.value(
                a.details.title(),
                a.details.review_on.as_deref(),
                &a.updated_at,
            ),
            id: a.id.clone(),
        }))
    }
}

async fn load(w: &mut WriteTx<'_>, id: &str) -> Result<Agreement> {
    register::fetch(&mut *w.tx, TABLE, "a", id).await
}

impl WriteTx<'_> {
    pub async fn agreement(&mut self, id: &str) -> Result<Agreement> {
        load(self, id).await
    }

    /// Registers an agreement owned by `org`.
    pub async fn create_agreement(
        &mut self,
        org: &crate::organisations::Organisation,
        details: AgreementDetails,
    ) -> Result<Agreement> {
        let details = details.validate().map_err(first_invalid)?;
        let now = self.now().to_string();
        let a = Agreement {
            id: ombud_domain::ids::new_id(),
            organisation_id: org.id.clone(),
            controller_id: org.controller_id.clone(),
            created_at: now.clone(),
            updated_at: now,
            version: 1,
            details,
            organisation_path: org.path.clone(),
        };
        let json =
            serde_json::to_string(&a.details).map_err(|e| StoreError::Database(e.to_string()))?;
        sqlx::query(
            "INSERT INTO agreements (id, organisation_id, controller_id, name, counterparty, direction, details, \
             search_text, signed_on, review_on, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(a.id.clone())
        .bind(a.organisation_id.clone())
        .bind(a.controller_id.clone())
        .bind(a.details.title().to_string())
        .bind(a.details.counterparty.clone())
        .bind(a.details.direction.as_str())
        .bind(json)
        .bind(a.details.search_text())
        .bind(a.details.signed_on.clone())
        .bind(a.details.review_on.clone())
        .bind(a.created_at.clone())
        .bind(a.updated_at.clone())
        .bind(a.version)
        .execute(&mut *self.tx)
        .await?;
        self.record(
            Operation::Create,
            "agreement",
            &a.id,
            Some(&a.organisation_id),
            None::<&()>,
            Some(&a),
        )
        .await?;
        Ok(a)
    }

    /// Replaces an agreement's contents. The compliance log is not the caller's to rewrite: the one
    /// stored is kept, whatever `details` carries.
    pub async fn update_agreement(
        &mut self,
        id: &str,
        expected_version: Option<i64>,
        mut details: AgreementDetails,
    ) -> Result<Agreement> {
        let before = load(self, id).await?;
        stale_unless(expected_version, before.version)?;
        details.compliance_checks = before.details.compliance_checks.clone();
        let details = details.validate().map_err(first_invalid)?;
        if details == before.details {
            return Ok(before);
        }
        let mut after = before.clone();
        after.details = details;
        self.save_agreement(&before, after).await
    }

    /// Appends a compliance check to the log, stamped with this transaction's actor and time.
    pub async fn append_compliance_check(
        &mut self,
        id: &str,
        expected_version: Option<i64>,
        check: NewComplianceCheck,
        today: jiff::civil::Date,
    ) -> Result<Agreement> {
        let before = load(self, id).await?;
        stale_unless(expected_version, before.version)?;
        let check = check.validate(today).map_err(first_invalid)?.recorded(
            ombud_domain::ids::new_id(),
            &self.actor().name,
            self.now(),
        );
        let mut after = before.clone();
        after.details.append_check(check)?;
        self.save_agreement(&before, after).await
    }

    /// Removes an agreement; its history stays in the audit trail. Refused with `agreement_in_use`
    /// while systems or processing activities link to it.
    pub async fn delete_agreement(
        &mut self,
        id: &str,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let before = load(self, id).await?;
        stale_unless(expected_version, before.version)?;
        let users: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM register_links WHERE to_type = 'agreement' AND to_id = $1",
        )
        .bind(id.to_string())
        .fetch_one(&mut *self.tx)
        .await?;
        if users > 0 {
            return Err(StoreError::Conflict("agreement_in_use"));
        }
        sqlx::query("DELETE FROM agreements WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *self.tx)
            .await?;
        self.record(
            Operation::Delete,
            "agreement",
            id,
            Some(&before.organisation_id),
            Some(&before),
            None::<&()>,
        )
        .await
    }

    async fn save_agreement(
        &mut self,
        before: &Agreement,
        mut after: Agreement,
    ) -> Result<Agreement> {
        after.version = before.version + 1;
        after.updated_at = self.now().to_string();
        let json = serde_json::to_string(&after.details)
            .map_err(|e| StoreError::Database(e.to_string()))?;
        let n = sqlx::query(
            "UPDATE agreements SET name = $1, counterparty = $2, direction = $3, details = $4, search_text = $5, \
             signed_on = $6, review_on = $7, updated_at = $8, version = $9 WHERE id = $10 AND version = $11",
        )
        .bind(after.details.title().to_string())
        .bind(after.details.counterparty.clone())
        .bind(after.details.direction.as_str())
        .bind(json)
        .bind(after.details.search_text())
        .bind(after.details.signed_on.clone())
        .bind(after.details.review_on.clone())
        .bind(after.updated_at.clone())
        .bind(after.version)
        .bind(after.id.clone())
        .bind(before.version)
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Stale {
                current: before.version,
            });
        }
        self.record(
            Operation::Update,
            "agreement",
            &after.id,
            Some(&after.organisation_id),
            Some(before),
            Some(&after),
        )
        .await?;
        Ok(after)
    }
}
