//! How severe a breach is, by ENISA's method (*Recommendations for a methodology of the assessment
//! of severity of personal data breaches*, v1.0, December 2013), and what follows from it.
//!
//! `SE = DPC × EI + CB`: the data processing context (DPC, 1–4) is the core, the ease of
//! identification (EI, 0.25–1) can only lower it, the circumstances of the breach (CB: loss of
//! confidentiality, integrity, availability, and malice) can only add. Every input is a multiple of
//! 0.25, so everything is computed in whole quarters and compared with 8, 12 and 16: no
//! floating-point error can move a breach across a band boundary. A band includes its lower bound
//! (SE 2 is medium, 3 high, 4 very high).
//!
//! The ENISA band maps to the four risk categories of the municipal guideline (obetydlig,
//! begränsad, betydande, mycket allvarlig risk). That mapping is a product decision, not ENISA's or
//! IMY's; the assessor may override the category with a written reason, and the computed category
//! is kept beside the override.

use super::{FieldError, justification, vocabulary};
use crate::{Lang, Rule};
use serde::{Deserialize, Serialize};

/// The method identifier stored with every assessment, so a result can be recomputed and read
/// in the light of the method it came from.
pub const METHOD: &str = "ENISA v1.0, Dec 2013";

/// How far an API value may be from an allowed quarter and still be taken as that quarter: enough
/// for a client's `0.1 + 0.15`, far too little to turn 0.3 into 0.25.
pub const TOLERANCE: f64 = 1e-9;

/// A value counted in quarters: `Quarters(3)` is 0.75. Scores are kept in this form so that sums
/// and comparisons are exact.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct Quarters(pub u8);

impl Quarters {
    /// The value as a number: exact, as every multiple of 0.25 up to 63.75 is a binary fraction.
    pub fn value(self) -> f64 {
        f64::from(self.0) / 4.0
    }

    /// The allowed quarter that `x` is (within [`TOLERANCE`]), if any; never for NaN or infinity.
    fn matching(x: f64, allowed: impl IntoIterator<Item = u8>) -> Option<Quarters> {
        allowed
            .into_iter()
            .map(Quarters)
            .find(|q| (x - q.value()).abs() <= TOLERANCE)
    }
}

/// Declares one of the method's level scales: key, quarters, label and the method's own
/// explanation of each level, in Swedish and English, for the form's radio buttons.
macro_rules! levels {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $q:literal, $key:literal,
               $sv:literal, $en:literal, $exp_sv:literal, $exp_en:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $key)] $variant, )+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// The level's score in quarters.
            pub fn quarters(self) -> Quarters {
                match self { $( $name::$variant => Quarters($q), )+ }
            }

            /// The level's score as the method writes it (0.25, 0.5, ...).
            pub fn value(self) -> f64 {
                self.quarters().value()
            }

            /// The key of the level (the API sends the score, storage may keep either).
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $key, )+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s.trim())
            }

            /// The level's short name.
            pub fn label(self, lang: Lang) -> &'static str {
                match self { $( $name::$variant => lang.pick($sv, $en), )+ }
            }

            /// What the level means, from the method (Annex 3 for the circumstances, §3 for
            /// identification).
            pub fn explanation(self, lang: Lang) -> &'static str {
                match self { $( $name::$variant => lang.pick($exp_sv, $exp_en), )+ }
            }

            /// The level with exactly this score.
            pub fn from_quarters(q: Quarters) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.quarters() == q)
            }

            /// The level whose score `x` is, within [`TOLERANCE`].
            pub fn from_value(x: f64) -> Option<$name> {
                Quarters::matching(x, $name::ALL.iter().map(|v| v.quarters().0))
                    .and_then($name::from_quarters)
            }
        }
    };
}

levels! {
    /// EI: how easily whoever holds the data can tell whom it is about, by all means reasonably
    /// likely to be used. Where several identifiers are involved, the highest level that applies.
    EaseOfIdentification {
        Negligible = 1, "negligible", "Försumbar", "Negligible",
            "Det är extremt svårt att koppla uppgifterna till en viss person, men möjligt under vissa förutsättningar.",
            "Extremely difficult to match the data to a particular person, but still possible under certain conditions.";
        Limited = 2, "limited", "Begränsad", "Limited",
            "Det är svårt att koppla uppgifterna till en viss person, men möjligt med extra information eller ansträngning.",
            "Difficult to match the data to a particular person, but possible with extra information or effort.";
        Significant = 3, "significant", "Betydande", "Significant",
            "Det är relativt lätt att koppla uppgifterna till en viss person, till exempel när identifieraren avslöjar mer eller kan kopplas till andra uppgifter.",
            "Relatively easy to match the data to a particular person, e.g. the identifier reveals more or is linked to other data.";
        Maximum = 4, "maximum", "Maximal", "Maximum",
            "Personen kan identifieras direkt ur uppgifterna, utan särskild efterforskning.",
            "The person can be identified directly from the breached data, with no special research needed.";
    }
}

levels! {
    /// Loss of confidentiality (Annex 3).
    ConfidentialityLoss {
        None = 0, "none", "Ingen spridning konstaterad", "No disclosure established",
            "Uppgifterna har varit utsatta för risk för röjande, men inget tyder på att de har behandlats otillåtet.",
            "The data were exposed to a confidentiality risk, with no evidence that illegal processing occurred.";
        KnownRecipients = 1, "known_recipients", "Röjda för kända mottagare", "Disclosed to known recipients",
            "Uppgifterna har röjts för ett antal kända mottagare.",
            "The data were disclosed to a number of known recipients.";
        UnknownRecipients = 2, "unknown_recipients", "Röjda för ett okänt antal mottagare", "Disclosed to an unknown number of recipients",
            "Uppgifterna har röjts för ett okänt antal mottagare.",
            "The data were disclosed to an unknown number of recipients.";
    }
}

levels! {
    /// Loss of integrity (Annex 3).
    IntegrityLoss {
        None = 0, "none", "Ingen felaktig användning konstaterad", "No incorrect use identified",
            "Uppgifterna har ändrats, men ingen felaktig eller otillåten användning har konstaterats.",
            "The data were altered, but no incorrect or illegal use has been identified.";
        Recoverable = 1, "recoverable", "Ändrade, kan återställas", "Altered, recoverable",
            "Uppgifterna har ändrats och kan ha använts felaktigt eller otillåtet, men de kan återställas.",
            "The data were altered and possibly used incorrectly or illegally, but can be recovered.";
        NotRecoverable = 2, "not_recoverable", "Ändrade, kan inte återställas", "Altered, not recoverable",
            "Uppgifterna har ändrats och kan ha använts felaktigt eller otillåtet, och de kan inte återställas.",
            "The data were altered and possibly used incorrectly or illegally, and cannot be recovered.";
    }
}

levels! {
    /// Loss of availability (Annex 3).
    AvailabilityLoss {
        None = 0, "none", "Kan återställas utan svårighet", "Recoverable without difficulty",
            "Uppgifterna kan återställas utan svårighet.",
            "The data can be recovered without difficulty.";
        Temporary = 1, "temporary", "Tillfälligt otillgängliga", "Temporarily unavailable",
            "Uppgifterna är tillfälligt otillgängliga.",
            "The data are temporarily unavailable.";
        Full = 2, "full", "Helt otillgängliga", "Fully unavailable",
            "Uppgifterna kan inte återskapas, varken från den personuppgiftsansvarige eller från de registrerade.",
            "The data cannot be recovered, neither from the controller nor from the individuals.";
    }
}

/// Malice adds 0.5 (two quarters) to CB when the breach was intentional.
pub const MALICE_QUARTERS: Quarters = Quarters(2);

/// The malice question's answer as people read it.
pub fn malice_label(malicious: bool, lang: Lang) -> &'static str {
    if malicious {
        lang.pick(
            "Avsiktlig (illvillig) handling",
            "Intentional (malicious) act",
        )
    } else {
        lang.pick("Inte illvillig", "Not malicious")
    }
}

/// What the malice answer means (Annex 3).
pub fn malice_explanation(malicious: bool, lang: Lang) -> &'static str {
    if malicious {
        lang.pick(
            "Incidenten beror på en avsiktlig handling för att skapa problem för den personuppgiftsansvarige eller skada de registrerade.",
            "The breach is due to an intentional action to cause problems for the controller or to harm the individuals.",
        )
    } else {
        lang.pick(
            "Incidenten beror på misstag, tekniskt fel eller annat som inte var avsiktligt.",
            "The breach is due to a mistake, a technical fault or something else not intentional.",
        )
    }
}

/// The inputs of the formula, valid by construction: the data processing context (1–4), the
/// ease of identification and the circumstances of the breach.
///
/// It is built from the API's numbers by [`Assessment::from_api`] (which names every offending
/// field) and serialised back to those numbers, so that storage keeps what the assessor chose and
/// nothing it could not recompute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "AssessmentInput", into = "AssessmentInput")]
pub struct Assessment {
    dpc: u8,
    ei: EaseOfIdentification,
    confidentiality: ConfidentialityLoss,
    integrity: IntegrityLoss,
    availability: AvailabilityLoss,
    malicious: bool,
}

/// The assessment as the API sends and storage keeps it: plain numbers, checked by
/// [`Assessment::from_api`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AssessmentInput {
    pub data_processing_context: i64,
    pub ease_of_identification: f64,
    pub confidentiality: f64,
    pub integrity: f64,
    pub availability: f64,
    pub malicious: bool,
}

/// All the fields an assessment was refused for, for serde's `try_from`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid assessment: {}", .0.iter().map(|e| e.field).collect::<Vec<_>>().join(", "))]
pub struct AssessmentErrors(pub Vec<FieldError>);

impl TryFrom<AssessmentInput> for Assessment {
    type Error = AssessmentErrors;

    fn try_from(i: AssessmentInput) -> Result<Self, Self::Error> {
        Assessment::from_api(
            i.data_processing_context,
            i.ease_of_identification,
            i.confidentiality,
            i.integrity,
            i.availability,
            i.malicious,
        )
        .map_err(AssessmentErrors)
    }
}

impl From<Assessment> for AssessmentInput {
    fn from(a: Assessment) -> Self {
        AssessmentInput {
            data_processing_context: i64::from(a.dpc),
            ease_of_identification: a.ei.value(),
            confidentiality: a.confidentiality.value(),
            integrity: a.integrity.value(),
            availability: a.availability.value(),
            malicious: a.malicious,
        }
    }
}

fn dpc_error() -> FieldError {
    FieldError::with_text(
        "data_processing_context",
        Rule::InvalidValue,
        "Sammanhanget för behandlingen (DPC) ska vara ett heltal från 1 till 4.",
        "The data processing context must be a whole number from 1 to 4.",
    )
}

impl Assessment {
    /// An assessment from levels already chosen; only the DPC can be out of range.
    pub fn new(
        dpc: u8,
        ei: EaseOfIdentification,
        confidentiality: ConfidentialityLoss,
        integrity: IntegrityLoss,
        availability: AvailabilityLoss,
        malicious: bool,
    ) -> Result<Assessment, FieldError> {
        if !(1..=4).contains(&dpc) {
            return Err(dpc_error());
        }
        Ok(Assessment {
            dpc,
            ei,
            confidentiality,
            integrity,
            availability,
            malicious,
        })
    }

    /// An assessment from the numbers the API sends. Only the method's exact values are taken:
    /// DPC 1–4; EI 0.25, 0.5, 0.75 or 1; each of C, I and A 0, 0.25 or 0.5 (within
    /// [`TOLERANCE`]). Every offending field is named, in the order of the formula.
    pub fn from_api(
        dpc: i64,
        ei: f64,
        confidentiality: f64,
        integrity: f64,
        availability: f64,
        malicious: bool,
    ) -> Result<Assessment, Vec<FieldError>> {
        let mut errors = Vec::new();
        let dpc = u8::try_from(dpc).ok().filter(|d| (1..=4).contains(d));
        if dpc.is_none() {
            errors.push(dpc_error());
        }
        let ei = EaseOfIdentification::from_value(ei);
        if ei.is_none() {
            errors.push(FieldError::with_text(
                "ease_of_identification",
                Rule::InvalidValue,
                "Identifierbarheten ska vara 0,25, 0,5, 0,75 eller 1.",
                "The ease of identification must be 0.25, 0.5, 0.75 or 1.",
            ));
        }
        let c = ConfidentialityLoss::from_value(confidentiality);
        if c.is_none() {
            errors.push(FieldError::with_text(
                "confidentiality",
                Rule::InvalidValue,
                "Förlusten av konfidentialitet ska vara 0, 0,25 eller 0,5.",
                "The loss of confidentiality must be 0, 0.25 or 0.5.",
            ));
        }
        let i = IntegrityLoss::from_value(integrity);
        if i.is_none() {
            errors.push(FieldError::with_text(
                "integrity",
                Rule::InvalidValue,
                "Förlusten av riktighet ska vara 0, 0,25 eller 0,5.",
                "The loss of integrity must be 0, 0.25 or 0.5.",
            ));
        }
        let a = AvailabilityLoss::from_value(availability);
        if a.is_none() {
            errors.push(FieldError::with_text(
                "availability",
                Rule::InvalidValue,
                "Förlusten av tillgänglighet ska vara 0, 0,25 eller 0,5.",
                "The loss of availability must be 0, 0.25 or 0.5.",
            ));
        }
        match (dpc, ei, c, i, a) {
            (Some(dpc), Some(ei), Some(c), Some(i), Some(a)) => Ok(Assessment {
                dpc,
                ei,
                confidentiality: c,
                integrity: i,
                availability: a,
                malicious,
            }),
            _ => Err(errors),
        }
    }

    pub fn data_processing_context(&self) -> u8 {
        self.dpc
    }

    pub fn ease_of_identification(&self) -> EaseOfIdentification {
        self.ei
    }

    pub fn confidentiality(&self) -> ConfidentialityLoss {
        self.confidentiality
    }

    pub fn integrity(&self) -> IntegrityLoss {
        self.integrity
    }

    pub fn availability(&self) -> AvailabilityLoss {
        self.availability
    }

    pub fn malicious(&self) -> bool {
        self.malicious
    }

    /// DPC × EI in quarters: DPC is whole, so DPC × (q/4) is (DPC × q)/4.
    pub fn dpc_times_ei_quarters(&self) -> Quarters {
        Quarters(self.dpc * self.ei.quarters().0)
    }

    /// CB in quarters: the three losses plus malice, added (§3.2 of the method).
    pub fn circumstances_quarters(&self) -> Quarters {
        let malice = if self.malicious { MALICE_QUARTERS.0 } else { 0 };
        Quarters(
            self.confidentiality.quarters().0
                + self.integrity.quarters().0
                + self.availability.quarters().0
                + malice,
        )
    }

    /// 4·SE = DPC·(4·EI) + 4·CB: at most 4·4 + 2 + 2 + 2 + 2 = 24.
    pub fn severity_quarters(&self) -> Quarters {
        Quarters(self.dpc_times_ei_quarters().0 + self.circumstances_quarters().0)
    }

    /// SE, exact (0.25–6).
    pub fn severity_score(&self) -> f64 {
        self.severity_quarters().value()
    }

    pub fn band(&self) -> Band {
        Band::from_quarters(self.severity_quarters())
    }

    /// The computed risk category, before any override.
    pub fn category(&self) -> RiskCategory {
        self.band().category()
    }

    /// Every computed value, for storage beside the inputs.
    pub fn outcome(&self) -> Outcome {
        Outcome {
            method: METHOD.to_string(),
            dpc_times_ei: self.dpc_times_ei_quarters().value(),
            circumstances: self.circumstances_quarters().value(),
            severity: self.severity_score(),
            band: self.band(),
            category: self.category(),
        }
    }
}

/// What an assessment computes to, as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub method: String,
    pub dpc_times_ei: f64,
    pub circumstances: f64,
    pub severity: f64,
    pub band: Band,
    pub category: RiskCategory,
}

/// ENISA's severity levels (the table on p. 6 of the method).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Low,
    Medium,
    High,
    VeryHigh,
}

impl Band {
    pub const ALL: [Band; 4] = [Band::Low, Band::Medium, Band::High, Band::VeryHigh];

    /// The band of a severity given in quarters: below 8 (SE 2) low, below 12 medium, below 16
    /// high, else very high. Each band includes its lower bound.
    pub fn from_quarters(se: Quarters) -> Band {
        match se.0 {
            0..8 => Band::Low,
            8..12 => Band::Medium,
            12..16 => Band::High,
            _ => Band::VeryHigh,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Medium => "medium",
            Band::High => "high",
            Band::VeryHigh => "very_high",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Band::Low => lang.pick("Låg", "Low"),
            Band::Medium => lang.pick("Medel", "Medium"),
            Band::High => lang.pick("Hög", "High"),
            Band::VeryHigh => lang.pick("Mycket hög", "Very high"),
        }
    }

    /// What the band means for the people concerned, per the method.
    pub fn meaning(self, lang: Lang) -> &'static str {
        match self {
            Band::Low => lang.pick(
                "De registrerade påverkas inte, eller får några olägenheter som de tar sig förbi utan problem (till exempel att lämna uppgifter på nytt, irritation).",
                "Individuals are not affected, or meet a few inconveniences they overcome without any problem (re-entering information, annoyance).",
            ),
            Band::Medium => lang.pick(
                "De registrerade kan få betydande olägenheter som de tar sig förbi trots vissa svårigheter (till exempel extra kostnader, nekade tjänster, oro, stress, lättare besvär).",
                "Individuals may meet significant inconveniences they overcome despite a few difficulties (extra costs, denied services, fear, stress, minor ailments).",
            ),
            Band::High => lang.pick(
                "De registrerade kan få betydande konsekvenser som de tar sig förbi bara med allvarliga svårigheter (till exempel förskingrade pengar, svartlistning hos banker, förlorat arbete, försämrad hälsa).",
                "Individuals may meet significant consequences they overcome only with serious difficulties (misappropriated funds, bank blacklisting, job loss, worse health).",
            ),
            Band::VeryHigh => lang.pick(
                "De registrerade kan få betydande eller oåterkalleliga konsekvenser som de kanske inte tar sig förbi (till exempel stora skulder, oförmåga att arbeta, långvariga besvär, död).",
                "Individuals may meet significant or irreversible consequences they may not overcome (substantial debt, inability to work, long-term ailments, death).",
            ),
        }
    }

    /// The product's mapping to the guideline's risk categories.
    pub fn category(self) -> RiskCategory {
        match self {
            Band::Low => RiskCategory::Obetydlig,
            Band::Medium => RiskCategory::Begransad,
            Band::High => RiskCategory::Betydande,
            Band::VeryHigh => RiskCategory::MycketAllvarlig,
        }
    }
}

/// The municipal guideline's four risk categories, in rising order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskCategory {
    Obetydlig,
    Begransad,
    Betydande,
    MycketAllvarlig,
}

impl RiskCategory {
    pub const ALL: [RiskCategory; 4] = [
        RiskCategory::Obetydlig,
        RiskCategory::Begransad,
        RiskCategory::Betydande,
        RiskCategory::MycketAllvarlig,
    ];

    /// The key the API sends and storage keeps.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskCategory::Obetydlig => "obetydlig",
            RiskCategory::Begransad => "begransad",
            RiskCategory::Betydande => "betydande",
            RiskCategory::MycketAllvarlig => "mycket_allvarlig",
        }
    }

    /// Reads a key or a Swedish or English label.
    pub fn parse(s: &str) -> Option<RiskCategory> {
        let s = s.trim().to_lowercase();
        RiskCategory::ALL.into_iter().find(|c| {
            c.as_str() == s || c.label(Lang::Sv) == s || c.label(Lang::En).to_lowercase() == s
        })
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            RiskCategory::Obetydlig => lang.pick("obetydlig risk", "negligible risk"),
            RiskCategory::Begransad => lang.pick("begränsad risk", "limited risk"),
            RiskCategory::Betydande => lang.pick("betydande risk", "significant risk"),
            RiskCategory::MycketAllvarlig => {
                lang.pick("mycket allvarlig risk", "very serious risk")
            }
        }
    }

    /// What the guideline says to do at this category.
    pub fn proposal(self) -> Proposal {
        Proposal::for_category(self)
    }
}

/// The category that counts: the override's if there is one, else the computed one.
pub fn effective_category(computed: RiskCategory, overridden: Option<&Override>) -> RiskCategory {
    overridden.map_or(computed, |o| o.category)
}

/// The assessor's own category, which replaces the computed one only with a written reason
/// (§4.1.1 of the method). The computed category is kept beside it by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub category: RiskCategory,
    pub justification: String,
}

impl Override {
    /// Accepts an override: the justification is required (non-empty after trimming), at most
    /// [`super::JUSTIFICATION_MAX`] characters, stored trimmed.
    pub fn new(category: RiskCategory, justification_text: &str) -> Result<Override, FieldError> {
        Ok(Override {
            category,
            justification: justification("override.justification", justification_text)?,
        })
    }
}

/// What the category calls for: notifying IMY (art. 33), informing the data subjects (art. 34).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Proposal {
    pub notify_imy: bool,
    pub inform_subjects: bool,
}

impl Proposal {
    /// Obetydlig risk: document internally only. Begränsad and above: notify IMY within 72 hours.
    /// Betydande and above (the high risk of art. 34.1): also inform the data subjects without
    /// undue delay, unless an art. 34.3 exception applies ([`Proposal::except`]).
    pub fn for_category(category: RiskCategory) -> Proposal {
        Proposal {
            notify_imy: category >= RiskCategory::Begransad,
            inform_subjects: category >= RiskCategory::Betydande,
        }
    }

    /// The proposal once an art. 34.3 exception is relied on: the data subjects are not informed
    /// one by one (under c the public is informed instead; see [`Art34Exception::consequence`]).
    pub fn except(self, exception: Option<Art34Exception>) -> Proposal {
        Proposal {
            inform_subjects: self.inform_subjects && exception.is_none(),
            ..self
        }
    }

    /// The proposal in words, one sentence per step.
    pub fn text(self, lang: Lang) -> String {
        let mut lines = Vec::new();
        if self.notify_imy {
            lines.push(lang.pick(
                "Anmäl incidenten till IMY utan onödigt dröjsmål och senast 72 timmar efter att ni fick vetskap om den (art. 33.1).",
                "Notify IMY of the breach without undue delay and no later than 72 hours after becoming aware of it (art. 33.1).",
            ));
        } else {
            lines.push(lang.pick(
                "Incidenten behöver inte anmälas till IMY, eftersom det är osannolikt att den medför en risk för de registrerades rättigheter och friheter (art. 33.1).",
                "The breach need not be notified to IMY, as it is unlikely to result in a risk to the rights and freedoms of the data subjects (art. 33.1).",
            ));
        }
        if self.inform_subjects {
            lines.push(lang.pick(
                "Informera de registrerade utan onödigt dröjsmål (art. 34.1), om inte något av undantagen i art. 34.3 gäller.",
                "Inform the data subjects without undue delay (art. 34.1), unless one of the exceptions of art. 34.3 applies.",
            ));
        }
        lines.push(lang.pick(
            "Dokumentera incidenten internt, med omständigheter, effekter och vidtagna åtgärder (art. 33.5).",
            "Document the breach internally, with its facts, effects and the remedial action taken (art. 33.5).",
        ));
        lines.join("\n")
    }
}

/// The exceptions of art. 34.3 to informing the data subjects of a high-risk breach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Art34Exception {
    /// a) The data were protected, e.g. encrypted, so as to be unintelligible to anyone not
    /// authorised to access them.
    #[serde(rename = "a")]
    ProtectedData,
    /// b) Measures taken afterwards ensure the high risk is no longer likely to materialise.
    #[serde(rename = "b")]
    SubsequentMeasures,
    /// c) Informing each person would involve disproportionate effort; a public communication
    /// or similar measure informs them as effectively instead.
    #[serde(rename = "c")]
    DisproportionateEffort,
}

impl Art34Exception {
    pub const ALL: [Art34Exception; 3] = [
        Art34Exception::ProtectedData,
        Art34Exception::SubsequentMeasures,
        Art34Exception::DisproportionateEffort,
    ];

    /// The letter of art. 34.3: `a`, `b` or `c`.
    pub fn as_str(self) -> &'static str {
        match self {
            Art34Exception::ProtectedData => "a",
            Art34Exception::SubsequentMeasures => "b",
            Art34Exception::DisproportionateEffort => "c",
        }
    }

    pub fn parse(s: &str) -> Option<Art34Exception> {
        let s = s.trim().trim_end_matches(')').to_ascii_lowercase();
        Art34Exception::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// The condition as art. 34.3 states it.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Art34Exception::ProtectedData => lang.pick(
                "a) Lämpliga tekniska och organisatoriska skyddsåtgärder, såsom kryptering, har tillämpats på de berörda uppgifterna och gör dem oläsbara för obehöriga.",
                "a) Appropriate technical and organisational protection measures, such as encryption, were applied to the data affected and render them unintelligible to anyone not authorised.",
            ),
            Art34Exception::SubsequentMeasures => lang.pick(
                "b) Den personuppgiftsansvarige har vidtagit ytterligare åtgärder som säkerställer att den höga risken sannolikt inte längre kommer att uppstå.",
                "b) The controller has taken subsequent measures which ensure that the high risk is no longer likely to materialise.",
            ),
            Art34Exception::DisproportionateEffort => lang.pick(
                "c) Att informera var och en skulle innebära en oproportionell ansträngning.",
                "c) Informing each person would involve disproportionate effort.",
            ),
        }
    }

    /// What follows from relying on the exception.
    pub fn consequence(self, lang: Lang) -> &'static str {
        match self {
            Art34Exception::ProtectedData | Art34Exception::SubsequentMeasures => lang.pick(
                "De registrerade behöver inte informeras. Dokumentera varför undantaget gäller; IMY kan ändå kräva att de informeras (art. 34.4).",
                "The data subjects need not be informed. Document why the exception applies; IMY may still require that they are (art. 34.4).",
            ),
            Art34Exception::DisproportionateEffort => lang.pick(
                "Informera allmänheten i stället, eller vidta en liknande åtgärd som når de registrerade lika effektivt (art. 34.3 c).",
                "Make a public communication instead, or a similar measure that informs the data subjects as effectively (art. 34.3 c).",
            ),
        }
    }
}

vocabulary! {
    /// The data categories of the method's Table 1, each with a basic DPC score.
    DataCategory, DATA_CATEGORY_OPTIONS {
        Simple => "simple", "Enkla uppgifter", "Simple data";
        Behavioural => "behavioural", "Beteendeuppgifter", "Behavioural data";
        Financial => "financial", "Ekonomiska uppgifter", "Financial data";
        Sensitive => "sensitive", "Känsliga uppgifter", "Sensitive data";
    }
}

impl DataCategory {
    /// The basic DPC score of the category.
    pub fn basic_score(self) -> u8 {
        match self {
            DataCategory::Simple => 1,
            DataCategory::Behavioural => 2,
            DataCategory::Financial => 3,
            DataCategory::Sensitive => 4,
        }
    }

    /// What the category covers, per Table 1.
    pub fn covers(self, lang: Lang) -> &'static str {
        match self {
            DataCategory::Simple => lang.pick(
                "Till exempel biografiska uppgifter, kontaktuppgifter, fullständigt namn, utbildning, familjeliv, yrkeserfarenhet.",
                "E.g. biographical data, contact details, full name, education, family life, professional experience.",
            ),
            DataCategory::Behavioural => lang.pick(
                "Till exempel plats, trafikuppgifter, preferenser och vanor.",
                "E.g. location, traffic data, preferences and habits.",
            ),
            DataCategory::Financial => lang.pick(
                "Till exempel inkomst, transaktioner, kontoutdrag, investeringar, kortuppgifter, fakturor och ekonomiskt bistånd.",
                "E.g. income, transactions, bank statements, investments, credit cards, invoices and finance-related welfare data.",
            ),
            DataCategory::Sensitive => lang.pick(
                "Till exempel hälsa, politisk tillhörighet, sexualliv.",
                "E.g. health, political affiliation, sexual life.",
            ),
        }
    }

    /// Table 1's condition for a score other than the basic one, as a hint beside each choice;
    /// `None` for the basic score and for scores outside 1–4.
    pub fn adjustment_condition(self, score: u8, lang: Lang) -> Option<&'static str> {
        use DataCategory::*;
        let text = match (self, score) {
            (Simple, 2) => lang.pick(
                "Uppgifterna kan användas för profilering eller för antaganden om social eller ekonomisk ställning.",
                "The data can be used for profiling or for assumptions on social or financial status.",
            ),
            (Simple, 3) => lang.pick(
                "Uppgifterna kan leda till antaganden om hälsa, sexuell läggning eller politisk eller religiös övertygelse.",
                "The data can lead to assumptions on health, sexual preferences or political or religious beliefs.",
            ),
            (Simple, 4) => lang.pick(
                "Uppgifterna kan vara avgörande för personens säkerhet eller fysiska eller psykiska tillstånd (till exempel sårbara grupper, barn).",
                "The data can be critical for the person's safety or physical or psychological condition (e.g. vulnerable groups, minors).",
            ),
            (Behavioural, 1) => lang.pick(
                "Uppgifterna ger ingen väsentlig insyn i beteendet, eller kan samlas in från offentliga källor.",
                "The data give no substantial insight into behaviour, or can be collected from public sources.",
            ),
            (Behavioural, 3) => lang.pick(
                "Uppgifterna ger en profil av personens vardag och vanor.",
                "The data give a profile of the person's everyday life and habits.",
            ),
            (Behavioural, 4) => lang.pick(
                "Uppgifterna ger en profil som bygger på känsliga uppgifter.",
                "The data give a profile based on sensitive data.",
            ),
            (Financial, 1) => lang.pick(
                "Uppgifterna ger ingen väsentlig insyn i personens ekonomi.",
                "The data give no substantial insight into the person's finances.",
            ),
            (Financial, 2) => lang.pick(
                "Uppgifterna ger viss insyn, men ingen betydande insyn i den ekonomiska ställningen.",
                "The data give some insight, but no significant insight into the financial status.",
            ),
            (Financial, 4) => lang.pick(
                "Fullständiga uppgifter som möjliggör bedrägeri, eller en detaljerad social eller ekonomisk profil.",
                "Full data enabling fraud, or a detailed social or financial profile.",
            ),
            (Sensitive, 1) => lang.pick(
                "Uppgifterna ger ingen väsentlig insyn, eller kan samlas in från offentliga källor.",
                "The data give no substantial insight, or can be collected from public sources.",
            ),
            (Sensitive, 2) => lang.pick(
                "Uppgifterna ger bara underlag för allmänna antaganden.",
                "The data allow only general assumptions.",
            ),
            (Sensitive, 3) => lang.pick(
                "Uppgifterna ger underlag för antaganden om känsliga förhållanden.",
                "The data allow assumptions about sensitive information.",
            ),
            _ => return None,
        };
        Some(text)
    }
}

vocabulary! {
    /// The contextual factors that may move a category's score up or down (§2 of the method,
    /// Annex 1 A2).
    ContextFactor, CONTEXT_FACTOR_OPTIONS {
        Volume => "volume", "Mängden uppgifter om samma person", "Volume of data about the same individual";
        ControllerCharacteristics => "controller_characteristics", "Den personuppgiftsansvariges särskilda karaktär", "Special characteristics of the controller";
        IndividualCharacteristics => "individual_characteristics", "De registrerades särskilda karaktär", "Special characteristics of the individuals";
        Invalidity => "invalidity", "Uppgifterna är ogiltiga eller felaktiga", "Invalidity or inaccuracy of the data";
        PublicAvailability => "public_availability", "Uppgifterna var offentligt tillgängliga före incidenten", "Public availability before the breach";
        NatureOfData => "nature_of_data", "Uppgifternas art avslöjar mindre än kategorin", "Nature of the data reveals less than its category";
    }
}

impl ContextFactor {
    /// Whether the factor raises the score (the first three) or lowers it (the last three).
    pub fn increases(self) -> bool {
        matches!(
            self,
            ContextFactor::Volume
                | ContextFactor::ControllerCharacteristics
                | ContextFactor::IndividualCharacteristics
        )
    }

    /// The method's explanation, for the form.
    pub fn explanation(self, lang: Lang) -> &'static str {
        match self {
            ContextFactor::Volume => lang.pick(
                "Höjer: många uppgifter om samma person, över lång tid eller till innehållet.",
                "Raises: much data about the same person, over time or in content.",
            ),
            ContextFactor::ControllerCharacteristics => lang.pick(
                "Höjer: verksamhetens art gör att uppgifterna avslöjar mer, till exempel socialtjänst eller vård.",
                "Raises: the nature of the controller makes the data reveal more, e.g. social services or care.",
            ),
            ContextFactor::IndividualCharacteristics => lang.pick(
                "Höjer: de registrerade är särskilt utsatta, till exempel barn eller grupper med särskilda behov.",
                "Raises: the individuals are particularly vulnerable, e.g. minors or groups with particular needs.",
            ),
            ContextFactor::Invalidity => lang.pick(
                "Sänker: uppgifterna är ogiltiga eller felaktiga. Används bara när det är säkert.",
                "Lowers: the data are invalid or inaccurate. Use only when the controller is certain.",
            ),
            ContextFactor::PublicAvailability => lang.pick(
                "Sänker: uppgifterna var offentligt tillgängliga redan före incidenten.",
                "Lowers: the data were publicly available before the breach.",
            ),
            ContextFactor::NatureOfData => lang.pick(
                "Sänker: uppgifterna avslöjar mindre än kategorin brukar. Används med stor försiktighet.",
                "Lowers: the data reveal less than their category usually does. Use with great care.",
            ),
        }
    }
}

/// One data category of the breach as the assessor scored it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryScore {
    pub category: DataCategory,
    /// The adjusted score, 1–4 (stored as the score, not as a change from the basic one).
    pub score: u8,
    #[serde(default)]
    pub factors: Vec<ContextFactor>,
    /// Required when the score differs from the category's basic score.
    #[serde(default)]
    pub justification: Option<String>,
}

/// The overall DPC: the highest adjusted score over the categories involved (§2 of the method).
///
/// Refuses an empty list, a category given twice, a score outside 1–4, and a score that differs
/// from its category's basic score without a written justification; each error names the row.
pub fn overall_dpc(scores: &[CategoryScore]) -> Result<u8, Vec<FieldError>> {
    let mut errors = Vec::new();
    if scores.is_empty() {
        errors.push(FieldError::with_text(
            "data_categories",
            Rule::Required,
            "Välj minst en kategori av uppgifter.",
            "Choose at least one category of data.",
        ));
    }
    for (row, s) in scores.iter().enumerate() {
        if scores[..row].iter().any(|p| p.category == s.category) {
            errors.push(
                FieldError::with_text(
                    "data_categories.category",
                    Rule::InvalidValue,
                    "Varje kategori kan bara väljas en gång.",
                    "Each category can be chosen only once.",
                )
                .at_row(row),
            );
        }
        if !(1..=4).contains(&s.score) {
            errors.push(
                FieldError::with_text(
                    "data_categories.score",
                    Rule::InvalidValue,
                    "Poängen ska vara ett heltal från 1 till 4.",
                    "The score must be a whole number from 1 to 4.",
                )
                .at_row(row),
            );
        }
        let field = "data_categories.justification";
        match s.justification.as_deref().map(str::trim) {
            Some(j) if !j.is_empty() => {
                if let Err(e) = justification(field, j) {
                    errors.push(e.at_row(row));
                }
            }
            _ if s.score != s.category.basic_score() => errors.push(
                FieldError::with_text(
                    field,
                    Rule::Required,
                    "Motivera varför poängen skiljer sig från kategorins grundpoäng.",
                    "Explain why the score differs from the category's basic score.",
                )
                .at_row(row),
            ),
            _ => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(scores.iter().map(|s| s.score).max().unwrap_or(1))
}

/// Circumstances the method shows with the result but does not score (p. 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    MoreThan100Individuals,
    Unintelligible,
}

impl Flag {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Flag::MoreThan100Individuals => lang.pick(
                "Fler än 100 personer berörs.",
                "More than 100 individuals are affected.",
            ),
            Flag::Unintelligible => lang.pick(
                "Uppgifterna var oläsbara för obehöriga (till exempel stark kryptering och nyckeln röjdes inte).",
                "The data were unintelligible (e.g. strong encryption, with no key compromised).",
            ),
        }
    }
}

/// The facts behind the flags, as collected with the assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Flags {
    /// The number of individuals affected, or an estimate.
    pub individuals: Option<u64>,
    pub unintelligible: bool,
}

impl Flags {
    /// The flags to show beside the result.
    pub fn shown(&self) -> Vec<Flag> {
        let mut flags = Vec::new();
        if self.individuals.is_some_and(|n| n > 100) {
            flags.push(Flag::MoreThan100Individuals);
        }
        if self.unintelligible {
            flags.push(Flag::Unintelligible);
        }
        flags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EI: [f64; 4] = [0.25, 0.5, 0.75, 1.0];
    const CIA: [f64; 3] = [0.0, 0.25, 0.5];

    fn assess(dpc: i64, ei: f64, c: f64, i: f64, a: f64, m: bool) -> Assessment {
        Assessment::from_api(dpc, ei, c, i, a, m).expect("valid assessment")
    }

    fn fields(r: Result<Assessment, Vec<FieldError>>) -> Vec<&'static str> {
        r.expect_err("refused").iter().map(|e| e.field).collect()
    }

    /// The reference: the formula in hundredths, as integers, with the band table written out.
    fn reference(dpc: i64, ei: f64, c: f64, i: f64, a: f64, m: bool) -> (i64, &'static str) {
        let h = |x: f64| (x * 100.0).round() as i64;
        let se = dpc * h(ei) + h(c) + h(i) + h(a) + if m { 50 } else { 0 };
        let category = if se < 200 {
            "obetydlig"
        } else if se < 300 {
            "begransad"
        } else if se < 400 {
            "betydande"
        } else {
            "mycket_allvarlig"
        };
        (se, category)
    }

    #[test]
    fn all_288_combinations_agree_with_the_reference() {
        let mut seen = std::collections::HashSet::new();
        for dpc in 1..=4 {
            for ei in EI {
                for c in CIA {
                    for i in CIA {
                        for a in CIA {
                            for m in [false, true] {
                                let got = assess(dpc, ei, c, i, a, m);
                                let (se, category) = reference(dpc, ei, c, i, a, m);
                                assert_eq!(got.severity_score(), se as f64 / 100.0);
                                assert_eq!(i64::from(got.severity_quarters().0) * 25, se);
                                assert_eq!(got.category().as_str(), category);
                                assert_eq!(got.band().category(), got.category());
                                assert_eq!(
                                    got.outcome().severity,
                                    got.outcome().dpc_times_ei + got.outcome().circumstances
                                );
                                assert!((25..=600).contains(&se));
                                seen.insert(got);
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(seen.len(), 4 * 4 * 3 * 3 * 3 * 2);
    }

    #[test]
    fn each_band_includes_its_lower_bound() {
        let cases = [
            // (dpc, ei, c, i, a, malicious, SE, band)
            (2, 0.75, 0.25, 0.0, 0.0, false, 1.75, Band::Low),
            (2, 1.0, 0.0, 0.0, 0.0, false, 2.0, Band::Medium),
            (1, 1.0, 0.5, 0.5, 0.0, false, 2.0, Band::Medium),
            (1, 0.5, 0.5, 0.5, 0.0, true, 2.0, Band::Medium),
            (2, 1.0, 0.25, 0.25, 0.25, false, 2.75, Band::Medium),
            (3, 1.0, 0.0, 0.0, 0.0, false, 3.0, Band::High),
            (2, 1.0, 0.5, 0.0, 0.0, true, 3.0, Band::High),
            (4, 0.75, 0.0, 0.0, 0.0, false, 3.0, Band::High),
            (3, 1.0, 0.5, 0.25, 0.0, false, 3.75, Band::High),
            (4, 1.0, 0.0, 0.0, 0.0, false, 4.0, Band::VeryHigh),
            (3, 1.0, 0.5, 0.0, 0.0, true, 4.0, Band::VeryHigh),
            (4, 0.5, 0.5, 0.5, 0.5, true, 4.0, Band::VeryHigh),
            (1, 0.25, 0.0, 0.0, 0.0, false, 0.25, Band::Low),
            (4, 1.0, 0.5, 0.5, 0.5, true, 6.0, Band::VeryHigh),
        ];
        for (dpc, ei, c, i, a, m, se, band) in cases {
            let got = assess(dpc, ei, c, i, a, m);
            assert_eq!(got.severity_score(), se, "{got:?}");
            assert_eq!(got.band(), band, "{got:?}");
        }
        for q in 0..=24 {
            let band = Band::from_quarters(Quarters(q));
            let expected = match q {
                0..=7 => Band::Low,
                8..=11 => Band::Medium,
                12..=15 => Band::High,
                _ => Band::VeryHigh,
            };
            assert_eq!(band, expected, "{q}");
        }
    }

    #[test]
    fn the_worked_example_is_negligible() {
        let a = assess(2, 0.75, 0.25, 0.0, 0.0, false);
        assert_eq!(a.severity_score(), 1.75);
        assert_eq!(a.band(), Band::Low);
        assert_eq!(a.category(), RiskCategory::Obetydlig);
        assert_eq!(a.category().label(Lang::Sv), "obetydlig risk");
        assert_eq!(
            a.outcome(),
            Outcome {
                method: METHOD.into(),
                dpc_times_ei: 1.5,
                circumstances: 0.25,
                severity: 1.75,
                band: Band::Low,
                category: RiskCategory::Obetydlig,
            }
        );
    }

    #[test]
    fn out_of_range_inputs_name_their_field() {
        let ok = |dpc, ei, c, i, a| Assessment::from_api(dpc, ei, c, i, a, false);
        for dpc in [0, 5, -1, 256, i64::MIN, i64::MAX] {
            assert_eq!(
                fields(ok(dpc, 1.0, 0.0, 0.0, 0.0)),
                ["data_processing_context"]
            );
        }
        for ei in [
            0.0,
            0.3,
            1.25,
            -0.25,
            0.125,
            f64::NAN,
            f64::INFINITY,
            0.75 + 1e-8,
        ] {
            assert_eq!(
                fields(ok(2, ei, 0.0, 0.0, 0.0)),
                ["ease_of_identification"],
                "{ei}"
            );
        }
        for v in [0.75, -0.25, 1.0, 0.1, f64::NAN, f64::NEG_INFINITY] {
            assert_eq!(fields(ok(2, 1.0, v, 0.0, 0.0)), ["confidentiality"], "{v}");
            assert_eq!(fields(ok(2, 1.0, 0.0, v, 0.0)), ["integrity"], "{v}");
            assert_eq!(fields(ok(2, 1.0, 0.0, 0.0, v)), ["availability"], "{v}");
        }
        assert_eq!(
            fields(ok(0, 0.0, 0.75, -0.25, 1.0)),
            [
                "data_processing_context",
                "ease_of_identification",
                "confidentiality",
                "integrity",
                "availability"
            ]
        );
        for e in ok(0, 0.0, 0.75, -0.25, 1.0).expect_err("refused") {
            assert_eq!(e.rule, Rule::InvalidValue);
            assert!(e.message(Lang::Sv).contains("ska vara"));
            assert!(e.message(Lang::En).contains("must be"));
        }
    }

    #[test]
    fn values_within_the_tolerance_are_the_quarter_they_are_near() {
        let a = assess(2, 0.75 + 1e-10, 0.1 + 0.15, -0.0, 0.5 - 1e-12, false);
        assert_eq!(
            a.ease_of_identification(),
            EaseOfIdentification::Significant
        );
        assert_eq!(a.confidentiality(), ConfidentialityLoss::KnownRecipients);
        assert_eq!(a.integrity(), IntegrityLoss::None);
        assert_eq!(a.availability(), AvailabilityLoss::Full);
        assert_eq!(a.severity_score(), 2.25);
    }

    #[test]
    fn an_assessment_travels_as_the_api_numbers() {
        let a = assess(2, 0.75, 0.25, 0.0, 0.5, true);
        let json = serde_json::to_value(a).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({
                "data_processing_context": 2,
                "ease_of_identification": 0.75,
                "confidentiality": 0.25,
                "integrity": 0.0,
                "availability": 0.5,
                "malicious": true,
            })
        );
        assert_eq!(serde_json::from_value::<Assessment>(json).ok(), Some(a));
        let bad = serde_json::json!({
            "data_processing_context": 5,
            "ease_of_identification": 0.3,
            "confidentiality": 0.0,
            "integrity": 0.0,
            "availability": 0.0,
            "malicious": false,
        });
        let err = serde_json::from_value::<Assessment>(bad).expect_err("refused");
        assert!(
            err.to_string()
                .contains("data_processing_context, ease_of_identification")
        );
    }

    #[test]
    fn levels_have_keys_labels_and_explanations() {
        fn check<T: Copy + PartialEq + std::fmt::Debug + Serialize>(
            all: &[T],
            quarters: &[u8],
            q: fn(T) -> Quarters,
            key: fn(T) -> &'static str,
            parse: fn(&str) -> Option<T>,
            label: fn(T, Lang) -> &'static str,
            explanation: fn(T, Lang) -> &'static str,
        ) {
            assert_eq!(all.iter().map(|v| q(*v).0).collect::<Vec<_>>(), quarters);
            for v in all.iter().copied() {
                assert_eq!(parse(key(v)), Some(v));
                assert_eq!(
                    serde_json::to_value(v).expect("ser"),
                    serde_json::json!(key(v))
                );
                assert_ne!(label(v, Lang::Sv), label(v, Lang::En));
                assert_ne!(explanation(v, Lang::Sv), explanation(v, Lang::En));
            }
        }
        use EaseOfIdentification as E;
        check(
            E::ALL,
            &[1, 2, 3, 4],
            E::quarters,
            E::as_str,
            E::parse,
            E::label,
            E::explanation,
        );
        use ConfidentialityLoss as C;
        check(
            C::ALL,
            &[0, 1, 2],
            C::quarters,
            C::as_str,
            C::parse,
            C::label,
            C::explanation,
        );
        use IntegrityLoss as I;
        check(
            I::ALL,
            &[0, 1, 2],
            I::quarters,
            I::as_str,
            I::parse,
            I::label,
            I::explanation,
        );
        use AvailabilityLoss as A;
        check(
            A::ALL,
            &[0, 1, 2],
            A::quarters,
            A::as_str,
            A::parse,
            A::label,
            A::explanation,
        );
        for m in [false, true] {
            assert_ne!(malice_label(m, Lang::Sv), malice_label(m, Lang::En));
            assert_ne!(
                malice_explanation(m, Lang::Sv),
                malice_explanation(m, Lang::En)
            );
        }
        for b in Band::ALL {
            assert_ne!(b.label(Lang::Sv), b.label(Lang::En));
            assert_ne!(b.meaning(Lang::Sv), b.meaning(Lang::En));
            assert_eq!(
                serde_json::to_value(b).expect("ser"),
                serde_json::json!(b.as_str())
            );
        }
    }

    #[test]
    fn the_risk_categories_have_their_keys_and_labels() {
        let expected = [
            (
                RiskCategory::Obetydlig,
                "obetydlig",
                "obetydlig risk",
                Band::Low,
            ),
            (
                RiskCategory::Begransad,
                "begransad",
                "begränsad risk",
                Band::Medium,
            ),
            (
                RiskCategory::Betydande,
                "betydande",
                "betydande risk",
                Band::High,
            ),
            (
                RiskCategory::MycketAllvarlig,
                "mycket_allvarlig",
                "mycket allvarlig risk",
                Band::VeryHigh,
            ),
        ];
        for (c, key, sv, band) in expected {
            assert_eq!(c.as_str(), key);
            assert_eq!(c.label(Lang::Sv), sv);
            assert_eq!(band.category(), c);
            assert_eq!(RiskCategory::parse(key), Some(c));
            assert_eq!(RiskCategory::parse(sv), Some(c));
            assert_eq!(RiskCategory::parse(c.label(Lang::En)), Some(c));
            assert_eq!(
                serde_json::to_value(c).expect("ser"),
                serde_json::json!(key)
            );
            assert_eq!(
                serde_json::from_value::<RiskCategory>(serde_json::json!(key)).ok(),
                Some(c)
            );
        }
        assert_eq!(RiskCategory::parse("hög"), None);
    }

    #[test]
    fn what_each_category_proposes() {
        let p = |c: RiskCategory| (c.proposal().notify_imy, c.proposal().inform_subjects);
        assert_eq!(p(RiskCategory::Obetydlig), (false, false));
        assert_eq!(p(RiskCategory::Begransad), (true, false));
        assert_eq!(p(RiskCategory::Betydande), (true, true));
        assert_eq!(p(RiskCategory::MycketAllvarlig), (true, true));
        let high = Proposal::for_category(RiskCategory::Betydande);
        assert!(high.text(Lang::Sv).contains("72 timmar"));
        assert!(high.text(Lang::Sv).contains("art. 34.1"));
        assert!(
            !Proposal::for_category(RiskCategory::Obetydlig)
                .text(Lang::Sv)
                .contains("Anmäl")
        );
        for e in Art34Exception::ALL {
            let after = high.except(Some(e));
            assert!(after.notify_imy && !after.inform_subjects);
            assert_eq!(Art34Exception::parse(e.as_str()), Some(e));
            assert_ne!(e.label(Lang::Sv), e.label(Lang::En));
            assert_eq!(
                serde_json::to_value(e).expect("ser"),
                serde_json::json!(e.as_str())
            );
        }
        assert_eq!(high.except(None), high);
        assert!(
            Art34Exception::DisproportionateEffort
                .consequence(Lang::Sv)
                .contains("allmänheten")
        );
        // An exception changes nothing where the subjects were not to be informed anyway.
        let limited = Proposal::for_category(RiskCategory::Begransad);
        assert_eq!(limited.except(Some(Art34Exception::ProtectedData)), limited);
    }

    #[test]
    fn an_override_needs_a_written_reason() {
        assert_eq!(
            Override::new(RiskCategory::Betydande, "  \n\t ").map_err(|e| (e.field, e.rule)),
            Err(("override.justification", Rule::Required))
        );
        assert_eq!(
            Override::new(RiskCategory::Betydande, &"x".repeat(4001)).map_err(|e| e.rule),
            Err(Rule::TooLong { max: 4000 })
        );
        let o =
            Override::new(RiskCategory::Betydande, "  Skyddad identitet berörs. ").expect("valid");
        assert_eq!(o.justification, "Skyddad identitet berörs.");
        assert_eq!(
            effective_category(RiskCategory::Obetydlig, Some(&o)),
            RiskCategory::Betydande
        );
        assert_eq!(
            effective_category(RiskCategory::Obetydlig, None),
            RiskCategory::Obetydlig
        );
    }

    fn score(category: DataCategory, score: u8, justification: Option<&str>) -> CategoryScore {
        CategoryScore {
            category,
            score,
            factors: vec![],
            justification: justification.map(str::to_string),
        }
    }

    #[test]
    fn the_overall_dpc_is_the_highest_category_score() {
        use DataCategory::*;
        for c in DataCategory::ALL.iter().copied() {
            assert_eq!(
                overall_dpc(&[score(c, c.basic_score(), None)]),
                Ok(c.basic_score())
            );
            for s in 1..=4 {
                assert_eq!(
                    c.adjustment_condition(s, Lang::Sv).is_some(),
                    s != c.basic_score()
                );
            }
            assert_eq!(c.adjustment_condition(0, Lang::Sv), None);
            assert_eq!(c.adjustment_condition(5, Lang::En), None);
        }
        assert_eq!(
            overall_dpc(&[score(Simple, 1, None), score(Financial, 3, None)]),
            Ok(3)
        );
        assert_eq!(
            overall_dpc(&[
                score(Simple, 4, Some("Skyddade adresser.")),
                score(Sensitive, 2, Some("Endast allmänna antaganden."))
            ]),
            Ok(4)
        );
    }

    #[test]
    fn a_changed_score_needs_a_justification() {
        use DataCategory::*;
        let errors = overall_dpc(&[
            score(Simple, 1, None),
            score(Financial, 4, Some("  ")),
            score(Financial, 3, None),
            score(Behavioural, 0, None),
        ])
        .expect_err("refused");
        let got: Vec<_> = errors.iter().map(|e| (e.field, e.row, e.rule)).collect();
        assert_eq!(
            got,
            [
                ("data_categories.justification", Some(1), Rule::Required),
                ("data_categories.category", Some(2), Rule::InvalidValue),
                ("data_categories.score", Some(3), Rule::InvalidValue),
                ("data_categories.justification", Some(3), Rule::Required),
            ]
        );
        assert_eq!(
            overall_dpc(&[]).map_err(|e| e[0].field),
            Err("data_categories")
        );
        assert_eq!(
            overall_dpc(&[score(Sensitive, 4, Some(&"x".repeat(4001)))]).map_err(|e| e[0].rule),
            Err(Rule::TooLong { max: 4000 })
        );
    }

    #[test]
    fn context_factors_and_flags() {
        let up: Vec<_> = ContextFactor::ALL
            .iter()
            .filter(|f| f.increases())
            .collect();
        assert_eq!(up.len(), 3);
        assert_eq!(ContextFactor::ALL.len(), 6);
        for f in ContextFactor::ALL {
            assert_ne!(f.explanation(Lang::Sv), f.explanation(Lang::En));
        }
        assert!(Flags::default().shown().is_empty());
        assert!(
            Flags {
                individuals: Some(100),
                unintelligible: false
            }
            .shown()
            .is_empty()
        );
        assert_eq!(
            Flags {
                individuals: Some(101),
                unintelligible: true
            }
            .shown(),
            [Flag::MoreThan100Individuals, Flag::Unintelligible]
        );
    }
}
