//! The one service of every kind of record: read, list, create, change by merge patch, delete, take a
//! workflow step, and the history — each authorised once, each write one transaction with its audit
//! event, the same for every kind the kernel declares.
//!
//! A record the caller may not read is "not found", exactly as one that does not exist. An
//! organisation the caller may not use, or that does not exist, is refused alike as an unknown
//! reference. A link is only made to a record the caller may read, of the same controller.

use crate::{App, AppError, Caller, Page, PageRequest, Result, today};
use ombud_domain::audit::Event;
use ombud_domain::authz::{Action, Denied, Reach};
use ombud_domain::ids::{OrganisationId, RecordId};
use ombud_domain::kernel::field::Input;
use ombud_domain::kernel::gaps::{GapRule, is_overdue};
use ombud_domain::kernel::parse::{self, Source, Valid};
use ombud_domain::kernel::query::{Cond, Condition, Filter, FilterKind, FilterValue, Sort};
use ombud_domain::kernel::workflow::{Step, StepError, StepInput};
use ombud_domain::kernel::{self, Descriptor, Incoming, Kind, KindInfo, StepContext, patch};
use ombud_domain::{Invalid, Rule};
use ombud_store::WriteTx;
use ombud_store::organisations::Organisation;
use ombud_store::records::{ListQuery, ListRow, Stored, Within};
use serde_json::{Map, Value};

/// A record as a caller sees it: the record, its gaps today, which records link to it, and what the
/// caller may do with it.
#[derive(Debug, Clone)]
pub struct RecordView<D> {
    pub record: Stored<D>,
    pub gaps: Vec<GapRule>,
    pub incoming: Incoming,
    /// The workflow steps the caller may take from where the record is.
    pub steps: Vec<&'static Step>,
    pub may_edit: bool,
}

/// What a list asks for.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    /// Only this organisation's subtree.
    pub organisation_id: Option<String>,
    pub words: Option<String>,
    pub filters: Vec<(&'static Filter, FilterValue)>,
    pub sort: Sort,
    /// Whether rows carry their details (for kinds whose lists have them): the API's lists do, the
    /// pages show only the columns and leave the reading and parsing of every record out.
    pub with_details: bool,
    /// Whether the page comes with how many records the filters match in all, by state.
    pub with_counts: bool,
    /// Figures of the chosen organisation's whole register to count with the page (a kind's panel
    /// of figures, such as [`crate::kinds::SystemFigures::CONDITIONS`]), when the page has counts.
    pub figures: &'static [Cond],
}

/// One row of a list as a caller sees it.
#[derive(Debug, Clone)]
pub struct ListItem<D> {
    pub row: ListRow,
    /// The details, for kinds whose lists carry them.
    pub details: Option<D>,
    pub gaps: Vec<GapRule>,
    pub incoming: Incoming,
}

/// A page of a list, and the organisation it is limited to.
#[derive(Debug, Clone)]
pub struct ListPage<D> {
    pub items: Vec<ListItem<D>>,
    pub next: Option<String>,
    pub within: Option<Organisation>,
    /// How many records the filters match in all, by workflow state (when asked for).
    pub counts: Vec<(Option<String>, i64)>,
    /// The figures [`ListParams::figures`] asks for, as [`ombud_store::Store::figures`] gives them
    /// for `within`: empty when no organisation is chosen or the caller does not read all of it.
    pub figures: Vec<i64>,
}

/// A record of another kind named by a link, as the caller may see it.
#[derive(Debug, Clone)]
pub struct Linked {
    pub kind: Kind,
    pub id: String,
    /// `None` when the caller may not read it (it is then counted, not named).
    pub name: Option<String>,
}

/// Reads a filter's value as a list asks for it: `true`/`false` (also `ja`/`nej`, `1`/`0`) for a
/// yes/no filter, one of its codes for a choice. An empty value asks for nothing.
pub fn filter_value(filter: &'static Filter, value: &str) -> Result<Option<FilterValue>> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    match filter.kind {
        FilterKind::Test { .. } => match v {
            "true" | "ja" | "1" | "on" => Ok(Some(FilterValue::Yes(true))),
            "false" | "nej" | "0" => Ok(Some(FilterValue::Yes(false))),
            _ => Err(AppError::Unprocessable(format!(
                "`{}` is true or false",
                filter.param
            ))),
        },
        FilterKind::OneOf { opts, .. } => {
            if opts.iter().any(|o| o.code == v) {
                Ok(Some(FilterValue::Code(v.to_string())))
            } else {
                Err(Invalid::new(filter.param, Rule::InvalidValue).into())
            }
        }
    }
}

/// The gaps of a list row: the stored ones, a passed review date where the kind counts it, and those
/// of missing links.
pub fn row_gaps(info: &KindInfo, row: &ListRow, today: jiff::civil::Date) -> Vec<GapRule> {
    let mut g: Vec<GapRule> = GapRule::split(&row.gap_codes).collect();
    let review = row
        .review_on
        .as_deref()
        .and_then(|d| d.parse::<jiff::civil::Date>().ok());
    if let Some(rule) = info.overdue_gap
        && is_overdue(review, today)
    {
        g.push(rule);
    }
    g.extend_from_slice(&row.link_gaps);
    g
}

fn unknown_organisation() -> AppError {
    Invalid::new("organisation_id", Rule::UnknownReference).into()
}

/// A record's draft as a JSON object.
fn object(v: Value) -> Result<Map<String, Value>> {
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(AppError::Unprocessable("expected a JSON object".into())),
    }
}

impl App {
    fn read_reach(caller: &Caller, kind: Kind) -> Reach {
        caller.principal.reach(Action::Read(kind))
    }

    /// Authorises reading a record: anything short of it is "not found". Where the kind lets its
    /// reporters read what they registered, they may read that record, and only that.
    fn readable<D: Descriptor>(caller: &Caller, record: &Stored<D::Details>) -> Result<()> {
        if caller.principal.can(Action::Read(D::KIND), &record.scope())
            || Self::reads_as_creator::<D>(caller, record)
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Links from a kind the caller may not read are neither shown nor counted: that a system was
    /// involved in breaches is itself of the breach register.
    fn visible_links(
        caller: &Caller,
        scope: &ombud_domain::authz::Scope,
        mut incoming: Incoming,
    ) -> Incoming {
        incoming
            .0
            .retain(|(k, _)| caller.principal.can(Action::Read(*k), scope));
        incoming
    }

    /// Whether the caller reads this record only because they registered it.
    fn reads_as_creator<D: Descriptor>(caller: &Caller, record: &Stored<D::Details>) -> bool {
        D::info().access.creator_column.is_some()
            && D::creator(&record.details) == Some(caller.user.id.as_str())
            && !caller.principal.can(Action::Read(D::KIND), &record.scope())
    }

    /// One record the caller may read.
    pub async fn read<D: Descriptor>(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<RecordView<D::Details>> {
        let id = RecordId::parse(id).ok_or(AppError::NotFound)?;
        let (record, incoming) = self.store.record_with_incoming::<D>(&id).await?;
        Self::readable::<D>(caller, &record)?;
        Ok(Self::view_with::<D>(caller, record, incoming))
    }

    /// What a caller sees of a record they may read.
    pub async fn view<D: Descriptor>(
        &self,
        caller: &Caller,
        record: Stored<D::Details>,
    ) -> Result<RecordView<D::Details>> {
        let incoming =
            if D::info().linked_from().is_empty() || Self::reads_as_creator::<D>(caller, &record) {
                Incoming::default()
            } else {
                self.store
                    .incoming(D::KIND, &[record.id.to_string()])
                    .await?
                    .remove(record.id.as_str())
                    .unwrap_or_default()
            };
        Ok(Self::view_with::<D>(caller, record, incoming))
    }

    /// What a caller sees of a record they may read, with the records that link to it.
    fn view_with<D: Descriptor>(
        caller: &Caller,
        mut record: Stored<D::Details>,
        incoming: Incoming,
    ) -> RecordView<D::Details> {
        let info = D::info();
        if Self::reads_as_creator::<D>(caller, &record) {
            // A reporter sees what they reported and where it stands, not the investigation.
            record.details = D::as_reported(&record.details);
            record.state = Map::new();
            return RecordView {
                record,
                gaps: Vec::new(),
                incoming: Incoming::default(),
                steps: Vec::new(),
                may_edit: false,
            };
        }
        let gaps = kernel::all_gaps::<D>(&record.details, &incoming, today());
        let incoming = Self::visible_links(caller, &record.scope(), incoming);
        let scope = record.scope();
        let steps = match (info.workflow, &record.status) {
            (Some(w), Some(status)) => w.available(
                status,
                caller.principal.roles_at(&scope),
                caller.principal.is_admin,
            ),
            _ => Vec::new(),
        };
        let may_edit = caller.principal.can(Action::Edit(D::KIND), &scope);
        RecordView {
            record,
            gaps,
            incoming,
            steps,
            may_edit,
        }
    }

    /// The records of other kinds a record names, and those that name it, as the caller may see them.
    pub async fn linked<D: Descriptor>(
        &self,
        caller: &Caller,
        view: &RecordView<D::Details>,
    ) -> Result<(Vec<Linked>, Vec<Linked>)> {
        let mut out = Vec::new();
        for (kind, ids) in D::links(&view.record.details) {
            out.extend(
                self.named(caller, kind, ids.iter().map(ToString::to_string).collect())
                    .await?,
            );
        }
        let mut back = Vec::new();
        for (kind, ids) in &view.incoming.0 {
            back.extend(
                self.named(caller, *kind, ids.iter().map(ToString::to_string).collect())
                    .await?,
            );
        }
        Ok((out, back))
    }

    /// Records of a kind by id, named when the caller may read them.
    pub async fn named(
        &self,
        caller: &Caller,
        kind: Kind,
        ids: Vec<String>,
    ) -> Result<Vec<Linked>> {
        let names = self.store.names(kind, &ids).await?;
        let reach = Self::read_reach(caller, kind);
        Ok(ids
            .into_iter()
            .map(|id| {
                let name = names
                    .get(&id)
                    .filter(|n| reach.covers(&n.scope))
                    .map(|n| n.name.clone());
                Linked { kind, id, name }
            })
            .collect())
    }

    /// The organisation a list is limited to, and the reach that list is read with: when the caller
    /// reads that organisation's whole subtree, its own filter is the only border needed.
    async fn list_scope(
        &self,
        caller: &Caller,
        kind: Kind,
        organisation_id: Option<&str>,
    ) -> Result<(Reach, Option<Organisation>)> {
        let reach = Self::read_reach(caller, kind);
        match organisation_id.map(str::trim).filter(|s| !s.is_empty()) {
            Some(id) => {
                // An organisation the caller sees but may not read the kind in lists nothing, as
                // the rest of their reach would: no other answer tells them more.
                let o = self.organisation_for_reading(caller, id).await?;
                Ok((reach.within(&o.scope()), Some(o)))
            }
            None => Ok((reach, None)),
        }
    }

    fn list_query(params: &ListParams, within: Option<&Organisation>) -> Result<ListQuery> {
        let mut conditions: Vec<Condition> = Vec::new();
        for (f, v) in &params.filters {
            conditions.push(
                f.condition(v)
                    .ok_or_else(|| AppError::from(Invalid::new(f.param, Rule::InvalidValue)))?,
            );
        }
        Ok(ListQuery {
            within: within.map(Within::organisation),
            words: ombud_domain::text::search(params.words.as_deref().unwrap_or_default())?,
            conditions,
            matching: Vec::new(),
            today: Some(today()),
            sort: params.sort,
            details: params.with_details,
            figures: &[],
        })
    }

    /// Whether the caller reads the kind anywhere at all.
    pub fn reads_anywhere(&self, caller: &Caller, kind: Kind) -> bool {
        !Self::read_reach(caller, kind).is_nowhere()
    }

    /// Whether the caller may create and change the kind's records anywhere.
    pub fn edits_anywhere(&self, caller: &Caller, kind: Kind) -> bool {
        !caller.principal.reach(Action::Edit(kind)).is_nowhere()
    }

    /// Whether the caller may register a record of the kind anywhere (report a breach).
    pub fn creates_anywhere(&self, caller: &Caller, kind: Kind) -> bool {
        !caller.principal.reach(Action::Create(kind)).is_nowhere()
    }

    /// The organisation where the caller holds a role that allows `action`, when there is exactly
    /// one such place: a new record's form (or an import) starts with it chosen, so that a person
    /// who works in one place never has to pick it. `None` for none, several, or an administrator
    /// acting by that right alone.
    pub fn only_place(&self, caller: &Caller, action: Action) -> Option<String> {
        let roles = ombud_domain::authz::roles_for(action);
        let mut places = caller
            .principal
            .memberships
            .iter()
            .filter(|m| m.roles.any(roles));
        match (places.next(), places.next()) {
            (Some(only), None) => Some(only.organisation_id.to_string()),
            _ => None,
        }
    }

    /// A page of a kind's list: what the caller may read, filtered and sorted.
    pub async fn list<D: Descriptor>(
        &self,
        caller: &Caller,
        params: &ListParams,
        page: &PageRequest,
    ) -> Result<ListPage<D::Details>> {
        let info = D::info();
        let (reach, within) = self
            .list_scope(caller, D::KIND, params.organisation_id.as_deref())
            .await?;
        let mut q = Self::list_query(params, within.as_ref())?;
        // Figures of an organisation are counted only for one the caller reads whole, as
        // [`App::system_figures`] requires.
        if within.as_ref().is_some_and(|o| {
            caller
                .principal
                .authorize(Action::Read(D::KIND), &o.scope())
                .is_ok()
        }) {
            q.figures = params.figures;
        }
        let (rows, counts, figures) = if params.with_counts {
            let c = self.store.list_counted_of(info, &reach, &q, page).await?;
            (c.page, c.counts, c.figures)
        } else {
            let page = self.store.list::<D>(&reach, &q, page).await?;
            (page, Vec::new(), Vec::new())
        };
        let today = today();
        // As on a record's page, links from a kind the caller may not read are not shown; here a
        // kind is shown only where the caller reads it wherever they read this one.
        let reads_here = caller.principal.reach(Action::Read(D::KIND));
        let hidden: Vec<Kind> = info
            .linked_from()
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| {
                !caller
                    .principal
                    .reach(Action::Read(*k))
                    .includes(&reads_here)
            })
            .collect();
        let mut items = Vec::with_capacity(rows.items.len());
        for mut row in rows.items {
            let mut inc = std::mem::take(&mut row.incoming);
            let gaps = row_gaps(info, &row, today);
            inc.0.retain(|(k, _)| !hidden.contains(k));
            let details = match &row.details {
                Some(json) => Some(serde_json::from_str::<D::Details>(json).map_err(|e| {
                    AppError::Internal(format!("details of {} {}: {e}", info.code, row.id))
                })?),
                None => None,
            };
            items.push(ListItem {
                gaps,
                row,
                details,
                incoming: inc,
            });
        }
        Ok(ListPage {
            items,
            next: rows.next,
            within,
            counts,
            figures,
        })
    }

    /// The records of a kind the caller may link to from a record owned by `org`: those of its
    /// controller they may read, by name, at most `limit`.
    pub async fn link_choices(
        &self,
        caller: &Caller,
        kind: Kind,
        org: &Organisation,
        limit: i64,
    ) -> Result<Vec<(String, String)>> {
        let reach = Self::read_reach(caller, kind);
        Ok(self
            .store
            .choices(kind, &reach, org.controller_id.as_deref(), limit)
            .await?)
    }

    /// Registers a record owned by an organisation. An organisation the caller cannot use, or that
    /// does not exist, is refused alike.
    pub async fn create<D: Descriptor>(
        &self,
        caller: &Caller,
        organisation_id: &str,
        draft: Value,
    ) -> Result<Stored<D::Details>> {
        let draft = object(draft)?;
        let given: Vec<&'static str> = D::info()
            .fields
            .iter()
            .filter(|f| draft.contains_key(f.key()))
            .map(|f| f.key())
            .collect();
        let org_id = OrganisationId::parse(organisation_id).ok_or_else(unknown_organisation)?;
        let mut details = parse::parse::<D>(draft)?.into_inner();
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let org = match w.organisation(org_id.as_str()).await {
            Ok(o) if !o.is_archived() => o,
            Ok(_) | Err(ombud_store::StoreError::NotFound) => return Err(unknown_organisation()),
            Err(e) => return Err(e.into()),
        };
        let grant = caller
            .principal
            .authorize(Action::Create(D::KIND), &org.scope())
            .map_err(|d| match d {
                Denied::NotFound => unknown_organisation(),
                Denied::Forbidden => AppError::Forbidden,
            })?;
        // Who may register but not edit (a breach's reporter) gives only what registering asks.
        let info = D::info();
        if !info.create_sections.is_empty()
            && !caller.principal.can(Action::Edit(D::KIND), &org.scope())
            && let Some(f) = info
                .fields
                .iter()
                .find(|f| !info.registered_with(f) && given.contains(&f.key()))
        {
            return Err(AppError::Unprocessable(format!(
                "`{}` is added by those who handle the record, not when it is registered",
                f.key()
            )));
        }
        D::on_create(
            &mut details,
            caller.user.id.as_str(),
            &caller.user.name,
            w.now(),
        );
        crate::kinds::before_insert::<D>(&mut w, &org, &mut details).await?;
        let valid = parse::revalidate::<D>(&details)?;
        let r = w
            .insert::<D>(&grant, &org, valid, None, &caller.principal)
            .await?;
        crate::kinds::after_create::<D>(self, &mut w, &r).await?;
        w.commit().await?;
        Ok(r)
    }

    /// Checks a draft as a save would, saving nothing (a form's check while it is filled in).
    pub fn check<D: Descriptor>(&self, draft: Value) -> Result<Valid<D::Details>> {
        Ok(parse::parse::<D>(object(draft)?)?)
    }

    /// The gaps a record with these details would have (links aside).
    pub fn preview_gaps<D: Descriptor>(&self, details: &D::Details) -> Vec<GapRule> {
        kernel::all_gaps::<D>(details, &Incoming::default(), today())
    }

    /// Loads a record for a write inside `w`, with the grant to edit it: a record the caller may not
    /// read is "not found", one they may read but not edit "forbidden". A version other than the
    /// stored one is stale.
    async fn for_edit<D: Descriptor>(
        w: &mut WriteTx<'_>,
        caller: &Caller,
        id: &str,
        expected_version: Option<i64>,
    ) -> Result<(Stored<D::Details>, ombud_domain::authz::Grant)> {
        let id = RecordId::parse(id).ok_or(AppError::NotFound)?;
        let current = w.record::<D>(&id).await?;
        Self::readable::<D>(caller, &current)?;
        let grant = caller
            .principal
            .authorize(Action::Edit(D::KIND), &current.scope())?;
        if let Some(v) = expected_version
            && v != current.version
        {
            return Err(AppError::Stale {
                current: current.version,
            });
        }
        Ok((current, grant))
    }

    /// Changes a record by a JSON merge patch (RFC 7396) against `expected_version` when given.
    /// An edit of an approved record reopens it (its workflow says so).
    pub async fn patch<D: Descriptor>(
        &self,
        caller: &Caller,
        id: &str,
        expected_version: Option<i64>,
        changes: Value,
    ) -> Result<Stored<D::Details>> {
        let changes = object(changes)?;
        let info = D::info();
        // A field the record does not have is a mistake, also set to null (which a merge would
        // otherwise take as "remove what is not there" and accept).
        if let Some(k) = changes
            .keys()
            .find(|k| !info.fields.iter().any(|f| f.key() == k.as_str()))
        {
            return Err(AppError::Unprocessable(format!("unknown field `{k}`")));
        }
        // The fields the server keeps (a compliance log) have doors of their own.
        if let Some(f) = info
            .fields
            .iter()
            .find(|f| matches!(f.input, Input::Kept) && changes.contains_key(f.key()))
        {
            return Err(AppError::Unprocessable(format!(
                "`{}` cannot be changed here",
                f.key()
            )));
        }
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let (current, grant) = Self::for_edit::<D>(&mut w, caller, id, expected_version).await?;
        let mut doc = serde_json::to_value(&current.details)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        patch::merge(&mut doc, Value::Object(changes));
        let details = parse::parse_from::<D>(object(doc)?, Source::Stored)?.into_inner();
        let mut after = current.clone();
        if details != current.details
            && let (Some(wf), Some(status)) = (info.workflow, &current.status)
        {
            let state = wf.state_or_initial(status).code;
            after.status = Some(wf.after_edit(state).to_string());
        }
        after.details = details;
        let saved = w
            .save::<D>(&grant, &current, after, &caller.principal)
            .await?;
        crate::kinds::after_save::<D>(&mut w, &current, &saved).await?;
        w.commit().await?;
        Ok(saved)
    }

    /// Deletes a record; its history stays in the audit trail.
    pub async fn delete<D: Descriptor>(
        &self,
        caller: &Caller,
        id: &str,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let (current, grant) = Self::for_edit::<D>(&mut w, caller, id, expected_version).await?;
        w.delete::<D>(&grant, &current).await?;
        w.commit().await?;
        Ok(())
    }

    /// Takes a workflow step. Refused as forbidden when the caller's roles may not take it, as a
    /// workflow conflict when the workflow has no such step from where the record is.
    pub async fn transition<D: Descriptor>(
        &self,
        caller: &Caller,
        id: &str,
        expected_version: Option<i64>,
        to: &str,
        input: &StepInput,
    ) -> Result<Stored<D::Details>> {
        let info = D::info();
        let wf = info.workflow.ok_or(AppError::NotFound)?;
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let rid = RecordId::parse(id).ok_or(AppError::NotFound)?;
        let current = w.record::<D>(&rid).await?;
        Self::readable::<D>(caller, &current)?;
        let scope = current.scope();
        let from = wf
            .state_or_initial(current.status.as_deref().unwrap_or(wf.initial))
            .code;
        let step = wf
            .check(
                from,
                to,
                caller.principal.roles_at(&scope),
                caller.principal.is_admin,
            )
            .map_err(|e| step_error(wf, e, caller.lang))?;
        let grant = caller.principal.authorize(Action::Edit(D::KIND), &scope)?;
        if let Some(v) = expected_version
            && v != current.version
        {
            return Err(AppError::Stale {
                current: current.version,
            });
        }
        let missing = D::step_rules(&current.details, step.to, input.comment.as_deref());
        if !missing.is_empty() {
            return Err(AppError::Invalid(missing));
        }
        let saved = step_in::<D>(
            &mut w,
            &grant,
            &current,
            step,
            input,
            &caller.principal,
            &caller.user.name,
        )
        .await
        .map_err(|e| match e {
            StepRefused::Step(e) => step_error(wf, e, caller.lang),
            StepRefused::App(e) => e,
        })?;
        w.commit().await?;
        Ok(saved)
    }

    /// A record's history, newest first, a page at a time.
    pub async fn history<D: Descriptor>(
        &self,
        caller: &Caller,
        id: &str,
        page: &PageRequest,
    ) -> Result<(Stored<D::Details>, Page<Event>)> {
        let id = RecordId::parse(id).ok_or(AppError::NotFound)?;
        let record = self.store.record::<D>(&id).await?;
        Self::readable::<D>(caller, &record)?;
        let events = self
            .store
            .history(D::info().code, record.id.as_str(), page)
            .await?;
        Ok((record, events))
    }
}

/// A refused workflow step, for the caller to word.
fn step_error(
    wf: &ombud_domain::kernel::workflow::Workflow,
    e: StepError,
    lang: crate::Lang,
) -> AppError {
    match e {
        StepError::NotAllowedForRole => AppError::Forbidden,
        StepError::UnknownState => Invalid::new("to", Rule::InvalidValue).into(),
        StepError::CommentRequired => Invalid::new("comment", Rule::Required).into(),
        StepError::CommentTooLong => Invalid::new(
            "comment",
            Rule::TooLong {
                max: ombud_domain::kernel::workflow::MAX_COMMENT,
            },
        )
        .into(),
        StepError::GapsOpen(gaps) => AppError::GapsOpen {
            message: wf.message(&StepError::GapsOpen(gaps.clone()), lang),
            gaps,
        },
        other => AppError::Workflow(wf.message(&other, lang)),
    }
}

/// Why [`step_in`] did not take a step.
pub(crate) enum StepRefused {
    Step(StepError),
    App(AppError),
}

/// Takes a step inside a transaction, with what it leaves in the workflow's facts (who sent it back
/// and why, an approval despite gaps) and what the kind does besides (an approval sets the next
/// review): the one place a workflow step is written, for a caller's request and for a bulk load.
pub(crate) async fn step_in<D: Descriptor>(
    w: &mut WriteTx<'_>,
    grant: &ombud_domain::authz::Grant,
    current: &Stored<D::Details>,
    step: &'static Step,
    input: &StepInput,
    writer: &ombud_domain::authz::Principal,
    actor_name: &str,
) -> std::result::Result<Stored<D::Details>, StepRefused> {
    let open = D::content_gaps(&current.details);
    step.prepare(input, &open).map_err(StepRefused::Step)?;
    let mut after = current.clone();
    after.status = Some(step.to.to_string());
    let now = w.now().to_string();
    let ctx = StepContext {
        today: today(),
        now: &now,
        actor_name,
    };
    step.record(&mut after.state, &ctx, input, &open);
    D::on_step(&mut after.details, &mut after.state, step.to, &ctx);
    w.save::<D>(grant, current, after, writer)
        .await
        .map_err(|e| StepRefused::App(e.into()))
}
