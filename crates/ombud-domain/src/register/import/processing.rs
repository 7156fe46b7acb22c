//! The register of processing activities (art. 30) from a spreadsheet, as a Draftit-style tool
//! exports it.

use super::{Field, Flaw, Mapping, Msg, Plan, RegisterSheet, YES_OR_NO, list, plan_for, text, yes};
use crate::Lang;
use crate::register::processing::{
    self as record, DpiaDecision, LegalBasis, ProcessingDetails, ProcessingRole, SpecialCategory,
};
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

impl Field for Target {
    const IGNORE: Self = Target::Ignore;
    const EXTERNAL_ID: Self = Target::ExternalId;
    const NAME: Self = Target::Name;
    const ALL: &'static [Self] = {
        use Target::*;
        &[
            Ignore,
            ExternalId,
            Name,
            Description,
            Purposes,
            LegalBases,
            NationalProvision,
            DataSubjectCategories,
            PersonalDataCategories,
            Sources,
            SpecialCategories,
            Art9Exemption,
            CriminalOffenceData,
            ProtectedIdentity,
            PersonalIdentityNumbers,
            Recipients,
            Processors,
            JointControllers,
            Retention,
            DisposalRule,
            DocumentPlanReference,
            SecurityMeasures,
            AutomatedDecisions,
            AiUse,
            LargeScale,
            VulnerableSubjects,
            DpiaDecision,
            ResponsiblePerson,
            OnBehalfOf,
        ]
    };

    fn api_field(self) -> Option<&'static str> {
        use Target::*;
        Some(match self {
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
}

impl Mapping<Target> {
    /// The saved mapping for a register exported from a Draftit-style tool: the column headers such an
    /// export uses, in Swedish.
    pub fn draftit() -> Mapping<Target> {
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
        Mapping::of(&pairs)
    }
}

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

/// Processing activities, as a register a sheet can fill.
pub struct Processing;

impl RegisterSheet for Processing {
    type Target = Target;
    type Draft = ProcessingDetails;
    type Details = ProcessingDetails;

    const NAME_MISSING: Msg = (
        "Ingen kolumn är kopplad till fältet Namn (behandlingens benämning).",
        "No column is mapped to the field Name.",
    );

    fn default_mapping() -> Mapping<Target> {
        Mapping::draftit()
    }

    fn fill(d: &mut ProcessingDetails, target: Target, cell: &str) -> Result<(), Msg> {
        use Target::*;
        match target {
            Ignore | ExternalId => {}
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
            LegalBases => {
                d.legal_bases = legal_bases(cell).ok_or((
                    "Okänd rättslig grund: ange bokstav a–f enligt art. 6.1 (t.ex. ”e”) eller grundens namn.",
                    "Unknown legal basis: give a letter a–f of art. 6.1 (e.g. “e”) or the basis' name.",
                ))?
            }
            SpecialCategories => {
                d.special_categories = special_categories(cell).ok_or((
                    "Okänd kategori av känsliga personuppgifter (t.ex. ”Hälsa”, ”Etniskt ursprung”).",
                    "Unknown special category (e.g. “Health”, “Racial or ethnic origin”).",
                ))?
            }
            Art9Exemption => {
                if !cell.trim().is_empty() {
                    d.art9_exemption = Some(
                        record::Art9Exemption::parse(cell.trim().trim_start_matches("9.2").trim())
                            .ok_or((
                                "Ange undantaget som en bokstav a–j enligt art. 9.2.",
                                "Give the exemption as a letter a–j of art. 9.2.",
                            ))?,
                    );
                }
            }
            CriminalOffenceData
            | ProtectedIdentity
            | PersonalIdentityNumbers
            | AutomatedDecisions
            | AiUse
            | LargeScale
            | VulnerableSubjects => {
                let v = yes(cell).ok_or(YES_OR_NO)?;
                match target {
                    CriminalOffenceData => d.criminal_offence_data = v,
                    ProtectedIdentity => d.protected_identity = v,
                    PersonalIdentityNumbers => d.personal_identity_numbers = v,
                    AutomatedDecisions => d.automated_decisions = v,
                    AiUse => d.ai_use = v,
                    LargeScale => d.large_scale = v,
                    _ => d.vulnerable_subjects = v,
                }
            }
            DpiaDecision => {
                d.dpia_decision = dpia(cell).ok_or((
                    "Okänt beslut om konsekvensbedömning: ange ”Genomförd”, ”Behövs” eller ”Behövs inte”.",
                    "Unknown impact-assessment decision: give “Done”, “Needed” or “Not needed”.",
                ))?
            }
        }
        Ok(())
    }

    fn finish(
        d: ProcessingDetails,
        _mapped: &[Target],
        _lang: Lang,
    ) -> Result<ProcessingDetails, Vec<Flaw<Target>>> {
        d.validate()
            .map_err(|errors| errors.into_iter().map(Flaw::Invalid).collect())
    }

    fn name(d: &ProcessingDetails) -> &str {
        &d.name
    }

    fn keep_unimported(imported: &mut ProcessingDetails, stored: &ProcessingDetails) {
        // Spelled out in full, so that a new field cannot be added without deciding here whether
        // the import fills it (`_`) or keeps what is stored.
        let ProcessingDetails {
            name: _,
            description: _,
            role: _,
            on_behalf_of: _,
            controller_instructions,
            processing_categories,
            purposes: _,
            legal_bases: _,
            national_provision: _,
            data_subject_categories: _,
            personal_data_categories: _,
            special_categories: _,
            art9_exemption: _,
            art9_provision,
            criminal_offence_data: _,
            art10_basis,
            protected_identity: _,
            personal_identity_numbers: _,
            sources: _,
            recipients: _,
            third_country_transfers,
            retention: _,
            disposal_rule: _,
            document_plan_reference: _,
            security_measures: _,
            system_ids,
            agreement_ids,
            processors: _,
            joint_controllers: _,
            automated_decisions: _,
            profiling,
            ai_use: _,
            iot,
            large_scale: _,
            vulnerable_subjects: _,
            systematic_monitoring,
            new_technology,
            combined_datasets,
            dpia_decision: _,
            dpia_reference,
            responsible_person: _,
        } = stored.clone();
        imported.controller_instructions = controller_instructions;
        imported.processing_categories = processing_categories;
        imported.art9_provision = art9_provision;
        imported.art10_basis = art10_basis;
        imported.third_country_transfers = third_country_transfers;
        imported.system_ids = system_ids;
        imported.agreement_ids = agreement_ids;
        imported.profiling = profiling;
        imported.iot = iot;
        imported.systematic_monitoring = systematic_monitoring;
        imported.new_technology = new_technology;
        imported.combined_datasets = combined_datasets;
        imported.dpia_reference = dpia_reference;
    }

    fn same_name(lang: Lang, first: usize) -> String {
        match lang {
            Lang::Sv => format!(
                "Samma behandling som rad {first}: ge raderna olika namn eller en id-kolumn."
            ),
            Lang::En => format!(
                "The same processing as row {first}: give the rows different names or an id column."
            ),
        }
    }
}

/// Builds the processing activities of a sheet. `header` is the first row; `rows` the rest. Every
/// problem is listed; with any problem, nothing should be saved.
pub fn plan(header: &[String], rows: &[Vec<String>], mapping: &Mapping, lang: Lang) -> Plan {
    plan_for::<Processing>(header, rows, mapping, lang)
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
    fn a_re_import_keeps_what_no_column_fills() {
        let system = crate::ids::new_id();
        let stored = ProcessingDetails {
            name: "Lön".into(),
            purposes: Some("Gammalt ändamål".into()),
            system_ids: vec![system.clone()],
            profiling: true,
            dpia_reference: Some("Bedömning 2025-04".into()),
            ..Default::default()
        };
        let mut imported = ProcessingDetails {
            name: "Lön".into(),
            purposes: Some("Nytt ändamål".into()),
            ..Default::default()
        };
        Processing::keep_unimported(&mut imported, &stored);
        assert_eq!(imported.system_ids, vec![system]);
        assert!(imported.profiling);
        assert_eq!(
            imported.dpia_reference.as_deref(),
            Some("Bedömning 2025-04")
        );
        assert_eq!(
            imported.purposes.as_deref(),
            Some("Nytt ändamål"),
            "imported fields win"
        );
    }

    #[test]
    fn every_target_is_offered_once() {
        for t in Target::ALL {
            assert_eq!(Target::ALL.iter().filter(|x| *x == t).count(), 1, "{t:?}");
        }
        for (_, t) in Mapping::draftit().columns {
            assert!(Target::ALL.contains(&t), "{t:?}");
        }
    }
}
