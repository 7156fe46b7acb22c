//! IT systems (objekt) and the links between the registers.
//!
//! A system's details are one JSON document; beside it, the columns lists filter and count on
//! (`holds_personal_data`, `self_procured`, `classified_on`, `classification_review`) are derived
//! from the details on every write, never written on their own.
//!
//! Links: a system owns its links to agreements (`register_links` rows from `system` to `agreement`,
//! kept equal to `agreement_ids`); processing activities own their links to systems. A system that
//! processing activities still name cannot be deleted, so that no record of processing silently loses
//! a system it lists.

use crate::organisations::{Organisation, Visibility};
use crate::paging::{self, Cursor, Page, PageRequest};
use crate::processing::push_visibility;
use crate::register::{self, Record, first_invalid};
use crate::sql::{Arg, Sql, like_escape};
use crate::{Result, Store, StoreError, WriteTx};
use ombud_domain::audit::Operation;
use ombud_domain::register::system::{Procurement, SystemDetails, classification_cutoff};
use serde::Serialize;
use std::collections::HashMap;

const TABLE: &str = "systems";

/// A system as callers see it. Also its audit snapshot.
pub type System = Record<SystemDetails>;

/// A system with how many processing activities it carries.
#[derive(Debug, Clone)]
pub struct SystemWithLinks {
    pub system: System,
    pub processing_count: i64,
}

#[derive(sqlx::FromRow)]
struct RowWithLinks {
    #[sqlx(flatten)]
    row: register::Row,
    processing_count: i64,
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct SystemFilter {
    /// Only systems of this organisation and its subtree (given as the organisation's path).
    pub within_path: Option<String>,
    /// Words to find in name, description, vendor, owner and manager.
    pub q: Option<String>,
    /// Only classified (or unclassified) systems.
    pub classified: Option<bool>,
    /// Only systems whose classification is (or is not) current on `today`.
    pub classification_current: Option<bool>,
    pub self_procured: Option<bool>,
    pub holds_personal_data: Option<bool>,
    /// Today in Sweden, for `classification_current`.
    pub today: Option<jiff::civil::Date>,
}

/// The figures of the systems register that the annual report quotes ("16 of 107 systems
/// classified").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SystemFigures {
    pub systems: i64,
    pub classified: i64,
    /// Classified, and the classification current on the day asked about.
    pub classification_current: i64,
    pub self_procured: i64,
}

/// Appends the SQL condition "the classification is current on `today`", the same rule as
/// [`SystemDetails::classification_current`].
fn push_current(sql: &mut Sql, today: jiff::civil::Date) {
    sql.push("(s.classified_on IS NOT NULL AND ((s.classification_review IS NOT NULL AND s.classification_review >= ")
        .bind(Arg::Text(today.to_string()))
        .push(") OR (s.classification_review IS NULL AND s.classified_on >= ")
        .bind(Arg::Text(classification_cutoff(today).to_string()))
        .push(")))");
}

fn push_filter(sql: &mut Sql, f: &SystemFilter) {
    register::push_within_path(sql, f.within_path.as_deref());
    register::push_words(sql, "s", f.q.as_deref());
    match f.classified {
        Some(true) => {
            sql.push(" AND s.classified_on IS NOT NULL");
        }
        Some(false) => {
            sql.push(" AND s.classified_on IS NULL");
        }
        None => {}
    }
    if let (Some(current), Some(today)) = (f.classification_current, f.today) {
        sql.push(if current { " AND " } else { " AND NOT " });
        push_current(sql, today);
    }
    for (col, v) in [
        ("self_procured", f.self_procured),
        ("holds_personal_data", f.holds_personal_data),
    ] {
        if let Some(v) = v {
            sql.push(&format!(" AND s.{col} = "))
                .bind(Arg::Int(i64::from(v)));
        }
    }
}

/// Only the rows of one controller (or of none).
fn push_controller(sql: &mut Sql, controller_id: Option<&str>) {
    match controller_id {
        Some(c) => sql.push("controller_id = ").bind(Arg::Text(c.to_string())),
        None => sql.push("controller_id IS NULL"),
    };
}

/// Limits a query to an organisation's subtree within its own controller: the controller column
/// makes it an index range, and keeps another controller's records out of a city's figures.
fn push_within(sql: &mut Sql, org: &Organisation, table: &str) {
    sql.push(&format!(
        " AND {table}.organisation_id IN (SELECT id FROM organisations WHERE path LIKE "
    ))
    .bind(Arg::Text(format!("{}%", like_escape(&org.path))))
    .push(" ESCAPE '\\')");
    match &org.controller_id {
        Some(c) => sql
            .push(&format!(" AND {table}.controller_id = "))
            .bind(Arg::Text(c.clone())),
        None => sql.push(&format!(" AND {table}.controller_id IS NULL")),
    };
}

impl Store {
    pub async fn system(&self, id: &str) -> Result<System> {
        register::fetch(self.pool(), TABLE, "s", id).await
    }

    /// A filtered, keyset-paginated list by name.
    pub async fn systems(
        &self,
        visibility: &Visibility,
        filter: &SystemFilter,
        sort: register::Sort,
        page: &PageRequest,
    ) -> Result<Page<System>> {
        let mut sql = Sql::new(&format!(
            "{} WHERE 1 = 1",
            register::select_from(TABLE, "s")
        ));
        if !push_visibility(&mut sql, visibility, "s") {
            return Ok(Page {
                items: Vec::new(),
                next: None,
            });
        }
        push_filter(&mut sql, filter);
        let (key, descending) = sort.key("s", "classification_review");
        sql.page_by(&key, "s.id", descending, page);
        let rows: Vec<register::Row> = sql.query_as().fetch_all(self.pool()).await?;
        let items = rows
            .into_iter()
            .map(System::try_from)
            .collect::<Result<Vec<_>>>()?;
        Ok(paging::finish(items, page.limit, |s| Cursor {
            key: sort.value(
                &s.details.name,
                s.details
                    .classification
                    .as_ref()
                    .and_then(|c| c.next_review.as_deref()),
                &s.updated_at,
            ),
            id: s.id.clone(),
        }))
    }

    /// How many systems the filter matches (for the line above a list).
    pub async fn system_count(
        &self,
        visibility: &Visibility,
        filter: &SystemFilter,
    ) -> Result<i64> {
        let mut sql = Sql::new(
            "SELECT COUNT(*) FROM systems s JOIN organisations o ON o.id = s.organisation_id WHERE 1 = 1",
        );
        if !push_visibility(&mut sql, visibility, "s") {
            return Ok(0);
        }
        push_filter(&mut sql, filter);
        let (n,): (i64,) = sql.query_as().fetch_one(self.pool()).await?;
        Ok(n)
    }

    /// Every system in an organisation's subtree, with its number of linked processing activities.
    pub async fn systems_within(&self, org: &Organisation) -> Result<Vec<SystemWithLinks>> {
        // Never past the controller's border: a city's subtree holds other controllers' systems. The
        // controller column also makes this an index range rather than a scan.
        let controller = if org.controller_id.is_some() {
            "s.controller_id = $2"
        } else {
            "s.controller_id IS NULL AND $2 = ''"
        };
        let rows: Vec<RowWithLinks> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT s.id, s.organisation_id, s.controller_id, s.details, s.created_at, s.updated_at, s.version, \
             o.path AS organisation_path, \
             (SELECT COUNT(*) FROM register_links l WHERE l.to_type = 'system' AND l.to_id = s.id \
              AND l.from_type = 'processing_activity') AS processing_count \
             FROM systems s JOIN organisations o ON o.id = s.organisation_id \
             WHERE {controller} AND o.path LIKE $1 ESCAPE '\\' ORDER BY s.name, s.id"
        )))
        .bind(format!("{}%", like_escape(&org.path)))
        .bind(org.controller_id.clone().unwrap_or_default())
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(SystemWithLinks {
                    system: System::try_from(r.row)?,
                    processing_count: r.processing_count,
                })
            })
            .collect()
    }

    /// The systems register's figures for an organisation and its subtree, on `today`.
    pub async fn system_figures(
        &self,
        org: &Organisation,
        today: jiff::civil::Date,
    ) -> Result<SystemFigures> {
        let mut sql = Sql::new(
            "SELECT COUNT(*) AS systems, \
             COALESCE(SUM(CASE WHEN s.classified_on IS NOT NULL THEN 1 ELSE 0 END), 0) AS classified, \
             COALESCE(SUM(CASE WHEN ",
        );
        push_current(&mut sql, today);
        sql.push(
            " THEN 1 ELSE 0 END), 0) AS classification_current, \
             COALESCE(SUM(s.self_procured), 0) AS self_procured FROM systems s WHERE 1 = 1",
        );
        push_within(&mut sql, org, "s");
        let (systems, classified, classification_current, self_procured): (i64, i64, i64, i64) =
            sql.query_as().fetch_one(self.pool()).await?;
        Ok(SystemFigures {
            systems,
            classified,
            classification_current,
            self_procured,
        })
    }

    /// The ids of the records of `from_type` that link to each of `to_ids` (of `to_type`), in id order.
    pub async fn links_to(
        &self,
        from_type: &str,
        to_type: &str,
        to_ids: &[String],
    ) -> Result<HashMap<String, Vec<String>>> {
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        // Bounded batches keep the statement within every backend's parameter limit.
        for chunk in to_ids.chunks(200) {
            let mut sql = Sql::new("SELECT to_id, from_id FROM register_links WHERE from_type = ");
            sql.bind(Arg::Text(from_type.to_string()))
                .push(" AND to_type = ")
                .bind(Arg::Text(to_type.to_string()))
                .push(" AND to_id IN (");
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(Arg::Text(id.clone()));
            }
            sql.push(") ORDER BY to_id, from_id");
            let rows: Vec<(String, String)> = sql.query_as().fetch_all(self.pool()).await?;
            for (to, from) in rows {
                out.entry(to).or_default().push(from);
            }
        }
        Ok(out)
    }
}

/// The derived columns of a system.
struct Derived {
    search_text: String,
    holds_personal_data: i32,
    self_procured: i32,
    classified_on: Option<String>,
    classification_review: Option<String>,
}

fn derive(d: &SystemDetails) -> Derived {
    Derived {
        search_text: d.search_text(),
        holds_personal_data: i32::from(d.holds_personal_data),
        self_procured: i32::from(d.procurement == Procurement::SelfProcured),
        classified_on: d.classification.as_ref().map(|c| c.classified_on.clone()),
        classification_review: d
            .classification
            .as_ref()
            .and_then(|c| c.next_review.clone()),
    }
}

async fn load(w: &mut WriteTx<'_>, id: &str) -> Result<System> {
    register::fetch(&mut *w.tx, TABLE, "s", id).await
}

impl WriteTx<'_> {
    pub async fn system(&mut self, id: &str) -> Result<System> {
        load(self, id).await
    }

    /// Registers a system owned by `org`.
    pub async fn create_system(
        &mut self,
        org: &Organisation,
        details: SystemDetails,
        import_key: Option<&str>,
    ) -> Result<System> {
        let details = details.validate().map_err(first_invalid)?;
        self.check_same_controller(
            "agreements",
            "agreement_ids",
            org.controller_id.as_deref(),
            &details.agreement_ids,
        )
        .await?;
        let now = self.now().to_string();
        let s = System {
            id: ombud_domain::ids::new_id(),
            organisation_id: org.id.clone(),
            controller_id: org.controller_id.clone(),
            created_at: now.clone(),
            updated_at: now,
            version: 1,
            details,
            organisation_path: org.path.clone(),
        };
        let d = derive(&s.details);
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
        .bind(d.search_text)
        .bind(d.holds_personal_data)
        .bind(d.self_procured)
        .bind(d.classified_on)
        .bind(d.classification_review)
        .bind(import_key.map(str::to_string))
        .bind(s.created_at.clone())
        .bind(s.updated_at.clone())
        .bind(s.version)
        .execute(&mut *self.tx)
        .await?;
        self.set_links("system", &s.id, "agreement", &s.details.agreement_ids)
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

    /// Several systems by id (those that exist), read in batches: a re-import compares every row
    /// with its system, and one query each would be 10,000 round trips.
    pub async fn systems_by_id(&mut self, ids: &[String]) -> Result<HashMap<String, System>> {
        let mut out = HashMap::with_capacity(ids.len());
        // Bounded batches keep the statement within every backend's parameter limit.
        for chunk in ids.chunks(200) {
            let mut sql = Sql::new(&format!(
                "{} WHERE s.id IN (",
                register::select_from(TABLE, "s")
            ));
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(Arg::Text(id.clone()));
            }
            sql.push(")");
            let rows: Vec<register::Row> = sql.query_as().fetch_all(&mut *self.tx).await?;
            for r in rows {
                let s = System::try_from(r)?;
                out.insert(s.id.clone(), s);
            }
        }
        Ok(out)
    }

    /// The import keys already used in a controller's register of systems, with the system each
    /// names.
    pub async fn system_import_keys(
        &mut self,
        controller_id: Option<&str>,
    ) -> Result<HashMap<String, String>> {
        // Besides the keys of earlier imports, every system answers to its own id, so that an
        // exported register (whose ID column is the system's id), edited, imports back onto the same
        // systems instead of beside them.
        let mut sql =
            Sql::new("SELECT import_key, id FROM systems WHERE import_key IS NOT NULL AND ");
        push_controller(&mut sql, controller_id);
        sql.push(" UNION ALL SELECT 'id:' || id, id FROM systems WHERE ");
        push_controller(&mut sql, controller_id);
        let rows: Vec<(String, String)> = sql.query_as().fetch_all(&mut *self.tx).await?;
        Ok(rows.into_iter().collect())
    }

    /// Registers many systems owned by `org` at once (an import), each with its import key: many
    /// rows to a statement, so that 10,000 rows are a few hundred round trips. Returns their ids in
    /// order.
    pub async fn create_systems(
        &mut self,
        org: &Organisation,
        rows: Vec<(SystemDetails, String)>,
    ) -> Result<Vec<String>> {
        // 14 values a row: 50 rows stay far below every backend's limit on parameters.
        const CHUNK: usize = 50;
        const COLS: usize = 14;
        let now = self.now().to_string();
        let mut records = Vec::with_capacity(rows.len());
        for (details, key) in rows {
            let details = details.validate().map_err(first_invalid)?;
            self.check_same_controller(
                "agreements",
                "agreement_ids",
                org.controller_id.as_deref(),
                &details.agreement_ids,
            )
            .await?;
            records.push((
                System {
                    id: ombud_domain::ids::new_id(),
                    organisation_id: org.id.clone(),
                    controller_id: org.controller_id.clone(),
                    created_at: now.clone(),
                    updated_at: now.clone(),
                    version: 1,
                    details,
                    organisation_path: org.path.clone(),
                },
                key,
            ));
        }
        for chunk in records.chunks(CHUNK) {
            let mut sql = String::from(
                "INSERT INTO systems (id, organisation_id, controller_id, name, details, search_text, holds_personal_data, \
                 self_procured, classified_on, classification_review, import_key, created_at, updated_at, version) VALUES ",
            );
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                sql.push_str(
                    &(1..=COLS)
                        .map(|k| format!("${}", i * COLS + k))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
                sql.push(')');
            }
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (s, key) in chunk {
                let d = derive(&s.details);
                let json = serde_json::to_string(&s.details)
                    .map_err(|e| StoreError::Database(e.to_string()))?;
                q = q
                    .bind(s.id.clone())
                    .bind(s.organisation_id.clone())
                    .bind(s.controller_id.clone())
                    .bind(s.details.name.clone())
                    .bind(json)
                    .bind(d.search_text)
                    .bind(d.holds_personal_data)
                    .bind(d.self_procured)
                    .bind(d.classified_on)
                    .bind(d.classification_review)
                    .bind(key.clone())
                    .bind(s.created_at.clone())
                    .bind(s.updated_at.clone())
                    .bind(s.version);
            }
            q.execute(&mut *self.tx).await?;
        }
        let mut ids = Vec::with_capacity(records.len());
        for (s, _) in &records {
            if !s.details.agreement_ids.is_empty() {
                self.set_links("system", &s.id, "agreement", &s.details.agreement_ids)
                    .await?;
            }
            self.record(
                Operation::Create,
                "system",
                &s.id,
                Some(&s.organisation_id),
                None::<&()>,
                Some(s),
            )
            .await?;
            ids.push(s.id.clone());
        }
        Ok(ids)
    }

    /// Replaces a system's contents.
    pub async fn update_system(
        &mut self,
        id: &str,
        expected_version: Option<i64>,
        details: SystemDetails,
    ) -> Result<System> {
        let before = load(self, id).await?;
        if let Some(v) = expected_version
            && v != before.version
        {
            return Err(StoreError::Stale {
                current: before.version,
            });
        }
        let details = details.validate().map_err(first_invalid)?;
        if details == before.details {
            return Ok(before);
        }
        if details.agreement_ids != before.details.agreement_ids {
            self.check_same_controller(
                "agreements",
                "agreement_ids",
                before.controller_id.as_deref(),
                &details.agreement_ids,
            )
            .await?;
        }
        let mut after = before.clone();
        after.details = details;
        after.version = before.version + 1;
        after.updated_at = self.now().to_string();
        let d = derive(&after.details);
        let json = serde_json::to_string(&after.details)
            .map_err(|e| StoreError::Database(e.to_string()))?;
        let n = sqlx::query(
            "UPDATE systems SET name = $1, details = $2, search_text = $3, holds_personal_data = $4, \
             self_procured = $5, classified_on = $6, classification_review = $7, updated_at = $8, version = $9 \
             WHERE id = $10 AND version = $11",
        )
        .bind(after.details.name.clone())
        .bind(json)
        .bind(d.search_text)
        .bind(d.holds_personal_data)
        .bind(d.self_procured)
        .bind(d.classified_on)
        .bind(d.classification_review)
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
        if after.details.agreement_ids != before.details.agreement_ids {
            self.set_links(
                "system",
                &after.id,
                "agreement",
                &after.details.agreement_ids,
            )
            .await?;
        }
        self.record(
            Operation::Update,
            "system",
            &after.id,
            Some(&after.organisation_id),
            Some(&before),
            Some(&after),
        )
        .await?;
        Ok(after)
    }

    /// Removes a system; its history stays in the audit trail. Refused with `system_in_use` while
    /// processing activities name it.
    pub async fn delete_system(&mut self, id: &str, expected_version: Option<i64>) -> Result<()> {
        let before = load(self, id).await?;
        if let Some(v) = expected_version
            && v != before.version
        {
            return Err(StoreError::Stale {
                current: before.version,
            });
        }
        let users: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM register_links WHERE to_type = 'system' AND to_id = $1",
        )
        .bind(id.to_string())
        .fetch_one(&mut *self.tx)
        .await?;
        if users > 0 {
            return Err(StoreError::Conflict("system_in_use"));
        }
        sqlx::query("DELETE FROM register_links WHERE from_type = 'system' AND from_id = $1")
            .bind(id.to_string())
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("DELETE FROM systems WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *self.tx)
            .await?;
        self.record(
            Operation::Delete,
            "system",
            id,
            Some(&before.organisation_id),
            Some(&before),
            None::<&()>,
        )
        .await
    }

    /// Refuses links to records of `table` that do not exist or belong to another controller than
    /// `controller_id`: a link never reaches across the border between controllers.
    pub(crate) async fn check_same_controller(
        &mut self,
        table: &str,
        field: &'static str,
        controller_id: Option<&str>,
        ids: &[String],
    ) -> Result<()> {
        for chunk in ids.chunks(200) {
            let mut sql = Sql::new(&format!("SELECT controller_id FROM {table} WHERE id IN ("));
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(Arg::Text(id.clone()));
            }
            sql.push(")");
            let found: Vec<(Option<String>,)> = sql.query_as().fetch_all(&mut *self.tx).await?;
            if found.len() != chunk.len() || found.iter().any(|(c,)| c.as_deref() != controller_id)
            {
                return Err(StoreError::Invalid(ombud_domain::Invalid::new(
                    field,
                    ombud_domain::Rule::UnknownReference,
                )));
            }
        }
        Ok(())
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
