//! Workflows: the states a kind's record moves through and the steps between them, with the roles
//! that may take each step — declared by a kind, checked here for every kind alike.

use super::StepContext;
use super::field::Text2;
use super::gaps::GapRule;
use crate::Lang;
use crate::role::{Role, RoleSet};
use serde_json::{Map, Value, json};

/// The longest comment a step keeps, in characters.
pub const MAX_COMMENT: usize = 4000;

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
    pub effect: Effect,
}

/// What a step means beyond moving the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Only the move.
    Move,
    /// Sent for review: who sent it, and when, is kept.
    Submit,
    /// The review's outcome "approved": refused while a gap that blocks approval is open, unless the
    /// reviewer approves it anyway and says why (the reason is kept with the gaps it overrode).
    Approve,
    /// The review's outcome "sent back": a comment that says what to fix is required, kept, and shown
    /// to the people who edit the record until it is approved.
    Return,
}

impl Effect {
    /// Whether the step is one outcome of a review (the pages offer those together, as one form).
    pub fn is_review(self) -> bool {
        matches!(self, Effect::Approve | Effect::Return)
    }
}

/// What a person sends with a step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepInput {
    /// Why: required to send back, and to approve despite open gaps.
    pub comment: Option<String>,
    /// The reviewer approves although gaps that block approval are open.
    pub despite_gaps: bool,
}

impl StepInput {
    fn comment(&self) -> Option<&str> {
        self.comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
    }
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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
    /// Sending back, or approving despite gaps, without saying why (422).
    #[error("a comment is required")]
    CommentRequired,
    /// A comment longer than [`MAX_COMMENT`] (422).
    #[error("the comment is too long")]
    CommentTooLong,
    /// Approval while gaps that block it are open (409).
    #[error("gaps that block approval are open")]
    GapsOpen(Vec<GapRule>),
}

impl Step {
    /// Checks what the person sends with the step against the record's open gaps.
    pub fn prepare(&self, input: &StepInput, open_gaps: &[GapRule]) -> Result<(), StepError> {
        if input
            .comment
            .as_deref()
            .is_some_and(|c| c.chars().count() > MAX_COMMENT)
        {
            return Err(StepError::CommentTooLong);
        }
        match self.effect {
            Effect::Return if input.comment().is_none() => Err(StepError::CommentRequired),
            Effect::Approve => {
                let blocking = blocking(open_gaps);
                if blocking.is_empty() {
                    Ok(())
                } else if !input.despite_gaps {
                    Err(StepError::GapsOpen(blocking))
                } else if input.comment().is_none() {
                    Err(StepError::CommentRequired)
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }

    /// Writes what the step leaves in the record's workflow facts (`state`), which the history keeps
    /// like any other change: who sent it for review, who approved it (and why despite which gaps),
    /// who sent it back and what to fix.
    pub fn record(
        &self,
        state: &mut Map<String, Value>,
        ctx: &StepContext<'_>,
        input: &StepInput,
        open_gaps: &[GapRule],
    ) {
        let by_at = |comment: Option<&str>| {
            let mut m = json!({ "by": ctx.actor_name, "at": ctx.now });
            if let (Some(c), Some(o)) = (comment, m.as_object_mut()) {
                o.insert("comment".into(), Value::String(c.into()));
            }
            m
        };
        match self.effect {
            Effect::Move => {}
            Effect::Submit => {
                state.insert("submitted_by".into(), Value::String(ctx.actor_name.into()));
                state.insert("submitted_at".into(), Value::String(ctx.now.into()));
            }
            Effect::Approve => {
                state.insert("approved_at".into(), Value::String(ctx.now.into()));
                state.insert("approved_by".into(), Value::String(ctx.actor_name.into()));
                state.remove("returned");
                match input.comment() {
                    Some(c) => state.insert("approval_comment".into(), Value::String(c.into())),
                    None => state.remove("approval_comment"),
                };
                let overridden = blocking(open_gaps);
                if overridden.is_empty() {
                    state.remove("approved_despite_gaps");
                } else {
                    state.insert(
                        "approved_despite_gaps".into(),
                        json!({
                            "reason": input.comment().unwrap_or_default(),
                            "gaps": overridden.iter().map(|g| g.code()).collect::<Vec<_>>(),
                        }),
                    );
                }
            }
            Effect::Return => {
                state.insert("returned".into(), by_at(input.comment()));
            }
        }
    }
}

/// The gaps among `open` that keep a record from being approved.
pub fn blocking(open: &[GapRule]) -> Vec<GapRule> {
    open.iter()
        .copied()
        .filter(|g| g.blocks_approval())
        .collect()
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
        // Two steps may join the same states for different roles (a reviewer sends back what an
        // editor would withdraw): the first the person may take is theirs.
        let mut between = self
            .steps
            .iter()
            .filter(|s| s.from == from.code && s.to == to.code)
            .peekable();
        if between.peek().is_none() {
            return Err(StepError::NotInWorkflow {
                from: from.code,
                to: to.code,
            });
        }
        between
            .find(|s| is_admin || roles.any(s.roles))
            .ok_or(StepError::NotAllowedForRole)
    }

    /// The steps a person may take from a state, for the page's buttons: for each state it leads
    /// to, the one [`check`](Self::check) would take.
    pub fn available(&self, from: &str, roles: RoleSet, is_admin: bool) -> Vec<&'static Step> {
        let mut out: Vec<&'static Step> = Vec::new();
        for s in self
            .steps
            .iter()
            .filter(|s| s.from == from && (is_admin || roles.any(s.roles)))
        {
            if !out.iter().any(|o| o.to == s.to) {
                out.push(s);
            }
        }
        out
    }

    /// The states a record waits in for its review: those a review's outcome leaves from.
    pub fn awaiting_review(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for s in self.steps.iter().filter(|s| s.effect.is_review()) {
            if !out.contains(&s.from) {
                out.push(s.from);
            }
        }
        out
    }

    /// The roles that review: those that may take an approval.
    pub fn reviewers(&self) -> &'static [Role] {
        self.steps
            .iter()
            .find(|s| s.effect == Effect::Approve)
            .map(|s| s.roles)
            .unwrap_or_default()
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
    pub fn message(&self, e: &StepError, lang: Lang) -> String {
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
            StepError::CommentRequired => lang
                .pick(
                    "Skriv en kommentar: vad behöver kompletteras, eller varför godkänns posten trots bristerna?",
                    "Write a comment: what needs completing, or why is the record approved despite its gaps?",
                )
                .into(),
            StepError::CommentTooLong => match lang {
                Lang::Sv => format!("Kommentaren får vara högst {MAX_COMMENT} tecken."),
                Lang::En => format!("The comment may be at most {MAX_COMMENT} characters."),
            },
            StepError::GapsOpen(gaps) => {
                let list = gaps
                    .iter()
                    .map(|g| g.message(lang))
                    .collect::<Vec<_>>()
                    .join(" ");
                match lang {
                    Lang::Sv => format!(
                        "Posten kan inte godkännas medan den har brister: {list} Komplettera posten, skicka tillbaka den, eller godkänn ändå med en motivering."
                    ),
                    Lang::En => format!(
                        "The record cannot be approved while it has gaps: {list} Complete it, send it back, or approve it anyway with a reason."
                    ),
                }
            }
        }
    }
}
