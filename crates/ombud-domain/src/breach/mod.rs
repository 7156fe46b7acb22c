//! Personal data breaches (personuppgiftsincidenter, GDPR art. 33 and 34): the rules, with no I/O.
//!
//! A breach is documented whatever its risk (art. 33.5). Whether it must be notified to IMY, and
//! whether the people concerned must be told, follows from the risk category; the category comes
//! from an ENISA severity assessment that the assessor may override with a written reason
//! ([`severity`]). A notification is due within 72 hours of the controller becoming aware
//! ([`clock`]); what it and the letter to the data subjects must say is in [`notice`]; the counts
//! of the annual report are in [`figures`].
//!
//! This module holds the vocabulary of the breach record: its kind ([`BreachType`]), its cause
//! ([`Cause`]), our role in the processing ([`OurRole`]) and the kinds of data affected
//! ([`AffectedData`]). Each has a stable ASCII key for the API and storage, and Swedish and English
//! labels for people; the `*_OPTIONS` lists are in the same order as the enums' `ALL`.

pub mod clock;
pub mod figures;
pub mod notice;
pub mod severity;
pub mod shared;

pub use clock::{
    LocalTime, Reminder, ReminderPlan, TimeError, imy_deadline, late_notification_needs_reason,
    parse_api_instant, remaining, remaining_text, reminder_plan, reminder_subject, reminders_due,
    resolve_local,
};
pub use figures::{BreachSummary, YearFigures, figures, year_of, years};
pub use notice::{
    LetterFacts, LetterItem, MissingItem, NoticeFacts, Phase, imy_notice, missing_items,
    missing_letter_items, subject_letter,
};
pub use severity::{
    Art34Exception, Assessment, Band, CategoryScore, ContextFactor, DataCategory, Override,
    Proposal, RiskCategory, effective_category, overall_dpc,
};
pub use shared::SharedFacts;

use crate::kernel::field::Text2;
use crate::{Invalid, Lang, Rule};

/// Longest written justification (of an override, of a changed DPC score), in characters.
pub const JUSTIFICATION_MAX: usize = 4000;

/// A field the breach rules refused: the field as the API names it, the row when it is one of a
/// list, the rule broken and, where the general rule text would say too little, a specific text.
///
/// It converts into the crate's [`Invalid`] so that the API's problem details and the forms'
/// messages can carry it like any other validation failure; the specific text is then lost, so a
/// caller that can show it should use [`FieldError::message`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub row: Option<usize>,
    pub rule: Rule,
    pub text: Option<Text2>,
}

impl FieldError {
    /// A failure explained by the general text of its rule.
    pub fn new(field: &'static str, rule: Rule) -> Self {
        FieldError {
            field,
            row: None,
            rule,
            text: None,
        }
    }

    /// A failure with a text of its own, saying which values are allowed.
    pub fn with_text(field: &'static str, rule: Rule, sv: &'static str, en: &'static str) -> Self {
        FieldError {
            field,
            row: None,
            rule,
            text: Some(Text2::new(sv, en)),
        }
    }

    /// The same failure, on row `row` of a list.
    pub fn at_row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }

    /// The text a person reads.
    pub fn message(&self, lang: Lang) -> String {
        match self.text {
            Some(t) => t.get(lang).to_string(),
            None => self.rule.message(lang),
        }
    }

    /// The crate's general form of the failure.
    pub fn invalid(&self) -> Invalid {
        Invalid {
            field: self.field,
            rule: self.rule,
            row: self.row,
        }
    }
}

impl From<Invalid> for FieldError {
    fn from(i: Invalid) -> Self {
        FieldError {
            field: i.field,
            row: i.row,
            rule: i.rule,
            text: None,
        }
    }
}

impl From<FieldError> for Invalid {
    fn from(e: FieldError) -> Self {
        e.invalid()
    }
}

/// Accepts a written justification: required, trimmed, at most [`JUSTIFICATION_MAX`] characters,
/// line breaks allowed but no other control characters.
pub(crate) fn justification(field: &'static str, value: &str) -> Result<String, FieldError> {
    match crate::text::optional_text(field, Some(value), JUSTIFICATION_MAX)? {
        Some(v) => Ok(v),
        None => Err(FieldError::new(field, Rule::Required)),
    }
}

/// Declares a closed vocabulary: the enum (serialised by its key), its `ALL`, its options list for
/// forms, and `as_str`, `label` and `parse`. One declaration keeps key, label and variant from
/// drifting apart.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, $options:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $code:literal, $sv:literal, $en:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            ::serde::Serialize, ::serde::Deserialize,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant, )+
        }

        /// The choices in form order: key, Swedish and English label.
        pub const $options: &[$crate::kernel::field::Opt] =
            &[ $( $crate::kernel::field::opt($code, $sv, $en), )+ ];

        impl $name {
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// The key the API sends and storage keeps.
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $code, )+ }
            }

            /// What people read.
            pub fn label(self, lang: $crate::Lang) -> &'static str {
                match self { $( $name::$variant => lang.pick($sv, $en), )+ }
            }

            /// Reads a key, or a Swedish or English label as found in imported spreadsheets.
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim().to_lowercase();
                $name::ALL.iter().copied().find(|v| {
                    v.as_str() == s
                        || v.label($crate::Lang::Sv).to_lowercase() == s
                        || v.label($crate::Lang::En).to_lowercase() == s
                })
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary! {
    /// Which security property the breach broke (WP29 opinion 03/2014): any combination of the
    /// three can apply to one breach.
    BreachType, BREACH_TYPE_OPTIONS {
        /// Unauthorised or accidental disclosure of, or access to, personal data.
        Confidentiality => "confidentiality", "Konfidentialitet", "Confidentiality";
        /// Unauthorised or accidental alteration of personal data.
        Integrity => "integrity", "Riktighet", "Integrity";
        /// Accidental or unauthorised loss of access to, or destruction of, personal data.
        Availability => "availability", "Tillgänglighet", "Availability";
    }
}

impl BreachType {
    /// A sentence that tells the three apart, for the form.
    pub fn explanation(self, lang: Lang) -> &'static str {
        match self {
            BreachType::Confidentiality => lang.pick(
                "Obehörigt eller oavsiktligt röjande av eller åtkomst till personuppgifter.",
                "Unauthorised or accidental disclosure of, or access to, personal data.",
            ),
            BreachType::Integrity => lang.pick(
                "Obehörig eller oavsiktlig ändring av personuppgifter.",
                "Unauthorised or accidental alteration of personal data.",
            ),
            BreachType::Availability => lang.pick(
                "Obehörig eller oavsiktlig förlust av åtkomst till, eller förstöring av, personuppgifter.",
                "Unauthorised or accidental loss of access to, or destruction of, personal data.",
            ),
        }
    }

    /// Accepts the types the API sends: at least one, each once, returned in the order of
    /// [`BreachType::ALL`] so that stored lists compare equal whatever order they were ticked in.
    pub fn validate(types: &[BreachType]) -> Result<Vec<BreachType>, FieldError> {
        let set: Vec<BreachType> = BreachType::ALL
            .iter()
            .copied()
            .filter(|t| types.contains(t))
            .collect();
        if set.is_empty() {
            return Err(FieldError::with_text(
                "types",
                Rule::Required,
                "Välj minst en typ: konfidentialitet, riktighet eller tillgänglighet.",
                "Choose at least one type: confidentiality, integrity or availability.",
            ));
        }
        Ok(set)
    }
}

vocabulary! {
    /// What caused the breach, as the annual report counts it.
    Cause, CAUSE_OPTIONS {
        HumanError => "human_error", "Mänskligt misstag", "Human error";
        Routine => "routine", "Brister i rutiner eller organisation", "Shortcomings in routines or organisation";
        TechnicalFault => "technical_fault", "Tekniskt fel", "Technical fault";
        Attack => "attack", "Angrepp eller intrång", "Attack or intrusion";
        LostDevice => "lost_device", "Förlorad eller stulen enhet", "Lost or stolen device";
        Other => "other", "Annat", "Other";
    }
}

vocabulary! {
    /// Our part in the processing the breach hit. As processor we do not notify IMY: we tell the
    /// controller without undue delay (art. 33.2) and its 72 hours run from then.
    OurRole, OUR_ROLE_OPTIONS {
        Controller => "controller", "Personuppgiftsansvarig", "Controller";
        Processor => "processor", "Personuppgiftsbiträde", "Processor";
        Both => "both", "Både personuppgiftsansvarig och personuppgiftsbiträde", "Both controller and processor";
    }
}

impl OurRole {
    /// Whether the art. 33 notification to IMY (and the 72-hour clock) is ours to make.
    pub fn notifies_imy(self) -> bool {
        matches!(self, OurRole::Controller | OurRole::Both)
    }

    /// Whether we must tell another controller about the breach (art. 33.2).
    pub fn informs_controller(self) -> bool {
        matches!(self, OurRole::Processor | OurRole::Both)
    }
}

vocabulary! {
    /// The kinds of data affected that change how serious a breach is, as a municipality records
    /// them. These are facts about the breach; the ENISA data categories of the assessment
    /// ([`severity::DataCategory`]) are a separate judgement.
    AffectedData, AFFECTED_DATA_OPTIONS {
        /// Art. 9.1: health, ethnic origin, political opinions, religion, union membership,
        /// genetic and biometric data, sex life or orientation.
        SpecialCategories => "special_categories", "Särskilda kategorier av personuppgifter (känsliga uppgifter)", "Special categories of personal data (sensitive data)";
        /// People living with a protected identity (sekretessmarkering, skyddad folkbokföring).
        ProtectedIdentity => "protected_identity", "Skyddad identitet", "Protected identity";
        PersonalIdentityNumber => "personal_identity_number", "Personnummer", "Personal identity numbers";
        Financial => "financial", "Ekonomiska uppgifter", "Financial data";
        /// Art. 10.
        CriminalOffences => "criminal_offences", "Uppgifter om lagöverträdelser", "Data on criminal offences";
        Children => "children", "Uppgifter om barn", "Data about children";
        Credentials => "credentials", "Inloggningsuppgifter", "Login credentials";
        ContactDetails => "contact_details", "Kontaktuppgifter", "Contact details";
        Other => "other", "Övrigt", "Other";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::field::Opt;
    use serde::Serialize;

    fn check_vocabulary<T: Copy + PartialEq + std::fmt::Debug + Serialize>(
        all: &[T],
        options: &[Opt],
        as_str: fn(T) -> &'static str,
        label: fn(T, Lang) -> &'static str,
        parse: fn(&str) -> Option<T>,
    ) {
        assert_eq!(all.len(), options.len());
        for (v, o) in all.iter().copied().zip(options) {
            let key = as_str(v);
            assert_eq!(key, o.code);
            assert!(
                key.bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit()),
                "{key} is not ASCII snake_case"
            );
            assert_eq!(
                serde_json::to_value(v).expect("serialises"),
                serde_json::json!(key)
            );
            assert_eq!(label(v, Lang::Sv), o.label.sv);
            assert_eq!(label(v, Lang::En), o.label.en);
            assert_eq!(parse(key), Some(v));
            assert_eq!(parse(&label(v, Lang::Sv).to_uppercase()), Some(v));
            assert_eq!(parse(label(v, Lang::En)), Some(v));
        }
        assert_eq!(parse("no_such_key"), None);
    }

    #[test]
    fn breach_vocabulary_keys_labels_and_serde_agree() {
        check_vocabulary(
            BreachType::ALL,
            BREACH_TYPE_OPTIONS,
            BreachType::as_str,
            BreachType::label,
            BreachType::parse,
        );
        check_vocabulary(
            Cause::ALL,
            CAUSE_OPTIONS,
            Cause::as_str,
            Cause::label,
            Cause::parse,
        );
        check_vocabulary(
            OurRole::ALL,
            OUR_ROLE_OPTIONS,
            OurRole::as_str,
            OurRole::label,
            OurRole::parse,
        );
        check_vocabulary(
            AffectedData::ALL,
            AFFECTED_DATA_OPTIONS,
            AffectedData::as_str,
            AffectedData::label,
            AffectedData::parse,
        );
        assert_eq!(Cause::ALL.len(), 6);
        assert_eq!(AffectedData::ALL.len(), 9);
        assert_eq!(BreachType::Integrity.label(Lang::Sv), "Riktighet");
        assert_eq!(
            serde_json::from_str::<AffectedData>("\"personal_identity_number\"").ok(),
            Some(AffectedData::PersonalIdentityNumber)
        );
    }

    #[test]
    fn breach_types_any_combination_at_least_one() {
        use BreachType::*;
        assert_eq!(
            BreachType::validate(&[Availability, Confidentiality, Availability]),
            Ok(vec![Confidentiality, Availability])
        );
        assert_eq!(
            BreachType::validate(&[Integrity, Availability, Confidentiality]),
            Ok(vec![Confidentiality, Integrity, Availability])
        );
        let e = BreachType::validate(&[]).expect_err("empty");
        assert_eq!(e.field, "types");
        assert_eq!(e.rule, Rule::Required);
        assert_ne!(e.message(Lang::Sv), e.message(Lang::En));
    }

    #[test]
    fn only_a_controller_notifies_imy() {
        assert!(OurRole::Controller.notifies_imy());
        assert!(OurRole::Both.notifies_imy());
        assert!(!OurRole::Processor.notifies_imy());
        assert!(OurRole::Processor.informs_controller());
        assert!(!OurRole::Controller.informs_controller());
    }

    #[test]
    fn a_justification_is_required_bounded_and_trimmed() {
        assert_eq!(
            justification("j", "  skäl \n rad 2 "),
            Ok("skäl \n rad 2".into())
        );
        assert_eq!(
            justification("j", " \n "),
            Err(FieldError::new("j", Rule::Required))
        );
        assert!(justification("j", &"å".repeat(JUSTIFICATION_MAX)).is_ok());
        assert_eq!(
            justification("j", &"å".repeat(JUSTIFICATION_MAX + 1)),
            Err(FieldError::new(
                "j",
                Rule::TooLong {
                    max: JUSTIFICATION_MAX
                }
            ))
        );
        assert_eq!(
            justification("j", "a\u{7}b").map_err(|e| e.rule),
            Err(Rule::ControlCharacters)
        );
    }

    #[test]
    fn a_field_error_becomes_an_invalid() {
        let e = FieldError::new("integrity", Rule::InvalidValue).at_row(2);
        assert_eq!(
            Invalid::from(e),
            Invalid::at_row("integrity", Rule::InvalidValue, 2)
        );
    }
}
