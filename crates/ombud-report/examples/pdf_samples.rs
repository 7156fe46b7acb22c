//! Writes a sample register (30 records) and a sample text document, to look at:
//! `cargo run -p ombud-report --example pdf_samples [DIR]` (DIR defaults to /tmp).

use ombud_report::pdf::{RegisterDocument, Section, TextDocument, register_pdf, text_pdf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "/tmp".into());
    let purposes = [
        "Planering och dokumentation av insatser i hemmet",
        "Handläggning av ansökningar om bistånd enligt socialtjänstlagen (2001:453) 4 kap. 1 §, \
         uppföljning av beslut och kommunikation med den enskilde, anhöriga och gode män – \
         inklusive “samordnad individuell plan” …",
        "Löneutbetalning\nsemesteradministration\nrapportering till Skatteverket och Försäkringskassan",
    ];
    let records = (1..=30)
        .map(|i| Section {
            heading: format!("{i}. Behandling av personuppgifter – område {i}"),
            fields: vec![
                ("Ändamål".into(), purposes[i % 3].into()),
                (
                    "Rättslig grund".into(),
                    "Allmänt intresse eller myndighetsutövning (artikel 6.1 e)".into(),
                ),
                (
                    "Kategorier av registrerade".into(),
                    "Brukare, anhöriga, personal, gode män, förvaltare".into(),
                ),
                (
                    "Lagringstid".into(),
                    if i == 7 {
                        "Gallras enligt dokumenthanteringsplan. ".repeat(60)
                    } else {
                        "Två år efter avslutad insats; därefter gallring".into()
                    },
                ),
                (
                    "Mottagare".into(),
                    "uppföljningsrapporteringsrutinsbeskrivningsarbetsgruppsmötesprotokollsarkiveringsgallringsbeslutsunderlag"
                        .into(),
                ),
            ],
        })
        .collect();
    let register = RegisterDocument {
        lang: "sv".into(),
        title: "Registerförteckning".into(),
        organisation: "Stadsdelsnämnd Norr".into(),
        author: "Anna Lindqvist".into(),
        generated: "Utskriven 2026-11-25 20:00 av Anna ”DSO” Lindqvist".into(),
        intro: "Förteckning över behandlingar av personuppgifter enligt artikel 30 i \
                dataskyddsförordningen. Förteckningen hålls aktuell av nämndens dataskyddsombud."
            .into(),
        contents: "Innehåll".into(),
        summary: vec![
            ("Behandlingar".into(), "30".into()),
            ("Utkast".into(), "4".into()),
            ("Fastställda".into(), "26".into()),
        ],
        records,
    };
    std::fs::write(
        format!("{dir}/ombud-sample-register.pdf"),
        register_pdf(&register)?,
    )?;

    let text = TextDocument {
        lang: "sv".into(),
        title: "Anmälan av personuppgiftsincident".into(),
        organisation: "Utbildningsnämnden".into(),
        author: "Anna Lindqvist".into(),
        generated: "Utskriven 2026-03-01 10:15 av Anna Lindqvist".into(),
        body: "Omgång: Första anmälan\nDatum: 2026-03-01\nDiarienummer: UN 2026/123\n\n\
               1. Tidpunkter\nUpptäckt: 2026-03-01 10:00\nInträffade: 2026-02-28 omkring 16:30\n\n\
               2. Incidentens art\nBeskrivning: En e-postlista med vårdnadshavares namn och \
               adresser skickades av misstag till fel mottagare. Mottagaren har bekräftat att \
               meddelandet raderats. *inte fetstil* #set page(width: 1cm) $x$ [länk](x)\n\n\
               3. Åtgärder\nMeddelandet återkallades.\nBerörda vårdnadshavare informeras \
               skriftligen enligt artikel 34.\n"
            .into(),
    };
    std::fs::write(format!("{dir}/ombud-sample-text.pdf"), text_pdf(&text)?)?;
    Ok(())
}
