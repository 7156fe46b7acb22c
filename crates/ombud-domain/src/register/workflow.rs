//! The review workflow of a processing activity, as the seeds show it:
//! *under bearbetning* → *redo för granskning* → *under granskning* → *godkänd*.
//!
//! A records keeper (or manager, or the DPO) writes and submits; the DPO reviews and approves or sends
//! it back; an approved record that is edited is reopened. Every approved record is reviewed again at
//! least yearly.

use crate::Lang;
use crate::role::{Role, RoleSet};
use serde::{Deserialize, Serialize};

/// Where a processing activity is in its review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    UnderBearbetning,
    RedoForGranskning,
    UnderGranskning,
    Godkand,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::UnderBearbetning,
        Status::RedoForGranskning,
        Status::UnderGranskning,
        Status::Godkand,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::UnderBearbetning => "under_bearbetning",
            Status::RedoForGranskning => "redo_for_granskning",
            Status::UnderGranskning => "under_granskning",
            Status::Godkand => "godkand",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Status::UnderBearbetning => lang.pick("Under bearbetning", "In progress"),
            Status::RedoForGranskning => lang.pick("Redo för granskning", "Ready for review"),
            Status::UnderGranskning => lang.pick("Under granskning", "Under review"),
            Status::Godkand => lang.pick("Godkänd", "Approved"),
        }
    }
}

/// The roles that write the register.
pub const EDITORS: [Role; 3] = [Role::RecordsKeeper, Role::Manager, Role::Dpo];
/// The roles that review it.
pub const REVIEWERS: [Role; 1] = [Role::Dpo];

/// Why a move is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The workflow has no such step from here (409).
    #[error("the workflow does not go from {from:?} to {to:?}")]
    NotInWorkflow { from: Status, to: Status },
    /// The step exists but the caller's roles do not allow it (403).
    #[error("the caller's roles do not allow this step")]
    NotAllowedForRole,
}

impl TransitionError {
    pub fn message(self, lang: Lang) -> String {
        match self {
            TransitionError::NotInWorkflow { from, to } => match lang {
                Lang::Sv => format!("Det går inte att gå från ”{}” till ”{}”.", from.label(lang), to.label(lang)),
                Lang::En => format!("The workflow does not go from “{}” to “{}”.", from.label(lang), to.label(lang)),
            },
            TransitionError::NotAllowedForRole => lang
                .pick(
                    "Din roll får inte ta det steget. Dataskyddsombudet granskar och godkänner.",
                    "Your role may not take that step. The data protection officer reviews and approves.",
                )
                .into(),
        }
    }
}

/// Who may take a step, or `None` when the workflow has no such step.
fn step_roles(from: Status, to: Status) -> Option<&'static [Role]> {
    use Status::*;
    match (from, to) {
        (UnderBearbetning, RedoForGranskning) => Some(&EDITORS),
        (RedoForGranskning, UnderBearbetning) => Some(&EDITORS),
        (RedoForGranskning, UnderGranskning) => Some(&REVIEWERS),
        (UnderGranskning, Godkand) => Some(&REVIEWERS),
        (UnderGranskning, UnderBearbetning) => Some(&REVIEWERS),
        (Godkand, UnderBearbetning) => Some(&EDITORS),
        _ => None,
    }
}

/// Checks one step for a person with `roles` at the record (the system administrator may take any
/// step the workflow has).
pub fn check_transition(
    from: Status,
    to: Status,
    roles: RoleSet,
    is_admin: bool,
) -> Result<(), TransitionError> {
    let allowed = step_roles(from, to).ok_or(TransitionError::NotInWorkflow { from, to })?;
    if is_admin || roles.any(allowed) {
        Ok(())
    } else {
        Err(TransitionError::NotAllowedForRole)
    }
}

/// The status after an edit of the record's contents: an approved record is reopened.
pub fn status_after_edit(status: Status) -> Status {
    match status {
        Status::Godkand => Status::UnderBearbetning,
        other => other,
    }
}

/// The steps a person may take from here, for the UI's buttons.
pub fn available_steps(from: Status, roles: RoleSet, is_admin: bool) -> Vec<Status> {
    Status::ALL
        .into_iter()
        .filter(|to| check_transition(from, *to, roles, is_admin).is_ok())
        .collect()
}

/// The default next review after approval: one year later (GDPR art. 24.1: measures are reviewed
/// and updated where necessary; the seeds review the register yearly).
pub fn next_review_after(approved_on: jiff::civil::Date) -> jiff::civil::Date {
    approved_on
        .checked_add(jiff::Span::new().years(1))
        .unwrap_or(approved_on)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    fn roles(r: &[Role]) -> RoleSet {
        r.iter().copied().collect()
    }

    #[test]
    fn a_records_keeper_submits_and_the_dpo_reviews_and_approves() {
        let keeper = roles(&[Role::RecordsKeeper]);
        let dpo = roles(&[Role::Dpo]);
        assert!(check_transition(UnderBearbetning, RedoForGranskning, keeper, false).is_ok());
        assert_eq!(
            check_transition(RedoForGranskning, UnderGranskning, keeper, false),
            Err(TransitionError::NotAllowedForRole)
        );
        assert!(check_transition(RedoForGranskning, UnderGranskning, dpo, false).is_ok());
        assert!(check_transition(UnderGranskning, Godkand, dpo, false).is_ok());
        assert_eq!(
            check_transition(UnderGranskning, Godkand, keeper, false),
            Err(TransitionError::NotAllowedForRole)
        );
    }

    #[test]
    fn there_is_no_shortcut_past_the_review() {
        let dpo = roles(&[Role::Dpo]);
        for (from, to) in [
            (UnderBearbetning, Godkand),
            (RedoForGranskning, Godkand),
            (UnderBearbetning, UnderGranskning),
        ] {
            assert_eq!(
                check_transition(from, to, dpo, true),
                Err(TransitionError::NotInWorkflow { from, to })
            );
        }
    }

    #[test]
    fn staying_put_is_not_a_step() {
        for s in Status::ALL {
            assert!(check_transition(s, s, roles(&Role::ALL), true).is_err());
        }
    }

    #[test]
    fn readers_take_no_steps() {
        for r in [
            Role::Employee,
            Role::Auditor,
            Role::Management,
            Role::SystemOwner,
            Role::SecurityCoordinator,
        ] {
            for from in Status::ALL {
                assert!(
                    available_steps(from, roles(&[r]), false).is_empty(),
                    "{r:?} from {from:?}"
                );
            }
        }
    }

    #[test]
    fn every_step_of_the_workflow_is_exactly_the_listed_ones() {
        let all = roles(&Role::ALL);
        assert_eq!(
            available_steps(UnderBearbetning, all, false),
            vec![RedoForGranskning]
        );
        assert_eq!(
            available_steps(RedoForGranskning, all, false),
            vec![UnderBearbetning, UnderGranskning]
        );
        assert_eq!(
            available_steps(UnderGranskning, all, false),
            vec![UnderBearbetning, Godkand]
        );
        assert_eq!(available_steps(Godkand, all, false), vec![UnderBearbetning]);
    }

    #[test]
    fn an_edit_reopens_an_approved_record_only() {
        assert_eq!(status_after_edit(Godkand), UnderBearbetning);
        for s in [UnderBearbetning, RedoForGranskning, UnderGranskning] {
            assert_eq!(status_after_edit(s), s);
        }
    }

    #[test]
    fn the_next_review_is_a_year_after_approval_even_from_a_leap_day() {
        let d = |y, m, d| jiff::civil::date(y, m, d);
        assert_eq!(next_review_after(d(2026, 3, 15)), d(2027, 3, 15));
        assert_eq!(next_review_after(d(2028, 2, 29)), d(2029, 2, 28));
    }

    #[test]
    fn statuses_round_trip_and_have_swedish_labels() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Godkand.label(Lang::Sv), "Godkänd");
    }
}
