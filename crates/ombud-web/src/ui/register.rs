//! What the register pages (processing activities, systems, agreements, import) share: whether the
//! person may do something anywhere, and the organisations where they may, as choices.

use super::PageError;
use super::forms::Choice;
use crate::AppState;
use crate::auth::Ctx;
use crate::error::ApiError;
use ombud_domain::authz::{Action, roles_for};
use ombud_domain::{Invalid, Rule};
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

/// A "new record" form's owner and details, or every problem with them, a missing owner first (the
/// organisation is the form's first field).
pub fn with_owner<D>(
    organisation_id: &str,
    details: Result<D, ApiError>,
) -> Result<(String, D), ApiError> {
    let org = organisation_id.trim().to_string();
    match (org.is_empty(), details) {
        (false, Ok(d)) => Ok((org, d)),
        (blank, Err(ApiError::Invalid(mut list))) => {
            if blank {
                list.insert(0, Invalid::new("organisation_id", Rule::Required));
            }
            Err(ApiError::Invalid(list))
        }
        (true, _) => Err(Invalid::new("organisation_id", Rule::Required).into()),
        (false, Err(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: ApiError) -> Vec<&'static str> {
        match e {
            ApiError::Invalid(list) => list.iter().map(|i| i.field).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn a_missing_owner_is_listed_first_with_the_other_problems() {
        let bad = || {
            Err::<(), _>(ApiError::Invalid(vec![Invalid::new(
                "name",
                Rule::Required,
            )]))
        };
        assert_eq!(
            with_owner(" ", bad()).map_err(fields).err(),
            Some(vec!["organisation_id", "name"])
        );
        assert_eq!(
            with_owner("o1", bad()).map_err(fields).err(),
            Some(vec!["name"])
        );
        assert_eq!(
            with_owner("", Ok(())).map_err(fields).err(),
            Some(vec!["organisation_id"])
        );
        assert_eq!(with_owner(" o1 ", Ok(7)).ok(), Some(("o1".to_string(), 7)));
    }
}
