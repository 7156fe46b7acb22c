//! What the register pages (processing activities, systems, agreements, import) share: whether the
//! person may do something anywhere, and the organisations where they may, as choices.

use super::PageError;
use super::forms::Choice;
use crate::AppState;
use crate::auth::Ctx;
use crate::error::ApiError;
use crate::i18n;
use ombud_domain::authz::{Action, roles_for};
use ombud_domain::{Invalid, Lang, Rule};
use ombud_store::Store;
use ombud_store::organisations::OrganisationFilter;
use ombud_store::paging::PageRequest;
use ombud_store::register::Sort;

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

/// The organisation a "new record" form starts with: the one asked for, else — when the person may
/// do `action` in exactly one organisation — that one, else none.
pub fn preselected(ctx: &Ctx, action: Action, asked: &str) -> String {
    let asked = asked.trim();
    if !asked.is_empty() {
        return asked.to_string();
    }
    let mut places = ctx
        .principal
        .memberships
        .iter()
        .filter(|m| m.roles.any(roles_for(action)));
    match (places.next(), places.next()) {
        (Some(only), None) => only.organisation_id.0.clone(),
        _ => String::new(),
    }
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

/// The lists' orders as the `sortera=` parameter names them.
const SORTS: [(&str, Sort); 3] = [
    ("namn", Sort::Name),
    ("granskning", Sort::NextReview),
    ("andrad", Sort::RecentlyUpdated),
];

/// The order a list's `sortera=` value asks for (by name when it names none).
pub fn sort_of(value: &str) -> Sort {
    SORTS
        .iter()
        .find(|(v, _)| *v == value)
        .map(|(_, s)| *s)
        .unwrap_or_default()
}

/// The `sortera=` part of a list's links, when the order is not the default.
pub fn sort_query(sort: Sort) -> Option<String> {
    SORTS
        .iter()
        .find(|(_, s)| *s == sort && *s != Sort::Name)
        .map(|(v, _)| format!("sortera={v}"))
}

/// The order select's choices; `review_key` names the review date of this register.
pub fn sort_choices(lang: Lang, current: Sort, review_key: &str) -> Vec<Choice> {
    SORTS
        .iter()
        .map(|(v, sort)| {
            let key = match sort {
                Sort::NextReview => review_key.to_string(),
                other => format!("sort-{}", other.as_str()),
            };
            Choice::new(*v, i18n::t(lang, &key), *sort == current)
        })
        .collect()
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
    fn every_order_round_trips_through_its_parameter() {
        for sort in Sort::ALL {
            let value = sort_query(sort)
                .map(|q| q.trim_start_matches("sortera=").to_string())
                .unwrap_or_default();
            assert_eq!(sort_of(&value), sort);
        }
        assert_eq!(sort_of("nonsense"), Sort::Name);
        for lang in [Lang::Sv, Lang::En] {
            for key in [
                "sort-next_review",
                "sys-sort-next_review",
                "agr-sort-next_review",
            ] {
                let labels: Vec<String> = sort_choices(lang, Sort::Name, key)
                    .into_iter()
                    .map(|c| c.label)
                    .collect();
                assert!(labels.iter().all(|l| !l.starts_with("sort-")), "{labels:?}");
                assert!(!labels.iter().any(|l| l == key), "{labels:?}");
            }
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
