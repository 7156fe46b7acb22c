//! The answer to a data subject request, in plain Swedish (or English), as text to edit and send:
//! for an access request granted, the information of art. 15.1 (a)–(h) and 15.2 from the processing
//! activities concerned, with the copy of the data (art. 15.3) as an enclosure; for a refusal, whole
//! or in part, the decision with its ground and the appeal instructions (a refusal by a Swedish
//! authority is an appealable decision, förvaltningslagen 32 §, 33 §). What is not on record is
//! written as a gap to fill in, and listed.

use crate::Lang;
use jiff::civil::Date;
use std::fmt::Write as _;

/// What a processing activity tells the requester (art. 15.1 a–d, g, h and 15.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProcessingFacts {
    pub name: String,
    pub purposes: Option<String>,
    pub data_categories: Vec<String>,
    pub recipients: Vec<String>,
    pub retention: Option<String>,
    pub sources: Option<String>,
    pub automated_decisions: bool,
    /// Countries outside the EU/EEA the data goes to.
    pub third_countries: Vec<String>,
}

/// What the answer is built from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AnswerFacts {
    pub controller: Option<String>,
    pub reference: Option<String>,
    pub requester: Option<String>,
    pub request_type: String,
    pub received_on: Option<Date>,
    pub dated: Option<Date>,
    /// `bifall`, `delvis_bifall` or `avslag`.
    pub outcome: Option<String>,
    pub refusal_ground: Option<String>,
    pub appeal_instructions: Option<String>,
    pub processings: Vec<ProcessingFacts>,
    pub handler: Option<String>,
    pub dpo_name: Option<String>,
    pub dpo_contact: Option<String>,
}

/// Something the answer needs that is not on record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Outcome,
    Processings,
    RefusalGround,
    AppealInstructions,
    Dpo,
}

impl Missing {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Missing::Outcome => lang.pick("Utfallet av begäran", "The outcome of the request"),
            Missing::Processings => lang.pick(
                "Behandlingarna som berörs (artikel 15.1)",
                "The processing activities concerned (article 15.1)",
            ),
            Missing::RefusalGround => lang.pick("Skälen för avslaget", "The ground of the refusal"),
            Missing::AppealInstructions => {
                lang.pick("Överklagandehänvisningen", "The appeal instructions")
            }
            Missing::Dpo => lang.pick(
                "Dataskyddsombudets kontaktuppgifter",
                "The DPO's contact details",
            ),
        }
    }
}

fn refuses(f: &AnswerFacts) -> bool {
    matches!(f.outcome.as_deref(), Some("avslag" | "delvis_bifall"))
}

fn grants_access(f: &AnswerFacts) -> bool {
    f.request_type == "access" && matches!(f.outcome.as_deref(), Some("bifall" | "delvis_bifall"))
}

/// What the answer still lacks.
pub fn missing(f: &AnswerFacts) -> Vec<Missing> {
    let mut out = Vec::new();
    if f.outcome.is_none() {
        out.push(Missing::Outcome);
    }
    if grants_access(f) && f.processings.is_empty() {
        out.push(Missing::Processings);
    }
    if refuses(f) {
        if f.refusal_ground.is_none() {
            out.push(Missing::RefusalGround);
        }
        if f.appeal_instructions.is_none() {
            out.push(Missing::AppealInstructions);
        }
    }
    if f.dpo_contact.is_none() {
        out.push(Missing::Dpo);
    }
    out
}

fn gap(lang: Lang) -> &'static str {
    lang.pick("[uppgift saknas]", "[not on record]")
}

fn or_gap(v: &Option<String>, lang: Lang) -> String {
    v.as_deref()
        .filter(|s| !s.trim().is_empty())
        .map_or_else(|| gap(lang).to_string(), str::to_string)
}

fn list(items: &[String], lang: Lang) -> String {
    if items.is_empty() {
        gap(lang).to_string()
    } else {
        items.join(", ")
    }
}

fn type_words(code: &str, lang: Lang) -> &'static str {
    match (code, lang) {
        ("access", Lang::Sv) => "registerutdrag (tillgång till dina personuppgifter)",
        ("rectification", Lang::Sv) => "rättelse av dina personuppgifter",
        ("erasure", Lang::Sv) => "radering av dina personuppgifter",
        ("restriction", Lang::Sv) => "begränsning av behandlingen av dina personuppgifter",
        ("portability", Lang::Sv) => {
            "att få ut dina personuppgifter för att flytta dem (dataportabilitet)"
        }
        ("objection", Lang::Sv) => "invändning mot behandlingen av dina personuppgifter",
        ("automated_decision", Lang::Sv) => "att inte bli föremål för ett automatiserat beslut",
        ("access", Lang::En) => "access to your personal data",
        ("rectification", Lang::En) => "rectification of your personal data",
        ("erasure", Lang::En) => "erasure of your personal data",
        ("restriction", Lang::En) => "restriction of the processing of your personal data",
        ("portability", Lang::En) => "receiving your personal data to move it (data portability)",
        ("objection", Lang::En) => "objecting to the processing of your personal data",
        ("automated_decision", Lang::En) => "not being subject to an automated decision",
        (_, Lang::Sv) => "att utöva dina rättigheter",
        (_, Lang::En) => "exercising your rights",
    }
}

/// The answer as text.
pub fn answer(f: &AnswerFacts, lang: Lang) -> String {
    let mut out = String::new();
    let controller = or_gap(&f.controller, lang);
    let title = match (refuses(f), lang) {
        (true, Lang::Sv) => "Beslut om din begäran enligt dataskyddsförordningen",
        (true, Lang::En) => "Decision on your request under the GDPR",
        (false, Lang::Sv) => "Svar på din begäran enligt dataskyddsförordningen",
        (false, Lang::En) => "Answer to your request under the GDPR",
    };
    let _ = writeln!(out, "{title}");
    let date = f
        .dated
        .map_or_else(|| gap(lang).to_string(), |d| d.to_string());
    let _ = writeln!(out, "{}: {date}", lang.pick("Datum", "Date"));
    if let Some(r) = f.reference.as_deref() {
        let _ = writeln!(out, "{}: {r}", lang.pick("Diarienummer", "Reference"));
    }
    let _ = writeln!(
        out,
        "{}: {}",
        lang.pick("Till", "To"),
        or_gap(&f.requester, lang)
    );
    let received = f
        .received_on
        .map_or_else(|| gap(lang).to_string(), |d| d.to_string());
    let _ = match lang {
        Lang::Sv => writeln!(
            out,
            "\nDen {received} kom din begäran om {} in till {controller}.",
            type_words(&f.request_type, lang)
        ),
        Lang::En => writeln!(
            out,
            "\nOn {received} your request for {} reached {controller}.",
            type_words(&f.request_type, lang)
        ),
    };
    match f.outcome.as_deref() {
        Some("bifall") => {
            let _ = writeln!(
                out,
                "{}",
                lang.pick(
                    "Vi har bifallit din begäran.",
                    "We have granted your request."
                )
            );
        }
        Some("delvis_bifall") => {
            let _ = writeln!(
                out,
                "{}",
                lang.pick(
                    "Vi har bifallit din begäran delvis. Det vi inte kan lämna ut, och varför, står under Beslut.",
                    "We have granted your request in part. What we cannot give you, and why, is under Decision.",
                )
            );
        }
        Some("avslag") => {
            let _ = writeln!(
                out,
                "{}",
                lang.pick(
                    "Vi har avslagit din begäran.",
                    "We have refused your request."
                )
            );
        }
        _ => {
            let _ = writeln!(out, "{}", gap(lang));
        }
    }
    if grants_access(f) {
        let _ = writeln!(
            out,
            "\n1. {}",
            lang.pick(
                "Information om behandlingen (artikel 15.1)",
                "About the processing (article 15.1)"
            )
        );
        if f.processings.is_empty() {
            let _ = writeln!(out, "{}", gap(lang));
        }
        for p in &f.processings {
            let _ = writeln!(out, "{}", p.name);
            let _ = writeln!(
                out,
                "{}: {}",
                lang.pick("Ändamål", "Purposes"),
                or_gap(&p.purposes, lang)
            );
            let _ = writeln!(
                out,
                "{}: {}",
                lang.pick(
                    "Kategorier av personuppgifter",
                    "Categories of personal data"
                ),
                list(&p.data_categories, lang)
            );
            let _ = writeln!(
                out,
                "{}: {}",
                lang.pick("Mottagare", "Recipients"),
                if p.recipients.is_empty() {
                    lang.pick(
                        "Inga utanför organisationen",
                        "None outside the organisation",
                    )
                    .to_string()
                } else {
                    p.recipients.join(", ")
                }
            );
            let _ = writeln!(
                out,
                "{}: {}",
                lang.pick("Hur länge uppgifterna sparas", "How long the data is kept"),
                or_gap(&p.retention, lang)
            );
            if let Some(s) = p.sources.as_deref() {
                let _ = writeln!(
                    out,
                    "{}: {s}",
                    lang.pick("Varifrån uppgifterna kommer", "Where the data comes from")
                );
            }
            if !p.third_countries.is_empty() {
                let _ = writeln!(
                    out,
                    "{}: {}",
                    lang.pick(
                        "Överföring till länder utanför EU/EES (skyddsåtgärder enligt artikel 46)",
                        "Transfer to countries outside the EU/EEA (safeguards under article 46)"
                    ),
                    p.third_countries.join(", ")
                );
            }
            let _ = writeln!(
                out,
                "{}: {}\n",
                lang.pick("Automatiserade beslut", "Automated decisions"),
                if p.automated_decisions {
                    lang.pick(
                        "Ja, se bilagan för logiken och följderna",
                        "Yes, see the enclosure for the logic and consequences",
                    )
                } else {
                    lang.pick("Nej", "No")
                }
            );
        }
        let _ = writeln!(
            out,
            "2. {}\n{}",
            lang.pick(
                "Kopia av dina personuppgifter (artikel 15.3)",
                "A copy of your personal data (article 15.3)"
            ),
            lang.pick(
                "En kopia av de personuppgifter vi behandlar om dig finns i bilagan.",
                "A copy of the personal data we process about you is enclosed."
            )
        );
        let _ = writeln!(
            out,
            "\n3. {}\n{}",
            lang.pick("Dina rättigheter", "Your rights"),
            lang.pick(
                "Du har rätt att begära rättelse eller radering av dina personuppgifter, begränsning av behandlingen och att invända mot behandlingen. Du har också rätt att lämna klagomål till Integritetsskyddsmyndigheten (IMY), www.imy.se.",
                "You have the right to ask for rectification or erasure of your personal data, restriction of the processing, and to object to it. You also have the right to lodge a complaint with the Swedish Authority for Privacy Protection (IMY), www.imy.se."
            )
        );
    }
    if refuses(f) {
        let _ = writeln!(out, "\n{}", lang.pick("Beslut", "Decision"));
        let _ = writeln!(
            out,
            "{}:\n{}",
            lang.pick("Skäl", "Grounds"),
            or_gap(&f.refusal_ground, lang)
        );
        let _ = writeln!(
            out,
            "\n{}\n{}",
            lang.pick("Hur du överklagar", "How to appeal"),
            or_gap(&f.appeal_instructions, lang)
        );
    }
    let _ = writeln!(out, "\n{}", lang.pick("Frågor", "Questions"));
    let _ = match lang {
        Lang::Sv => writeln!(
            out,
            "Har du frågor kan du kontakta {}. Dataskyddsombudet: {}, {}.",
            or_gap(&f.handler, lang),
            or_gap(&f.dpo_name, lang),
            or_gap(&f.dpo_contact, lang)
        ),
        Lang::En => writeln!(
            out,
            "If you have questions, contact {}. The data protection officer: {}, {}.",
            or_gap(&f.handler, lang),
            or_gap(&f.dpo_name, lang),
            or_gap(&f.dpo_contact, lang)
        ),
    };
    let _ = writeln!(out, "\n{controller}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn access() -> AnswerFacts {
        AnswerFacts {
            controller: Some("Utbildningsnämnden".into()),
            reference: Some("UN 2026/88".into()),
            requester: Some("Sofia Ahmed".into()),
            request_type: "access".into(),
            received_on: Some(date(2026, 9, 10)),
            dated: Some(date(2026, 10, 1)),
            outcome: Some("bifall".into()),
            processings: vec![ProcessingFacts {
                name: "Elevdokumentation".into(),
                purposes: Some("Att dokumentera elevens utveckling.".into()),
                data_categories: vec!["Namn".into(), "Omdömen".into()],
                retention: Some("Gallras efter 3 år.".into()),
                third_countries: vec!["USA".into()],
                ..ProcessingFacts::default()
            }],
            handler: Some("Rita Registrator".into()),
            dpo_name: Some("Sofia Bergström".into()),
            dpo_contact: Some("dso@sjostad.se".into()),
            ..AnswerFacts::default()
        }
    }

    #[test]
    fn a_granted_access_request_gets_the_items_of_article_15() {
        let text = answer(&access(), Lang::Sv);
        for part in [
            "Svar på din begäran",
            "registerutdrag",
            "Vi har bifallit din begäran.",
            "Ändamål: Att dokumentera elevens utveckling.",
            "Kategorier av personuppgifter: Namn, Omdömen",
            "Mottagare: Inga utanför organisationen",
            "Hur länge uppgifterna sparas: Gallras efter 3 år.",
            "Överföring till länder utanför EU/EES",
            "Kopia av dina personuppgifter (artikel 15.3)",
            "Integritetsskyddsmyndigheten",
            "Sofia Bergström, dso@sjostad.se",
        ] {
            assert!(text.contains(part), "missing {part:?} in\n{text}");
        }
        assert!(
            !text.contains("Beslut\n"),
            "no decision when granted:\n{text}"
        );
        assert!(missing(&access()).is_empty());
    }

    #[test]
    fn a_refusal_is_a_decision_with_its_ground_and_how_to_appeal() {
        let mut f = access();
        f.outcome = Some("avslag".into());
        let gaps = missing(&f);
        assert_eq!(
            gaps,
            vec![Missing::RefusalGround, Missing::AppealInstructions]
        );
        let text = answer(&f, Lang::Sv);
        assert!(text.starts_with("Beslut om din begäran"), "{text}");
        assert!(text.contains("[uppgift saknas]"));
        assert!(
            !text.contains("Kopia av dina personuppgifter"),
            "nothing granted"
        );
        f.refusal_ground = Some("Sekretess enligt 25 kap. 1 § OSL.".into());
        f.appeal_instructions = Some("Överklaga till kammarrätten inom tre veckor.".into());
        let text = answer(&f, Lang::Sv);
        assert!(text.contains("Skäl:\nSekretess enligt 25 kap. 1 § OSL."));
        assert!(text.contains("Hur du överklagar\nÖverklaga till kammarrätten"));
        assert!(missing(&f).is_empty());
    }

    #[test]
    fn a_partial_grant_has_both_the_information_and_the_decision() {
        let mut f = access();
        f.outcome = Some("delvis_bifall".into());
        let text = answer(&f, Lang::En);
        assert!(text.contains("Purposes: Att dokumentera"));
        assert!(text.contains("Decision\nGrounds:"));
        let mut none = access();
        none.processings.clear();
        assert_eq!(missing(&none), vec![Missing::Processings]);
        none.outcome = None;
        none.dpo_contact = None;
        assert_eq!(missing(&none), vec![Missing::Outcome, Missing::Dpo]);
    }
}
