//! Validation failures, each naming the field and the rule broken, with the text a person reads.
//!
//! Rule texts live here, beside the rules, in Swedish and English, so that the API's problem details
//! and the UI's form messages say the same thing.

use crate::Lang;

/// One rule a value broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    Required,
    TooLong {
        max: usize,
    },
    TooShort {
        min: usize,
    },
    InvalidEmail,
    InvalidKind,
    ControllerKindOnly,
    ParentRequired,
    ParentKindNotAllowed,
    RootKindNotAllowed,
    MoveIntoOwnSubtree,
    UnknownRole,
    ControlCharacters,
    PasswordTooCommon,
    TooMany {
        max: usize,
    },
    UnknownReference,
    InvalidValue,
    InvalidDate,
    /// Not an instant with its offset (RFC 3339: `2026-09-07T10:00:00+02:00`, or `Z`).
    InvalidInstant,
    /// A local time that occurs twice (the autumn DST change): which one is meant must be said.
    AmbiguousLocalTime,
    /// A local time that does not exist (the spring DST change skips it).
    NonexistentLocalTime,
    /// An instant after now where only the past makes sense (a breach discovered).
    InstantInFuture,
    /// An instant before the one it must follow (aware before discovered is allowed; notified before
    /// aware is not).
    InstantTooEarly,
    /// A date before the one it must follow (a review before the classification it reviews).
    DateTooEarly,
    /// A date after today where only the past makes sense (a check carried out).
    DateInFuture,
    /// A request's requester told of an extension after the first month (art. 12.3).
    AfterFirstMonth,
}

impl Rule {
    /// A stable machine-readable code, for API clients.
    pub fn code(self) -> &'static str {
        match self {
            Rule::Required => "required",
            Rule::TooLong { .. } => "too_long",
            Rule::TooShort { .. } => "too_short",
            Rule::InvalidEmail => "invalid_email",
            Rule::InvalidKind => "invalid_kind",
            Rule::ControllerKindOnly => "controller_kind_only",
            Rule::ParentRequired => "parent_required",
            Rule::ParentKindNotAllowed => "parent_kind_not_allowed",
            Rule::RootKindNotAllowed => "root_kind_not_allowed",
            Rule::MoveIntoOwnSubtree => "move_into_own_subtree",
            Rule::UnknownRole => "unknown_role",
            Rule::ControlCharacters => "control_characters",
            Rule::PasswordTooCommon => "password_too_common",
            Rule::TooMany { .. } => "too_many",
            Rule::UnknownReference => "unknown_reference",
            Rule::InvalidValue => "invalid_value",
            Rule::InvalidDate => "invalid_date",
            Rule::InvalidInstant => "invalid_instant",
            Rule::AmbiguousLocalTime => "ambiguous_local_time",
            Rule::NonexistentLocalTime => "nonexistent_local_time",
            Rule::InstantInFuture => "instant_in_future",
            Rule::InstantTooEarly => "instant_too_early",
            Rule::DateTooEarly => "date_too_early",
            Rule::DateInFuture => "date_in_future",
            Rule::AfterFirstMonth => "after_first_month",
        }
    }

    /// The text a person reads.
    pub fn message(self, lang: Lang) -> String {
        match (self, lang) {
            (Rule::Required, Lang::Sv) => "Fältet måste fyllas i.".into(),
            (Rule::Required, Lang::En) => "This field is required.".into(),
            (Rule::TooLong { max }, Lang::Sv) => format!("Högst {max} tecken."),
            (Rule::TooLong { max }, Lang::En) => format!("At most {max} characters."),
            (Rule::TooShort { min }, Lang::Sv) => format!("Minst {min} tecken."),
            (Rule::TooShort { min }, Lang::En) => format!("At least {min} characters."),
            (Rule::InvalidEmail, Lang::Sv) => "Ange en giltig e-postadress.".into(),
            (Rule::InvalidEmail, Lang::En) => "Enter a valid e-mail address.".into(),
            (Rule::InvalidKind, Lang::Sv) => {
                "Typen måste vara stad, nämnd, bolag, förvaltning, avdelning eller enhet.".into()
            }
            (Rule::InvalidKind, Lang::En) => {
                "The kind must be city, board, company, administration, department or unit.".into()
            }
            (Rule::ControllerKindOnly, Lang::Sv) => {
                "Endast en nämnd eller ett bolag kan vara personuppgiftsansvarig.".into()
            }
            (Rule::ControllerKindOnly, Lang::En) => {
                "Only a board or a company can be a controller.".into()
            }
            (Rule::ParentRequired, Lang::Sv) => "Ange vilken organisation den ligger under.".into(),
            (Rule::ParentRequired, Lang::En) => "Choose the organisation it belongs to.".into(),
            (Rule::ParentKindNotAllowed, Lang::Sv) => {
                "Den typen av organisation kan inte ligga under den valda.".into()
            }
            (Rule::ParentKindNotAllowed, Lang::En) => {
                "That kind of organisation cannot sit under the chosen one.".into()
            }
            (Rule::RootKindNotAllowed, Lang::Sv) => {
                "Endast en stad, nämnd eller ett bolag kan stå överst.".into()
            }
            (Rule::RootKindNotAllowed, Lang::En) => {
                "Only a city, a board or a company can stand at the top.".into()
            }
            (Rule::MoveIntoOwnSubtree, Lang::Sv) => {
                "En organisation kan inte flyttas in under sig själv.".into()
            }
            (Rule::MoveIntoOwnSubtree, Lang::En) => {
                "An organisation cannot be moved under itself.".into()
            }
            (Rule::UnknownRole, Lang::Sv) => "Okänd roll.".into(),
            (Rule::UnknownRole, Lang::En) => "Unknown role.".into(),
            (Rule::ControlCharacters, Lang::Sv) => "Texten innehåller otillåtna tecken.".into(),
            (Rule::ControlCharacters, Lang::En) => {
                "The text contains characters that are not allowed.".into()
            }
            (Rule::PasswordTooCommon, Lang::Sv) => {
                "Lösenordet är för enkelt: välj ett som inte liknar e-postadressen eller namnet."
                    .into()
            }
            (Rule::TooMany { max }, Lang::Sv) => format!("Högst {max} rader."),
            (Rule::TooMany { max }, Lang::En) => format!("At most {max} items."),
            (Rule::UnknownReference, Lang::Sv) => {
                "Hänvisningen pekar inte på något som finns.".into()
            }
            (Rule::UnknownReference, Lang::En) => {
                "The reference does not point to anything that exists.".into()
            }
            (Rule::InvalidValue, Lang::Sv) => "Värdet är inte ett av de tillåtna.".into(),
            (Rule::InvalidValue, Lang::En) => "The value is not one of those allowed.".into(),
            (Rule::InvalidDate, Lang::Sv) => "Ange ett datum som ÅÅÅÅ-MM-DD.".into(),
            (Rule::InvalidDate, Lang::En) => "Give a date as YYYY-MM-DD.".into(),
            (Rule::InvalidInstant, Lang::Sv) => {
                "Ange datum och klockslag, t.ex. 2026-09-07 10:00.".into()
            }
            (Rule::InvalidInstant, Lang::En) => {
                "Give a date and time with its offset, e.g. 2026-09-07T10:00:00+02:00.".into()
            }
            (Rule::AmbiguousLocalTime, Lang::Sv) => {
                "Klockslaget inträffar två gånger när sommartiden slutar: välj om du menar sommartid eller vintertid.".into()
            }
            (Rule::AmbiguousLocalTime, Lang::En) => {
                "The time occurs twice when summer time ends: choose summer time or winter time.".into()
            }
            (Rule::NonexistentLocalTime, Lang::Sv) => {
                "Klockslaget finns inte: klockan ställs fram en timme när sommartiden börjar. Välj tiden före eller efter.".into()
            }
            (Rule::NonexistentLocalTime, Lang::En) => {
                "The time does not exist: clocks go forward an hour when summer time begins. Choose the time before or after.".into()
            }
            (Rule::InstantInFuture, Lang::Sv) => "Tidpunkten kan inte ligga i framtiden.".into(),
            (Rule::InstantInFuture, Lang::En) => "The time cannot be in the future.".into(),
            (Rule::InstantTooEarly, Lang::Sv) => {
                "Tidpunkten ligger före den tidpunkt den ska följa.".into()
            }
            (Rule::InstantTooEarly, Lang::En) => "The time is before the time it must follow.".into(),
            (Rule::DateTooEarly, Lang::Sv) => "Datumet ligger före det datum det ska följa.".into(),
            (Rule::DateTooEarly, Lang::En) => "The date is before the date it must follow.".into(),
            (Rule::DateInFuture, Lang::Sv) => "Datumet kan inte ligga i framtiden.".into(),
            (Rule::DateInFuture, Lang::En) => "The date cannot be in the future.".into(),
            (Rule::AfterFirstMonth, Lang::Sv) => {
                "Den registrerade ska få veta om förlängningen inom en månad från att begäran kom (artikel 12.3).".into()
            }
            (Rule::AfterFirstMonth, Lang::En) => {
                "The data subject must be told of the extension within one month of receipt (article 12.3).".into()
            }
            (Rule::PasswordTooCommon, Lang::En) => {
                "The password is too simple: choose one unlike the e-mail address or name.".into()
            }
        }
    }
}

/// A value that failed validation: which field, which rule, and for a field of a row (a transfer, an
/// action of an action plan) which row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {}", rule.code())]
pub struct Invalid {
    /// The field's name as the API spells it (`name`, `parent_id`, `third_country_transfers.country`).
    pub field: &'static str,
    pub rule: Rule,
    /// The row, counted from 0, when the field is one of a list of rows.
    pub row: Option<usize>,
}

impl Invalid {
    pub fn new(field: &'static str, rule: Rule) -> Self {
        Invalid {
            field,
            rule,
            row: None,
        }
    }

    /// A problem with a field of one row of a list.
    pub fn at_row(field: &'static str, rule: Rule, row: usize) -> Self {
        Invalid {
            field,
            rule,
            row: Some(row),
        }
    }
}
