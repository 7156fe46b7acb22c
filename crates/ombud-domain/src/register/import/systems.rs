//! The register of IT systems (systemförteckning) from a spreadsheet, with its information
//! classification in the style of KLASSA: a level 1–4 for confidentiality, integrity and availability
//! each, and the date it was made.
//!
//! A classification is all three levels and a date, or nothing: a row with only some of them would
//! be saved as unclassified or as something it does not say, so it is refused with what is missing.

use super::{
    Field, Flaw, Mapping, Msg, NOT_A_DATE, Plan, RegisterSheet, YES_OR_NO, date, plan_for, text,
    yes,
};
use crate::Lang;
use crate::register::system::{Classification, Level, Procurement, SystemDetails};
use serde::{Deserialize, Serialize};

/// A field of a system that a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SystemTarget {
    /// A stable key of the row in the source (its id there), used to update on re-import.
    ExternalId,
    Name,
    Description,
    Vendor,
    Owner,
    Manager,
    Procurement,
    NisRelevant,
    StorageCountry,
    HoldsPersonalData,
    Confidentiality,
    Integrity,
    Availability,
    ClassifiedOn,
    NextReview,
    RiskAnalysisOn,
    /// The column is not imported.
    Ignore,
}

impl Field for SystemTarget {
    const IGNORE: Self = SystemTarget::Ignore;
    const EXTERNAL_ID: Self = SystemTarget::ExternalId;
    const NAME: Self = SystemTarget::Name;
    const ALL: &'static [Self] = {
        use SystemTarget::*;
        &[
            Ignore,
            ExternalId,
            Name,
            Description,
            Vendor,
            Owner,
            Manager,
            Procurement,
            NisRelevant,
            StorageCountry,
            HoldsPersonalData,
            Confidentiality,
            Integrity,
            Availability,
            ClassifiedOn,
            NextReview,
            RiskAnalysisOn,
        ]
    };

    fn api_field(self) -> Option<&'static str> {
        use SystemTarget::*;
        Some(match self {
            Name => "name",
            Description => "description",
            Vendor => "vendor",
            Owner => "owner",
            Manager => "manager",
            StorageCountry => "storage_country",
            ClassifiedOn => "classification.classified_on",
            NextReview => "classification.next_review",
            RiskAnalysisOn => "risk_analysis_on",
            _ => return None,
        })
    }
}

impl Mapping<SystemTarget> {
    /// The saved mapping for a system register kept in a spreadsheet: the headers Swedish
    /// municipalities' registers and KLASSA exports commonly use.
    pub fn systems() -> Mapping<SystemTarget> {
        use SystemTarget::*;
        Mapping::of(&[
            ("ID", ExternalId),
            ("System", Name),
            ("Systemnamn", Name),
            ("Objekt", Name),
            ("Objektnamn", Name),
            ("Namn", Name),
            ("Beskrivning", Description),
            ("Leverantör", Vendor),
            ("Systemleverantör", Vendor),
            ("Objektägare", Owner),
            ("Systemägare", Owner),
            ("Objektförvaltare", Manager),
            ("Systemförvaltare", Manager),
            ("Objektledare", Manager),
            ("Upphandling", Procurement),
            ("NIS", NisRelevant),
            ("NIS2", NisRelevant),
            ("Lagringsland", StorageCountry),
            ("Land för lagring", StorageCountry),
            ("Personuppgifter", HoldsPersonalData),
            ("Innehåller personuppgifter", HoldsPersonalData),
            ("Konfidentialitet", Confidentiality),
            ("Riktighet", Integrity),
            ("Tillgänglighet", Availability),
            ("Klassad", ClassifiedOn),
            ("Klassningsdatum", ClassifiedOn),
            ("Nästa klassning", NextReview),
            ("Riskanalys", RiskAnalysisOn),
        ])
    }
}

/// A cell as read: empty, unreadable (and already reported), or a value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
enum Given<T> {
    #[default]
    Blank,
    Unreadable,
    Value(T),
}

impl<T> Given<T> {
    fn of(read: Option<Option<T>>) -> Given<T> {
        match read {
            None => Given::Unreadable,
            Some(None) => Given::Blank,
            Some(Some(v)) => Given::Value(v),
        }
    }

    fn is_given(&self) -> bool {
        !matches!(self, Given::Blank)
    }
}

/// A row of systems being read: the record, and the classification's parts until they are known to
/// make a whole.
#[derive(Debug, Default)]
pub struct SystemDraft {
    details: SystemDetails,
    /// Confidentiality, integrity and availability, in that order.
    levels: [Given<Level>; 3],
    classified_on: Given<String>,
    next_review: Given<String>,
}

const LEVELS: [SystemTarget; 3] = [
    SystemTarget::Confidentiality,
    SystemTarget::Integrity,
    SystemTarget::Availability,
];

fn level_name(t: SystemTarget, lang: Lang) -> &'static str {
    match t {
        SystemTarget::Confidentiality => lang.pick("konfidentialitet", "confidentiality"),
        SystemTarget::Integrity => lang.pick("riktighet", "integrity"),
        _ => lang.pick("tillgänglighet", "availability"),
    }
}

/// A level cell: a digit 1–4 (also `K3`, `Nivå 3`, `3 – Hög`, `3.0`) or KLASSA's word for it
/// (Låg, Måttlig, Hög, Mycket hög, or in English). Blank is no level.
fn level(s: &str) -> Option<Option<Level>> {
    let t = s.trim().to_lowercase();
    if t.is_empty() {
        return Some(None);
    }
    let by_word = |w: &str| -> Option<u8> {
        match w.trim() {
            "låg" | "low" => Some(1),
            "måttlig" | "moderate" | "medel" => Some(2),
            "hög" | "high" => Some(3),
            "mycket hög" | "very high" => Some(4),
            _ => None,
        }
    };
    let rest = t
        .strip_prefix("nivå")
        .or_else(|| t.strip_prefix("level"))
        .map(str::trim_start)
        .unwrap_or(&t);
    // A KLASSA export may prefix the level with the aspect's letter: K3, R2, T1 (or C, I, A).
    let rest = match rest.as_bytes() {
        [b'k' | b'r' | b't' | b'c' | b'i' | b'a', d, ..] if d.is_ascii_digit() => &rest[1..],
        _ => rest,
    };
    let value = match rest.chars().next() {
        Some(c @ '0'..='9') => {
            let after = &rest[1..];
            let after = after
                .strip_prefix(".0")
                .or_else(|| after.strip_prefix(",0"))
                .unwrap_or(after);
            let v = c.to_digit(10).and_then(|v| u8::try_from(v).ok())?;
            let word = after.trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, '-' | '–' | '—' | ':' | '(' | '=')
            });
            let word = word.trim_end_matches(')');
            // A word after the digit must agree with it: "3 – Låg" is a mistake somewhere.
            if !word.is_empty() && by_word(word) != Some(v) {
                return None;
            }
            v
        }
        _ => by_word(rest)?,
    };
    Level::try_from(value).ok().map(Some)
}

/// A procurement cell: the system procured by the controller itself, or provided centrally. Blank is
/// the register's default, procured by the controller.
fn procurement(s: &str) -> Option<Option<Procurement>> {
    let t = s.trim().to_lowercase();
    if t.is_empty() {
        return Some(None);
    }
    let words: Vec<&str> = t
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let central = words
        .iter()
        .any(|w| w.starts_with("central") || w.contains("gemensam"));
    let own = words.iter().any(|w| {
        ["egen", "eget", "egna", "själv", "self", "lokal"]
            .iter()
            .any(|p| w.starts_with(p))
            || *w == "own"
    });
    match (central, own) {
        (true, false) => Some(Some(Procurement::Central)),
        (false, true) => Some(Some(Procurement::SelfProcured)),
        _ => None,
    }
}

/// IT systems, as a register a sheet can fill.
pub struct Systems;

impl RegisterSheet for Systems {
    type Target = SystemTarget;
    type Draft = SystemDraft;
    type Details = SystemDetails;

    const NAME_MISSING: Msg = (
        "Ingen kolumn är kopplad till fältet Namn (systemets namn, t.ex. rubriken System eller Objekt).",
        "No column is mapped to the field Name (the system's name, e.g. the header System).",
    );

    fn default_mapping() -> Mapping<SystemTarget> {
        Mapping::systems()
    }

    fn fill(draft: &mut SystemDraft, target: SystemTarget, cell: &str) -> Result<(), Msg> {
        use SystemTarget::*;
        let d = &mut draft.details;
        match target {
            Ignore | ExternalId => {}
            Name => d.name = cell.trim().to_string(),
            Description => d.description = text(cell),
            Vendor => d.vendor = text(cell),
            Owner => d.owner = text(cell),
            Manager => d.manager = text(cell),
            StorageCountry => d.storage_country = text(cell),
            NisRelevant => d.nis_relevant = yes(cell).ok_or(YES_OR_NO)?,
            HoldsPersonalData => d.holds_personal_data = yes(cell).ok_or(YES_OR_NO)?,
            Procurement => d.procurement = procurement(cell)
                .ok_or((
                    "Okänd upphandling: ange ”Egen upphandling” eller ”Centralt tillhandahållet”.",
                    "Unknown procurement: give “Egen upphandling” (own) or “Central”.",
                ))?
                .unwrap_or_default(),
            RiskAnalysisOn => {
                // "Nej" or "-" says no analysis has been made; "Ja" says one has, but not when.
                d.risk_analysis_on = match (date(cell), yes(cell)) {
                    (Some(v), _) => v,
                    (None, Some(false)) => None,
                    (None, Some(true)) => {
                        return Err((
                            "Ange datumet då riskanalysen gjordes (ÅÅÅÅ-MM-DD), inte bara Ja.",
                            "Give the date the risk analysis was made (YYYY-MM-DD), not just Yes.",
                        ));
                    }
                    (None, None) if cell.trim() == "-" => None,
                    (None, None) => return Err(NOT_A_DATE),
                }
            }
            Confidentiality | Integrity | Availability => {
                let read = level(cell);
                let unreadable = read.is_none();
                let at = LEVELS.iter().position(|l| *l == target).unwrap_or(0);
                draft.levels[at] = Given::of(read);
                if unreadable {
                    return Err((
                        "Okänd nivå: ange 1–4 eller Låg, Måttlig, Hög, Mycket hög.",
                        "Unknown level: give 1–4 or Low, Moderate, High, Very high.",
                    ));
                }
            }
            ClassifiedOn | NextReview => {
                let read = date(cell);
                let unreadable = read.is_none();
                let given = Given::of(read);
                if target == ClassifiedOn {
                    draft.classified_on = given;
                } else {
                    draft.next_review = given;
                }
                if unreadable {
                    return Err(NOT_A_DATE);
                }
            }
        }
        Ok(())
    }

    fn finish(
        draft: SystemDraft,
        mapped: &[SystemTarget],
        lang: Lang,
    ) -> Result<SystemDetails, Vec<Flaw<SystemTarget>>> {
        use SystemTarget::*;
        let SystemDraft {
            mut details,
            levels,
            classified_on,
            next_review,
        } = draft;
        let mut flaws = Vec::new();
        let given: Vec<SystemTarget> = LEVELS
            .iter()
            .zip(&levels)
            .filter(|(_, l)| l.is_given())
            .map(|(t, _)| *t)
            .collect();
        let is_mapped = |t: SystemTarget| mapped.contains(&t);
        if given.is_empty() {
            if classified_on.is_given() {
                flaws.push(Flaw::At(
                    ClassifiedOn,
                    lang.pick_owned(
                        "Datum för klassning men inga nivåer: ange konfidentialitet, riktighet och tillgänglighet (1–4), eller lämna datumet tomt.",
                        "A classification date but no levels: give confidentiality, integrity and availability (1–4), or leave the date empty.",
                    ),
                ));
            } else if next_review.is_given() {
                flaws.push(Flaw::At(
                    NextReview,
                    lang.pick_owned(
                        "Nästa klassning är angiven men systemet är inte klassat: ange nivåerna och klassningsdatum, eller lämna fältet tomt.",
                        "A next classification is given but the system is not classified: give the levels and the classification date, or leave it empty.",
                    ),
                ));
            }
        } else {
            let first_given = given[0];
            for t in LEVELS.into_iter().filter(|t| !given.contains(t)) {
                let name = level_name(t, lang);
                flaws.push(if is_mapped(t) {
                    Flaw::At(
                        t,
                        match lang {
                            Lang::Sv => format!(
                                "Nivån för {name} saknas: en klassning anger konfidentialitet, riktighet och tillgänglighet (1–4)."
                            ),
                            Lang::En => format!(
                                "The level of {name} is missing: a classification gives confidentiality, integrity and availability (1–4)."
                            ),
                        },
                    )
                } else {
                    Flaw::At(
                        first_given,
                        match lang {
                            Lang::Sv => format!(
                                "Klassningen saknar nivå för {name}: ingen kolumn är kopplad till {name}."
                            ),
                            Lang::En => format!(
                                "The classification lacks a level of {name}: no column is mapped to {name}."
                            ),
                        },
                    )
                });
            }
            if !classified_on.is_given() {
                flaws.push(if is_mapped(ClassifiedOn) {
                    Flaw::At(
                        ClassifiedOn,
                        lang.pick_owned(
                            "Klassningsdatum saknas: ange när systemet klassades (ÅÅÅÅ-MM-DD).",
                            "The classification date is missing: give when the system was classified (YYYY-MM-DD).",
                        ),
                    )
                } else {
                    Flaw::At(
                        first_given,
                        lang.pick_owned(
                            "Klassningen saknar datum: ingen kolumn är kopplad till Klassningsdatum.",
                            "The classification has no date: no column is mapped to the classification date.",
                        ),
                    )
                });
            }
        }
        if let (
            [Given::Value(c), Given::Value(i), Given::Value(a)],
            Given::Value(on),
            Given::Blank | Given::Value(_),
        ) = (&levels, &classified_on, &next_review)
        {
            details.classification = Some(Classification {
                confidentiality: *c,
                integrity: *i,
                availability: *a,
                classified_on: on.clone(),
                next_review: match next_review {
                    Given::Value(r) => Some(r),
                    _ => None,
                },
            });
        }
        match details.validate() {
            Ok(d) if flaws.is_empty() => Ok(d),
            Ok(_) => Err(flaws),
            Err(errors) => {
                flaws.extend(errors.into_iter().map(Flaw::Invalid));
                Err(flaws)
            }
        }
    }

    fn name(d: &SystemDetails) -> &str {
        &d.name
    }

    fn keep_unimported(imported: &mut SystemDetails, stored: &SystemDetails) {
        // Spelled out in full, so that a new field cannot be added without deciding here whether
        // the import fills it (`_`) or keeps what is stored.
        let SystemDetails {
            name: _,
            description: _,
            vendor: _,
            owner: _,
            manager: _,
            procurement: _,
            nis_relevant: _,
            storage_country: _,
            holds_personal_data: _,
            classification: _,
            risk_analysis_on: _,
            action_plan,
            agreement_ids,
        } = stored.clone();
        imported.action_plan = action_plan;
        imported.agreement_ids = agreement_ids;
    }

    fn same_name(lang: Lang, first: usize) -> String {
        match lang {
            Lang::Sv => {
                format!("Samma system som rad {first}: ge raderna olika namn eller en id-kolumn.")
            }
            Lang::En => format!(
                "The same system as row {first}: give the rows different names or an id column."
            ),
        }
    }
}

/// Builds the systems of a sheet. `header` is the first row; `rows` the rest. Every problem is
/// listed; with any problem, nothing should be saved.
pub fn plan(
    header: &[String],
    rows: &[Vec<String>],
    mapping: &Mapping<SystemTarget>,
    lang: Lang,
) -> Plan<SystemDetails> {
    plan_for::<Systems>(header, rows, mapping, lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::system::{Action, ActionStatus};

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn lv(v: u8) -> Level {
        Level::clamped(v)
    }

    const HEADER: &[&str] = &[
        "ID",
        "System",
        "Leverantör",
        "Objektägare",
        "Upphandling",
        "NIS",
        "Personuppgifter",
        "Konfidentialitet",
        "Riktighet",
        "Tillgänglighet",
        "Klassad",
        "Nästa klassning",
        "Riskanalys",
    ];

    /// A row of the sheet with the given cells, by header; the others blank.
    fn row(cells: &[(&str, &str)]) -> Vec<String> {
        HEADER
            .iter()
            .map(|h| {
                cells
                    .iter()
                    .find(|(c, _)| c == h)
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_default()
            })
            .collect()
    }

    fn sheet(rows: &[Vec<String>]) -> Plan<SystemDetails> {
        plan(&s(HEADER), rows, &Mapping::systems(), Lang::Sv)
    }

    fn at(p: &Plan<SystemDetails>, row: usize, col: &str) -> Vec<String> {
        p.problems
            .iter()
            .filter(|x| x.row == row && x.column == col)
            .map(|x| x.message.clone())
            .collect()
    }

    #[test]
    fn a_clean_sheet_becomes_systems() {
        let p = sheet(&[
            row(&[
                ("ID", "S-1"),
                ("System", "Procapita"),
                ("Leverantör", "Tieto"),
                ("Objektägare", "Socialchef"),
                ("Upphandling", "Egen upphandling"),
                ("NIS", "Ja"),
                ("Personuppgifter", "Ja"),
                ("Konfidentialitet", "3"),
                ("Riktighet", "K2"),
                ("Tillgänglighet", "Hög"),
                ("Klassad", "2026-01-10"),
                ("Nästa klassning", "2027-01-10"),
                ("Riskanalys", "2025-11-01"),
            ]),
            row(&[
                ("ID", "S-2"),
                ("System", "Lönesystem"),
                ("Upphandling", "Central"),
                ("Personuppgifter", "Nej"),
            ]),
        ]);
        assert_eq!(p.problems, vec![]);
        assert_eq!(p.rows.len(), 2);
        let a = &p.rows[0].details;
        assert_eq!(p.rows[0].external_id.as_deref(), Some("S-1"));
        assert_eq!(a.vendor.as_deref(), Some("Tieto"));
        assert_eq!(a.procurement, Procurement::SelfProcured);
        assert!(a.nis_relevant && a.holds_personal_data);
        assert_eq!(
            a.classification,
            Some(Classification {
                confidentiality: lv(3),
                integrity: lv(2),
                availability: lv(3),
                classified_on: "2026-01-10".into(),
                next_review: Some("2027-01-10".into()),
            })
        );
        assert_eq!(a.risk_analysis_on.as_deref(), Some("2025-11-01"));
        let b = &p.rows[1].details;
        assert_eq!(b.procurement, Procurement::Central);
        assert_eq!(b.classification, None);
        assert!(!b.nis_relevant && !b.holds_personal_data);
    }

    #[test]
    fn every_problem_is_listed_by_row_and_column() {
        let p = sheet(&[
            row(&[
                ("ID", "S-1"),
                ("Upphandling", "Köpt"),
                ("NIS", "Kanske"),
                ("Konfidentialitet", "5"),
                ("Riktighet", "2"),
                ("Tillgänglighet", "2"),
                ("Klassad", "igår"),
            ]),
            row(&[
                ("ID", "S-2"),
                ("System", "Ärendesystem"),
                ("Riskanalys", "Ja"),
            ]),
            row(&[("ID", "S-2"), ("System", "Dubblett")]),
        ]);
        assert!(p.rows.is_empty(), "{:?}", p.rows);
        for (row, col) in [
            (2, "System"),
            (2, "Upphandling"),
            (2, "NIS"),
            (2, "Konfidentialitet"),
            (2, "Klassad"),
            (3, "Riskanalys"),
            (4, "ID"),
        ] {
            assert_eq!(at(&p, row, col).len(), 1, "{row} {col}: {:?}", p.problems);
        }
        assert_eq!(p.problems.len(), 7, "{:?}", p.problems);
        assert!(at(&p, 3, "Riskanalys")[0].contains("inte bara Ja"));
        assert_eq!(at(&p, 4, "ID"), vec!["Samma id som rad 3."]);
    }

    #[test]
    fn some_levels_but_not_all_are_refused_at_each_missing_level() {
        let p = sheet(&[row(&[
            ("ID", "S-1"),
            ("System", "Procapita"),
            ("Konfidentialitet", "3"),
            ("Klassad", "2026-01-10"),
        ])]);
        assert!(p.rows.is_empty());
        assert_eq!(p.problems.len(), 2, "{:?}", p.problems);
        assert!(at(&p, 2, "Riktighet")[0].contains("Nivån för riktighet saknas"));
        assert!(at(&p, 2, "Tillgänglighet")[0].contains("Nivån för tillgänglighet saknas"));
    }

    #[test]
    fn levels_without_a_date_are_refused_at_the_date() {
        let p = sheet(&[row(&[
            ("ID", "S-1"),
            ("System", "Procapita"),
            ("Konfidentialitet", "3"),
            ("Riktighet", "2"),
            ("Tillgänglighet", "1"),
            ("Nästa klassning", "2027-01-01"),
        ])]);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert!(at(&p, 2, "Klassad")[0].starts_with("Klassningsdatum saknas"));
    }

    #[test]
    fn a_date_without_levels_is_refused() {
        let p = sheet(&[row(&[
            ("ID", "S-1"),
            ("System", "Procapita"),
            ("Klassad", "2026-01-10"),
        ])]);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert!(at(&p, 2, "Klassad")[0].contains("inga nivåer"));
        let p = sheet(&[row(&[
            ("ID", "S-1"),
            ("System", "Procapita"),
            ("Nästa klassning", "2027-01-10"),
        ])]);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert!(at(&p, 2, "Nästa klassning")[0].contains("inte klassat"));
    }

    #[test]
    fn an_unreadable_level_is_reported_once_not_also_as_missing() {
        let p = sheet(&[row(&[
            ("ID", "S-1"),
            ("System", "Procapita"),
            ("Konfidentialitet", "3"),
            ("Riktighet", "hög-ish"),
            ("Tillgänglighet", "2"),
            ("Klassad", "2026-01-10"),
        ])]);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert!(at(&p, 2, "Riktighet")[0].starts_with("Okänd nivå"));
        let p = sheet(&[row(&[
            ("ID", "S-1"),
            ("System", "Procapita"),
            ("Konfidentialitet", "3"),
            ("Riktighet", "3"),
            ("Tillgänglighet", "2"),
            ("Klassad", "10 jan"),
        ])]);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert!(at(&p, 2, "Klassad")[0].starts_with("Okänt datum"));
    }

    #[test]
    fn a_review_before_the_classification_is_refused_at_its_column() {
        let p = sheet(&[row(&[
            ("ID", "S-1"),
            ("System", "Procapita"),
            ("Konfidentialitet", "3"),
            ("Riktighet", "3"),
            ("Tillgänglighet", "2"),
            ("Klassad", "2026-01-10"),
            ("Nästa klassning", "2025-12-31"),
        ])]);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert_eq!(at(&p, 2, "Nästa klassning").len(), 1);
    }

    #[test]
    fn levels_whose_columns_are_not_mapped_are_reported_at_a_given_level() {
        let header = s(&["System", "Konfidentialitet", "Klassad"]);
        let p = plan(
            &header,
            &[s(&["Procapita", "3", "2026-01-10"])],
            &Mapping::systems(),
            Lang::En,
        );
        assert_eq!(p.problems.len(), 2, "{:?}", p.problems);
        assert!(p.problems.iter().all(|x| x.column == "Konfidentialitet"));
        assert!(p.problems[0].message.contains("integrity"));
        assert!(p.problems[1].message.contains("availability"));
        let p = plan(
            &s(&["System", "K", "R", "T"]),
            &[s(&["Procapita", "3", "3", "3"])],
            &Mapping {
                columns: vec![
                    ("System".into(), SystemTarget::Name),
                    ("K".into(), SystemTarget::Confidentiality),
                    ("R".into(), SystemTarget::Integrity),
                    ("T".into(), SystemTarget::Availability),
                ],
            },
            Lang::Sv,
        );
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert_eq!(p.problems[0].column, "K");
        assert!(p.problems[0].message.contains("saknar datum"));
    }

    #[test]
    fn levels_as_digits_and_words() {
        for (v, want) in [
            ("1", 1),
            (" 4 ", 4),
            ("3.0", 3),
            ("2,0", 2),
            ("K3", 3),
            ("r2", 2),
            ("T1", 1),
            ("Nivå 2", 2),
            ("nivå3", 3),
            ("Level 4", 4),
            ("3 – Hög", 3),
            ("4 - Mycket hög", 4),
            ("2 (Måttlig)", 2),
            ("Låg", 1),
            ("måttlig", 2),
            ("HÖG", 3),
            ("Mycket hög", 4),
            ("Very high", 4),
            ("moderate", 2),
        ] {
            assert_eq!(level(v), Some(Some(lv(want))), "{v}");
        }
        assert_eq!(level(""), Some(None));
        for v in [
            "0",
            "5",
            "12",
            "3 – Låg",
            "hög-ish",
            "K",
            "X3",
            "3.5",
            "mycket",
            "ja",
        ] {
            assert_eq!(level(v), None, "{v}");
        }
    }

    #[test]
    fn procurement_in_the_words_registers_use() {
        for v in [
            "Egen upphandling",
            "egen",
            "Egenupphandlat",
            "Eget avtal",
            "Självupphandlad",
            "self_procured",
            "Own",
            "Lokal upphandling",
        ] {
            assert_eq!(procurement(v), Some(Some(Procurement::SelfProcured)), "{v}");
        }
        for v in [
            "Central",
            "Centralt",
            "Centralt tillhandahållet",
            "Central upphandling",
            "Kommungemensamt",
            "central",
        ] {
            assert_eq!(procurement(v), Some(Some(Procurement::Central)), "{v}");
        }
        assert_eq!(procurement(" "), Some(None));
        for v in ["Köpt", "unknown", "Egen eller central", "x"] {
            assert_eq!(procurement(v), None, "{v}");
        }
    }

    #[test]
    fn a_risk_analysis_is_a_date_or_none() {
        let header = s(&["System", "Riskanalys"]);
        let rows = [
            s(&["A", "2025-05-01"]),
            s(&["B", "Nej"]),
            s(&["C", "-"]),
            s(&["D", ""]),
        ];
        let p = plan(&header, &rows, &Mapping::systems(), Lang::Sv);
        assert_eq!(p.problems, vec![]);
        let dates: Vec<Option<&str>> = p
            .rows
            .iter()
            .map(|r| r.details.risk_analysis_on.as_deref())
            .collect();
        assert_eq!(dates, vec![Some("2025-05-01"), None, None, None]);
        let p = plan(
            &header,
            &[s(&["A", "snart"])],
            &Mapping::systems(),
            Lang::En,
        );
        assert_eq!(p.problems.len(), 1);
        assert!(p.problems[0].message.starts_with("Unknown date"));
    }

    #[test]
    fn the_usual_headers_are_read_without_case_or_surrounding_space() {
        let m = Mapping::systems();
        for (h, t) in [
            (" systemnamn ", SystemTarget::Name),
            ("OBJEKT", SystemTarget::Name),
            ("Systemägare", SystemTarget::Owner),
            ("Objektförvaltare", SystemTarget::Manager),
            ("Klassningsdatum", SystemTarget::ClassifiedOn),
            ("Lagringsland", SystemTarget::StorageCountry),
            ("Annat", SystemTarget::Ignore),
        ] {
            assert_eq!(m.target(h), t, "{h}");
        }
        for (_, t) in &m.columns {
            assert!(SystemTarget::ALL.contains(t), "{t:?}");
        }
    }

    #[test]
    fn a_sheet_without_a_name_column_is_refused_at_once() {
        let p = plan(
            &s(&["ID", "Leverantör"]),
            &[s(&["1", "Tieto"])],
            &Mapping::systems(),
            Lang::Sv,
        );
        assert_eq!(p.problems.len(), 1);
        assert_eq!((p.problems[0].row, p.problems[0].column.as_str()), (1, ""));
    }

    #[test]
    fn blank_rows_are_skipped_and_cells_beyond_a_short_row_are_blank() {
        let p = plan(
            &s(&["System", "Leverantör", "Konfidentialitet"]),
            &[s(&["", " ", ""]), s(&["Procapita"])],
            &Mapping::systems(),
            Lang::Sv,
        );
        assert_eq!(p.problems, vec![]);
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.rows[0].row, 3);
    }

    #[test]
    fn texts_too_long_are_reported_at_their_column() {
        let long = "x".repeat(400);
        let p = plan(
            &s(&["System", "Leverantör"]),
            &[s(&["Procapita", &long])],
            &Mapping::systems(),
            Lang::Sv,
        );
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert_eq!(p.problems[0].column, "Leverantör");
    }

    #[test]
    fn a_re_import_keeps_the_action_plan_and_agreements() {
        let agreement = crate::ids::new_id();
        let stored = SystemDetails {
            name: "Procapita".into(),
            vendor: Some("Tieto".into()),
            action_plan: vec![Action {
                action: "Logga behörigheter".into(),
                responsible: None,
                due: None,
                status: Some(ActionStatus::Planned),
            }],
            agreement_ids: vec![agreement.clone()],
            ..Default::default()
        };
        let mut imported = SystemDetails {
            name: "Procapita".into(),
            vendor: Some("Tietoevry".into()),
            ..Default::default()
        };
        Systems::keep_unimported(&mut imported, &stored);
        assert_eq!(imported.agreement_ids, vec![agreement]);
        assert_eq!(imported.action_plan, stored.action_plan);
        assert_eq!(imported.vendor.as_deref(), Some("Tietoevry"));
    }

    #[test]
    fn messages_exist_in_english_too() {
        let rows = [row(&[
            ("ID", "S-1"),
            ("Upphandling", "x"),
            ("Konfidentialitet", "3"),
            ("Riskanalys", "Ja"),
        ])];
        let sv = plan(&s(HEADER), &rows, &Mapping::systems(), Lang::Sv);
        let en = plan(&s(HEADER), &rows, &Mapping::systems(), Lang::En);
        assert_eq!(sv.problems.len(), 6, "{:?}", sv.problems);
        assert_eq!(en.problems.len(), sv.problems.len());
        for (a, b) in sv.problems.iter().zip(&en.problems) {
            assert_eq!((a.row, &a.column), (b.row, &b.column));
            assert_ne!(a.message, b.message);
        }
    }
}
