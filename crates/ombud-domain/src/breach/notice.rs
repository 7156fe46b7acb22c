//! The two documents a breach may call for, as plain text: the notification to IMY (art. 33) and
//! the letter to the data subjects (art. 34).
//!
//! Both are drafted from whatever is known. An item not yet known is written out as
//! "Uppgift saknas" rather than left out, so that a reader sees the gap, and is listed by
//! [`missing_items`] / [`missing_letter_items`] so that the UI can warn before anything is sent.
//! Art. 33.4 allows a notification to be completed in phases; a notice says which phase it is, and
//! a first notice with gaps says that more will follow.

use super::clock::{display_stockholm, imy_deadline, late_notification_needs_reason};
use super::severity::RiskCategory;
use super::{AffectedData, BreachType};
use crate::Lang;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// Which phase of the notification a notice is (art. 33.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The first notification: the one the 72 hours apply to.
    #[default]
    First,
    /// The n-th supplement to it, counted from 1.
    Supplement(u16),
}

/// What is known when the notification to IMY is drafted. Everything is optional: a missing item
/// is written as missing and reported by [`missing_items`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NoticeFacts {
    /// The controller: the board (nämnd) or company responsible.
    pub controller: Option<String>,
    /// The registration number (diarienummer).
    pub reference: Option<String>,
    pub phase: Phase,
    /// When this notice is sent: its date.
    pub dated: Option<Timestamp>,
    /// For a supplement: when the first notification was sent.
    pub first_notified_at: Option<Timestamp>,
    pub occurred_at: Option<Timestamp>,
    pub discovered_at: Option<Timestamp>,
    /// When the controller became aware: the 72 hours run from here.
    pub aware_at: Option<Timestamp>,
    pub types: Vec<BreachType>,
    /// A description of what happened.
    pub nature: Option<String>,
    pub data_categories: Vec<AffectedData>,
    /// Who the data are about (pupils, employees, recipients of social services...).
    pub subject_categories: Option<String>,
    pub subjects_approx: Option<u64>,
    pub records_approx: Option<u64>,
    pub dpo_name: Option<String>,
    pub dpo_contact: Option<String>,
    pub consequences: Option<String>,
    /// Measures taken or proposed to address the breach.
    pub measures: Option<String>,
    /// Measures to mitigate its possible adverse effects.
    pub mitigation: Option<String>,
    /// Required when the first notification is made after the deadline (art. 33.1).
    pub delay_reason: Option<String>,
    /// The assessed risk category, stated when known.
    pub risk: Option<RiskCategory>,
    /// Whether the controller will send more information, even if nothing is missing now.
    pub more_to_follow: bool,
}

impl NoticeFacts {
    /// The 72-hour deadline, once awareness is known.
    pub fn deadline(&self) -> Option<Timestamp> {
        self.aware_at.map(imy_deadline)
    }

    /// When the first notification was (or, for a first notice, is being) made.
    pub fn notified_at(&self) -> Option<Timestamp> {
        match self.phase {
            Phase::First => self.dated,
            Phase::Supplement(_) => self.first_notified_at,
        }
    }

    /// Whether the first notification came after the deadline; `None` while either is unknown.
    pub fn is_late(&self) -> Option<bool> {
        Some(late_notification_needs_reason(
            self.deadline()?,
            self.notified_at()?,
        ))
    }
}

/// An item of the notification that is not yet known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingItem {
    Controller,
    Dated,
    FirstNotifiedAt,
    OccurredAt,
    DiscoveredAt,
    AwareAt,
    Types,
    Nature,
    DataCategories,
    SubjectCategories,
    SubjectsApprox,
    RecordsApprox,
    DpoName,
    DpoContact,
    Consequences,
    Measures,
    Mitigation,
    DelayReason,
}

impl MissingItem {
    /// The item as the warning names it, with the provision that asks for it.
    pub fn label(self, lang: Lang) -> &'static str {
        use MissingItem::*;
        match self {
            Controller => lang.pick("Personuppgiftsansvarig", "Controller"),
            Dated => lang.pick("Anmälans datum", "Date of the notification"),
            FirstNotifiedAt => lang.pick(
                "Datum för den första anmälan",
                "Date of the first notification",
            ),
            OccurredAt => lang.pick("När incidenten inträffade", "When the breach occurred"),
            DiscoveredAt => lang.pick(
                "När incidenten upptäcktes",
                "When the breach was discovered",
            ),
            AwareAt => lang.pick(
                "När vi fick vetskap om incidenten (art. 33.1)",
                "When we became aware of the breach (art. 33.1)",
            ),
            Types => lang.pick(
                "Typ av incident (art. 33.3 a)",
                "Type of breach (art. 33.3 a)",
            ),
            Nature => lang.pick(
                "Beskrivning av incidentens art (art. 33.3 a)",
                "Description of the nature of the breach (art. 33.3 a)",
            ),
            DataCategories => lang.pick(
                "Kategorier av personuppgifter (art. 33.3 a)",
                "Categories of personal data (art. 33.3 a)",
            ),
            SubjectCategories => lang.pick(
                "Kategorier av registrerade (art. 33.3 a)",
                "Categories of data subjects (art. 33.3 a)",
            ),
            SubjectsApprox => lang.pick(
                "Ungefärligt antal registrerade (art. 33.3 a)",
                "Approximate number of data subjects (art. 33.3 a)",
            ),
            RecordsApprox => lang.pick(
                "Ungefärligt antal personuppgiftsposter (art. 33.3 a)",
                "Approximate number of personal data records (art. 33.3 a)",
            ),
            DpoName => lang.pick(
                "Dataskyddsombudets namn (art. 33.3 b)",
                "Name of the data protection officer (art. 33.3 b)",
            ),
            DpoContact => lang.pick(
                "Dataskyddsombudets kontaktuppgifter (art. 33.3 b)",
                "Contact details of the data protection officer (art. 33.3 b)",
            ),
            Consequences => lang.pick(
                "Sannolika konsekvenser (art. 33.3 c)",
                "Likely consequences (art. 33.3 c)",
            ),
            Measures => lang.pick(
                "Vidtagna eller föreslagna åtgärder (art. 33.3 d)",
                "Measures taken or proposed (art. 33.3 d)",
            ),
            Mitigation => lang.pick(
                "Åtgärder för att mildra negativa effekter (art. 33.3 d)",
                "Measures to mitigate adverse effects (art. 33.3 d)",
            ),
            DelayReason => lang.pick(
                "Skäl till att anmälan görs efter 72 timmar (art. 33.1)",
                "Reasons for notifying after 72 hours (art. 33.1)",
            ),
        }
    }
}

fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|s| s.trim().is_empty())
}

/// What the notification still lacks, in the order of the document. The reasons for delay are
/// lacking only when the first notification is known to be late.
pub fn missing_items(f: &NoticeFacts) -> Vec<MissingItem> {
    use MissingItem::*;
    let checks = [
        (Controller, blank(&f.controller)),
        (Dated, f.dated.is_none()),
        (
            FirstNotifiedAt,
            matches!(f.phase, Phase::Supplement(_)) && f.first_notified_at.is_none(),
        ),
        (OccurredAt, f.occurred_at.is_none()),
        (DiscoveredAt, f.discovered_at.is_none()),
        (AwareAt, f.aware_at.is_none()),
        (Types, f.types.is_empty()),
        (Nature, blank(&f.nature)),
        (DataCategories, f.data_categories.is_empty()),
        (SubjectCategories, blank(&f.subject_categories)),
        (SubjectsApprox, f.subjects_approx.is_none()),
        (RecordsApprox, f.records_approx.is_none()),
        (DpoName, blank(&f.dpo_name)),
        (DpoContact, blank(&f.dpo_contact)),
        (Consequences, blank(&f.consequences)),
        (Measures, blank(&f.measures)),
        (Mitigation, blank(&f.mitigation)),
        (
            DelayReason,
            f.is_late() == Some(true) && blank(&f.delay_reason),
        ),
    ];
    checks
        .into_iter()
        .filter_map(|(item, missing)| missing.then_some(item))
        .collect()
}

fn missing_text(lang: Lang) -> &'static str {
    lang.pick("Uppgift saknas", "Information missing")
}

/// A whole number as people write it: `1 200` in Swedish, `1,200` in English.
fn grouped(n: u64, lang: Lang) -> String {
    let digits = n.to_string();
    let sep = lang.pick(" ", ",");
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

fn when(ts: Option<Timestamp>, lang: Lang) -> String {
    match ts {
        Some(ts) => format!(
            "{} {}",
            display_stockholm(ts),
            lang.pick("(svensk tid)", "(Swedish time)")
        ),
        None => missing_text(lang).to_string(),
    }
}

/// A value of the letter, or the gap in brackets: in running text a bare "Uppgift saknas" would
/// read as part of the sentence.
fn placeholder(s: &Option<String>, lang: Lang) -> String {
    match s.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => format!("[{}]", missing_text(lang)),
    }
}

fn approx(n: Option<u64>, lang: Lang) -> String {
    match n {
        Some(n) => format!(
            "{} {}",
            lang.pick("ungefär", "approximately"),
            grouped(n, lang)
        ),
        None => missing_text(lang).to_string(),
    }
}

fn text_or_missing(s: &Option<String>, lang: Lang) -> String {
    match s.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => missing_text(lang).to_string(),
    }
}

fn labels<T: Copy>(items: &[T], label: fn(T, Lang) -> &'static str, lang: Lang) -> String {
    if items.is_empty() {
        return missing_text(lang).to_string();
    }
    items
        .iter()
        .map(|&i| label(i, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes `label: value`, or the label on its own line above a value of several lines.
fn line(out: &mut String, label: &str, value: &str) {
    if value.contains('\n') {
        let _ = writeln!(out, "{label}:\n{value}");
    } else {
        let _ = writeln!(out, "{label}: {value}");
    }
}

fn heading(out: &mut String, text: &str) {
    let _ = writeln!(out, "\n{text}");
}

/// The notification to IMY, with every item of art. 33.3, the times and the deadline, the reasons
/// for any delay, and the phase.
pub fn imy_notice(f: &NoticeFacts, lang: Lang) -> String {
    let missing = missing_items(f);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        lang.pick(
            "Anmälan av personuppgiftsincident till Integritetsskyddsmyndigheten (IMY)",
            "Notification of a personal data breach to the Swedish Authority for Privacy Protection (IMY)",
        )
    );
    match f.phase {
        Phase::First => line(
            &mut out,
            lang.pick("Omgång", "Phase"),
            lang.pick("Första anmälan", "First notification"),
        ),
        Phase::Supplement(n) => {
            let first = when(f.first_notified_at, lang);
            let text = match lang {
                Lang::Sv => format!("Komplettering {n} till anmälan den {first}"),
                Lang::En => format!("Supplement {n} to the notification of {first}"),
            };
            line(&mut out, lang.pick("Omgång", "Phase"), &text);
        }
    }
    line(&mut out, lang.pick("Datum", "Date"), &when(f.dated, lang));
    line(
        &mut out,
        lang.pick("Personuppgiftsansvarig", "Controller"),
        &text_or_missing(&f.controller, lang),
    );
    if !blank(&f.reference) {
        line(
            &mut out,
            lang.pick("Diarienummer", "Reference"),
            &text_or_missing(&f.reference, lang),
        );
    }
    let in_phases =
        matches!(f.phase, Phase::Supplement(_)) || f.more_to_follow || !missing.is_empty();
    if in_phases {
        let _ = writeln!(
            out,
            "\n{}",
            lang.pick(
                "Informationen lämnas i omgångar (art. 33.4). Uppgifter som saknas lämnas så snart de är kända.",
                "The information is provided in phases (art. 33.4). Missing information will follow as soon as it is known.",
            )
        );
    }

    heading(&mut out, lang.pick("1. Tidpunkter", "1. Times"));
    line(
        &mut out,
        lang.pick("Incidenten inträffade", "The breach occurred"),
        &when(f.occurred_at, lang),
    );
    line(
        &mut out,
        lang.pick("Incidenten upptäcktes", "The breach was discovered"),
        &when(f.discovered_at, lang),
    );
    line(
        &mut out,
        lang.pick(
            "Den personuppgiftsansvarige fick vetskap om incidenten",
            "The controller became aware of the breach",
        ),
        &when(f.aware_at, lang),
    );
    line(
        &mut out,
        lang.pick(
            "Senaste tidpunkt för anmälan (72 timmar, art. 33.1)",
            "Deadline for notification (72 hours, art. 33.1)",
        ),
        &when(f.deadline(), lang),
    );
    if f.is_late() == Some(true) {
        let _ = writeln!(
            out,
            "{}",
            lang.pick(
                "Anmälan görs senare än 72 timmar efter att den personuppgiftsansvarige fick vetskap om incidenten.",
                "The notification is made later than 72 hours after the controller became aware of the breach.",
            )
        );
        line(
            &mut out,
            lang.pick(
                "Skäl till förseningen (art. 33.1)",
                "Reasons for the delay (art. 33.1)",
            ),
            &text_or_missing(&f.delay_reason, lang),
        );
    }

    heading(
        &mut out,
        lang.pick(
            "2. Incidentens art (art. 33.3 a)",
            "2. Nature of the breach (art. 33.3 a)",
        ),
    );
    line(
        &mut out,
        lang.pick("Typ av incident", "Type of breach"),
        &labels(&f.types, BreachType::label, lang),
    );
    line(
        &mut out,
        lang.pick("Beskrivning", "Description"),
        &text_or_missing(&f.nature, lang),
    );
    line(
        &mut out,
        lang.pick(
            "Kategorier av personuppgifter",
            "Categories of personal data",
        ),
        &labels(&f.data_categories, AffectedData::label, lang),
    );
    line(
        &mut out,
        lang.pick("Kategorier av registrerade", "Categories of data subjects"),
        &text_or_missing(&f.subject_categories, lang),
    );
    line(
        &mut out,
        lang.pick(
            "Ungefärligt antal berörda registrerade",
            "Approximate number of data subjects concerned",
        ),
        &approx(f.subjects_approx, lang),
    );
    line(
        &mut out,
        lang.pick(
            "Ungefärligt antal berörda personuppgiftsposter",
            "Approximate number of personal data records concerned",
        ),
        &approx(f.records_approx, lang),
    );

    heading(
        &mut out,
        lang.pick(
            "3. Dataskyddsombud eller annan kontaktpunkt (art. 33.3 b)",
            "3. Data protection officer or other contact point (art. 33.3 b)",
        ),
    );
    line(
        &mut out,
        lang.pick("Namn", "Name"),
        &text_or_missing(&f.dpo_name, lang),
    );
    line(
        &mut out,
        lang.pick("Kontaktuppgifter", "Contact details"),
        &text_or_missing(&f.dpo_contact, lang),
    );

    heading(
        &mut out,
        lang.pick(
            "4. Sannolika konsekvenser (art. 33.3 c)",
            "4. Likely consequences (art. 33.3 c)",
        ),
    );
    let _ = writeln!(out, "{}", text_or_missing(&f.consequences, lang));
    if let Some(risk) = f.risk {
        line(
            &mut out,
            lang.pick("Bedömd risk", "Assessed risk"),
            risk.label(lang),
        );
    }

    heading(
        &mut out,
        lang.pick("5. Åtgärder (art. 33.3 d)", "5. Measures (art. 33.3 d)"),
    );
    line(
        &mut out,
        lang.pick(
            "Vidtagna eller föreslagna åtgärder för att hantera incidenten",
            "Measures taken or proposed to address the breach",
        ),
        &text_or_missing(&f.measures, lang),
    );
    line(
        &mut out,
        lang.pick(
            "Åtgärder för att mildra möjliga negativa effekter",
            "Measures to mitigate its possible adverse effects",
        ),
        &text_or_missing(&f.mitigation, lang),
    );

    if !missing.is_empty() {
        heading(
            &mut out,
            lang.pick(
                "Uppgifter som saknas i denna omgång",
                "Information missing from this phase",
            ),
        );
        for item in &missing {
            let _ = writeln!(out, "- {}", item.label(lang));
        }
    }
    out
}

/// What is known when the letter to the data subjects is drafted (art. 34.2 and the municipal
/// guideline's minimum content).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LetterFacts {
    /// Who writes: the board (nämnd) or company responsible.
    pub controller: Option<String>,
    pub dated: Option<Timestamp>,
    /// What happened, in plain words.
    pub what_happened: Option<String>,
    pub occurred_at: Option<Timestamp>,
    pub data_categories: Vec<AffectedData>,
    pub consequences: Option<String>,
    /// What we have done, or will do.
    pub measures: Option<String>,
    /// What the person can do to protect themselves.
    pub self_help: Option<String>,
    /// Who to contact with questions, if not the DPO (e.g. the administration's phone number).
    pub contact: Option<String>,
    pub dpo_name: Option<String>,
    pub dpo_contact: Option<String>,
}

/// An item of the letter that is not yet known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterItem {
    Controller,
    WhatHappened,
    Consequences,
    Measures,
    SelfHelp,
    DpoName,
    DpoContact,
}

impl LetterItem {
    pub fn label(self, lang: Lang) -> &'static str {
        use LetterItem::*;
        match self {
            Controller => lang.pick("Avsändare (personuppgiftsansvarig)", "Sender (controller)"),
            WhatHappened => lang.pick(
                "Beskrivning av vad som har hänt (art. 34.2)",
                "Description of what happened (art. 34.2)",
            ),
            Consequences => lang.pick(
                "Sannolika konsekvenser (art. 34.2, 33.3 c)",
                "Likely consequences (art. 34.2, 33.3 c)",
            ),
            Measures => lang.pick(
                "Vad vi har gjort eller tänker göra (art. 34.2, 33.3 d)",
                "What we have done or will do (art. 34.2, 33.3 d)",
            ),
            SelfHelp => lang.pick(
                "Vad den registrerade själv kan göra",
                "What the person can do themselves",
            ),
            DpoName => lang.pick(
                "Dataskyddsombudets namn (art. 34.2, 33.3 b)",
                "Name of the data protection officer (art. 34.2, 33.3 b)",
            ),
            DpoContact => lang.pick(
                "Dataskyddsombudets kontaktuppgifter (art. 34.2, 33.3 b)",
                "Contact details of the data protection officer (art. 34.2, 33.3 b)",
            ),
        }
    }
}

/// What the letter still lacks, in the order of the letter. Without a contact of its own the
/// letter points to the DPO, so that is not a gap.
pub fn missing_letter_items(f: &LetterFacts) -> Vec<LetterItem> {
    use LetterItem::*;
    [
        (Controller, blank(&f.controller)),
        (WhatHappened, blank(&f.what_happened)),
        (Consequences, blank(&f.consequences)),
        (Measures, blank(&f.measures)),
        (SelfHelp, blank(&f.self_help)),
        (DpoName, blank(&f.dpo_name)),
        (DpoContact, blank(&f.dpo_contact)),
    ]
    .into_iter()
    .filter_map(|(item, missing)| missing.then_some(item))
    .collect()
}

/// The letter to the data subjects, in plain language addressed to "du": what happened, what it
/// may mean, what we have done, what you can do, whom to contact.
pub fn subject_letter(f: &LetterFacts, lang: Lang) -> String {
    let mut out = String::new();
    let controller = placeholder(&f.controller, lang);
    let _ = writeln!(
        out,
        "{}",
        lang.pick(
            "Information om en incident som rör dina personuppgifter",
            "Information about an incident involving your personal data",
        )
    );
    if let Some(d) = f.dated {
        let _ = writeln!(out, "{}", when(Some(d), lang));
    }
    let _ = match lang {
        Lang::Sv => writeln!(
            out,
            "\nHej!\nVi på {controller} har haft en incident som rör dina personuppgifter. \
             Vi skriver till dig för att du ska veta vad som har hänt och vad du kan göra."
        ),
        Lang::En => writeln!(
            out,
            "\nHello,\nWe at {controller} have had an incident involving your personal data. \
             We are writing so that you know what happened and what you can do."
        ),
    };

    heading(&mut out, lang.pick("Vad har hänt?", "What happened?"));
    let _ = writeln!(out, "{}", placeholder(&f.what_happened, lang));
    if let Some(at) = f.occurred_at {
        let _ = writeln!(
            out,
            "{} {}.",
            lang.pick("Det hände", "It happened on"),
            when(Some(at), lang)
        );
    }
    if !f.data_categories.is_empty() {
        let list = labels(&f.data_categories, AffectedData::label, lang);
        let _ = match lang {
            Lang::Sv => writeln!(
                out,
                "Det gäller de här uppgifterna: {}.",
                list.to_lowercase()
            ),
            Lang::En => writeln!(out, "It concerns this data: {}.", list.to_lowercase()),
        };
    }

    heading(
        &mut out,
        lang.pick("Vad kan det betyda för dig?", "What could it mean for you?"),
    );
    let _ = writeln!(out, "{}", placeholder(&f.consequences, lang));

    heading(
        &mut out,
        lang.pick("Vad har vi gjort?", "What have we done?"),
    );
    let _ = writeln!(out, "{}", placeholder(&f.measures, lang));

    heading(&mut out, lang.pick("Vad kan du göra?", "What can you do?"));
    let _ = writeln!(out, "{}", placeholder(&f.self_help, lang));

    heading(
        &mut out,
        lang.pick("Vem kan du kontakta?", "Who can you contact?"),
    );
    if !blank(&f.contact) {
        let _ = writeln!(
            out,
            "{} {}",
            lang.pick("Har du frågor? Kontakta", "Any questions? Contact"),
            placeholder(&f.contact, lang)
        );
    }
    let _ = writeln!(
        out,
        "{} {}, {}",
        if blank(&f.contact) {
            lang.pick(
                "Har du frågor? Kontakta vårt dataskyddsombud:",
                "Any questions? Contact our data protection officer:",
            )
        } else {
            lang.pick(
                "Du kan också kontakta vårt dataskyddsombud:",
                "You can also contact our data protection officer:",
            )
        },
        placeholder(&f.dpo_name, lang),
        placeholder(&f.dpo_contact, lang)
    );
    let _ = writeln!(
        out,
        "{}",
        lang.pick(
            "Du har rätt att klaga hos Integritetsskyddsmyndigheten (IMY), www.imy.se.",
            "You have the right to complain to the Swedish Authority for Privacy Protection (IMY), www.imy.se.",
        )
    );

    let _ = match lang {
        Lang::Sv => writeln!(
            out,
            "\nVi beklagar det som har hänt.\n\nMed vänliga hälsningar\n{controller}"
        ),
        Lang::En => writeln!(
            out,
            "\nWe are sorry for what happened.\n\nKind regards\n{controller}"
        ),
    };
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("test instant")
    }

    fn complete() -> NoticeFacts {
        NoticeFacts {
            controller: Some("Barn- och utbildningsnämnden".into()),
            reference: Some("BUN 2026/412".into()),
            phase: Phase::First,
            dated: Some(ts("2026-09-08T07:15:00Z")),
            first_notified_at: None,
            occurred_at: Some(ts("2026-09-06T12:00:00Z")),
            discovered_at: Some(ts("2026-09-07T06:30:00Z")),
            aware_at: Some(ts("2026-09-07T08:00:00Z")),
            types: vec![BreachType::Confidentiality],
            nature: Some("En elevlista skickades till fel vårdnadshavare.".into()),
            data_categories: vec![AffectedData::PersonalIdentityNumber, AffectedData::Children],
            subject_categories: Some("Elever i årskurs 4".into()),
            subjects_approx: Some(1200),
            records_approx: Some(2400),
            dpo_name: Some("Anna Andersson".into()),
            dpo_contact: Some("dataskyddsombud@kommun.se, 08-123 45 67".into()),
            consequences: Some("Risk för identitetsstöld.".into()),
            measures: Some("Mottagaren har raderat e-postmeddelandet.".into()),
            mitigation: Some("Vårdnadshavarna informeras.".into()),
            delay_reason: None,
            risk: Some(RiskCategory::Betydande),
            more_to_follow: false,
        }
    }

    #[test]
    fn a_complete_notice_has_every_item_of_article_33_3() {
        let f = complete();
        assert!(missing_items(&f).is_empty());
        let text = imy_notice(&f, Lang::Sv);
        for needle in [
            // (a) nature, categories and approximate numbers of subjects and records
            "art. 33.3 a",
            "Konfidentialitet",
            "En elevlista skickades till fel vårdnadshavare.",
            "Personnummer, Uppgifter om barn",
            "Elever i årskurs 4",
            "ungefär 1 200",
            "ungefär 2 400",
            // (b) the DPO
            "art. 33.3 b",
            "Anna Andersson",
            "dataskyddsombud@kommun.se, 08-123 45 67",
            // (c) consequences
            "art. 33.3 c",
            "Risk för identitetsstöld.",
            // (d) measures, including mitigation
            "art. 33.3 d",
            "Mottagaren har raderat e-postmeddelandet.",
            "Vårdnadshavarna informeras.",
            // the times and the deadline (aware 10:00 summer time, deadline three days on)
            "2026-09-06 14:00 (svensk tid)",
            "2026-09-07 08:30 (svensk tid)",
            "2026-09-07 10:00 (svensk tid)",
            "Senaste tidpunkt för anmälan (72 timmar, art. 33.1): 2026-09-10 10:00 (svensk tid)",
            "Första anmälan",
            "Barn- och utbildningsnämnden",
            "BUN 2026/412",
            "betydande risk",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
        assert!(!text.contains("Uppgift saknas"));
        assert!(!text.contains("omgångar"));
        assert!(!text.contains("förseningen"));
        let en = imy_notice(&f, Lang::En);
        for needle in [
            "art. 33.3 a",
            "approximately 1,200",
            "2026-09-10 10:00 (Swedish time)",
        ] {
            assert!(en.contains(needle), "missing {needle:?} in\n{en}");
        }
    }

    #[test]
    fn missing_items_are_shown_and_reported() {
        let f = NoticeFacts::default();
        use MissingItem::*;
        assert_eq!(
            missing_items(&f),
            [
                Controller,
                Dated,
                OccurredAt,
                DiscoveredAt,
                AwareAt,
                Types,
                Nature,
                DataCategories,
                SubjectCategories,
                SubjectsApprox,
                RecordsApprox,
                DpoName,
                DpoContact,
                Consequences,
                Measures,
                Mitigation,
            ]
        );
        let text = imy_notice(&f, Lang::Sv);
        assert!(text.matches("Uppgift saknas").count() >= 16, "{text}");
        assert!(text.contains("i omgångar (art. 33.4)"));
        for item in missing_items(&f) {
            assert!(text.contains(item.label(Lang::Sv)), "{item:?}");
        }
        assert!(imy_notice(&f, Lang::En).contains("Information missing"));

        // One item at a time: blank text counts as missing.
        let mut g = complete();
        g.dpo_contact = Some("   ".into());
        assert_eq!(missing_items(&g), [DpoContact]);
        let text = imy_notice(&g, Lang::Sv);
        assert!(text.contains("Kontaktuppgifter: Uppgift saknas"));
        assert!(text.contains("i omgångar"));
        let mut g = complete();
        g.subjects_approx = None;
        g.types.clear();
        assert_eq!(missing_items(&g), [Types, SubjectsApprox]);
    }

    #[test]
    fn a_late_notification_must_give_its_reasons() {
        let mut f = complete();
        // Exactly at the deadline is in time.
        f.dated = f.deadline();
        assert_eq!(f.is_late(), Some(false));
        assert!(missing_items(&f).is_empty());
        f.dated = f.deadline().map(|d| d + SignedDuration::from_mins(1));
        assert_eq!(f.is_late(), Some(true));
        assert_eq!(missing_items(&f), [MissingItem::DelayReason]);
        let text = imy_notice(&f, Lang::Sv);
        assert!(text.contains("Skäl till förseningen (art. 33.1): Uppgift saknas"));
        f.delay_reason = Some("Incidenten upptäcktes under en helg.".into());
        assert!(missing_items(&f).is_empty());
        assert!(imy_notice(&f, Lang::Sv).contains("Incidenten upptäcktes under en helg."));
        // Unknown awareness: lateness cannot be told.
        f.aware_at = None;
        assert_eq!(f.is_late(), None);
    }

    #[test]
    fn a_supplement_says_which_phase_it_is() {
        let mut f = complete();
        f.phase = Phase::Supplement(2);
        f.dated = Some(ts("2026-09-20T08:00:00Z"));
        // The supplement comes after the deadline; the first notification did not.
        f.first_notified_at = Some(ts("2026-09-08T07:15:00Z"));
        assert_eq!(f.is_late(), Some(false));
        assert!(missing_items(&f).is_empty());
        let text = imy_notice(&f, Lang::Sv);
        assert!(text.contains("Komplettering 2 till anmälan den 2026-09-08 09:15 (svensk tid)"));
        assert!(text.contains("i omgångar (art. 33.4)"));
        assert!(text.contains("Datum: 2026-09-20 10:00"));
        f.first_notified_at = None;
        assert_eq!(missing_items(&f), [MissingItem::FirstNotifiedAt]);
        let mut g = complete();
        g.more_to_follow = true;
        assert!(imy_notice(&g, Lang::Sv).contains("i omgångar"));
        assert_eq!(
            serde_json::to_value(Phase::Supplement(2)).expect("ser"),
            serde_json::json!({"supplement": 2})
        );
    }

    #[test]
    fn numbers_are_grouped_as_people_write_them() {
        assert_eq!(grouped(0, Lang::Sv), "0");
        assert_eq!(grouped(999, Lang::Sv), "999");
        assert_eq!(grouped(1000, Lang::Sv), "1 000");
        assert_eq!(grouped(1234567, Lang::Sv), "1 234 567");
        assert_eq!(grouped(1234567, Lang::En), "1,234,567");
    }

    fn letter() -> LetterFacts {
        LetterFacts {
            controller: Some("Barn- och utbildningsnämnden i Exempelby kommun".into()),
            dated: Some(ts("2026-09-09T08:00:00Z")),
            what_happened: Some(
                "En lista med elevers namn och personnummer skickades av misstag till fel person."
                    .into(),
            ),
            occurred_at: Some(ts("2026-09-06T12:00:00Z")),
            data_categories: vec![AffectedData::PersonalIdentityNumber],
            consequences: Some("Någon kan försöka använda ditt personnummer.".into()),
            measures: Some("Mottagaren har raderat listan.".into()),
            self_help: Some("Var uppmärksam på post om krediter du inte har sökt.".into()),
            contact: Some("skolkontoret, 08-765 43 21".into()),
            dpo_name: Some("Anna Andersson".into()),
            dpo_contact: Some("dataskyddsombud@kommun.se".into()),
        }
    }

    #[test]
    fn the_letter_has_the_minimum_content_in_plain_swedish() {
        let f = letter();
        assert!(missing_letter_items(&f).is_empty());
        let text = subject_letter(&f, Lang::Sv);
        for needle in [
            "Vad har hänt?",
            "skickades av misstag till fel person",
            "Det hände 2026-09-06 14:00 (svensk tid).",
            "Det gäller de här uppgifterna: personnummer.",
            "Vad kan det betyda för dig?",
            "Någon kan försöka använda ditt personnummer.",
            "Vad har vi gjort?",
            "Mottagaren har raderat listan.",
            "Vad kan du göra?",
            "Var uppmärksam på post",
            "Vem kan du kontakta?",
            "Kontakta skolkontoret, 08-765 43 21",
            "dataskyddsombud: Anna Andersson, dataskyddsombud@kommun.se",
            "IMY",
            "Med vänliga hälsningar\nBarn- och utbildningsnämnden i Exempelby kommun",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
        assert!(!text.contains("Uppgift saknas"));
        let en = subject_letter(&f, Lang::En);
        assert!(en.contains("What can you do?"));
    }

    #[test]
    fn a_letter_without_its_own_contact_points_to_the_dpo() {
        let mut f = letter();
        f.contact = None;
        assert!(missing_letter_items(&f).is_empty());
        assert!(subject_letter(&f, Lang::Sv).contains(
            "Har du frågor? Kontakta vårt dataskyddsombud: Anna Andersson, dataskyddsombud@kommun.se"
        ));
    }

    #[test]
    fn missing_letter_items_are_shown_and_reported() {
        let f = LetterFacts::default();
        use LetterItem::*;
        assert_eq!(
            missing_letter_items(&f),
            [
                Controller,
                WhatHappened,
                Consequences,
                Measures,
                SelfHelp,
                DpoName,
                DpoContact
            ]
        );
        let text = subject_letter(&f, Lang::Sv);
        assert!(text.matches("Uppgift saknas").count() >= 7, "{text}");
        for item in missing_letter_items(&f) {
            assert_ne!(item.label(Lang::Sv), item.label(Lang::En));
        }
    }
}
