//! What the systems register and the agreements share in the API: reading a record the caller may
//! see, registering, changing by merge patch, deleting, and the history — decided once here, for
//! every register whose record is a [`Record`] around its details.

use super::check_id;
use super::organisations::{HistoryEvent, HistoryList, require, visible};
use super::systems::{as_object, merge_patch, refuse_read_only};
use crate::AppState;
use crate::auth::Ctx;
use crate::error::ApiError;
use ombud_domain::authz::Action;
use ombud_domain::register::agreement::AgreementDetails;
use ombud_domain::register::system::SystemDetails;
use ombud_domain::{Invalid, Rule};
use ombud_store::organisations::Organisation;
use ombud_store::register::Record;
use ombud_store::{Store, WriteTx};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::future::Future;

type StoreResult<T> = Result<T, ombud_store::StoreError>;

/// A register kept as [`Record`]s of `Self`.
pub trait Register: Serialize + DeserializeOwned + Send + Sync + Sized + 'static {
    /// The record type in the audit trail.
    const KIND: &'static str;
    /// What changing a record takes.
    const EDIT: Action;
    /// Fields of the response that are not the record's to set.
    const READ_ONLY: &'static [&'static str];

    fn validate(self) -> Result<Self, Vec<Invalid>>;
    fn load(store: &Store, id: &str) -> impl Future<Output = StoreResult<Record<Self>>> + Send;
    fn load_in(
        w: &mut WriteTx<'_>,
        id: &str,
    ) -> impl Future<Output = StoreResult<Record<Self>>> + Send;
    fn insert(
        w: &mut WriteTx<'_>,
        org: &Organisation,
        details: Self,
    ) -> impl Future<Output = StoreResult<Record<Self>>> + Send;
    fn replace(
        w: &mut WriteTx<'_>,
        id: &str,
        expected_version: Option<i64>,
        details: Self,
    ) -> impl Future<Output = StoreResult<Record<Self>>> + Send;
    fn remove(
        w: &mut WriteTx<'_>,
        id: &str,
        expected_version: Option<i64>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

impl Register for SystemDetails {
    const KIND: &'static str = "system";
    const EDIT: Action = Action::EditSystems;
    const READ_ONLY: &'static [&'static str] = &[
        "id",
        "organisation_id",
        "controller_id",
        "version",
        "created_at",
        "updated_at",
        "classified",
        "classification_current",
        "procurement_label",
        "processing_activity_ids",
        "gaps",
    ];

    fn validate(self) -> Result<Self, Vec<Invalid>> {
        SystemDetails::validate(self)
    }
    async fn load(store: &Store, id: &str) -> StoreResult<Record<Self>> {
        store.system(id).await
    }
    async fn load_in(w: &mut WriteTx<'_>, id: &str) -> StoreResult<Record<Self>> {
        w.system(id).await
    }
    async fn insert(
        w: &mut WriteTx<'_>,
        org: &Organisation,
        details: Self,
    ) -> StoreResult<Record<Self>> {
        w.create_system(org, details, None).await
    }
    async fn replace(
        w: &mut WriteTx<'_>,
        id: &str,
        expected_version: Option<i64>,
        details: Self,
    ) -> StoreResult<Record<Self>> {
        w.update_system(id, expected_version, details).await
    }
    async fn remove(
        w: &mut WriteTx<'_>,
        id: &str,
        expected_version: Option<i64>,
    ) -> StoreResult<()> {
        w.delete_system(id, expected_version).await
    }
}

impl Register for AgreementDetails {
    const KIND: &'static str = "agreement";
    const EDIT: Action = Action::EditAgreements;
    // The compliance log has its own endpoint: an entry, once recorded, stays as it was.
    const READ_ONLY: &'static [&'static str] = &[
        "id",
        "organisation_id",
        "controller_id",
        "version",
        "created_at",
        "updated_at",
        "title",
        "direction_label",
        "last_checked_on",
        "review_overdue",
        "transfers_without_safeguard",
        "system_ids",
        "processing_activity_ids",
        "compliance_checks",
    ];

    fn validate(self) -> Result<Self, Vec<Invalid>> {
        AgreementDetails::validate(self)
    }
    async fn load(store: &Store, id: &str) -> StoreResult<Record<Self>> {
        store.agreement(id).await
    }
    async fn load_in(w: &mut WriteTx<'_>, id: &str) -> StoreResult<Record<Self>> {
        w.agreement(id).await
    }
    async fn insert(
        w: &mut WriteTx<'_>,
        org: &Organisation,
        details: Self,
    ) -> StoreResult<Record<Self>> {
        w.create_agreement(org, details).await
    }
    async fn replace(
        w: &mut WriteTx<'_>,
        id: &str,
        expected_version: Option<i64>,
        details: Self,
    ) -> StoreResult<Record<Self>> {
        w.update_agreement(id, expected_version, details).await
    }
    async fn remove(
        w: &mut WriteTx<'_>,
        id: &str,
        expected_version: Option<i64>,
    ) -> StoreResult<()> {
        w.delete_agreement(id, expected_version).await
    }
}

/// A list's `sort` parameter: `name` (the default), `next_review` or `recently_updated`.
pub fn sort_param(sort: Option<&str>) -> Result<ombud_store::register::Sort, ApiError> {
    match sort.filter(|s| !s.is_empty()) {
        Some(s) => ombud_store::register::Sort::parse(s)
            .ok_or_else(|| ApiError::Invalid(vec![Invalid::new("sort", Rule::InvalidValue)])),
        None => Ok(ombud_store::register::Sort::default()),
    }
}

/// The details a create body (or a merged record) describes, checked.
pub fn details_from<D: Register>(obj: Map<String, Value>) -> Result<D, ApiError> {
    let d: D = serde_json::from_value(Value::Object(obj))
        .map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    d.validate().map_err(ApiError::Invalid)
}

/// A create body: the owner and the checked details.
pub fn create_body<D: Register>(body: Value) -> Result<(String, D), ApiError> {
    let mut obj = as_object(body)?;
    let org = match obj.remove("organisation_id") {
        Some(Value::String(s)) => s,
        _ => {
            return Err(ApiError::Invalid(vec![Invalid::new(
                "organisation_id",
                Rule::Required,
            )]));
        }
    };
    refuse_read_only(&obj, D::READ_ONLY)?;
    Ok((org, details_from(obj)?))
}

/// Loads a record the caller may read; otherwise "not found", so that nothing is learnt about
/// another controller's records.
pub async fn readable<D: Register>(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
) -> Result<Record<D>, ApiError> {
    check_id(id)?;
    let r = D::load(&state.store, id).await?;
    if ctx.principal.can(Action::ReadRegister, &r.scope()) {
        Ok(r)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Registers a record for a caller.
pub async fn create<D: Register>(
    state: &AppState,
    ctx: &Ctx,
    organisation_id: &str,
    details: D,
) -> Result<Record<D>, ApiError> {
    // An organisation the caller cannot see is as unknown as one that does not exist.
    let org = visible(&state.store, ctx, organisation_id)
        .await
        .map_err(|_| {
            ApiError::Invalid(vec![Invalid::new(
                "organisation_id",
                Rule::UnknownReference,
            )])
        })?;
    require(ctx, D::EDIT, &org)?;
    let actor = ctx.actor();
    let mut w = WriteTx::begin(&state.store, &actor).await?;
    let r = D::insert(&mut w, &org, details).await?;
    w.commit().await?;
    Ok(r)
}

/// Applies a merge patch (RFC 7396) for a caller, against `expected_version` when given.
pub async fn update<D: Register>(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    expected_version: Option<i64>,
    patch: Map<String, Value>,
) -> Result<Record<D>, ApiError> {
    readable::<D>(state, ctx, id).await?;
    refuse_read_only(&patch, D::READ_ONLY)?;
    let actor = ctx.actor();
    let mut w = WriteTx::begin(&state.store, &actor).await?;
    // Read again inside the transaction: what is merged is what is replaced.
    let current = D::load_in(&mut w, id).await?;
    if !ctx.principal.can(D::EDIT, &current.scope()) {
        return Err(ApiError::Forbidden);
    }
    if let Some(v) = expected_version
        && v != current.version
    {
        return Err(ApiError::Stale {
            current: current.version,
        });
    }
    let mut merged =
        serde_json::to_value(&current.details).map_err(|e| ApiError::Internal(e.to_string()))?;
    merge_patch(&mut merged, Value::Object(patch));
    let details = details_from::<D>(as_object(merged)?)?;
    let r = D::replace(&mut w, id, expected_version, details).await?;
    w.commit().await?;
    Ok(r)
}

/// Deletes a record for a caller; its history stays in the audit trail.
pub async fn delete<D: Register>(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    expected_version: Option<i64>,
) -> Result<(), ApiError> {
    let r = readable::<D>(state, ctx, id).await?;
    if !ctx.principal.can(D::EDIT, &r.scope()) {
        return Err(ApiError::Forbidden);
    }
    let actor = ctx.actor();
    let mut w = WriteTx::begin(&state.store, &actor).await?;
    D::remove(&mut w, id, expected_version).await?;
    w.commit().await?;
    Ok(())
}

/// A record's history, newest first.
pub async fn history<D: Register>(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
) -> Result<HistoryList, ApiError> {
    let r = readable::<D>(state, ctx, id).await?;
    let events = state.store.history(D::KIND, &r.id, 500).await?;
    Ok(HistoryList {
        items: events.into_iter().map(HistoryEvent::from).collect(),
        next: None,
    })
}
