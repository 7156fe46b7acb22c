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
}
