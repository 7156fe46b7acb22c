//! What another controller in the city is told of a breach that touches its data (seed 004: "när en
//! annan nämnds uppgifter berörs ska den nämnden underrättas genast"; art. 33.2 when we are its
//! processor).
//!
//! The notice carries the facts the other controller needs to judge its own breach — what happened,
//! when, whose data and how much, the nature, the cause and what has been done — and nothing of our
//! own handling: not our registration number, our internal notes, the DPO's advice, our risk
//! assessment, our decisions or the lessons we draw. The time the notice was sent is when the other
//! controller became aware: their 72 hours run from it, for the breach they then register.

use super::clock;
use crate::register::breach::BreachDetails;
use crate::{Invalid, Rule};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Longest note the sender adds to a notice, in characters.
pub const MESSAGE_MAX: usize = 4000;
/// How many controllers one sending may address.
pub const RECIPIENTS_MAX: usize = 50;

/// The facts shared with another controller, as they stood when the notice was sent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SharedFacts {
    pub description: String,
    pub discovered_at: Option<Timestamp>,
    /// When the sender became aware (their clock, not the recipient's).
    pub aware_at: Option<Timestamp>,
    pub ongoing: bool,
    pub data_subjects: Option<String>,
    pub data_subjects_count: Option<String>,
    pub records_count: Option<String>,
    pub affected_data: Vec<String>,
    pub breach_types: Vec<String>,
    pub cause: Option<String>,
    /// The sender's part in the processing: as processor, the recipient is the controller.
    pub our_role: String,
    pub measures: Option<String>,
    /// What the sender adds for the recipient (who to call, what is asked of them).
    pub message: Option<String>,
}

impl SharedFacts {
    /// The shared facts of a breach, with the sender's note. The note is checked here: a notice is
    /// never sent with a note longer than [`MESSAGE_MAX`].
    pub fn of(d: &BreachDetails, message: Option<&str>) -> Result<SharedFacts, Invalid> {
        let message = crate::text::optional_text("message", message, MESSAGE_MAX)?;
        Ok(SharedFacts {
            description: d.description.clone(),
            discovered_at: d.discovered_at,
            aware_at: d.aware_at,
            ongoing: d.ongoing,
            data_subjects: d.data_subjects.clone(),
            data_subjects_count: d.data_subjects_count.clone(),
            records_count: d.records_count.clone(),
            affected_data: d.affected_data.clone(),
            breach_types: d.breach_types.clone(),
            cause: d.cause.clone(),
            our_role: d.our_role.clone(),
            measures: d.measures.clone(),
            message,
        })
    }

    /// The breach the recipient registers from the notice: the shared facts, aware (and, for
    /// them, discovered) when they were told, the sender named among the other controllers. Our
    /// role follows from theirs: a processor's controller is the controller.
    pub fn registered(&self, told_at: Timestamp, from: &str) -> BreachDetails {
        let when = clock::display_stockholm(told_at);
        let mut description = self.description.trim_end().to_string();
        description.push_str(&format!("\n\nUnderrättelse från {from} {when}."));
        if description.chars().count() > crate::register::breach::TEXT_MAX {
            // The sender's description fits the limit; only the added line could pass it.
            description = self.description.clone();
        }
        BreachDetails {
            description,
            discovered_at: Some(told_at),
            aware_at: Some(told_at),
            ongoing: self.ongoing,
            data_subjects: self.data_subjects.clone(),
            data_subjects_count: self.data_subjects_count.clone(),
            records_count: self.records_count.clone(),
            affected_data: self.affected_data.clone(),
            breach_types: self.breach_types.clone(),
            cause: self.cause.clone(),
            our_role: if self.our_role == "processor" {
                "controller".into()
            } else {
                String::new()
            },
            other_controllers: vec![from.chars().take(300).collect()],
            measures: self.measures.clone(),
            ..BreachDetails::default()
        }
    }
}

/// The recipient's deadline for notifying IMY, should the breach be theirs to notify: 72 hours from
/// when they were told.
pub fn their_deadline(told_at: Timestamp) -> Timestamp {
    clock::imy_deadline(told_at)
}

/// Checks the controllers a notice is addressed to: some, at most [`RECIPIENTS_MAX`], each once,
/// and never the sender's own.
pub fn check_recipients(ids: &[String], own: Option<&str>) -> Result<Vec<String>, Invalid> {
    if ids.is_empty() {
        return Err(Invalid::new("controller_ids", Rule::Required));
    }
    if ids.len() > RECIPIENTS_MAX {
        return Err(Invalid::new(
            "controller_ids",
            Rule::TooMany {
                max: RECIPIENTS_MAX,
            },
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        let id = id.trim();
        if !crate::ids::is_well_formed(id) || Some(id) == own {
            return Err(Invalid::new("controller_ids", Rule::UnknownReference));
        }
        if !out.iter().any(|o| o == id) {
            out.push(id.to_string());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breach() -> BreachDetails {
        BreachDetails {
            description: "E-post med elevuppgifter till fel mottagare\nDetaljer".into(),
            discovered_at: "2026-03-29T00:30:00Z".parse().ok(),
            aware_at: "2026-03-29T01:30:00Z".parse().ok(),
            ongoing: true,
            data_subjects: Some("elever".into()),
            data_subjects_count: Some("cirka 30".into()),
            affected_data: vec!["personal_identity_number".into()],
            breach_types: vec!["confidentiality".into()],
            cause: Some("human_error".into()),
            our_role: "processor".into(),
            measures: Some("Mottagaren har raderat".into()),
            reference: Some("KS 2026/1 (intern)".into()),
            consequences: Some("Intern bedömning".into()),
            dpo_advice: Some("Internt råd".into()),
            lessons: Some("Intern lärdom".into()),
            delay_reason: Some("Internt skäl".into()),
            art34_facts: Some("Interna omständigheter".into()),
            imy_reference: Some("IMY-2026-1".into()),
            ..BreachDetails::default()
        }
    }

    #[test]
    fn the_shared_facts_carry_nothing_of_our_own_handling() {
        let shared = SharedFacts::of(&breach(), Some("Ring mig")).expect("valid");
        let json = serde_json::to_string(&shared).expect("json");
        for internal in [
            "KS 2026/1",
            "Intern bedömning",
            "Internt råd",
            "Intern lärdom",
            "Internt skäl",
            "Interna omständigheter",
            "IMY-2026-1",
        ] {
            assert!(!json.contains(internal), "{internal} was shared: {json}");
        }
        assert!(json.contains("Mottagaren har raderat"));
        assert_eq!(shared.message.as_deref(), Some("Ring mig"));
    }

    #[test]
    fn a_note_longer_than_the_limit_is_refused_and_an_empty_one_is_none() {
        let long = "x".repeat(MESSAGE_MAX + 1);
        assert_eq!(
            SharedFacts::of(&breach(), Some(&long)).map_err(|e| e.field),
            Err("message")
        );
        let ok = "x".repeat(MESSAGE_MAX);
        assert!(SharedFacts::of(&breach(), Some(&ok)).is_ok());
        assert_eq!(
            SharedFacts::of(&breach(), Some("   ")).expect("ok").message,
            None
        );
    }

    #[test]
    fn the_recipients_clock_runs_from_when_they_were_told() {
        // Told on the night the clocks go forward: 72 elapsed hours, whatever the wall clock says.
        let told: Timestamp = "2026-03-29T00:30:00Z".parse().expect("instant");
        let shared = SharedFacts::of(&breach(), None).expect("valid");
        let theirs = shared.registered(told, "Utbildningsnämnden");
        assert_eq!(theirs.aware_at, Some(told));
        assert_eq!(theirs.discovered_at, Some(told));
        assert_eq!(
            theirs.imy_deadline().map(|t| t.to_string()),
            Some("2026-04-01T00:30:00Z".into())
        );
        assert_eq!(their_deadline(told), clock::imy_deadline(told));
        assert_eq!(theirs.our_role, "controller");
        assert_eq!(theirs.other_controllers, vec!["Utbildningsnämnden"]);
        assert!(
            theirs
                .description
                .ends_with("Underrättelse från Utbildningsnämnden 2026-03-29 01:30.")
        );
        assert_eq!(
            theirs.title(),
            "E-post med elevuppgifter till fel mottagare"
        );
        // Nothing of our handling follows into their record.
        assert_eq!(theirs.reference, None);
        assert_eq!(theirs.dpo_advice, None);
        assert!(theirs.assessment.is_none());
    }

    #[test]
    fn a_description_at_the_limit_is_kept_whole() {
        let mut d = breach();
        d.description = "y".repeat(crate::register::breach::TEXT_MAX);
        let shared = SharedFacts::of(&d, None).expect("valid");
        let theirs = shared.registered(Timestamp::UNIX_EPOCH, "Nämnden");
        assert_eq!(theirs.description, d.description);
    }

    #[test]
    fn a_controller_role_is_not_assumed_for_them() {
        let mut d = breach();
        d.our_role = "controller".into();
        let shared = SharedFacts::of(&d, None).expect("valid");
        assert_eq!(
            shared.registered(Timestamp::UNIX_EPOCH, "N").our_role,
            String::new()
        );
    }

    #[test]
    fn recipients_are_some_at_most_the_limit_each_once_never_our_own() {
        let a = crate::ids::new_id();
        let b = crate::ids::new_id();
        assert_eq!(
            check_recipients(&[], None).map_err(|e| e.rule),
            Err(Rule::Required)
        );
        assert_eq!(
            check_recipients(&[a.clone(), b.clone(), a.clone()], None),
            Ok(vec![a.clone(), b.clone()])
        );
        assert_eq!(
            check_recipients(std::slice::from_ref(&a), Some(&a)).map_err(|e| e.rule),
            Err(Rule::UnknownReference)
        );
        assert_eq!(
            check_recipients(&["inte-ett-id".into()], None).map_err(|e| e.rule),
            Err(Rule::UnknownReference)
        );
        let many: Vec<String> = (0..=RECIPIENTS_MAX).map(|_| crate::ids::new_id()).collect();
        assert_eq!(
            check_recipients(&many, None).map_err(|e| e.rule),
            Err(Rule::TooMany {
                max: RECIPIENTS_MAX
            })
        );
    }
}
