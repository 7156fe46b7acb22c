//! Organisations: the tree of city, controllers and their units.

use crate::paging::{self, Cursor, Page, PageRequest};
use crate::sql::{Arg, Sql, like_escape};
use crate::{Result, Store, StoreError, WriteTx};
use ombud_domain::audit::Operation;
use ombud_domain::authz::{Action, Grant, Scope};
use ombud_domain::ids::OrganisationId;
use ombud_domain::organisation::{self as org, OrgKind, Placement};
use ombud_domain::{Invalid, Rule};
use serde::Serialize;

/// An organisation as callers see it. Also its audit snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    pub kind: OrgKind,
    pub parent_id: Option<String>,
    pub controller: bool,
    pub controller_id: Option<String>,
    /// Where it sits: the ids from the top down, in the audit snapshot so that a move shows.
    pub path: String,
    #[serde(skip)]
    pub depth: i64,
    pub archived_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// Above every organisation: where a city or a controller is created (by the system administrator).
pub fn root_scope() -> Scope {
    Scope {
        path: "/".into(),
        controller_id: None,
        is_top: true,
    }
}

impl Organisation {
    /// Where it sits, for authorisation.
    pub fn scope(&self) -> Scope {
        Scope {
            path: self.path.clone(),
            controller_id: self
                .controller_id
                .as_deref()
                .and_then(OrganisationId::parse),
            is_top: self.controller || self.kind == OrgKind::City,
        }
    }

    fn placement(&self) -> Placement {
        Placement {
            path: self.path.clone(),
            depth: self.depth,
            controller_id: self
                .controller_id
                .as_deref()
                .and_then(OrganisationId::parse),
        }
    }

    pub fn is_archived(&self) -> bool {
        self.archived_at.is_some()
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    name: String,
    kind: String,
    parent_id: Option<String>,
    is_controller: i32,
    controller_id: Option<String>,
    path: String,
    depth: i64,
    archived_at: Option<String>,
    created_at: String,
    updated_at: String,
    version: i64,
}

const COLUMNS: &str = "id, name, kind, parent_id, is_controller, controller_id, path, depth, archived_at, \
                       created_at, updated_at, version";

impl TryFrom<Row> for Organisation {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(Organisation {
            kind: OrgKind::parse(&r.kind)
                .map_err(|_| StoreError::Database(format!("organisation kind {}", r.kind)))?,
            id: r.id,
            name: r.name,
            parent_id: r.parent_id,
            controller: r.is_controller != 0,
            controller_id: r.controller_id,
            path: r.path,
            depth: r.depth,
            archived_at: r.archived_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

/// A new organisation as asked for.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub name: String,
    pub kind: String,
    pub parent_id: Option<String>,
    pub controller: Option<bool>,
}

/// Changes to an organisation; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct OrganisationChanges {
    pub name: Option<String>,
    /// Move under another parent.
    pub parent_id: Option<String>,
    /// Archive (`true`) or restore (`false`).
    pub archived: Option<bool>,
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct OrganisationFilter {
    pub q: Option<String>,
    pub kind: Option<OrgKind>,
    pub parent_id: Option<String>,
    pub controller: Option<bool>,
    pub include_archived: bool,
}

fn search_text(name: &str) -> String {
    name.to_lowercase()
}

impl Store {
    pub async fn organisation(&self, id: &str) -> Result<Organisation> {
        let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM organisations WHERE id = $1"
        )))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// The organisations on a path, top first (for breadcrumbs).
    pub async fn organisations_on_path(&self, path: &str) -> Result<Vec<Organisation>> {
        let ids: Vec<&str> = org::path_ids(path).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM organisations WHERE id IN ("
        ));
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(Arg::Text((*id).to_string()));
        }
        sql.push(") ORDER BY depth");
        let rows: Vec<Row> = sql.query_as().fetch_all(self.pool()).await?;
        rows.into_iter().map(Organisation::try_from).collect()
    }

    /// The active organisations directly under one.
    pub async fn organisation_children(&self, id: &str) -> Result<Vec<Organisation>> {
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM organisations WHERE parent_id = $1 AND archived_at IS NULL ORDER BY name, id"
        )))
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(Organisation::try_from).collect()
    }

    /// The names of organisations, by id, for list pages: kept per instance while the auth epoch
    /// holds (every change to an organisation moves it), so that a page's rows need no join with
    /// the organisations. Read anew when an id is not among them (an organisation created on
    /// another instance that this one has not yet heard of).
    pub(crate) async fn organisation_names<'a>(
        &self,
        ids: impl Iterator<Item = &'a str> + Clone,
    ) -> Result<crate::OrganisationNames> {
        let epoch = self.auth_epoch().await?;
        let known = self
            .organisation_names
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if let Some((at, names)) = known
            && at == epoch
            && ids.clone().all(|id| names.contains_key(id))
        {
            return Ok(names);
        }
        let rows: Vec<(String, String)> = self
            .read_all(Sql::new("SELECT id, name FROM organisations"))
            .await?;
        let names: crate::OrganisationNames = std::sync::Arc::new(rows.into_iter().collect());
        *self
            .organisation_names
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some((epoch, names.clone()));
        Ok(names)
    }

    /// A filtered, keyset-paginated list, sorted by name, of the organisations within `reach`.
    pub async fn organisations(
        &self,
        reach: &ombud_domain::authz::Reach,
        filter: &OrganisationFilter,
        page: &PageRequest,
    ) -> Result<Page<Organisation>> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM organisations o WHERE 1 = 1"
        ));
        if !crate::records::push_reach(&mut sql, reach, "o") {
            return Ok(Page {
                items: Vec::new(),
                next: None,
            });
        }
        if !filter.include_archived {
            sql.push(" AND archived_at IS NULL");
        }
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            sql.push(" AND search_text LIKE ")
                .bind(Arg::Text(format!("%{}%", like_escape(&search_text(q)))))
                .push(" ESCAPE '\\'");
        }
        if let Some(kind) = filter.kind {
            sql.push(" AND kind = ")
                .bind(Arg::Text(kind.as_str().into()));
        }
        if let Some(p) = &filter.parent_id {
            sql.push(" AND parent_id = ").bind(Arg::Text(p.clone()));
        }
        if let Some(c) = filter.controller {
            sql.push(" AND is_controller = ")
                .bind(Arg::Int(i64::from(c)));
        }
        sql.page_by_name("", page);
        let rows: Vec<Row> = self.read_all(sql).await?;
        let items = rows
            .into_iter()
            .map(Organisation::try_from)
            .collect::<Result<Vec<_>>>()?;
        Ok(paging::finish(items, page.limit, |o| Cursor {
            key: o.name.clone(),
            id: o.id.clone(),
        }))
    }
}

async fn load(w: &mut WriteTx<'_>, id: &str) -> Result<Organisation> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM organisations WHERE id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(&mut *w.tx)
    .await?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Loads a parent for placing a node under it: it must exist and be active.
async fn load_parent(w: &mut WriteTx<'_>, id: &str) -> Result<Organisation> {
    match load(w, id).await {
        Ok(p) if !p.is_archived() => Ok(p),
        Ok(_) | Err(StoreError::NotFound) => {
            Err(Invalid::new("parent_id", Rule::ParentRequired).into())
        }
        Err(e) => Err(e),
    }
}

/// Refuses a change no grant in `grants` covers: a bug in the caller, never a person's mistake.
fn ensure(grants: &[&Grant], action: Action, scope: &Scope) -> Result<()> {
    if grants.iter().any(|g| g.allows(action, scope)) {
        Ok(())
    } else {
        Err(StoreError::NotGranted)
    }
}

/// The changes to an organisation, each with the grant that allows it.
pub struct Granted<'g> {
    pub changes: &'g OrganisationChanges,
    /// To rename: `RenameOrganisation` at the organisation.
    pub rename: Option<&'g Grant>,
    /// To move, archive or restore: `RestructureOrganisation` at the organisation.
    pub restructure: Option<&'g Grant>,
    /// To move: `CreateChild` at the new parent (checked against it when it is loaded).
    pub new_parent: Option<&'g Grant>,
}

impl WriteTx<'_> {
    /// Creates an organisation after checking where it may sit. The grant is `CreateChild` at the
    /// parent (at [`root_scope`] for one at the top).
    pub async fn create_organisation(
        &mut self,
        grant: &Grant,
        new: &NewOrganisation,
    ) -> Result<Organisation> {
        let name = org::name(&new.name)?;
        let kind = OrgKind::parse(&new.kind)?;
        let is_controller = org::controller_flag(kind, new.controller)?;
        let parent = match &new.parent_id {
            Some(pid) => Some(load_parent(self, pid).await?),
            None => None,
        };
        let at = parent.as_ref().map_or_else(root_scope, Organisation::scope);
        ensure(&[grant], Action::CreateChild, &at)?;
        org::placement(kind, parent.as_ref().map(|p| p.kind))?;
        let id = OrganisationId::generate();
        let place = org::place(
            &id,
            is_controller,
            parent.as_ref().map(Organisation::placement).as_ref(),
        );
        let o = Organisation {
            id: id.to_string(),
            name,
            kind,
            parent_id: parent.map(|p| p.id),
            controller: is_controller,
            controller_id: place.controller_id.map(|c| c.to_string()),
            path: place.path,
            depth: place.depth,
            archived_at: None,
            created_at: self.now().to_string(),
            updated_at: self.now().to_string(),
            version: 1,
        };
        sqlx::query(
            "INSERT INTO organisations (id, name, search_text, kind, parent_id, is_controller, controller_id, path, \
             depth, archived_at, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10, $11, $12)",
        )
        .bind(o.id.clone())
        .bind(o.name.clone())
        .bind(search_text(&o.name))
        .bind(o.kind.as_str())
        .bind(o.parent_id.clone())
        .bind(i32::from(o.controller))
        .bind(o.controller_id.clone())
        .bind(o.path.clone())
        .bind(o.depth)
        .bind(o.created_at.clone())
        .bind(o.updated_at.clone())
        .bind(o.version)
        .execute(&mut *self.tx)
        .await?;
        self.record_event(
            Operation::Create,
            "organisation",
            &o.id,
            Some(&o.id),
            None::<&()>,
            Some(&o),
        )
        .await?;
        // Every instance's organisation names (see `Store::organisation_names`) learn of it.
        self.bump_auth_epoch().await?;
        Ok(o)
    }

    /// Reads an organisation inside the transaction (the latest committed state).
    pub async fn organisation(&mut self, id: &str) -> Result<Organisation> {
        load(self, id).await
    }

    /// Renames, moves, archives or restores an organisation, each change under its grant. With
    /// `expected_version`, refuses a stale edit.
    ///
    /// A move carries the whole subtree along: every descendant's path changes (each gets its own
    /// audit event), and unless the moving node is itself a controller its records follow it to the
    /// new parent's controller (each record that changes controller gets its own event too). A move
    /// that would leave a link between two records of different controllers is refused with
    /// `move_would_cross_links`: links never cross a controller's border.
    pub async fn update_organisation(
        &mut self,
        id: &str,
        expected_version: Option<i64>,
        granted: Granted<'_>,
    ) -> Result<Organisation> {
        let changes = granted.changes;
        let before = load(self, id).await?;
        if let Some(v) = expected_version
            && v != before.version
        {
            return Err(StoreError::Stale {
                current: before.version,
            });
        }
        let own: Vec<&Grant> = [granted.rename, granted.restructure]
            .into_iter()
            .flatten()
            .collect();
        let mut after = before.clone();
        if let Some(name) = &changes.name {
            ensure(&own, Action::RenameOrganisation, &before.scope())?;
            after.name = org::name(name)?;
        }
        if let Some(archived) = changes.archived {
            ensure(&own, Action::RestructureOrganisation, &before.scope())?;
            if archived && !before.is_archived() {
                let active_children: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM organisations WHERE parent_id = $1 AND archived_at IS NULL",
                )
                .bind(id.to_string())
                .fetch_one(&mut *self.tx)
                .await?;
                if active_children > 0 {
                    return Err(StoreError::Conflict("organisation_has_active_children"));
                }
                after.archived_at = Some(self.now().to_string());
            } else if !archived {
                // Restored only under an active parent (a move in the same change is checked below),
                // so that no active organisation ever sits under an archived one.
                let stays = changes.parent_id.is_none() || changes.parent_id == before.parent_id;
                if before.is_archived()
                    && stays
                    && let Some(pid) = &before.parent_id
                {
                    load_parent(self, pid).await?;
                }
                after.archived_at = None;
            }
        }
        if let Some(new_parent_id) = &changes.parent_id
            && before.parent_id.as_deref() != Some(new_parent_id.as_str())
        {
            ensure(&own, Action::RestructureOrganisation, &before.scope())?;
            let parent = load_parent(self, new_parent_id).await?;
            ensure(
                &granted.new_parent.into_iter().collect::<Vec<_>>(),
                Action::CreateChild,
                &parent.scope(),
            )?;
            org::check_move(&before.path, &parent.path)?;
            org::placement(before.kind, Some(parent.kind))?;
            let place = org::place(
                &OrganisationId::parse(&before.id).ok_or(StoreError::NotFound)?,
                before.controller,
                Some(&parent.placement()),
            );
            let new_controller = place.controller_id.as_ref().map(ToString::to_string);
            let crosses = new_controller != before.controller_id;
            if crosses && self.links_leaving(&before.path).await? > 0 {
                return Err(StoreError::Conflict("move_would_cross_links"));
            }
            let descendants = self.subtree(&before.path).await?;
            // The whole subtree moves with it: paths are rewritten and, unless the moving node is
            // itself the controller, its descendants now belong to the new parent's controller.
            sqlx::query(
                "UPDATE organisations SET path = $1 || substr(path, CAST($2 AS INTEGER)), depth = depth + $3, \
                 controller_id = $4 WHERE path LIKE $5 ESCAPE '\\'",
            )
            .bind(place.path.clone())
            .bind(before.path.len() as i64 + 1)
            .bind(place.depth - before.depth)
            .bind(new_controller.clone())
            .bind(format!("{}%", like_escape(&before.path)))
            .execute(&mut *self.tx)
            .await?;
            for d in descendants.into_iter().filter(|d| d.id != before.id) {
                let moved = load(self, &d.id).await?;
                self.record_event(
                    Operation::Update,
                    "organisation",
                    &d.id,
                    Some(&d.id),
                    Some(&d),
                    Some(&moved),
                )
                .await?;
            }
            if crosses {
                self.move_records(&place.path, new_controller.as_deref())
                    .await?;
            }
            after.parent_id = Some(parent.id);
            after.path = place.path;
            after.depth = place.depth;
            after.controller_id = new_controller;
        }
        if after == before {
            return Ok(before);
        }
        after.version = before.version + 1;
        after.updated_at = self.now().to_string();
        let n = sqlx::query(
            "UPDATE organisations SET name = $1, search_text = $2, parent_id = $3, archived_at = $4, \
             updated_at = $5, version = $6 WHERE id = $7 AND version = $8",
        )
        .bind(after.name.clone())
        .bind(search_text(&after.name))
        .bind(after.parent_id.clone())
        .bind(after.archived_at.clone())
        .bind(after.updated_at.clone())
        .bind(after.version)
        .bind(id.to_string())
        .bind(before.version)
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Stale {
                current: before.version,
            });
        }
        let op = if after.is_archived() && !before.is_archived() {
            Operation::Delete
        } else {
            Operation::Update
        };
        self.record_event(
            op,
            "organisation",
            id,
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        // Not only a change of who may do what: every instance's organisation names (see
        // `Store::organisation_names`) are trusted only while the epoch holds.
        self.bump_auth_epoch().await?;
        Ok(after)
    }

    /// Every organisation in the subtree at `path`, the top included.
    async fn subtree(&mut self, path: &str) -> Result<Vec<Organisation>> {
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM organisations WHERE path LIKE $1 ESCAPE '\\' ORDER BY path"
        )))
        .bind(format!("{}%", like_escape(path)))
        .fetch_all(&mut *self.tx)
        .await?;
        rows.into_iter().map(Organisation::try_from).collect()
    }

    /// The ids of every record of every kind owned in the subtree at `path`, as SQL to nest.
    fn records_in(path_param: &str) -> String {
        ombud_domain::kernel::Kind::ALL
            .iter()
            .map(|k| {
                format!(
                    "SELECT r.id FROM {} r JOIN organisations o ON o.id = r.organisation_id \
                     WHERE o.path LIKE {path_param} ESCAPE '\\'",
                    k.info().table
                )
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ")
    }

    /// How many links join a record in the subtree at `path` with one outside it.
    async fn links_leaving(&mut self, path: &str) -> Result<i64> {
        let inside = Self::records_in("$1");
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM register_links l WHERE \
             (l.from_id IN ({inside}) AND l.to_id NOT IN ({inside})) OR \
             (l.to_id IN ({inside}) AND l.from_id NOT IN ({inside}))"
        )))
        .bind(format!("{}%", like_escape(path)))
        .fetch_one(&mut *self.tx)
        .await?)
    }

    /// Gives every record owned in the subtree at `path` the controller `controller`, each change an
    /// audit event of its own.
    async fn move_records(&mut self, path: &str, controller: Option<&str>) -> Result<()> {
        for k in ombud_domain::kernel::Kind::ALL {
            let table = k.info().table;
            let rows: Vec<(String, Option<String>, String, i64)> =
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT r.id, r.controller_id, r.organisation_id, r.version FROM {table} r \
                     JOIN organisations o ON o.id = r.organisation_id WHERE o.path LIKE $1 ESCAPE '\\'"
                )))
                .bind(format!("{}%", like_escape(path)))
                .fetch_all(&mut *self.tx)
                .await?;
            for (id, old, organisation_id, version) in rows {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "UPDATE {table} SET controller_id = $1, version = version + 1, updated_at = $2 WHERE id = $3"
                )))
                .bind(controller.map(str::to_string))
                .bind(self.now().to_string())
                .bind(id.clone())
                .execute(&mut *self.tx)
                .await?;
                let before = serde_json::json!({ "controller_id": old, "version": version });
                let after =
                    serde_json::json!({ "controller_id": controller, "version": version + 1 });
                self.record_event(
                    Operation::Update,
                    k.code(),
                    &id,
                    Some(&organisation_id),
                    Some(&before),
                    Some(&after),
                )
                .await?;
            }
        }
        Ok(())
    }
}
