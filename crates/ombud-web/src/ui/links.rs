//! Links between the registers in the UI: the systems and agreements a processing-activity form
//! offers, and the linked records a record's page names.
//!
//! A link never crosses the border between controllers (the store refuses it), so a form offers the
//! records of the owner's controller only, and of those only what the person may read. Links the
//! person cannot see are kept as they are, never dropped by a save they could not review.

use super::PageError;
use super::forms::Choice;
use crate::AppState;
use crate::api::processing::read_visibility;
use crate::auth::Ctx;
use ombud_domain::authz::Action;
use ombud_store::StoreError;
use ombud_store::agreements::AgreementFilter;
use ombud_store::paging::PageRequest;
use ombud_store::systems::SystemFilter;

/// How many records of each register a form offers to link (one page of the store's lists).
const CHOICES: i64 = ombud_store::paging::MAX_LIMIT;

/// What a form offers to link, and the links it keeps unseen.
#[derive(Debug, Default)]
pub struct LinkChoices {
    /// Whether the form shows the links at all: only once the owner (and so the controller) is known.
    pub offered: bool,
    pub systems: Vec<Choice>,
    pub agreements: Vec<Choice>,
    /// Linked ids the person cannot see: sent back unchanged as hidden inputs.
    pub kept_systems: Vec<String>,
    pub kept_agreements: Vec<String>,
}

impl LinkChoices {
    pub fn kept(&self) -> usize {
        self.kept_systems.len() + self.kept_agreements.len()
    }
}

/// The controller a record of `organisation_id` belongs to, as the id and the subtree path its
/// records lie in; `None` when the organisation is unknown, not the person's to read, or outside
/// every controller.
async fn controller_of(
    state: &AppState,
    ctx: &Ctx,
    organisation_id: &str,
) -> Result<Option<(String, String)>, PageError> {
    if !ombud_domain::ids::is_well_formed(organisation_id) {
        return Ok(None);
    }
    let org = match state.store.organisation(organisation_id).await {
        Ok(o) => o,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let Some(controller_id) = org.controller_id.clone() else {
        return Ok(None);
    };
    if !ctx.principal.can(Action::ReadRegister, &org.scope()) {
        return Ok(None);
    }
    let path = if controller_id == org.id {
        org.path
    } else {
        state.store.organisation(&controller_id).await?.path
    };
    Ok(Some((controller_id, path)))
}

/// Linked ids that are not among the choices: kept unseen.
fn unseen(linked: &[String], offered: &[Choice]) -> Vec<String> {
    linked
        .iter()
        .filter(|id| !offered.iter().any(|c| &c.value == *id))
        .cloned()
        .collect()
}

async fn system_choices(
    state: &AppState,
    ctx: &Ctx,
    (controller_id, path): &(String, String),
    linked: &[String],
) -> Result<Vec<Choice>, PageError> {
    let found = state
        .store
        .systems(
            &read_visibility(ctx),
            &SystemFilter {
                within_path: Some(path.clone()),
                ..SystemFilter::default()
            },
            ombud_store::register::Sort::Name,
            &PageRequest::first(CHOICES),
        )
        .await?;
    // The controller's subtree may hold another controller (a company under a board): its records
    // are not offered.
    Ok(found
        .items
        .into_iter()
        .filter(|s| s.controller_id.as_deref() == Some(controller_id.as_str()))
        .map(|s| {
            let ticked = linked.contains(&s.id);
            Choice::new(s.id, s.details.name, ticked)
        })
        .collect())
}

async fn agreement_choices(
    state: &AppState,
    ctx: &Ctx,
    (controller_id, path): &(String, String),
    linked: &[String],
) -> Result<Vec<Choice>, PageError> {
    let found = state
        .store
        .agreements(
            &read_visibility(ctx),
            &AgreementFilter {
                within_path: Some(path.clone()),
                ..AgreementFilter::default()
            },
            ombud_store::register::Sort::Name,
            &PageRequest::first(CHOICES),
        )
        .await?;
    Ok(found
        .items
        .into_iter()
        .filter(|a| a.controller_id.as_deref() == Some(controller_id.as_str()))
        .map(|a| {
            let title = a.details.title();
            let label = if title == a.details.counterparty {
                title.to_string()
            } else {
                format!("{title} ({})", a.details.counterparty)
            };
            let ticked = linked.contains(&a.id);
            Choice::new(a.id.clone(), label, ticked)
        })
        .collect())
}

/// The systems and agreements of `organisation_id`'s controller that a processing-activity form may
/// link, with those in `systems` and `agreements` ticked.
pub async fn choices(
    state: &AppState,
    ctx: &Ctx,
    organisation_id: &str,
    systems: &[String],
    agreements: &[String],
) -> Result<LinkChoices, PageError> {
    let Some(controller) = controller_of(state, ctx, organisation_id).await? else {
        return Ok(LinkChoices::default());
    };
    let system_choices = system_choices(state, ctx, &controller, systems).await?;
    let agreement_choices = agreement_choices(state, ctx, &controller, agreements).await?;
    Ok(LinkChoices {
        offered: true,
        kept_systems: unseen(systems, &system_choices),
        kept_agreements: unseen(agreements, &agreement_choices),
        systems: system_choices,
        agreements: agreement_choices,
    })
}

/// The agreements a system form may link: the choices, and the linked ids kept unseen; `None` until
/// the owner (and so the controller) is known.
pub async fn agreements_for_system(
    state: &AppState,
    ctx: &Ctx,
    organisation_id: &str,
    linked: &[String],
) -> Result<Option<(Vec<Choice>, Vec<String>)>, PageError> {
    let Some(controller) = controller_of(state, ctx, organisation_id).await? else {
        return Ok(None);
    };
    let offered = agreement_choices(state, ctx, &controller, linked).await?;
    let kept = unseen(linked, &offered);
    Ok(Some((offered, kept)))
}

/// A linked record as a page names it.
pub struct LinkedView {
    pub href: String,
    pub name: String,
}

/// The linked records the person may read, by name, and how many more they may not.
#[derive(Default)]
pub struct Linked {
    pub systems: Vec<LinkedView>,
    pub agreements: Vec<LinkedView>,
    pub unseen: usize,
}

/// Names the systems and agreements a record links to.
pub async fn linked(
    state: &AppState,
    ctx: &Ctx,
    systems: &[String],
    agreements: &[String],
) -> Result<Linked, PageError> {
    let mut out = Linked::default();
    for id in systems {
        match state.store.system(id).await {
            Ok(s) if ctx.principal.can(Action::ReadRegister, &s.scope()) => {
                out.systems.push(LinkedView {
                    href: format!("/system/{}", s.id),
                    name: s.details.name,
                })
            }
            Ok(_) | Err(StoreError::NotFound) => out.unseen += 1,
            Err(e) => return Err(e.into()),
        }
    }
    for id in agreements {
        match state.store.agreement(id).await {
            Ok(a) if ctx.principal.can(Action::ReadRegister, &a.scope()) => {
                out.agreements.push(LinkedView {
                    href: format!("/avtal/{}", a.id),
                    name: a.details.title().to_string(),
                })
            }
            Ok(_) | Err(StoreError::NotFound) => out.unseen += 1,
            Err(e) => return Err(e.into()),
        }
    }
    out.systems.sort_by(|a, b| a.name.cmp(&b.name));
    out.agreements.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
