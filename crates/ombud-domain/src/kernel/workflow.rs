//! Workflows: the states a kind's record moves through and the steps between them, with the roles
//! that may take each step — declared by a kind, checked here for every kind alike.

use super::field::Text2;
use crate::Lang;
use crate::role::{Role, RoleSet};

/// A state a record can be in.
#[derive(Debug, Clone, Copy)]
pub struct State {
    pub code: &'static str,
    pub label: Text2,
    /// How a count of records in the state reads: "4 godkända".
    pub plural: Text2,
}

/// A step from one state to another.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub from: &'static str,
    pub to: &'static str,
    /// Who may take it, where they hold the role (the system administrator may take any step).
    pub roles: &'static [Role],
    /// The step's name in the kind's message file (`{kind}.step.{key}`, `….hint`).
    pub key: &'static str,
}

/// A kind's workflow.
#[derive(Debug)]
pub struct Workflow {
    pub states: &'static [State],
    /// Where a new record starts.
    pub initial: &'static str,
    pub steps: &'static [Step],
    /// Where an edit of the contents moves a record in a state: an approved record is reopened.
    pub on_edit: &'static [(&'static str, &'static str)],
    /// Who takes the steps a person may not, said when a step is refused for their role.
    pub who_decides: Text2,
}

/// Why a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    /// The workflow has no such step from here (409).
    #[error("the workflow does not go from {from} to {to}")]
    NotInWorkflow {
        from: &'static str,
        to: &'static str,
    },
    /// No such state (422).
    #[error("no such state")]
    UnknownState,
    /// The step exists but the caller's roles do not allow it (403).
    #[error("the caller's roles do not allow this step")]
    NotAllowedForRole,
}

impl Workflow {
    pub fn state(&self, code: &str) -> Option<&'static State> {
        self.states.iter().find(|s| s.code == code)
    }

    /// The state of this code, or the initial one for a code this version does not know.
    pub fn state_or_initial(&self, code: &str) -> &'static State {
        self.state(code)
            .or_else(|| self.state(self.initial))
            .unwrap_or(&self.states[0])
    }

    /// Checks one step for a person with `roles` at the record.
    pub fn check(
        &self,
        from: &str,
        to: &str,
        roles: RoleSet,
        is_admin: bool,
    ) -> Result<&'static Step, StepError> {
        let from = self.state(from).ok_or(StepError::UnknownState)?;
        let to = self.state(to).ok_or(StepError::UnknownState)?;
        let step = self
            .steps
            .iter()
            .find(|s| s.from == from.code && s.to == to.code)
            .ok_or(StepError::NotInWorkflow {
                from: from.code,
                to: to.code,
            })?;
        if is_admin || roles.any(step.roles) {
            Ok(step)
        } else {
            Err(StepError::NotAllowedForRole)
        }
    }

    /// The steps a person may take from a state, for the page's buttons.
    pub fn available(&self, from: &str, roles: RoleSet, is_admin: bool) -> Vec<&'static Step> {
        self.steps
            .iter()
            .filter(|s| s.from == from && (is_admin || roles.any(s.roles)))
            .collect()
    }

    /// The state after an edit of the contents of a record in `from`.
    pub fn after_edit(&self, from: &'static str) -> &'static str {
        self.on_edit
            .iter()
            .find(|(f, _)| *f == from)
            .map(|(_, to)| *to)
            .unwrap_or(from)
    }

    /// Why a step was refused, for people.
    pub fn message(&self, e: StepError, lang: Lang) -> String {
        let label = |c: &str| self.state(c).map(|s| s.label.get(lang)).unwrap_or_default();
        match e {
            StepError::NotInWorkflow { from, to } => match lang {
                Lang::Sv => format!(
                    "Det går inte att gå från ”{}” till ”{}”.",
                    label(from),
                    label(to)
                ),
                Lang::En => format!(
                    "The workflow does not go from “{}” to “{}”.",
                    label(from),
                    label(to)
                ),
            },
            StepError::UnknownState => lang
                .pick("Det finns ingen sådan status.", "There is no such status.")
                .into(),
            StepError::NotAllowedForRole => format!(
                "{} {}",
                lang.pick(
                    "Din roll får inte ta det steget.",
                    "Your role may not take that step."
                ),
                self.who_decides.get(lang)
            ),
        }
    }
}
