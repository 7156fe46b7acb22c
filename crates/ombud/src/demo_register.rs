//! The demo city's registers: a handful of processing activities, systems and processor agreements
//! per controller, linked to each other, at different stages of review and with the gaps a DPO
//! meets in real registers (a transfer without a safeguard, a high-risk processing without an impact
//! assessment, a system that carries no processing, an agreement past its review date), so that the
//! register, the gaps and the history show something on the first sign-in.
//!
//! Dates are relative to today, so that what is overdue stays overdue whenever the demo is loaded.

use anyhow::{Context, Result};
use ombud_app::bulk::Bulk;
use ombud_domain::kernel::workflow::StepInput;
use ombud_domain::register::agreement::{Agreements, NewComplianceCheck};
use ombud_domain::register::processing::{
    GODKAND, Processing, REDO_FOR_GRANSKNING, UNDER_BEARBETNING, UNDER_GRANSKNING,
};
use ombud_domain::register::system::Systems;
use ombud_store::organisations::Organisation;
use serde_json::{Value, json};

/// Today moved by `days`, `YYYY-MM-DD`.
fn day(today: jiff::civil::Date, days: i64) -> String {
    today
        .checked_add(jiff::Span::new().days(days))
        .unwrap_or(today)
        .to_string()
}

fn parse<T: serde::de::DeserializeOwned>(v: Value) -> Result<T> {
    serde_json::from_value(v).context("demo register record")
}

/// A demo record's draft, as a client would send it.
fn draft(v: Value) -> Value {
    v
}

/// Loads the registers into the demo city; `org` finds an organisation by its demo key.
pub async fn load(
    w: &mut Bulk<'_>,
    org: impl Fn(&str) -> Result<Organisation>,
    today: jiff::civil::Date,
) -> Result<()> {
    let d = |days: i64| day(today, days);

    // --- Kommunstyrelsen -------------------------------------------------------------------
    let itdrift = org("itdrift")?;
    let cgi = w
        .create::<Agreements>(
            &org("lon")?,
            draft(json!({
                "name": "Personuppgiftsbiträdesavtal lönetjänst",
                "counterparty": "CGI Sverige AB",
                "reference": "KS 2023/412",
                "description": "Drift och förvaltning av lönesystemet Heroma som tjänst.",
                "signed_on": d(-1000),
                "review_on": d(-30),
                "sub_processors": [
                    {"name": "CGI Information Systems and Management Consultants Inc.", "service": "Support utanför kontorstid", "country": "Kanada"}
                ],
                "third_country_transfers": [
                    {"country": "Kanada", "recipient": "CGI Inc.", "safeguard": "adequacy", "transfer_impact_assessment": false, "exit_plan": false}
                ],
                "exit_plan": "Export av löne- och personaldata i standardformat inom 90 dagar från uppsägning."
            })),
            None,
        )
        .await?;
    w.compliance_check(
        &cgi,
        parse::<NewComplianceCheck>(json!({
            "checked_on": d(-200),
            "finding": "Loggar över administratörsåtkomst lämnades ut på begäran. Underbiträdet i Kanada har ingen åtkomst till personnummer.",
            "follow_up": "Begär årlig revisionsrapport (ISAE 3402).",
            "follow_up_due": d(20)
        }))?,
    )
    .await?;
    let tieto = w
        .create::<Agreements>(
            &org("arkiv")?,
            draft(json!({
                "counterparty": "Tietoevry Sweden AB",
                "reference": "KS 2024/88",
                "description": "Drift av ärende- och dokumenthanteringssystemet Public 360°.",
                "signed_on": d(-500),
                "review_on": d(230),
                "exit_plan": "Arkivuttag enligt FGS före avslut."
            })),
            None,
        )
        .await?;
    let microsoft = w
        .create::<Agreements>(
            &itdrift,
            draft(json!({
                "name": "Microsoft Products and Services Data Protection Addendum",
                "counterparty": "Microsoft Ireland Operations Ltd",
                "signed_on": d(-700),
                "review_on": d(60),
                "sub_processors": [
                    {"name": "Microsoft Corporation", "service": "Support och drift", "country": "USA"}
                ],
                "third_country_transfers": [
                    {"country": "USA", "recipient": "Microsoft Corporation", "safeguard": "data_privacy_framework", "transfer_impact_assessment": true, "exit_plan": true}
                ],
                "exit_plan": "Export av postlådor och filer till kommunens egen lagring."
            })),
            None,
        )
        .await?;
    let heroma = w
        .create::<Systems>(
            &itdrift,
            draft(json!({
                "name": "Heroma",
                "description": "Lön, schema och personaladministration.",
                "vendor": "CGI Sverige AB",
                "owner": "HR-direktören",
                "manager": "Enheten för lön och pension",
                "procurement": "self_procured",
                "nis_relevant": false,
                "storage_country": "Sverige",
                "holds_personal_data": true,
                "classification": {"confidentiality": 3, "integrity": 3, "availability": 2, "classified_on": d(-250), "next_review": d(115)},
                "risk_analysis_on": d(-240),
                "action_plan": [
                    {"action": "Införa tvåfaktorsinloggning för administratörer", "responsible": "Lars Nilsson", "due": d(45), "status": "ongoing"},
                    {"action": "Se över behörigheter för chefer som slutat", "responsible": "Enheten för lön och pension", "due": d(-10), "status": "done"}
                ],
                "agreement_ids": [cgi.id.clone()]
            })),
            None,
        )
        .await?;
    let public360 = w
        .create::<Systems>(
            &itdrift,
            draft(json!({
                "name": "Public 360°",
                "description": "Diarium, ärende- och dokumenthantering.",
                "vendor": "Tietoevry Sweden AB",
                "owner": "Kanslichefen",
                "manager": "Registratur och arkiv",
                "procurement": "self_procured",
                "storage_country": "Sverige",
                "holds_personal_data": true,
                "classification": {"confidentiality": 2, "integrity": 3, "availability": 2, "classified_on": d(-420)},
                "agreement_ids": [tieto.id.clone()]
            })),
            None,
        )
        .await?;
    let m365 = w
        .create::<Systems>(
            &itdrift,
            draft(json!({
                "name": "Microsoft 365",
                "description": "E-post, kalender, Teams och filer.",
                "vendor": "Microsoft Ireland Operations Ltd",
                "owner": "IT-chefen",
                "manager": "Enheten för IT-drift",
                "procurement": "central",
                "nis_relevant": true,
                "storage_country": "Irland och Nederländerna (EU)",
                "holds_personal_data": true,
                "agreement_ids": [microsoft.id.clone()]
            })),
            None,
        )
        .await?;
    // Holds personal data but carries no processing activity: a gap the DPO should see.
    w.create::<Systems>(
        &itdrift,
        draft(json!({
            "name": "Kameraövervakning Stadshuset",
            "description": "Inspelande kameror vid entréer och i garaget.",
            "vendor": "Securitas Sverige AB",
            "owner": "Säkerhetschefen",
            "procurement": "self_procured",
            "storage_country": "Sverige",
            "holds_personal_data": true
        })),
        None,
    )
    .await?;

    let salary = w
        .create::<Processing>(
            &org("lon")?,
            draft(json!({
                "name": "Lönehantering",
                "description": "Utbetalning av lön, arvoden och pension samt rapportering till Skatteverket.",
                "responsible_person": "Chef för enheten för lön och pension",
                "purposes": "Att betala ut lön och ersättningar och fullgöra arbetsgivarens skyldigheter mot Skatteverket och pensionsförvaltare.",
                "legal_bases": ["b", "c"],
                "national_provision": "Skatteförfarandelagen (2011:1244); semesterlagen (1977:480)",
                "data_subject_categories": ["Anställda", "Förtroendevalda", "Pensionärer"],
                "personal_data_categories": ["Namn och personnummer", "Bankkonto", "Lön och skatt", "Frånvaro"],
                "personal_identity_numbers": true,
                "special_categories": ["health", "trade_union_membership"],
                "art9_exemption": "b",
                "art9_provision": "Lagen (1982:80) om anställningsskydd; kollektivavtal",
                "sources": "Den anställde, chefer och Försäkringskassan",
                "recipients": ["Skatteverket", "KPA Pension", "Försäkringskassan"],
                "retention": "Löneunderlag bevaras i 7 år; lönelistor bevaras för all framtid.",
                "disposal_rule": "Gallras efter 7 år enligt dokumenthanteringsplanen.",
                "document_plan_reference": "DHP KS 3.2.1",
                "security_measures": "Rollbaserad behörighet, loggning av åtkomst, kryptering vid överföring.",
                "processors": ["CGI Sverige AB"],
                "dpia_decision": "not_needed",
                "system_ids": [heroma.id.clone()],
                "agreement_ids": [cgi.id.clone()]
            })),
            None,
        )
        .await?;
    let mut salary = salary;
    // The workflow's facts name the demo's people who would have taken each step.
    for (to, by) in [
        (REDO_FOR_GRANSKNING, "Fatima Hassan"),
        (UNDER_GRANSKNING, "Anna Lindqvist"),
        (GODKAND, "Anna Lindqvist"),
    ] {
        salary = w
            .step_named::<Processing>(&salary, to, &StepInput::default(), by)
            .await?;
    }
    let registry = w
        .create::<Processing>(
            &org("arkiv")?,
            draft(json!({
                "name": "Diarieföring och ärendehantering",
                "purposes": "Att registrera allmänna handlingar och handlägga ärenden enligt offentlighets- och sekretesslagen.",
                "legal_bases": ["c", "e"],
                "national_provision": "Offentlighets- och sekretesslagen (2009:400) 5 kap.; arkivlagen (1990:782)",
                "data_subject_categories": ["Medborgare", "Företrädare för företag och föreningar", "Anställda"],
                "personal_data_categories": ["Namn och kontaktuppgifter", "Uppgifter i ärenden"],
                "personal_identity_numbers": true,
                "protected_identity": true,
                "recipients": ["Den som begär ut allmän handling efter sekretessprövning"],
                "retention": "Diariet bevaras.",
                "disposal_rule": "Handlingar gallras enligt dokumenthanteringsplanen.",
                "document_plan_reference": "DHP KS 1.1",
                "security_measures": "Sekretessmarkering, skyddade personuppgifter hanteras utanför systemet.",
                "processors": ["Tietoevry Sweden AB"],
                "dpia_decision": "not_needed",
                "system_ids": [public360.id.clone()],
                "agreement_ids": [tieto.id.clone()]
            })),
            None,
        )
        .await?;
    w.step_named::<Processing>(
        &registry,
        REDO_FOR_GRANSKNING,
        &StepInput::default(),
        "Fatima Hassan",
    )
    .await?;
    w.create::<Processing>(
            &itdrift,
            draft(json!({
            "name": "E-post och samarbete i Microsoft 365",
            "purposes": "Att kommunicera och samarbeta internt och med medborgare.",
            "legal_bases": ["e"],
            "data_subject_categories": ["Anställda", "Medborgare som skriver till kommunen"],
            "personal_data_categories": ["Namn och kontaktuppgifter", "Innehåll i meddelanden"],
            "third_country_transfers": [
                {"country": "USA", "recipient": "Microsoft Corporation", "safeguard": "data_privacy_framework", "transfer_impact_assessment": true, "exit_plan": true}
            ],
            "retention": "E-post som är allmän handling diarieförs; övrig e-post gallras efter 2 år.",
            "security_measures": "Tvåfaktorsinloggning, kryptering, villkorad åtkomst.",
            "processors": ["Microsoft Ireland Operations Ltd"],
            "large_scale": true,
            "new_technology": true,
            "dpia_decision": "done",
            "dpia_reference": "KS 2025/77",
            "system_ids": [m365.id.clone()],
            "agreement_ids": [microsoft.id.clone()]
        })),
        None,
    )
    .await?;
    // No retention rule yet: a gap; the DPO sent it back to say so.
    let complaints = w
        .create::<Processing>(
            &org("slk")?,
            draft(json!({
                "name": "Synpunkter och klagomål",
                "purposes": "Att ta emot och besvara synpunkter på kommunens verksamhet.",
                "legal_bases": ["e"],
                "data_subject_categories": ["Medborgare"],
                "personal_data_categories": ["Namn och kontaktuppgifter", "Synpunktens innehåll"]
            })),
            None,
        )
        .await?;
    let complaints = w
        .step_named::<Processing>(
            &complaints,
            REDO_FOR_GRANSKNING,
            &StepInput::default(),
            "Fatima Hassan",
        )
        .await?;
    w.step_named::<Processing>(
        &complaints,
        UNDER_BEARBETNING,
        &StepInput {
            comment: Some(
                "Lagringstid och gallringsregel saknas. Ange dem utifrån dokumenthanteringsplanen och skicka sedan behandlingen till granskning igen."
                    .into(),
            ),
            despite_gaps: false,
        },
        "Anna Lindqvist",
    )
    .await?;

    // --- Stadsdelsnämnd Norr --------------------------------------------------------------
    let hemtjanst = org("hemtjanst")?;
    let phoniro = w
        .create::<Agreements>(
            &hemtjanst,
            draft(json!({
                "counterparty": "Phoniro Systems AB",
                "description": "Digitala lås och tillsyn via kamera i hemtjänsten.",
                "signed_on": d(-300),
                "review_on": d(400)
            })),
            None,
        )
        .await?;
    let lifecare = w
        .create::<Systems>(
            &org("sdfnorr")?,
            draft(json!({
                "name": "Lifecare",
                "description": "Verksamhetssystem för biståndshandläggning och social dokumentation.",
                "vendor": "Tietoevry Sweden AB",
                "owner": "Förvaltningschefen",
                "manager": "Avdelningen för äldreomsorg",
                "procurement": "central",
                "nis_relevant": true,
                "storage_country": "Sverige",
                "holds_personal_data": true,
                "classification": {"confidentiality": 4, "integrity": 4, "availability": 3, "classified_on": d(-100), "next_review": d(265)},
                "risk_analysis_on": d(-90)
            })),
            None,
        )
        .await?;
    let locks = w
        .create::<Systems>(
            &hemtjanst,
            draft(json!({
                "name": "Phoniro Care",
                "description": "Digitala nyckelfria lås hos brukare.",
                "vendor": "Phoniro Systems AB",
                "procurement": "self_procured",
                "storage_country": "Sverige",
                "holds_personal_data": true,
                "agreement_ids": [phoniro.id.clone()]
            })),
            None,
        )
        .await?;
    let homecare = w
        .create::<Processing>(
            &hemtjanst,
            draft(json!({
                "name": "Hemtjänst – handläggning och utförande",
                "purposes": "Att utreda, besluta om och utföra insatser i hemtjänst enligt socialtjänstlagen.",
                "legal_bases": ["e", "c"],
                "national_provision": "Socialtjänstlagen (2025:400); lagen (2001:454) om behandling av personuppgifter inom socialtjänsten",
                "data_subject_categories": ["Brukare", "Anhöriga", "Gode män"],
                "personal_data_categories": ["Namn och personnummer", "Hälsotillstånd", "Insatser och beslut"],
                "personal_identity_numbers": true,
                "protected_identity": true,
                "special_categories": ["health"],
                "art9_exemption": "h",
                "art9_provision": "2 kap. 4 § lagen (2001:454)",
                "sources": "Brukaren, anhöriga och hälso- och sjukvården",
                "recipients": ["IVO", "Region Sjöstad (vid samordnad individuell plan)"],
                "retention": "Personakter gallras 5 år efter sista anteckningen.",
                "disposal_rule": "Gallras enligt socialtjänstlagen; akter för personer födda den 5, 15 och 25 i månaden bevaras för forskning.",
                "document_plan_reference": "DHP SDN Norr 4.2",
                "security_measures": "Behörighet per enhet, loggkontroll varje månad.",
                "vulnerable_subjects": true,
                "large_scale": true,
                "dpia_decision": "done",
                "dpia_reference": "SDN Norr 2024/15",
                "system_ids": [lifecare.id.clone()]
            })),
            None,
        )
        .await?;
    let mut homecare = homecare;
    // The workflow's facts name the demo's people who would have taken each step.
    for (to, by) in [
        (REDO_FOR_GRANSKNING, "Karin Sjöberg"),
        (UNDER_GRANSKNING, "Mehmet Yilmaz"),
        (GODKAND, "Mehmet Yilmaz"),
    ] {
        homecare = w
            .step_named::<Processing>(&homecare, to, &StepInput::default(), by)
            .await?;
    }
    // Several high-risk markers and no impact-assessment decision: a gap.
    w.create::<Processing>(
            &hemtjanst,
            draft(json!({
            "name": "Digitala lås och nattillsyn",
            "purposes": "Att ge hemtjänstpersonal tillträde utan fysisk nyckel och utföra tillsyn nattetid.",
            "legal_bases": ["e"],
            "data_subject_categories": ["Brukare"],
            "personal_data_categories": ["Namn och adress", "Tidpunkter för besök"],
            "retention": "Loggar gallras efter 1 år.",
            "iot": true,
            "vulnerable_subjects": true,
            "systematic_monitoring": true,
            "system_ids": [locks.id.clone()],
            "agreement_ids": [phoniro.id.clone()]
        })),
        None,
    )
    .await?;

    // --- Utbildningsnämnden ---------------------------------------------------------------
    let platform = w
        .create::<Systems>(
            &org("grund")?,
            draft(json!({
                "name": "Google Workspace for Education",
                "description": "Elevernas e-post, dokument och klassrum.",
                "vendor": "Google Ireland Limited",
                "procurement": "self_procured",
                "storage_country": "USA och EU",
                "holds_personal_data": true
            })),
            None,
        )
        .await?;
    // A transfer to a third country without a safeguard: a gap.
    w.create::<Processing>(
        &org("grund")?,
        draft(json!({
            "name": "Digitala lärverktyg i grundskolan",
            "purposes": "Att ge eleverna digitala verktyg i undervisningen.",
            "legal_bases": ["e"],
            "national_provision": "Skollagen (2010:800)",
            "data_subject_categories": ["Elever", "Lärare"],
            "personal_data_categories": ["Namn och e-post", "Elevarbeten"],
            "vulnerable_subjects": true,
            "third_country_transfers": [
                {"country": "USA", "recipient": "Google LLC"}
            ],
            "retention": "Konton tas bort när eleven slutar.",
            "system_ids": [platform.id.clone()]
        })),
        None,
    )
    .await?;

    // --- Sjöstad Vatten AB ----------------------------------------------------------------
    let fakt = org("fakt")?;
    let customers = w
        .create::<Systems>(
            &fakt,
            draft(json!({
                "name": "Kundsystem VA",
                "description": "Kundregister, mätarställningar och fakturering.",
                "vendor": "Telvue AB",
                "procurement": "self_procured",
                "storage_country": "Sverige",
                "holds_personal_data": true,
                "classification": {"confidentiality": 2, "integrity": 3, "availability": 2, "classified_on": d(-30), "next_review": d(335)}
            })),
            None,
        )
        .await?;
    w.create::<Processing>(
            &fakt,
            draft(json!({
            "name": "Kundregister och fakturering",
            "purposes": "Att debitera avgifter för vatten och avlopp.",
            "legal_bases": ["b", "c"],
            "national_provision": "Lagen (2006:412) om allmänna vattentjänster",
            "data_subject_categories": ["Fastighetsägare", "Abonnenter"],
            "personal_data_categories": ["Namn, adress och personnummer", "Förbrukning", "Betalningar"],
            "personal_identity_numbers": true,
            "retention": "Fakturor bevaras i 7 år enligt bokföringslagen.",
            "disposal_rule": "Gallras efter 7 år.",
            "dpia_decision": "not_needed",
            "system_ids": [customers.id.clone()]
        })),
        None,
    )
    .await?;
    Ok(())
}

/// Two personal data breaches: one reported yesterday and under investigation, its 72 hours still
/// running; one from last month, assessed, the DPO consulted and notified to IMY within the time.
pub async fn breaches(
    w: &mut Bulk<'_>,
    org: impl Fn(&str) -> Result<Organisation>,
    person: impl Fn(&str) -> Result<(String, String)>,
) -> Result<()> {
    use jiff::{SignedDuration, Timestamp};
    use ombud_domain::register::breach::{
        ANMALD_IMY, Breaches, RISKBEDOMD, RecordedAssessment, UNDER_UTREDNING,
    };
    let ago = |hours: i64| {
        ombud_domain::time::to_storage(
            Timestamp::now()
                .checked_sub(SignedDuration::from_hours(hours))
                .unwrap_or(Timestamp::UNIX_EPOCH),
        )
    };
    let (sara, sara_name) = person("sara.karlsson@sjostad.se")?;
    let recent = w
        .report::<Breaches>(
            &org("itdrift")?,
            draft(json!({
                "description": "Lista med användarkonton och personnummer delad i fel Teams-kanal\nEn export från behörighetssystemet lades i en kanal där även konsulter är medlemmar.",
                "discovered_at": ago(31),
                "aware_at": ago(30),
                "data_subjects": "Anställda på kommunstyrelsens förvaltning",
                "data_subjects_count": "cirka 420",
                "affected_data": ["personal_identity_number", "contact_details"],
            })),
            &sara,
            &sara_name,
        )
        .await
        .context("demo breach under investigation")?;
    let recent = w
        .step::<Breaches>(&recent, UNDER_UTREDNING, &StepInput::default())
        .await?;
    // The export held accounts of the district board's staff too: IT-drift, their processor, tells
    // them (their DPO finds it unread in the inbox).
    w.notify_controller(
        &recent,
        &org("itdrift")?,
        &org("norr")?,
        "Exporten innehöll även konton för er personal. Kontakta Lars Nilsson, IT-drift, för listan över berörda.",
    )
    .await
    .context("demo notice to another controller")?;

    let (elin, elin_name) = person("elin.nordin@sjostad.se")?;
    let old = w
        .report::<Breaches>(
            &org("hemtjanst")?,
            draft(json!({
                "description": "Genomförandeplan skickad till fel anhörig\nEn genomförandeplan med uppgifter om hälsa skickades med e-post till fel mottagare.",
                "discovered_at": ago(40 * 24 + 2),
                "aware_at": ago(40 * 24),
                "data_subjects": "En brukare i hemtjänsten",
                "data_subjects_count": "1",
                "affected_data": ["special_categories"],
            })),
            &elin,
            &elin_name,
        )
        .await
        .context("demo breach notified")?;
    let old = w
        .step::<Breaches>(&old, UNDER_UTREDNING, &StepInput::default())
        .await?;
    let mut after = old.clone();
    let d = &mut after.details;
    d.breach_types = vec!["confidentiality".into()];
    d.cause = Some("human_error".into());
    d.consequences = Some("Mottagaren fick del av känsliga uppgifter om brukarens hälsa.".into());
    d.measures = Some("Mottagaren har bekräftat att e-posten är raderad. Rutinen för utskick är ändrad: genomförandeplaner skickas bara via säker e-post.".into());
    d.dpo_consulted_at = ombud_domain::time::from_storage(&ago(40 * 24 - 20));
    d.dpo_advice = Some(
        "Anmäl till IMY: hälsouppgifter, men en mottagare som har raderat uppgifterna.".into(),
    );
    d.imy_reference = Some("IMY-2026-1234".into());
    d.reference = Some("SDN 2026/88".into());
    let input =
        ombud_domain::breach::severity::Assessment::from_api(3, 0.75, 0.25, 0.0, 0.0, false)
            .map_err(|_| anyhow::anyhow!("demo assessment"))?;
    d.assessment = Some(RecordedAssessment::new(
        input,
        None,
        None,
        "Anna Lindqvist",
        &ago(40 * 24 - 24),
    ));
    // The notice as it was sent, which also records when IMY was notified.
    let sent_at = ombud_domain::time::from_storage(&ago(40 * 24 - 50))
        .ok_or_else(|| anyhow::anyhow!("demo notification time"))?;
    let text = ombud_domain::breach::imy_notice(
        &ombud_domain::breach::NoticeFacts {
            controller: Some("Stadsdelsnämnd Norr".into()),
            reference: after.details.reference.clone(),
            dated: Some(sent_at),
            discovered_at: after.details.discovered_at,
            aware_at: after.details.aware_at,
            nature: Some(after.details.description.clone()),
            consequences: after.details.consequences.clone(),
            measures: after.details.measures.clone(),
            risk: after.details.risk_category(),
            ..Default::default()
        },
        ombud_domain::Lang::Sv,
    );
    after
        .details
        .record_imy_notice(ombud_domain::register::breach::ImyNoticeSent {
            phase: 0,
            sent_at,
            recorded_by: "Mehmet Yilmaz".into(),
            text,
        })
        .map_err(|e| anyhow::anyhow!("demo notification: {e:?}"))?;
    let old = w.save::<Breaches>(&old, after).await?;
    // Seed 004: the DPO is in every breach; here as the one who consulted and assessed.
    let old = w
        .step::<Breaches>(&old, RISKBEDOMD, &StepInput::default())
        .await?;
    w.step::<Breaches>(&old, ANMALD_IMY, &StepInput::default())
        .await?;
    Ok(())
}

/// Three data subject requests: an access request being handled, its month running; an erasure
/// request extended by two months; an access request answered in part, with the ground of the
/// refusal and the appeal instructions.
pub async fn requests(
    w: &mut Bulk<'_>,
    org: impl Fn(&str) -> Result<Organisation>,
    today: jiff::civil::Date,
) -> Result<()> {
    use ombud_domain::register::request::{
        IDENTITET_KONTROLLERAD, RecordedExtension, Requests, UNDER_HANDLAGGNING,
    };
    let ago = |days: i64| {
        today
            .checked_sub(jiff::Span::new().days(days))
            .unwrap_or(today)
            .to_string()
    };
    let access = w
        .create::<Requests>(
            &org("slk")?,
            draft(json!({
                "type": "access",
                "received_on": ago(20),
                "channel": "e_form",
                "reference": "KS 2026/1412",
                "description": "Begär registerutdrag om alla uppgifter kommunen har om mig som anställd.",
                "requester": { "name": "Johanna Lind", "contact": "Via e-tjänsten", "category": "Anställd" },
                "identity_verified_on": ago(19),
                "identity_method": "BankID i e-tjänsten",
                "handler": "Fatima Hassan",
            })),
            None,
        )
        .await
        .context("demo access request")?;
    let access = w
        .step::<Requests>(&access, IDENTITET_KONTROLLERAD, &StepInput::default())
        .await?;
    w.step::<Requests>(&access, UNDER_HANDLAGGNING, &StepInput::default())
        .await?;

    let erasure = w
        .create::<Requests>(
            &org("sdfnorr")?,
            draft(json!({
                "type": "erasure",
                "received_on": ago(40),
                "channel": "letter",
                "reference": "SDN 2026/301",
                "description": "Begär att uppgifter i en avslutad ansökan om försörjningsstöd raderas.",
                "requester": { "name": "Kalle Berg", "contact": "Storgatan 1, 123 45 Sjöstad", "category": "Brukare" },
                "identity_verified_on": ago(38),
                "identity_method": "Svar till folkbokföringsadressen",
            })),
            None,
        )
        .await
        .context("demo erasure request")?;
    let mut after = erasure.clone();
    after.details.extension = Some(RecordedExtension {
        months: 2,
        reason: "Uppgifterna finns i flera verksamhetssystem och arkivet, och gallringsbesluten behöver prövas för varje handling.".into(),
        requester_informed_on: ago(30)
            .parse()
            .map_err(|_| anyhow::anyhow!("demo date"))?,
        recorded_by: "Karin Sjöberg".into(),
        recorded_at: ombud_domain::time::now(),
    });
    let erasure = w.save::<Requests>(&erasure, after).await?;
    let erasure = w
        .step::<Requests>(&erasure, IDENTITET_KONTROLLERAD, &StepInput::default())
        .await?;
    w.step::<Requests>(&erasure, UNDER_HANDLAGGNING, &StepInput::default())
        .await?;

    w.create::<Requests>(
        &org("grund")?,
        draft(json!({
            "type": "access",
            "received_on": ago(75),
            "channel": "email",
            "reference": "UN 2026/88",
            "requester": { "name": "Sofia Ahmed", "contact": "sofia.ahmed@example.se", "category": "Vårdnadshavare" },
            "identity_verified_on": ago(74),
            "identity_method": "Legitimation vid besök",
            "searched": "Elevdokumentation, elevhälsans journal och frånvarosystemet.",
            "outcome": "delvis_bifall",
            "refusal_ground": "Uppgifter i elevhälsans journal om en annan elev omfattas av sekretess enligt 25 kap. 1 § offentlighets- och sekretesslagen.",
            "appeal_instructions": "Beslutet kan överklagas till kammarrätten. Skriv till Utbildningsnämnden inom tre veckor från den dag du fick beslutet.",
            "answered_on": ago(50),
        })),
        None,
    )
    .await
    .context("demo answered request")?;
    Ok(())
}
