//! `ombud generate`: a synthetic city at scale, for benchmarks and for trying Ombud with realistic
//! volumes. Names, purposes and categories are drawn from a fixed list of municipal processings so
//! that search and filters find what they would in a real register; the sequence is deterministic.

use anyhow::Result;
use ombud_app::bulk::Bulk;
use ombud_domain::kernel::workflow::StepInput;
use ombud_domain::people::{self, PasswordCost};
use ombud_domain::register::processing::{
    Art9Exemption, DpiaDecision, LegalBasis, ProcessingDetails, Safeguard, SpecialCategory,
    Transfer,
};
use ombud_domain::register::processing::{
    GODKAND, Processing, REDO_FOR_GRANSKNING, UNDER_GRANSKNING,
};
use ombud_domain::register::system::{Classification, Procurement, SystemDetails, Systems};
use ombud_domain::role::{Role, RoleSet};
use ombud_store::Store;
use ombud_store::organisations::NewOrganisation;

const BOARDS: &[&str] = &[
    "Barn- och utbildningsnämnden",
    "Socialnämnden",
    "Kulturnämnden",
    "Miljö- och hälsoskyddsnämnden",
    "Stadsbyggnadsnämnden",
    "Idrottsnämnden",
    "Äldrenämnden",
    "Arbetsmarknadsnämnden",
    "Trafiknämnden",
    "Överförmyndarnämnden",
    "Stadsdelsnämnd",
    "Valnämnden",
    "Fastighetsnämnden",
    "Servicenämnden",
];

/// A template of a processing: name, purpose, data subjects, personal data, special category, legal basis.
type Template = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<SpecialCategory>,
    LegalBasis,
);

const PROCESSINGS: &[Template] = &[
    (
        "Elevregister",
        "Administration av elevernas skolgång i grundskola och gymnasium",
        "Elever, vårdnadshavare",
        "Namn, personnummer, adress, klass",
        None,
        LegalBasis::PublicTask,
    ),
    (
        "Elevhälsans journaler",
        "Dokumentation inom skolans elevhälsa",
        "Elever",
        "Hälsouppgifter, anteckningar",
        Some(SpecialCategory::Health),
        LegalBasis::LegalObligation,
    ),
    (
        "Skolskjuts",
        "Planering av skolskjuts för elever i skolan",
        "Elever, vårdnadshavare",
        "Namn, adress, skola",
        None,
        LegalBasis::PublicTask,
    ),
    (
        "Betygsdokumentation",
        "Betygssättning och betygskatalog i skolan",
        "Elever",
        "Namn, personnummer, betyg",
        None,
        LegalBasis::LegalObligation,
    ),
    (
        "Förskolekö",
        "Placering i förskola",
        "Barn, vårdnadshavare",
        "Namn, personnummer, önskemål",
        None,
        LegalBasis::PublicTask,
    ),
    (
        "Ekonomiskt bistånd",
        "Handläggning av försörjningsstöd",
        "Sökande, familjemedlemmar",
        "Inkomster, bostad, personnummer",
        None,
        LegalBasis::PublicTask,
    ),
    (
        "Hemtjänst",
        "Planering och dokumentation av hemtjänstinsatser",
        "Brukare, anhöriga",
        "Hälsa, insatser, adress",
        Some(SpecialCategory::Health),
        LegalBasis::PublicTask,
    ),
    (
        "Personalakter",
        "Administration av anställningar",
        "Anställda",
        "Namn, personnummer, lön, frånvaro",
        Some(SpecialCategory::TradeUnionMembership),
        LegalBasis::Contract,
    ),
    (
        "Lönehantering",
        "Utbetalning av lön",
        "Anställda",
        "Lön, kontonummer, skatt",
        None,
        LegalBasis::Contract,
    ),
    (
        "Synpunkter och klagomål",
        "Hantering av synpunkter från invånare",
        "Invånare",
        "Namn, kontaktuppgifter, ärende",
        None,
        LegalBasis::PublicTask,
    ),
    (
        "Bygglovsärenden",
        "Handläggning av bygglov",
        "Sökande, grannar",
        "Namn, fastighet, adress",
        None,
        LegalBasis::LegalObligation,
    ),
    (
        "Kameraövervakning",
        "Trygghet i kommunens lokaler",
        "Besökare, anställda",
        "Bild",
        None,
        LegalBasis::PublicTask,
    ),
    (
        "Bibliotekslån",
        "Utlåning av medier",
        "Låntagare",
        "Namn, lånekortsnummer, lån",
        None,
        LegalBasis::PublicTask,
    ),
    (
        "Föreningsbidrag",
        "Handläggning av bidrag till föreningar",
        "Kontaktpersoner",
        "Namn, kontaktuppgifter",
        None,
        LegalBasis::PublicTask,
    ),
    (
        "Diarium och ärendehantering",
        "Registrering av allmänna handlingar",
        "Invånare, anställda",
        "Namn, ärende",
        None,
        LegalBasis::LegalObligation,
    ),
    (
        "Barnavårdsutredningar",
        "Utredning av barns behov av skydd",
        "Barn, vårdnadshavare",
        "Hälsa, familjeförhållanden",
        Some(SpecialCategory::Health),
        LegalBasis::PublicTask,
    ),
    (
        "Färdtjänst",
        "Handläggning av färdtjänsttillstånd",
        "Sökande",
        "Hälsa, adress",
        Some(SpecialCategory::Health),
        LegalBasis::PublicTask,
    ),
    (
        "Nyhetsbrev",
        "Utskick av information till prenumeranter",
        "Prenumeranter",
        "E-postadress",
        None,
        LegalBasis::Consent,
    ),
    (
        "Vuxenutbildning",
        "Antagning och studiedokumentation",
        "Elever",
        "Namn, personnummer, betyg",
        None,
        LegalBasis::PublicTask,
    ),
    (
        "Lärplattform för skolan",
        "Undervisning och kommunikation i skolan",
        "Elever, lärare, vårdnadshavare",
        "Namn, uppgifter, omdömen",
        None,
        LegalBasis::PublicTask,
    ),
];

const SYSTEMS: &[(&str, &str)] = &[
    ("Procapita", "Tieto"),
    ("Treserva", "CGI"),
    ("Lifecare", "Tietoevry"),
    ("Skola24", "Skola24 AB"),
    ("Microsoft 365", "Microsoft"),
    ("Heroma", "CGI"),
    ("Public 360", "Tieto"),
    ("Unikum", "Unikum AB"),
    ("Tempus", "Tempus AB"),
    ("Zoom", "Zoom Video"),
    ("Ciceron", "Formpipe"),
    ("Raindance", "CGI"),
];

fn roles(r: &[Role]) -> RoleSet {
    r.iter().copied().collect()
}

/// Fills the database with a synthetic city. Returns the number of processing activities made.
pub async fn run(
    store: &Store,
    controllers: usize,
    processings: usize,
    systems: usize,
) -> Result<usize> {
    let hash = tokio::task::spawn_blocking(|| {
        people::hash_password("Ombud-generate-2026", PasswordCost::Standard)
    })
    .await??;
    let actor = Bulk::cli_actor("generate");
    let mut w = Bulk::begin(store, &actor).await?;
    let city = w
        .organisation(&NewOrganisation {
            name: "Storstad (genererad)".into(),
            kind: "city".into(),
            parent_id: None,
            controller: None,
        })
        .await?;
    let stamp = jiff::Timestamp::now().as_second();
    let mut made = 0usize;
    for c in 0..controllers {
        let board_name = format!("{} {:02}", BOARDS[c % BOARDS.len()], c + 1);
        let board = w
            .organisation(&NewOrganisation {
                name: board_name.clone(),
                kind: "board".into(),
                parent_id: Some(city.id.clone()),
                controller: None,
            })
            .await?;
        let admin = w
            .organisation(&NewOrganisation {
                name: format!("Förvaltning {:02}", c + 1),
                kind: "administration".into(),
                parent_id: Some(board.id.clone()),
                controller: None,
            })
            .await?;
        let mut units = Vec::new();
        for d in 0..2 {
            let dept = w
                .organisation(&NewOrganisation {
                    name: format!("Avdelning {:02}.{}", c + 1, d + 1),
                    kind: "department".into(),
                    parent_id: Some(admin.id.clone()),
                    controller: None,
                })
                .await?;
            let unit = w
                .organisation(&NewOrganisation {
                    name: format!("Enhet {:02}.{}", c + 1, d + 1),
                    kind: "unit".into(),
                    parent_id: Some(dept.id.clone()),
                    controller: None,
                })
                .await?;
            units.push(dept);
            units.push(unit);
        }
        for (email, name, role) in [
            ("dso", "Dataskyddsombud", Role::Dpo),
            ("handlaggare", "Dataskyddshandläggare", Role::RecordsKeeper),
        ] {
            let u =
                w.w.create_user(
                    &format!("{email}.{:02}.{stamp}@storstad.example", c + 1),
                    &format!("{name} {:02}", c + 1),
                    Some(&hash),
                    false,
                )
                .await?;
            w.roles(&board, &u.id, roles(&[role])).await?;
        }
        let mut system_ids = Vec::new();
        for s in 0..systems {
            let (name, vendor) = SYSTEMS[(c + s) % SYSTEMS.len()];
            let classified = s % 4 != 0;
            let details = SystemDetails {
                name: format!("{name} {}", s + 1),
                vendor: Some(vendor.into()),
                procurement: if s % 3 == 0 {
                    Procurement::Central
                } else {
                    Procurement::SelfProcured
                },
                holds_personal_data: s % 5 != 4,
                nis_relevant: s % 7 == 0,
                storage_country: Some(if s % 6 == 0 { "USA" } else { "Sverige" }.into()),
                classification: classified.then(|| Classification {
                    confidentiality: level(s),
                    integrity: level(s + 1),
                    availability: level(s + 2),
                    classified_on: jiff::civil::date(2023 + (s % 3) as i16, 1 + (s % 9) as i8, 15),
                    next_review: None,
                }),
                ..Default::default()
            };
            let sys = w
                .create::<Systems>(&board, serde_json::to_value(&details)?, None)
                .await?;
            system_ids.push(sys.id);
        }
        for p in 0..processings {
            let (name, purpose, subjects, data, special, basis) =
                PROCESSINGS[(c * 7 + p) % PROCESSINGS.len()];
            let owner = if p % 3 == 0 {
                &board
            } else {
                &units[p % units.len()]
            };
            let complete = p % 5 != 0;
            let details = ProcessingDetails {
                name: format!("{name} {}", p + 1),
                purposes: complete.then(|| purpose.to_string()),
                legal_bases: if complete { vec![basis] } else { Vec::new() },
                data_subject_categories: subjects.split(", ").map(String::from).collect(),
                personal_data_categories: data.split(", ").map(String::from).collect(),
                special_categories: special.into_iter().collect(),
                art9_exemption: special.filter(|_| p % 4 != 1).map(|_| Art9Exemption::H),
                personal_identity_numbers: data.contains("personnummer"),
                protected_identity: p % 11 == 0,
                large_scale: p % 6 == 0,
                vulnerable_subjects: subjects.contains("Barn") || subjects.contains("Elever"),
                ai_use: p % 17 == 0,
                retention: complete
                    .then(|| "Gallras enligt informationshanteringsplanen".to_string()),
                third_country_transfers: if p % 9 == 0 {
                    vec![Transfer {
                        country: "USA".into(),
                        recipient: Some("Molntjänstleverantör".into()),
                        safeguard: (p % 2 == 0).then_some(Safeguard::DataPrivacyFramework),
                        transfer_impact_assessment: p % 2 == 0,
                        exit_plan: false,
                    }]
                } else {
                    Vec::new()
                },
                dpia_decision: (p % 4 == 0).then_some(DpiaDecision::NotNeeded),
                system_ids: if system_ids.is_empty() {
                    Vec::new()
                } else {
                    vec![system_ids[p % system_ids.len()].clone()]
                },
                ..Default::default()
            };
            let mut created = w
                .create::<Processing>(owner, serde_json::to_value(&details)?, None)
                .await?;
            // A spread of statuses, as in the seeds: most in progress, some approved (a synthetic
            // record may have gaps, so its approval says why it is approved anyway).
            let approval = StepInput {
                comment: Some("Syntetiska data för prov i stor skala.".into()),
                despite_gaps: true,
            };
            let path: &[&'static str] = match p % 10 {
                0..=5 => &[],
                6 | 7 => &[REDO_FOR_GRANSKNING],
                8 => &[REDO_FOR_GRANSKNING, UNDER_GRANSKNING],
                _ => &[REDO_FOR_GRANSKNING, UNDER_GRANSKNING, GODKAND],
            };
            for step in path {
                created = w.step::<Processing>(&created, step, &approval).await?;
            }
            made += 1;
        }
    }
    w.commit().await?;
    Ok(made)
}

fn level(n: usize) -> ombud_domain::register::system::Level {
    ombud_domain::register::system::Level::clamped((n % 4 + 1) as u8)
}
