//! What the register pages (processing activities, systems, agreements, import) share: whether the
//! person may do something anywhere, and the organisations where they may, as choices.

use super::PageError;
use super::forms::Choice;
use crate::AppState;
use crate::auth::Ctx;
use ombud_domain::authz::{Action, roles_for};
use ombud_store::Store;
use ombud_store::organisations::OrganisationFilter;
use ombud_store::paging::PageRequest;

/// How many organisations a filter or a form offers.
const ORG_CHOICES: i64 = 500;

/// Whether the person may do `action` in some organisation (for the "new" and "import" links).
pub fn acts_somewhere(ctx: &Ctx, action: Action) -> bool {
    ctx.principal.is_admin
        || ctx
            .principal
            .memberships
            .iter()
            .any(|m| m.roles.any(roles_for(action)))
}

/// The organisations where the person may do `action`, as choices labelled with their kind, with
/// `selected` chosen.
pub async fn organisations_where(
    state: &AppState,
    ctx: &Ctx,
    action: Action,
    selected: &str,
) -> Result<Vec<Choice>, PageError> {
    let orgs = state
        .store
        .organisations(
            &Store::visibility_for(&ctx.principal, roles_for(action)),
            &OrganisationFilter::default(),
            &PageRequest::first(ORG_CHOICES),
        )
        .await?;
    Ok(orgs
        .items
        .into_iter()
        .filter(|o| ctx.principal.can(action, &o.scope()))
        .map(|o| {
            Choice::new(
                o.id.clone(),
                format!("{} ({})", o.name, o.kind.label(ctx.lang)),
                o.id == selected,
            )
        })
        .collect())
}
