//! Importing a register from a spreadsheet: the person maps their columns to Ombud's fields, sees
//! every problem by row and column before anything is saved, and then imports all rows or none.
//!
//! This module is the pure part: given the sheet's header and rows as text and a mapping, it builds
//! the records or lists the problems. Reading `.xlsx`/`.csv` files and saving are elsewhere.

use super::processing::{
    DpiaDecision, LegalBasis, ProcessingDetails, ProcessingRole, SpecialCategory,
};
use crate::Lang;
use serde::{Deserialize, Serialize};

/// A field of a processing activity that a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A stable key of the row in the source (its id there), used to update on re-import.
    ExternalId,
    Name,
    Description,
    Purposes,
    LegalBases,
    NationalProvision,
    DataSubjectCategories,
    PersonalDataCategories,
    SpecialCategories,
    Art9Exemption,
    CriminalOffenceData,
    ProtectedIdentity,
    PersonalIdentityNumbers,
    Sources,
    Recipients,
    Retention,
    DisposalRule,
    DocumentPlanReference,
    SecurityMeasures,
    Processors,
    JointControllers,
    AutomatedDecisions,
    AiUse,
    LargeScale,
    VulnerableSubjects,
    DpiaDecision,
    ResponsiblePerson,
    OnBehalfOf,
    /// The column is not imported.
    Ignore,
}

/// Which column fills which field, by the column's header text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Mapping {
    pub columns: Vec<(String, Target)>,
}

impl Mapping {
    /// The saved mapping for a register exported from a Draftit-style tool: the column headers such an
    /// export uses, in Swedish.
    pub fn draftit() -> Mapping {
        use Target::*;
        let pairs = [
            ("ID", ExternalId),
            ("Behandling", Name),
            ("Benämning", Name),
            ("Beskrivning", Description),
            ("Ändamål", Purposes),
            ("Ändamål med behandlingen", Purposes),
            ("Rättslig grund", LegalBases),
            ("Laglig grund", LegalBases),
            ("Rättslig grund - bestämmelse", NationalProvision),
            ("Kategorier av registrerade", DataSubjectCategories),
            ("Kategorier av personuppgifter", PersonalDataCategories),
            ("Känsliga personuppgifter", SpecialCategories),
            ("Undantag art. 9", Art9Exemption),
            ("Lagöverträdelser", CriminalOffenceData),
            ("Skyddade personuppgifter", ProtectedIdentity),
            ("Personnummer", PersonalIdentityNumbers),
            ("Källa", Sources),
            ("Mottagare", Recipients),
            ("Kategorier av mottagare", Recipients),
            ("Lagringstid", Retention),
            ("Gallring", DisposalRule),
            ("Informationshanteringsplan", DocumentPlanReference),
            ("Säkerhetsåtgärder", SecurityMeasures),
            ("Personuppgiftsbiträden", Processors),
            ("Gemensamt personuppgiftsansvar", JointControllers),
            ("Automatiserade beslut", AutomatedDecisions),
            ("AI", AiUse),
            ("Storskalig behandling", LargeScale),
            ("Sårbara registrerade", VulnerableSubjects),
            ("Konsekvensbedömning", DpiaDecision),
            ("Ansvarig", ResponsiblePerson),
            ("Personuppgiftsansvarig (för biträde)", OnBehalfOf),
        ];
        Mapping {
            columns: pairs.iter().map(|(h, t)| (h.to_string(), *t)).collect(),
        }
    }

    /// The field a header maps to (headers compare without case and surrounding space).
    pub fn target(&self, header: &str) -> Target {
        let h = header.trim().to_lowercase();
        self.columns
            .iter()
            .find(|(c, _)| c.trim().to_lowercase() == h)
            .map(|(_, t)| *t)
            .unwrap_or(Target::Ignore)
    }
}

/// One problem in the sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// 1-based, counting the header row as row 1, as a spreadsheet shows it.
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// A row ready to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub row: usize,
    pub external_id: Option<String>,
    pub details: ProcessingDetails,
}

/// The outcome of reading a sheet: rows to save, or every problem found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub rows: Vec<ImportRow>,
    pub problems: Vec<Problem>,
}

fn yes(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "" | "nej" | "no" | "n" | "0" | "false" | "falskt" => Some(false),
        "ja" | "yes" | "j" | "y" | "1" | "true" | "sant" | "x" => Some(true),
        _ => None,
    }
}

/// Splits a cell holding several values: by line breaks, semicolons or commas.
fn list(s: &str) -> Vec<String> {
    let sep: &[char] = if s.contains(['\n', ';']) {
        &['\n', ';']
    } else {
        &[',']
    };
    s.split(sep)
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

fn text(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Reads a legal-basis cell: letters ("e", "6.1 e", "c, e") or the words of art. 6.1.
fn legal_bases(s: &str) -> Option<Vec<LegalBasis>> {
    let mut out = Vec::new();
    for part in list(s) {
        let p = part.to_lowercase();
        let by_word = [
            ("samtycke", LegalBasis::Consent),
            ("avtal", LegalBasis::Contract),
            ("rättslig förpliktelse", LegalBasis::LegalObligation),
            ("grundläggande intress", LegalBasis::VitalInterests),
            ("allmänt intresse", LegalBasis::PublicTask),
            ("myndighetsutövning", LegalBasis::PublicTask),
            ("berättigat intresse", LegalBasis::LegitimateInterests),
        ]
        .into_iter()
        .find(|(w, _)| p.contains(w))
        .map(|(_, b)| b);
        let by_letter = p
            .trim_start_matches("art.")
            .trim_start_matches("6.1")
            .trim()
            .trim_start_matches('(');
        match by_word.or_else(|| LegalBasis::parse(by_letter)) {
            Some(b) => out.push(b),
            None => return None,
        }
    }
    Some(out)
}

fn special_categories(s: &str) -> Option<Vec<SpecialCategory>> {
    let parts = list(s);
    if parts.len() == 1 && yes(&parts[0]) == Some(false) {
        return Some(Vec::new());
    }
    parts.iter().map(|p| SpecialCategory::parse(p)).collect()
}

fn dpia(s: &str) -> Option<Option<DpiaDecision>> {
    let p = s.trim().to_lowercase();
    if p.is_empty() {
        return Some(None);
    }
    if p.contains("genomförd") || p.contains("klar") || p == "done" || p == "ja" {
        Some(Some(DpiaDecision::Done))
    } else if p.contains("behövs inte")
        || p.contains("ej nödvändig")
        || p.contains("not needed")
        || p == "nej"
    {
        Some(Some(DpiaDecision::NotNeeded))
    } else if p.contains("behövs") || p.contains("needed") || p.contains("planerad") {
        Some(Some(DpiaDecision::Needed))
    } else {
        None
    }
}

fn bad(row: usize, column: &str, lang: Lang, sv: &str, en: &str) -> Problem {
    Problem {
        row,
        column: column.to_string(),
        message: lang.pick_owned(sv, en),
    }
}

/// Builds the records of a sheet. `header` is the first row; `rows` the rest. Every problem is listed;
/// with any problem, nothing should be saved.
pub fn plan(header: &[String], rows: &[Vec<String>], mapping: &Mapping, lang: Lang) -> Plan {
    let targets: Vec<Target> = header.iter().map(|h| mapping.target(h)).collect();
    let mut out = Plan::default();
    if !targets.contains(&Target::Name) {
        out.problems.push(bad(
            1,
            "",
            lang,
            "Ingen kolumn är kopplad till fältet Namn (behandlingens benämning).",
            "No column is mapped to the field Name.",
        ));
        return out;
    }
    let mut seen_ids: Vec<(String, usize)> = Vec::new();
    for (i, cells) in rows.iter().enumerate() {
        let row = i + 2;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut d = ProcessingDetails::default();
        let mut external_id = None;
        let mut ok = true;
        for (col, target) in targets.iter().enumerate() {
            let cell = cells.get(col).map(String::as_str).unwrap_or_default();
            let column = header.get(col).map(String::as_str).unwrap_or_default();
            let mut fail = |sv: &str, en: &str| {
                out.problems.push(bad(row, column, lang, sv, en));
                ok = false;
            };
            use Target::*;
            match target {
                Ignore => {}
                ExternalId => external_id = text(cell),
                Name => d.name = cell.trim().to_string(),
                Description => d.description = text(cell),
                Purposes => d.purposes = text(cell),
                NationalProvision => d.national_provision = text(cell),
                Sources => d.sources = text(cell),
                Retention => d.retention = text(cell),
                DisposalRule => d.disposal_rule = text(cell),
                DocumentPlanReference => d.document_plan_reference = text(cell),
                SecurityMeasures => d.security_measures = text(cell),
                JointControllers => d.joint_controllers = text(cell),
                ResponsiblePerson => d.responsible_person = text(cell),
                OnBehalfOf => {
                    d.on_behalf_of = text(cell);
                    if d.on_behalf_of.is_some() {
                        d.role = ProcessingRole::Processor;
                    }
                }
                DataSubjectCategories => d.data_subject_categories = list(cell),
                PersonalDataCategories => d.personal_data_categories = list(cell),
                Recipients => d.recipients = list(cell),
                Processors => d.processors = list(cell),
                LegalBases => match legal_bases(cell) {
                    Some(b) => d.legal_bases = b,
                    None => fail(
                        "Okänd rättslig grund: ange bokstav a–f enligt art. 6.1 (t.ex. ”e”) eller grundens namn.",
                        "Unknown legal basis: give a letter a–f of art. 6.1 (e.g. “e”) or the basis' name.",
                    ),
                },
                SpecialCategories => match special_categories(cell) {
                    Some(c) => d.special_categories = c,
                    None => fail(
                        "Okänd kategori av känsliga personuppgifter (t.ex. ”Hälsa”, ”Etniskt ursprung”).",
                        "Unknown special category (e.g. “Health”, “Racial or ethnic origin”).",
                    ),
                },
                Target::Art9Exemption => {
                    if !cell.trim().is_empty() {
                        match super::processing::Art9Exemption::parse(
                            cell.trim().trim_start_matches("9.2").trim(),
                        ) {
                            Some(e) => d.art9_exemption = Some(e),
                            None => fail(
                                "Ange undantaget som en bokstav a–j enligt art. 9.2.",
                                "Give the exemption as a letter a–j of art. 9.2.",
                            ),
                        }
                    }
                }
                CriminalOffenceData
                | ProtectedIdentity
                | PersonalIdentityNumbers
                | AutomatedDecisions
                | AiUse
                | LargeScale
                | VulnerableSubjects => match yes(cell) {
                    Some(v) => match target {
                        CriminalOffenceData => d.criminal_offence_data = v,
                        ProtectedIdentity => d.protected_identity = v,
                        PersonalIdentityNumbers => d.personal_identity_numbers = v,
                        AutomatedDecisions => d.automated_decisions = v,
                        AiUse => d.ai_use = v,
                        LargeScale => d.large_scale = v,
                        _ => d.vulnerable_subjects = v,
                    },
                    None => fail("Svara Ja eller Nej.", "Answer Yes or No."),
                },
                Target::DpiaDecision => match dpia(cell) {
                    Some(v) => d.dpia_decision = v,
                    None => fail(
                        "Okänt beslut om konsekvensbedömning: ange ”Genomförd”, ”Behövs” eller ”Behövs inte”.",
                        "Unknown impact-assessment decision: give “Done”, “Needed” or “Not needed”.",
                    ),
                },
            }
        }
        if let Some(id) = &external_id {
            if let Some((_, first)) = seen_ids.iter().find(|(s, _)| s == id) {
                out.problems.push(Problem {
                    row,
                    column: header
                        .get(
                            targets
                                .iter()
                                .position(|t| *t == Target::ExternalId)
                                .unwrap_or(0),
                        )
                        .cloned()
                        .unwrap_or_default(),
                    message: match lang {
                        Lang::Sv => format!("Samma id som rad {first}."),
                        Lang::En => format!("The same id as row {first}."),
                    },
                });
                ok = false;
            } else {
                seen_ids.push((id.clone(), row));
            }
        }
        match d.validate() {
            Ok(details) if ok => out.rows.push(ImportRow {
                row,
                external_id,
                details,
            }),
            Ok(_) => {}
            Err(errors) => {
                for e in errors {
                    let column = targets
                        .iter()
                        .position(|t| field_of(*t) == Some(e.field))
                        .and_then(|i| header.get(i).cloned())
                        .unwrap_or_else(|| e.field.to_string());
                    out.problems.push(Problem {
                        row,
                        column,
                        message: e.rule.message(lang),
                    });
                }
            }
        }
    }
    out
}

/// The API field a target fills, for placing validation messages.
fn field_of(t: Target) -> Option<&'static str> {
    use Target::*;
    Some(match t {
        Name => "name",
        Description => "description",
        Purposes => "purposes",
        NationalProvision => "national_provision",
        DataSubjectCategories => "data_subject_categories",
        PersonalDataCategories => "personal_data_categories",
        Recipients => "recipients",
        Processors => "processors",
        Retention => "retention",
        DisposalRule => "disposal_rule",
        SecurityMeasures => "security_measures",
        Sources => "sources",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn header() -> Vec<String> {
        s(&[
            "ID",
            "Behandling",
            "Ändamål",
            "Rättslig grund",
            "Känsliga personuppgifter",
            "Personnummer",
            "Okänd kolumn",
        ])
    }

    #[test]
    fn a_clean_sheet_becomes_records() {
        let rows = vec![
            s(&["D-1", "Elevregister", "Skolans uppdrag", "e", "", "Ja", "x"]),
            s(&[
                "D-2",
                "Hemtjänst",
                "Insatser",
                "6.1 e; c",
                "Hälsa",
                "Nej",
                "",
            ]),
        ];
        let p = plan(&header(), &rows, &Mapping::draftit(), Lang::Sv);
        assert_eq!(p.problems, vec![]);
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.rows[0].external_id.as_deref(), Some("D-1"));
        assert!(p.rows[0].details.personal_identity_numbers);
        assert_eq!(
            p.rows[1].details.legal_bases,
            vec![LegalBasis::PublicTask, LegalBasis::LegalObligation]
        );
        assert_eq!(
            p.rows[1].details.special_categories,
            vec![SpecialCategory::Health]
        );
    }

    #[test]
    fn every_problem_is_listed_by_row_and_column() {
        let rows = vec![
            s(&["D-1", "", "Ändamål", "e", "", "Ja", ""]),
            s(&["D-2", "Hemtjänst", "Insatser", "g", "Hälsa", "kanske", ""]),
            s(&["D-2", "Dubblett", "", "", "", "", ""]),
        ];
        let p = plan(&header(), &rows, &Mapping::draftit(), Lang::Sv);
        assert!(p.rows.is_empty(), "{:?}", p.rows);
        let at = |row: usize, col: &str| p.problems.iter().any(|x| x.row == row && x.column == col);
        assert!(at(2, "Behandling"), "{:?}", p.problems);
        assert!(at(3, "Rättslig grund"), "{:?}", p.problems);
        assert!(at(3, "Personnummer"), "{:?}", p.problems);
        assert!(at(4, "ID"), "{:?}", p.problems);
        assert!(p.problems.iter().all(|x| !x.message.is_empty()));
    }

    #[test]
    fn a_sheet_without_a_name_column_is_refused_at_once() {
        let p = plan(
            &s(&["ID", "Ändamål"]),
            &[s(&["1", "x"])],
            &Mapping::draftit(),
            Lang::Sv,
        );
        assert_eq!(p.problems.len(), 1);
        assert!(p.rows.is_empty());
    }

    #[test]
    fn blank_rows_are_skipped() {
        let p = plan(
            &header(),
            &[s(&["", "", "", "", "", "", ""])],
            &Mapping::draftit(),
            Lang::Sv,
        );
        assert_eq!(p, Plan::default());
    }

    #[test]
    fn headers_match_without_case_or_surrounding_space() {
        assert_eq!(Mapping::draftit().target("  behandling "), Target::Name);
        assert_eq!(Mapping::draftit().target("Något annat"), Target::Ignore);
    }

    #[test]
    fn yes_and_no_in_swedish_and_english() {
        for v in ["Ja", "ja", "X", "1", "yes"] {
            assert_eq!(yes(v), Some(true), "{v}");
        }
        for v in ["Nej", "", "0", "no"] {
            assert_eq!(yes(v), Some(false), "{v}");
        }
        assert_eq!(yes("kanske"), None);
    }
}
