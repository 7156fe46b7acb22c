//! The register as a table: the columns a supervisory authority (IMY) or a spreadsheet user expects,
//! in Swedish or English. CSV, Excel and PDF exports all use this one column list.

use super::processing::{ProcessingDetails, ProcessingRole};
use super::workflow::Status;
use crate::Lang;

/// One record with what the table needs besides its contents.
pub struct ExportRow<'a> {
    pub id: &'a str,
    pub organisation_name: &'a str,
    pub status: Status,
    pub next_review: Option<&'a str>,
    pub details: &'a ProcessingDetails,
}

/// Column headers.
pub fn headers(lang: Lang) -> Vec<String> {
    let sv = [
        "Id",
        "Behandling",
        "Organisation",
        "Status",
        "Roll",
        "Ändamål",
        "Rättslig grund",
        "Nationell bestämmelse",
        "Kategorier av registrerade",
        "Kategorier av personuppgifter",
        "Känsliga personuppgifter",
        "Undantag art. 9.2",
        "Lagöverträdelser (art. 10)",
        "Skyddade personuppgifter",
        "Personnummer",
        "Källa",
        "Mottagare",
        "Överföring till tredjeland",
        "Lagringstid",
        "Gallringsregel",
        "Informationshanteringsplan",
        "Säkerhetsåtgärder",
        "Personuppgiftsbiträden",
        "Gemensamt ansvar",
        "Automatiserade beslut",
        "AI",
        "Storskalig",
        "Sårbara registrerade",
        "Konsekvensbedömning",
        "Ansvarig",
        "Nästa översyn",
        "För personuppgiftsansvarig (art. 30.2)",
    ];
    let en = [
        "Id",
        "Processing",
        "Organisation",
        "Status",
        "Role",
        "Purposes",
        "Legal basis",
        "National provision",
        "Categories of data subjects",
        "Categories of personal data",
        "Special categories",
        "Art. 9.2 exemption",
        "Criminal offence data (art. 10)",
        "Protected identity",
        "Personal identity numbers",
        "Source",
        "Recipients",
        "Third-country transfers",
        "Retention",
        "Disposal rule",
        "Document management plan",
        "Security measures",
        "Processors",
        "Joint controllers",
        "Automated decisions",
        "AI",
        "Large scale",
        "Vulnerable data subjects",
        "Impact assessment",
        "Responsible",
        "Next review",
        "On behalf of controller (art. 30.2)",
    ];
    match lang {
        Lang::Sv => sv.iter().map(|s| s.to_string()).collect(),
        Lang::En => en.iter().map(|s| s.to_string()).collect(),
    }
}

fn yes_no(b: bool, lang: Lang) -> String {
    if b {
        lang.pick("Ja", "Yes")
    } else {
        lang.pick("Nej", "No")
    }
    .to_string()
}

fn opt(o: &Option<String>) -> String {
    o.clone().unwrap_or_default()
}

/// One row per record, in the order of [`headers`].
pub fn row(r: &ExportRow<'_>, lang: Lang) -> Vec<String> {
    let d = r.details;
    vec![
        r.id.to_string(),
        d.name.clone(),
        r.organisation_name.to_string(),
        r.status.label(lang).to_string(),
        match d.role {
            ProcessingRole::Controller => lang.pick("Personuppgiftsansvarig", "Controller"),
            ProcessingRole::Processor => lang.pick("Personuppgiftsbiträde", "Processor"),
        }
        .to_string(),
        opt(&d.purposes),
        d.legal_bases
            .iter()
            .map(|b| b.label(lang))
            .collect::<Vec<_>>()
            .join(", "),
        opt(&d.national_provision),
        d.data_subject_categories.join(", "),
        d.personal_data_categories.join(", "),
        d.special_categories
            .iter()
            .map(|c| c.label(lang))
            .collect::<Vec<_>>()
            .join(", "),
        d.art9_exemption
            .map(|e| e.label(lang).to_string())
            .unwrap_or_default(),
        yes_no(d.criminal_offence_data, lang),
        yes_no(d.protected_identity, lang),
        yes_no(d.personal_identity_numbers, lang),
        opt(&d.sources),
        d.recipients.join(", "),
        d.third_country_transfers
            .iter()
            .map(|t| match t.safeguard {
                Some(s) => format!("{} ({})", t.country, s.label(lang)),
                None => format!(
                    "{} ({})",
                    t.country,
                    lang.pick("skyddsåtgärd saknas", "no safeguard")
                ),
            })
            .collect::<Vec<_>>()
            .join(", "),
        opt(&d.retention),
        opt(&d.disposal_rule),
        opt(&d.document_plan_reference),
        opt(&d.security_measures),
        d.processors.join(", "),
        opt(&d.joint_controllers),
        yes_no(d.automated_decisions, lang),
        yes_no(d.ai_use, lang),
        yes_no(d.large_scale, lang),
        yes_no(d.vulnerable_subjects, lang),
        d.dpia_decision
            .map(|x| x.label(lang).to_string())
            .unwrap_or_default(),
        opt(&d.responsible_person),
        r.next_review.unwrap_or_default().to_string(),
        opt(&d.on_behalf_of),
    ]
}

// ---------------------------------------------------------------------------------------------
// The systems register
// ---------------------------------------------------------------------------------------------

/// A system with what its row needs besides its contents.
pub struct SystemExportRow<'a> {
    pub id: &'a str,
    pub organisation_name: &'a str,
    pub details: &'a super::system::SystemDetails,
    /// How many processing activities name the system.
    pub processing_count: i64,
}

/// The systems register's column headers. The Swedish ones are the systems import's own headers, so
/// that an exported file, edited, imports back onto the same systems (its `ID` is the system's id).
pub fn system_headers(lang: Lang) -> Vec<String> {
    let sv = [
        "ID",
        "System",
        "Organisation",
        "Beskrivning",
        "Leverantör",
        "Objektägare",
        "Objektförvaltare",
        "Upphandling",
        "NIS",
        "Lagringsland",
        "Personuppgifter",
        "Konfidentialitet",
        "Riktighet",
        "Tillgänglighet",
        "Klassad",
        "Nästa klassning",
        "Riskanalys",
        "Behandlingar",
        "Öppna åtgärder",
    ];
    let en = [
        "ID",
        "System",
        "Organisation",
        "Description",
        "Vendor",
        "Object owner",
        "Object manager",
        "Procurement",
        "NIS",
        "Storage country",
        "Personal data",
        "Confidentiality",
        "Integrity",
        "Availability",
        "Classified",
        "Next classification",
        "Risk analysis",
        "Processing activities",
        "Open actions",
    ];
    match lang {
        Lang::Sv => sv.iter().map(|s| s.to_string()).collect(),
        Lang::En => en.iter().map(|s| s.to_string()).collect(),
    }
}

/// One row per system, in the order of [`system_headers`].
pub fn system_row(r: &SystemExportRow<'_>, lang: Lang) -> Vec<String> {
    use super::system::ActionStatus;
    let d = r.details;
    let c = d.classification.as_ref();
    let level =
        |l: Option<super::system::Level>| l.map(|l| l.value().to_string()).unwrap_or_default();
    vec![
        r.id.to_string(),
        d.name.clone(),
        r.organisation_name.to_string(),
        opt(&d.description),
        opt(&d.vendor),
        opt(&d.owner),
        opt(&d.manager),
        d.procurement.label(lang).to_string(),
        yes_no(d.nis_relevant, lang),
        opt(&d.storage_country),
        yes_no(d.holds_personal_data, lang),
        level(c.map(|c| c.confidentiality)),
        level(c.map(|c| c.integrity)),
        level(c.map(|c| c.availability)),
        c.map(|c| c.classified_on.clone()).unwrap_or_default(),
        c.and_then(|c| c.next_review.clone()).unwrap_or_default(),
        opt(&d.risk_analysis_on),
        r.processing_count.to_string(),
        d.action_plan
            .iter()
            .filter(|a| a.status != Some(ActionStatus::Done))
            .count()
            .to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::processing::LegalBasis;

    #[test]
    fn every_row_has_one_cell_per_header_in_both_languages() {
        let d = ProcessingDetails {
            name: "Elevregister".into(),
            legal_bases: vec![LegalBasis::PublicTask],
            ..Default::default()
        };
        let r = ExportRow {
            id: "x",
            organisation_name: "Ekbackens skola",
            status: Status::Godkand,
            next_review: None,
            details: &d,
        };
        for lang in [Lang::Sv, Lang::En] {
            assert_eq!(row(&r, lang).len(), headers(lang).len());
        }
        let sv = row(&r, Lang::Sv);
        assert_eq!(sv[1], "Elevregister");
        assert_eq!(sv[3], "Godkänd");
        assert!(sv[6].contains("(e)"));
    }

    #[test]
    fn an_exported_systems_register_imports_back_unchanged() {
        use crate::register::import::Systems;
        use crate::register::import::{Mapping, plan_for};
        use crate::register::system::{
            Action, ActionStatus, Classification, Level, Procurement, SystemDetails,
        };
        let full = SystemDetails {
            name: "Procapita".into(),
            description: Some("Verksamhetssystem för socialtjänsten".into()),
            vendor: Some("Tietoevry".into()),
            owner: Some("Socialdirektören".into()),
            manager: Some("Systemförvaltaren".into()),
            procurement: Procurement::Central,
            nis_relevant: true,
            storage_country: Some("Sverige".into()),
            holds_personal_data: true,
            classification: Some(Classification {
                confidentiality: Level::clamped(4),
                integrity: Level::clamped(3),
                availability: Level::clamped(2),
                classified_on: "2026-03-01".into(),
                next_review: Some("2027-03-01".into()),
            }),
            risk_analysis_on: Some("2026-02-15".into()),
            action_plan: vec![Action {
                action: "Logga uttag".into(),
                responsible: None,
                due: None,
                status: Some(ActionStatus::Planned),
            }],
            agreement_ids: Vec::new(),
        };
        let bare = SystemDetails {
            name: "Skolwebben".into(),
            ..SystemDetails::default()
        };
        let rows: Vec<Vec<String>> = [("s-1", &full), ("s-2", &bare)]
            .iter()
            .map(|(id, d)| {
                system_row(
                    &SystemExportRow {
                        id,
                        organisation_name: "Socialnämnden",
                        details: d,
                        processing_count: 2,
                    },
                    Lang::Sv,
                )
            })
            .collect();
        assert_eq!(rows[0].len(), system_headers(Lang::Sv).len());
        assert_eq!(rows[0][18], "1", "one open action");
        let p = plan_for::<Systems>(
            &system_headers(Lang::Sv),
            &rows,
            &Mapping::systems(),
            Lang::Sv,
        );
        assert_eq!(p.problems, vec![]);
        assert_eq!(p.rows[0].external_id.as_deref(), Some("s-1"));
        // The action plan is not a column: an import keeps the stored one.
        let imported = SystemDetails {
            action_plan: full.action_plan.clone(),
            ..p.rows[0].details.clone()
        };
        assert_eq!(imported, full);
        assert_eq!(p.rows[1].details, bare.validate().expect("valid"));
        assert_eq!(
            system_headers(Lang::En).len(),
            system_headers(Lang::Sv).len()
        );
    }
}
