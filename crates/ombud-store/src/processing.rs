//! Processing activities: the register of processing activities (GDPR art. 30).

use crate::organisations::{Organisation, Visibility};
use crate::paging::{self, Cursor, Page, PageRequest};
use crate::register::first_invalid;
use crate::sql::{Arg, Sql, like_escape};
use crate::{Result, Store, StoreError, WriteTx};
use ombud_domain::audit::Operation;
use ombud_domain::authz::Scope;
use ombud_domain::ids::OrganisationId;
use ombud_domain::register::gaps;
use ombud_domain::register::processing::ProcessingDetails;
use ombud_domain::register::workflow::{self, Status};
use serde::Serialize;

/// A processing activity as callers see it. Also its audit snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcessingActivity {
    pub id: String,
    pub organisation_id: String,
    pub controller_id: Option<String>,
    pub status: Status,
    pub next_review: Option<String>,
    pub approved_at: Option<String>,
    pub approved_by: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
    #[serde(flatten)]
    pub details: ProcessingDetails,
    /// The owning organisation's path, for authorisation.
    #[serde(skip)]
    pub organisation_path: String,
}

impl ProcessingActivity {
    pub fn scope(&self) -> Scope {
        Scope {
            path: self.organisation_path.clone(),
            controller_id: self.controller_id.clone().map(OrganisationId),
            is_top: false,
        }
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    organisation_id: String,
    controller_id: Option<String>,
    status: String,
    details: String,
    next_review: Option<String>,
    approved_at: Option<String>,
    approved_by: Option<String>,
    created_at: String,
    updated_at: String,
    version: i64,
    organisation_path: String,
}

const COLUMNS: &str = "p.id, p.organisation_id, p.controller_id, p.status, p.details, p.next_review, p.approved_at, \
                       p.approved_by, p.created_at, p.updated_at, p.version, o.path AS organisation_path";

impl TryFrom<Row> for ProcessingActivity {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(ProcessingActivity {
            status: Status::parse(&r.status)
                .ok_or_else(|| StoreError::Database(format!("status {}", r.status)))?,
            details: serde_json::from_str(&r.details)
                .map_err(|e| StoreError::Database(format!("details of {}: {e}", r.id)))?,
            id: r.id,
            organisation_id: r.organisation_id,
            controller_id: r.controller_id,
            next_review: r.next_review,
            approved_at: r.approved_at,
            approved_by: r.approved_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
            organisation_path: r.organisation_path,
        })
    }
}

/// A processing activity as a list shows it: what is filtered, sorted and counted on, without the
/// full contents (which a list does not need and would make a page of 50 ten times larger).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcessingSummary {
    pub id: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub controller_id: Option<String>,
    pub name: String,
    pub status: String,
    pub role: String,
    pub special_categories: crate::people::IntFlag,
    pub criminal_offence_data: crate::people::IntFlag,
    pub protected_identity: crate::people::IntFlag,
    pub personal_identity_numbers: crate::people::IntFlag,
    pub third_country: crate::people::IntFlag,
    pub high_risk_markers: i64,
    /// Content gap codes, comma-separated (an overdue review is not among them).
    pub gap_codes: String,
    pub next_review: Option<String>,
    pub updated_at: String,
    pub version: i64,
}

/// Separates the rows of a packed summary page (ASCII record separator).
const ROW_SEP: char = '\u{1e}';
/// Separates the columns of a packed summary row (ASCII unit separator). Neither separator can occur
/// in a stored value: names refuse control characters, and the other columns are codes, ids, dates
/// and numbers.
const COL_SEP: char = '\u{1f}';

/// A summary row as one text value, its columns in the order of [`ProcessingSummary::unpack`].
const SUMMARY_LINE: &str = "p.id || '\u{1f}' || p.organisation_id || '\u{1f}' || o.name || '\u{1f}' || \
    COALESCE(p.controller_id, '') || '\u{1f}' || p.name || '\u{1f}' || p.status || '\u{1f}' || p.role || '\u{1f}' || \
    CAST(p.special_categories AS TEXT) || '\u{1f}' || CAST(p.criminal_offence_data AS TEXT) || '\u{1f}' || \
    CAST(p.protected_identity AS TEXT) || '\u{1f}' || CAST(p.personal_identity_numbers AS TEXT) || '\u{1f}' || \
    CAST(p.third_country AS TEXT) || '\u{1f}' || CAST(p.high_risk_markers AS TEXT) || '\u{1f}' || \
    p.gap_codes || '\u{1f}' || COALESCE(p.next_review, '') || '\u{1f}' || p.updated_at || '\u{1f}' || \
    CAST(p.version AS TEXT)";

impl ProcessingSummary {
    /// Reads one row of [`SUMMARY_LINE`].
    fn unpack(line: &str) -> Result<ProcessingSummary> {
        let bad = || StoreError::Database(format!("unreadable summary row: {line:?}"));
        let f: Vec<&str> = line.split(COL_SEP).collect();
        let [
            id,
            organisation_id,
            organisation_name,
            controller_id,
            name,
            status,
            role,
            special,
            criminal,
            protected,
            pin,
            third,
            markers,
            gap_codes,
            next_review,
            updated_at,
            version,
        ] = f.as_slice()
        else {
            return Err(bad());
        };
        let flag = |v: &str| crate::people::IntFlag(v != "0");
        let text = |v: &str| v.to_string();
        let optional = |v: &str| (!v.is_empty()).then(|| v.to_string());
        Ok(ProcessingSummary {
            id: text(id),
            organisation_id: text(organisation_id),
            organisation_name: text(organisation_name),
            controller_id: optional(controller_id),
            name: text(name),
            status: text(status),
            role: text(role),
            special_categories: flag(special),
            criminal_offence_data: flag(criminal),
            protected_identity: flag(protected),
            personal_identity_numbers: flag(pin),
            third_country: flag(third),
            high_risk_markers: markers.parse().map_err(|_| bad())?,
            gap_codes: text(gap_codes),
            next_review: optional(next_review),
            updated_at: text(updated_at),
            version: version.parse().map_err(|_| bad())?,
        })
    }
}

/// The orders the register of processing activities can be read in.
pub type ProcessingSort = crate::register::Sort;

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct ProcessingFilter {
    /// Only records of this organisation and its subtree (given as the organisation's path).
    pub within_path: Option<String>,
    /// With `within_path`: the controller of that organisation (`Some(None)` for none), which keeps
    /// the query on the controller's index range.
    pub within_controller: Option<Option<String>>,
    pub q: Option<String>,
    pub status: Option<Status>,
    pub special_categories: Option<bool>,
    pub protected_identity: Option<bool>,
    pub personal_identity_numbers: Option<bool>,
    pub third_country: Option<bool>,
    pub criminal_offence_data: Option<bool>,
    /// Only records with (or without) gaps, counting an overdue review as one.
    pub has_gaps: Option<bool>,
    /// Only records whose next review has passed.
    pub overdue: bool,
    /// Today, `YYYY-MM-DD`, for the overdue test.
    pub today: String,
}

impl ProcessingFilter {
    /// Only the records of `org`'s subtree, never past its controller's border (a city's subtree
    /// holds every controller's records). For a controller itself the controller column says it all,
    /// and the path condition is left out: with it, PostgreSQL walks organisations by path instead of
    /// reading the controller's index in list order.
    pub fn within(org: &Organisation) -> ProcessingFilter {
        ProcessingFilter {
            within_path: (!org.controller).then(|| org.path.clone()),
            within_controller: Some(org.controller_id.clone()),
            ..ProcessingFilter::default()
        }
    }
}

fn flag(b: bool) -> i32 {
    i32::from(b)
}

/// Applies visibility: only rows in scopes the caller reads.
pub(crate) fn push_visibility(sql: &mut Sql, visibility: &Visibility, table: &str) -> bool {
    match visibility {
        Visibility::Everything => true,
        Visibility::Scopes(scopes) if scopes.is_empty() => false,
        Visibility::Scopes(scopes) => {
            sql.push(" AND (");
            for (i, (path, controller)) in scopes.iter().enumerate() {
                if i > 0 {
                    sql.push(" OR ");
                }
                sql.push("(o.path LIKE ")
                    .bind(Arg::Text(format!("{}%", like_escape(path))))
                    .push(" ESCAPE '\\'");
                match controller {
                    Some(c) => sql
                        .push(&format!(" AND {table}.controller_id = "))
                        .bind(Arg::Text(c.clone())),
                    None => sql.push(&format!(" AND {table}.controller_id IS NULL")),
                };
                sql.push(")");
            }
            sql.push(")");
            true
        }
    }
}

impl Store {
    pub async fn processing_activity(&self, id: &str) -> Result<ProcessingActivity> {
        let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM processing_activities p JOIN organisations o ON o.id = p.organisation_id WHERE p.id = $1"
        )))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// A filtered, keyset-paginated list by name.
    pub async fn processing_activities(
        &self,
        visibility: &Visibility,
        filter: &ProcessingFilter,
        page: &PageRequest,
    ) -> Result<Page<ProcessingActivity>> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM processing_activities p JOIN organisations o ON o.id = p.organisation_id WHERE 1 = 1"
        ));
        if !push_visibility(&mut sql, visibility, "p") {
            return Ok(Page {
                items: Vec::new(),
                next: None,
            });
        }
        push_filter(&mut sql, filter);
        sql.page_by_name("p", page);
        let rows: Vec<Row> = sql.query_as().fetch_all(self.pool()).await?;
        let items = rows
            .into_iter()
            .map(ProcessingActivity::try_from)
            .collect::<Result<Vec<_>>>()?;
        Ok(paging::finish(items, page.limit, |p| Cursor {
            key: p.details.name.clone(),
            id: p.id.clone(),
        }))
    }

    /// How many records the list's filters match, by review status (the figures a DPO reports:
    /// "171 st. varav 4 godkända, …"). Statuses without records are left out.
    pub async fn processing_counts(
        &self,
        visibility: &Visibility,
        filter: &ProcessingFilter,
    ) -> Result<Vec<(Status, i64)>> {
        let mut sql = Sql::new(
            "SELECT p.status, COUNT(*) FROM processing_activities p JOIN organisations o ON o.id = p.organisation_id WHERE 1 = 1",
        );
        if !push_visibility(&mut sql, visibility, "p") {
            return Ok(Vec::new());
        }
        push_filter(&mut sql, filter);
        sql.push(" GROUP BY p.status");
        let rows: Vec<(String, i64)> = sql.query_as().fetch_all(self.pool()).await?;
        let mut out: Vec<(Status, i64)> = rows
            .into_iter()
            .filter_map(|(s, n)| Status::parse(&s).map(|s| (s, n)))
            .collect();
        out.sort_by_key(|(s, _)| Status::ALL.iter().position(|x| x == s));
        Ok(out)
    }

    /// The same list as [`Store::processing_activities`], as summaries.
    pub async fn processing_summaries(
        &self,
        visibility: &Visibility,
        filter: &ProcessingFilter,
        sort: ProcessingSort,
        page: &PageRequest,
    ) -> Result<Page<ProcessingSummary>> {
        // The page comes back as one text value rather than as rows: each row through sqlx's `Any`
        // costs a hop between threads and a conversion per column, which made a 50-row page several
        // times dearer than the query itself. `string_agg … ORDER BY` reads the same in SQLite
        // (3.44+) and PostgreSQL.
        let (key, descending) = sort.key("p", "next_review");
        let order = if descending { " DESC" } else { "" };
        let mut sql = Sql::new(&format!(
            "SELECT string_agg(t.line, '{ROW_SEP}' ORDER BY t.k{order}, t.id{order}) FROM (SELECT {SUMMARY_LINE} AS line, \
             {key} AS k, p.id AS id FROM processing_activities p JOIN organisations o ON o.id = p.organisation_id WHERE 1 = 1"
        ));
        if !push_visibility(&mut sql, visibility, "p") {
            return Ok(Page {
                items: Vec::new(),
                next: None,
            });
        }
        push_filter(&mut sql, filter);
        sql.page_by(&key, "p.id", descending, page);
        sql.push(") t");
        let (packed,): (Option<String>,) = sql.query_as().fetch_one(self.pool()).await?;
        let rows = match packed {
            Some(text) => text
                .split(ROW_SEP)
                .map(ProcessingSummary::unpack)
                .collect::<Result<Vec<_>>>()?,
            None => Vec::new(),
        };
        Ok(paging::finish(rows, page.limit, |p| Cursor {
            key: sort.value(&p.name, p.next_review.as_deref(), &p.updated_at),
            id: p.id.clone(),
        }))
    }

    /// The stored content gaps of every processing activity in an organisation's subtree: id, name,
    /// gap codes and next review. Gaps are derived when a record is written, so reading them needs no
    /// record to be parsed.
    pub async fn processing_gap_codes_within(
        &self,
        org: &Organisation,
    ) -> Result<Vec<(String, String, String, Option<String>)>> {
        let mut sql = Sql::new(
            "SELECT p.id, p.name, p.gap_codes, p.next_review FROM processing_activities p \
             JOIN organisations o ON o.id = p.organisation_id WHERE 1 = 1",
        );
        push_filter(&mut sql, &ProcessingFilter::within(org));
        sql.push(" ORDER BY p.name, p.id");
        Ok(sql.query_as().fetch_all(self.pool()).await?)
    }

    /// Every processing activity in an organisation's subtree, unpaged (for gaps and exports).
    pub async fn processing_activities_within(
        &self,
        org: &Organisation,
    ) -> Result<Vec<ProcessingActivity>> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM processing_activities p JOIN organisations o ON o.id = p.organisation_id WHERE 1 = 1"
        ));
        push_filter(&mut sql, &ProcessingFilter::within(org));
        sql.push(" ORDER BY p.name, p.id");
        let rows: Vec<Row> = sql.query_as().fetch_all(self.pool()).await?;
        rows.into_iter().map(ProcessingActivity::try_from).collect()
    }
}

fn push_filter(sql: &mut Sql, f: &ProcessingFilter) {
    match &f.within_controller {
        Some(Some(c)) => {
            sql.push(" AND p.controller_id = ")
                .bind(Arg::Text(c.clone()));
        }
        Some(None) => {
            sql.push(" AND p.controller_id IS NULL");
        }
        None => {}
    }
    crate::register::push_within_path(sql, f.within_path.as_deref());
    crate::register::push_words(sql, "p", f.q.as_deref());
    if let Some(s) = f.status {
        sql.push(" AND p.status = ")
            .bind(Arg::Text(s.as_str().into()));
    }
    let flags: [(&str, Option<bool>); 5] = [
        ("special_categories", f.special_categories),
        ("protected_identity", f.protected_identity),
        ("personal_identity_numbers", f.personal_identity_numbers),
        ("third_country", f.third_country),
        ("criminal_offence_data", f.criminal_offence_data),
    ];
    for (col, v) in flags {
        if let Some(v) = v {
            sql.push(&format!(" AND p.{col} = "))
                .bind(Arg::Int(i64::from(v)));
        }
    }
    let overdue = |sql: &mut Sql| {
        sql.push("(p.next_review IS NOT NULL AND p.next_review < ")
            .bind(Arg::Text(f.today.clone()))
            .push(")");
    };
    if f.overdue {
        sql.push(" AND ");
        overdue(sql);
    }
    match f.has_gaps {
        Some(true) => {
            sql.push(" AND (p.gap_codes <> '' OR ");
            overdue(sql);
            sql.push(")");
        }
        Some(false) => {
            sql.push(" AND p.gap_codes = '' AND NOT ");
            overdue(sql);
        }
        None => {}
    }
}

/// The derived columns of a record.
struct Derived {
    search_text: String,
    special_categories: i32,
    criminal_offence_data: i32,
    protected_identity: i32,
    personal_identity_numbers: i32,
    third_country: i32,
    high_risk_markers: i64,
    gap_codes: String,
}

fn derive(d: &ProcessingDetails) -> Derived {
    // Gaps that do not depend on the date: computed with no review date set.
    let gap_codes = gaps::processing_gaps(d, None, jiff::civil::date(2000, 1, 1))
        .iter()
        .map(|g| g.code())
        .collect::<Vec<_>>()
        .join(",");
    Derived {
        search_text: d.search_text(),
        special_categories: flag(!d.special_categories.is_empty()),
        criminal_offence_data: flag(d.criminal_offence_data),
        protected_identity: flag(d.protected_identity),
        personal_identity_numbers: flag(d.personal_identity_numbers),
        third_country: flag(!d.third_country_transfers.is_empty()),
        high_risk_markers: d.risk_markers().len() as i64,
        gap_codes,
    }
}

async fn load(w: &mut WriteTx<'_>, id: &str) -> Result<ProcessingActivity> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM processing_activities p JOIN organisations o ON o.id = p.organisation_id WHERE p.id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(&mut *w.tx)
    .await?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

impl WriteTx<'_> {
    pub async fn processing_activity(&mut self, id: &str) -> Result<ProcessingActivity> {
        load(self, id).await
    }

    /// The processing activities of these ids, by id (an import reads the records it may update
    /// this way: a few queries rather than one per row).
    pub async fn processing_activities_by_id(
        &mut self,
        ids: &[String],
    ) -> Result<std::collections::HashMap<String, ProcessingActivity>> {
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        // Bounded batches keep the statement within every backend's parameter limit.
        for chunk in ids.chunks(200) {
            let mut sql = Sql::new(&format!(
                "SELECT {COLUMNS} FROM processing_activities p JOIN organisations o ON o.id = p.organisation_id \
                 WHERE p.id IN ("
            ));
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(Arg::Text(id.clone()));
            }
            sql.push(")");
            let rows: Vec<Row> = sql.query_as().fetch_all(&mut *self.tx).await?;
            for r in rows {
                let p = ProcessingActivity::try_from(r)?;
                out.insert(p.id.clone(), p);
            }
        }
        Ok(out)
    }

    /// The import keys already used in a controller's register, with the record each names.
    pub async fn processing_import_keys(
        &mut self,
        controller_id: Option<&str>,
    ) -> Result<std::collections::HashMap<String, String>> {
        let rows: Vec<(String, String)> = match controller_id {
            Some(c) => {
                sqlx::query_as("SELECT import_key, id FROM processing_activities WHERE controller_id = $1 AND import_key IS NOT NULL")
                    .bind(c.to_string())
                    .fetch_all(&mut *self.tx)
                    .await?
            }
            None => {
                sqlx::query_as("SELECT import_key, id FROM processing_activities WHERE controller_id IS NULL AND import_key IS NOT NULL")
                    .fetch_all(&mut *self.tx)
                    .await?
            }
        };
        Ok(rows.into_iter().collect())
    }

    /// Registers a processing activity owned by `org`, under review status "under bearbetning".
    /// With an `import_key`, a record already imported under that key is updated instead.
    pub async fn create_processing_activity(
        &mut self,
        org: &Organisation,
        details: ProcessingDetails,
        import_key: Option<&str>,
    ) -> Result<ProcessingActivity> {
        let details = details.validate().map_err(first_invalid)?;
        let d = derive(&details);
        let json =
            serde_json::to_string(&details).map_err(|e| StoreError::Database(e.to_string()))?;
        let now = self.now().to_string();
        let p = ProcessingActivity {
            id: ombud_domain::ids::new_id(),
            organisation_id: org.id.clone(),
            controller_id: org.controller_id.clone(),
            status: Status::UnderBearbetning,
            next_review: None,
            approved_at: None,
            approved_by: None,
            created_at: now.clone(),
            updated_at: now,
            version: 1,
            details,
            organisation_path: org.path.clone(),
        };
        sqlx::query(
            "INSERT INTO processing_activities (id, organisation_id, controller_id, name, status, role, details, \
             search_text, special_categories, criminal_offence_data, protected_identity, personal_identity_numbers, \
             third_country, high_risk_markers, gap_codes, next_review, approved_at, approved_by, import_key, \
             created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, NULL, NULL, NULL, $16, $17, $18, $19)",
        )
        .bind(p.id.clone())
        .bind(p.organisation_id.clone())
        .bind(p.controller_id.clone())
        .bind(p.details.name.clone())
        .bind(p.status.as_str())
        .bind(role_str(&p.details))
        .bind(json)
        .bind(d.search_text)
        .bind(d.special_categories)
        .bind(d.criminal_offence_data)
        .bind(d.protected_identity)
        .bind(d.personal_identity_numbers)
        .bind(d.third_country)
        .bind(d.high_risk_markers)
        .bind(d.gap_codes)
        .bind(import_key.map(str::to_string))
        .bind(p.created_at.clone())
        .bind(p.updated_at.clone())
        .bind(p.version)
        .execute(&mut *self.tx)
        .await?;
        self.link_new(&p).await?;
        self.record(
            Operation::Create,
            "processing_activity",
            &p.id,
            Some(&p.organisation_id),
            None::<&()>,
            Some(&p),
        )
        .await?;
        Ok(p)
    }

    /// Registers many processing activities owned by `org` at once (an import), each with its import
    /// key: many rows to a statement. Returns their ids in order.
    pub async fn create_processing_activities(
        &mut self,
        org: &Organisation,
        rows: Vec<(ProcessingDetails, String)>,
    ) -> Result<Vec<String>> {
        const CHUNK: usize = 50;
        let mut ids = Vec::with_capacity(rows.len());
        let mut records = Vec::with_capacity(rows.len());
        for (details, key) in rows {
            let details = details.validate().map_err(first_invalid)?;
            let now = self.now().to_string();
            records.push((
                ProcessingActivity {
                    id: ombud_domain::ids::new_id(),
                    organisation_id: org.id.clone(),
                    controller_id: org.controller_id.clone(),
                    status: Status::UnderBearbetning,
                    next_review: None,
                    approved_at: None,
                    approved_by: None,
                    created_at: now.clone(),
                    updated_at: now,
                    version: 1,
                    details,
                    organisation_path: org.path.clone(),
                },
                key,
            ));
        }
        for chunk in records.chunks(CHUNK) {
            let mut sql = String::from(
                "INSERT INTO processing_activities (id, organisation_id, controller_id, name, status, role, details, \
                 search_text, special_categories, criminal_offence_data, protected_identity, personal_identity_numbers, \
                 third_country, high_risk_markers, gap_codes, import_key, created_at, updated_at, version) VALUES ",
            );
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                sql.push_str(
                    &(1..=19)
                        .map(|k| format!("${}", i * 19 + k))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
                sql.push(')');
            }
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (p, key) in chunk {
                let d = derive(&p.details);
                let json = serde_json::to_string(&p.details)
                    .map_err(|e| StoreError::Database(e.to_string()))?;
                q = q
                    .bind(p.id.clone())
                    .bind(p.organisation_id.clone())
                    .bind(p.controller_id.clone())
                    .bind(p.details.name.clone())
                    .bind(p.status.as_str())
                    .bind(role_str(&p.details))
                    .bind(json)
                    .bind(d.search_text)
                    .bind(d.special_categories)
                    .bind(d.criminal_offence_data)
                    .bind(d.protected_identity)
                    .bind(d.personal_identity_numbers)
                    .bind(d.third_country)
                    .bind(d.high_risk_markers)
                    .bind(d.gap_codes)
                    .bind(key.clone())
                    .bind(p.created_at.clone())
                    .bind(p.updated_at.clone())
                    .bind(p.version);
            }
            q.execute(&mut *self.tx).await?;
        }
        for (p, _) in &records {
            self.link_new(p).await?;
            self.record(
                Operation::Create,
                "processing_activity",
                &p.id,
                Some(&p.organisation_id),
                None::<&()>,
                Some(p),
            )
            .await?;
            ids.push(p.id.clone());
        }
        Ok(ids)
    }

    /// Refuses links to systems or agreements that do not exist or that another controller owns
    /// (only the links that changed are looked up: an unchanged link was checked when it was made).
    async fn check_links(
        &mut self,
        p: &ProcessingActivity,
        before: Option<&ProcessingActivity>,
    ) -> Result<()> {
        let controller = p.controller_id.as_deref();
        if before.is_none_or(|b| b.details.system_ids != p.details.system_ids) {
            self.check_same_controller("systems", "system_ids", controller, &p.details.system_ids)
                .await?;
        }
        if before.is_none_or(|b| b.details.agreement_ids != p.details.agreement_ids) {
            self.check_same_controller(
                "agreements",
                "agreement_ids",
                controller,
                &p.details.agreement_ids,
            )
            .await?;
        }
        Ok(())
    }

    /// Links a new record to its systems and agreements (a new record has none yet: only inserts).
    async fn link_new(&mut self, p: &ProcessingActivity) -> Result<()> {
        self.check_links(p, None).await?;
        if !p.details.system_ids.is_empty() {
            self.set_links(
                "processing_activity",
                &p.id,
                "system",
                &p.details.system_ids,
            )
            .await?;
        }
        if !p.details.agreement_ids.is_empty() {
            self.set_links(
                "processing_activity",
                &p.id,
                "agreement",
                &p.details.agreement_ids,
            )
            .await?;
        }
        Ok(())
    }

    /// Replaces a record's contents (and its next review date when given). An approved record that
    /// changes is reopened.
    pub async fn update_processing_activity(
        &mut self,
        id: &str,
        expected_version: Option<i64>,
        details: ProcessingDetails,
        next_review: Option<Option<String>>,
    ) -> Result<ProcessingActivity> {
        let before = load(self, id).await?;
        if let Some(v) = expected_version
            && v != before.version
        {
            return Err(StoreError::Stale {
                current: before.version,
            });
        }
        let details = details.validate().map_err(first_invalid)?;
        let mut after = before.clone();
        if details != before.details {
            after.status = workflow::status_after_edit(before.status);
        }
        after.details = details;
        if let Some(nr) = next_review {
            if let Some(date) = &nr {
                date.parse::<jiff::civil::Date>().map_err(|_| {
                    ombud_domain::Invalid::new("next_review", ombud_domain::Rule::InvalidDate)
                })?;
            }
            after.next_review = nr;
        }
        if after == before {
            return Ok(before);
        }
        self.save_processing(&before, after).await
    }

    /// Moves a record along the workflow (the caller has checked the step against the roles).
    pub async fn transition_processing_activity(
        &mut self,
        id: &str,
        expected_version: Option<i64>,
        to: Status,
        today: jiff::civil::Date,
    ) -> Result<ProcessingActivity> {
        let before = load(self, id).await?;
        if let Some(v) = expected_version
            && v != before.version
        {
            return Err(StoreError::Stale {
                current: before.version,
            });
        }
        let mut after = before.clone();
        after.status = to;
        if to == Status::Godkand {
            after.approved_at = Some(self.now().to_string());
            after.approved_by = Some(self.actor().name.clone());
            after.next_review = Some(workflow::next_review_after(today).to_string());
        }
        self.save_processing(&before, after).await
    }

    /// Removes a record; its history stays in the audit trail.
    pub async fn delete_processing_activity(
        &mut self,
        id: &str,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let before = load(self, id).await?;
        if let Some(v) = expected_version
            && v != before.version
        {
            return Err(StoreError::Stale {
                current: before.version,
            });
        }
        sqlx::query("DELETE FROM register_links WHERE (from_type = 'processing_activity' AND from_id = $1) OR (to_type = 'processing_activity' AND to_id = $1)")
            .bind(id.to_string())
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("DELETE FROM processing_activities WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *self.tx)
            .await?;
        self.record(
            Operation::Delete,
            "processing_activity",
            id,
            Some(&before.organisation_id),
            Some(&before),
            None::<&()>,
        )
        .await
    }

    async fn save_processing(
        &mut self,
        before: &ProcessingActivity,
        mut after: ProcessingActivity,
    ) -> Result<ProcessingActivity> {
        after.version = before.version + 1;
        after.updated_at = self.now().to_string();
        let d = derive(&after.details);
        let json = serde_json::to_string(&after.details)
            .map_err(|e| StoreError::Database(e.to_string()))?;
        let n = sqlx::query(
            "UPDATE processing_activities SET name = $1, status = $2, role = $3, details = $4, search_text = $5, \
             special_categories = $6, criminal_offence_data = $7, protected_identity = $8, \
             personal_identity_numbers = $9, third_country = $10, high_risk_markers = $11, gap_codes = $12, \
             next_review = $13, approved_at = $14, approved_by = $15, updated_at = $16, version = $17 \
             WHERE id = $18 AND version = $19",
        )
        .bind(after.details.name.clone())
        .bind(after.status.as_str())
        .bind(role_str(&after.details))
        .bind(json)
        .bind(d.search_text)
        .bind(d.special_categories)
        .bind(d.criminal_offence_data)
        .bind(d.protected_identity)
        .bind(d.personal_identity_numbers)
        .bind(d.third_country)
        .bind(d.high_risk_markers)
        .bind(d.gap_codes)
        .bind(after.next_review.clone())
        .bind(after.approved_at.clone())
        .bind(after.approved_by.clone())
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
        self.check_links(&after, Some(before)).await?;
        if after.details.system_ids != before.details.system_ids {
            self.set_links(
                "processing_activity",
                &after.id,
                "system",
                &after.details.system_ids,
            )
            .await?;
        }
        if after.details.agreement_ids != before.details.agreement_ids {
            self.set_links(
                "processing_activity",
                &after.id,
                "agreement",
                &after.details.agreement_ids,
            )
            .await?;
        }
        self.record(
            Operation::Update,
            "processing_activity",
            &after.id,
            Some(&after.organisation_id),
            Some(before),
            Some(&after),
        )
        .await?;
        Ok(after)
    }
}

fn role_str(d: &ProcessingDetails) -> &'static str {
    match d.role {
        ombud_domain::register::processing::ProcessingRole::Controller => "controller",
        ombud_domain::register::processing::ProcessingRole::Processor => "processor",
    }
}
