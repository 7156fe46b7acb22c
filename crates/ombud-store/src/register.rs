//! What the registers' records share in storage: the record around a JSON document of details, the
//! columns every register table has, loading one record, and the list conditions (an organisation's
//! subtree, words to find) that read the same in every register.
//!
//! Each register keeps in its own module what is its own: the columns derived from its details, its
//! filters, and how it is written and audited.

use crate::sql::{Arg, Sql, like_escape};
use crate::{Result, StoreError};
use ombud_domain::authz::Scope;
use ombud_domain::ids::OrganisationId;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A register record as callers see it, with its details flattened beside the common fields. Also
/// its audit snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record<D> {
    pub id: String,
    pub organisation_id: String,
    pub controller_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
    #[serde(flatten)]
    pub details: D,
    /// The owning organisation's path, for authorisation.
    #[serde(skip)]
    pub organisation_path: String,
}

impl<D> Record<D> {
    /// Where the record sits, for deciding who may read or change it.
    pub fn scope(&self) -> Scope {
        Scope {
            path: self.organisation_path.clone(),
            controller_id: self.controller_id.clone().map(OrganisationId),
            is_top: false,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    id: String,
    organisation_id: String,
    controller_id: Option<String>,
    details: String,
    created_at: String,
    updated_at: String,
    version: i64,
    organisation_path: String,
}

impl<D: DeserializeOwned> TryFrom<Row> for Record<D> {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(Record {
            details: serde_json::from_str(&r.details)
                .map_err(|e| StoreError::Database(format!("details of {}: {e}", r.id)))?,
            id: r.id,
            organisation_id: r.organisation_id,
            controller_id: r.controller_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
            organisation_path: r.organisation_path,
        })
    }
}

/// `SELECT … FROM {table} {alias} JOIN organisations o`: the columns of [`Row`], for a query to
/// continue with `WHERE`.
pub(crate) fn select_from(table: &str, alias: &str) -> String {
    format!(
        "SELECT {alias}.id, {alias}.organisation_id, {alias}.controller_id, {alias}.details, \
         {alias}.created_at, {alias}.updated_at, {alias}.version, o.path AS organisation_path \
         FROM {table} {alias} JOIN organisations o ON o.id = {alias}.organisation_id"
    )
}

/// One record by id, through a pool or inside a transaction.
pub(crate) async fn fetch<'e, D, E>(
    executor: E,
    table: &str,
    alias: &str,
    id: &str,
) -> Result<Record<D>>
where
    D: DeserializeOwned,
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} WHERE {alias}.id = $1",
        select_from(table, alias)
    )))
    .bind(id.to_string())
    .fetch_optional(executor)
    .await?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Only records owned within the subtree at `path` (the join's `o`).
pub(crate) fn push_within_path(sql: &mut Sql, path: Option<&str>) {
    if let Some(path) = path {
        sql.push(" AND o.path LIKE ")
            .bind(Arg::Text(format!("{}%", like_escape(path))))
            .push(" ESCAPE '\\'");
    }
}

/// Only records whose `search_text` (kept lower-case) holds every word of `q` (at most eight).
pub(crate) fn push_words(sql: &mut Sql, alias: &str, q: Option<&str>) {
    let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) else {
        return;
    };
    for word in q.split_whitespace().take(8) {
        sql.push(&format!(" AND {alias}.search_text LIKE "))
            .bind(Arg::Text(format!(
                "%{}%",
                like_escape(&word.to_lowercase())
            )))
            .push(" ESCAPE '\\'");
    }
}

/// The orders a register list can be read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// By name, A to Ö.
    #[default]
    Name,
    /// By the next review date (of the record, its classification, or the agreement), the earliest
    /// (the most overdue) first; records without one last.
    NextReview,
    /// By last change, the newest first.
    RecentlyUpdated,
}

/// Stands in for a missing review date, after every real one, on both backends.
const NO_REVIEW: &str = "9999-12-31";

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Name, Sort::NextReview, Sort::RecentlyUpdated];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Name => "name",
            Sort::NextReview => "next_review",
            Sort::RecentlyUpdated => "recently_updated",
        }
    }

    pub fn parse(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The sort key as SQL over `alias`, whose review date is the column `review`, and whether the
    /// order runs newest first.
    pub(crate) fn key(self, alias: &str, review: &str) -> (String, bool) {
        match self {
            Sort::Name => (format!("{alias}.name"), false),
            Sort::NextReview => (format!("COALESCE({alias}.{review}, '{NO_REVIEW}')"), false),
            Sort::RecentlyUpdated => (format!("{alias}.updated_at"), true),
        }
    }

    /// A row's value of the sort key, for the cursor that continues after it.
    pub(crate) fn value(self, name: &str, review: Option<&str>, updated_at: &str) -> String {
        match self {
            Sort::Name => name.to_string(),
            Sort::NextReview => review.unwrap_or(NO_REVIEW).to_string(),
            Sort::RecentlyUpdated => updated_at.to_string(),
        }
    }
}

/// The store reports one invalid field at a time; the API validates first to list them all.
pub(crate) fn first_invalid(errors: Vec<ombud_domain::Invalid>) -> StoreError {
    errors
        .into_iter()
        .next()
        .map(StoreError::Invalid)
        .unwrap_or(StoreError::Database("validation".into()))
}

/// Refuses a write made against another version than the stored one.
pub(crate) fn stale_unless(expected: Option<i64>, current: i64) -> Result<()> {
    match expected {
        Some(v) if v != current => Err(StoreError::Stale { current }),
        _ => Ok(()),
    }
}
