//! Documents as PDF, typeset with Typst: tagged (accessible) PDF with embedded fonts, Swedish
//! hyphenation and page numbers. Fonts and templates are compiled into the binary, so output is the
//! same on every machine and nothing is fetched at run time.

use serde_json_free::to_json;
use typst::foundations::{Dict, IntoValue};
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;

static REGISTER: &str = include_str!("../templates/register.typ");
static TEXT: &str = include_str!("../templates/text.typ");
static SANS: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static SANS_BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// One record of the register: a heading and its fields as label–value pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub fields: Vec<(String, String)>,
}

/// The register as a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterDocument {
    /// `sv` or `en`: hyphenation and the document's language.
    pub lang: String,
    pub title: String,
    pub organisation: String,
    pub author: String,
    /// When and by whom, as shown in the footer.
    pub generated: String,
    pub intro: String,
    /// Label of the table of contents.
    pub contents: String,
    /// Key figures shown first: label and value.
    pub summary: Vec<(String, String)>,
    pub records: Vec<Section>,
}

/// A document written as plain text first: a notification, a letter. Blocks are separated by blank
/// lines; a block that starts with a numbered line without a colon ("2. Incidentens art") has that
/// line as its heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextDocument {
    pub lang: String,
    pub title: String,
    /// Under the title (the sender); may be empty.
    pub organisation: String,
    pub author: String,
    pub generated: String,
    pub body: String,
}

/// A block of a text document: its heading (or none) and its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub heading: String,
    pub lines: Vec<String>,
}

/// Splits a text into its blocks.
pub fn paragraphs(body: &str) -> Vec<Paragraph> {
    let mut out = Vec::new();
    for block in body.split("\n\n") {
        let mut lines: Vec<String> = block
            .lines()
            .map(|l| l.trim_end().to_string())
            .filter(|l| !l.trim().is_empty())
            .collect();
        if lines.is_empty() {
            continue;
        }
        let first = &lines[0];
        let numbered = first
            .split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        let heading = if numbered && !first.contains(':') {
            lines.remove(0)
        } else {
            String::new()
        };
        out.push(Paragraph { heading, lines });
    }
    out
}

/// Typesets a text document.
pub fn text_pdf(doc: &TextDocument) -> Result<Vec<u8>, PdfError> {
    typeset(TEXT, serde_json_free::text_json(doc))
}

#[derive(Debug, thiserror::Error)]
#[error("the PDF could not be made: {0}")]
pub struct PdfError(String);

/// Typesets the register.
pub fn register_pdf(doc: &RegisterDocument) -> Result<Vec<u8>, PdfError> {
    typeset(REGISTER, to_json(doc))
}

fn typeset(template: &'static str, data: String) -> Result<Vec<u8>, PdfError> {
    let engine = TypstEngine::builder()
        .main_file(template)
        .fonts([SANS, SANS_BOLD])
        .build();
    let mut inputs = Dict::new();
    inputs.insert("data".into(), data.into_value());
    let compiled: PagedDocument = engine
        .compile_with_input(inputs)
        .output
        .map_err(|e| PdfError(format!("{e:?}")))?;
    typst_pdf::pdf(&compiled, &typst_pdf::PdfOptions::default())
        .map_err(|e| PdfError(format!("{e:?}")))
}

/// The document as the JSON the template reads; written by hand to keep serde out of this crate's
/// public types.
mod serde_json_free {
    use super::{RegisterDocument, TextDocument};

    pub fn text_json(d: &TextDocument) -> String {
        let paragraphs: Vec<String> = super::paragraphs(&d.body)
            .iter()
            .map(|p| {
                let lines: Vec<String> = p.lines.iter().map(|l| s(l)).collect();
                format!(
                    "{{\"heading\": {}, \"lines\": [{}]}}",
                    s(&p.heading),
                    lines.join(", ")
                )
            })
            .collect();
        format!(
            "{{\"lang\": {}, \"title\": {}, \"organisation\": {}, \"author\": {}, \"generated\": {}, \"paragraphs\": [{}]}}",
            s(&d.lang),
            s(&d.title),
            s(&d.organisation),
            s(&d.author),
            s(&d.generated),
            paragraphs.join(", ")
        )
    }

    fn s(v: &str) -> String {
        let mut out = String::with_capacity(v.len() + 2);
        out.push('"');
        for c in v.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    fn pairs(p: &[(String, String)]) -> String {
        let items: Vec<String> = p
            .iter()
            .map(|(a, b)| format!("[{}, {}]", s(a), s(b)))
            .collect();
        format!("[{}]", items.join(", "))
    }

    pub fn to_json(d: &RegisterDocument) -> String {
        let records: Vec<String> = d
            .records
            .iter()
            .map(|r| {
                format!(
                    "{{\"heading\": {}, \"fields\": {}}}",
                    s(&r.heading),
                    pairs(&r.fields)
                )
            })
            .collect();
        format!(
            "{{\"lang\": {}, \"title\": {}, \"organisation\": {}, \"author\": {}, \"generated\": {}, \"intro\": {}, \
             \"contents\": {}, \"summary\": {}, \"records\": [{}]}}",
            s(&d.lang),
            s(&d.title),
            s(&d.organisation),
            s(&d.author),
            s(&d.generated),
            s(&d.intro),
            s(&d.contents),
            pairs(&d.summary),
            records.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(records: usize) -> RegisterDocument {
        RegisterDocument {
            lang: "sv".into(),
            title: "Registerförteckning".into(),
            organisation: "Stadsdelsnämnd Norr".into(),
            author: "Ombud".into(),
            generated: "Utskriven 2026-11-25 20:00 av Anna \"DSO\" Lindqvist".into(),
            intro: "Förteckning över behandlingar av personuppgifter enligt artikel 30 i dataskyddsförordningen.".into(),
            contents: "Innehåll".into(),
            summary: vec![("Behandlingar".into(), records.to_string())],
            records: (0..records)
                .map(|i| Section {
                    heading: format!("Hemtjänst {i}"),
                    fields: vec![
                        ("Ändamål".into(), "Planering och dokumentation av insatser i hemmet\nrad två".into()),
                        ("Rättslig grund".into(), "Allmänt intresse eller myndighetsutövning (e)".into()),
                    ],
                })
                .collect(),
        }
    }

    #[test]
    fn the_register_typesets_to_a_tagged_pdf() {
        let pdf = register_pdf(&doc(3)).expect("typesets");
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(
            text.contains("StructTreeRoot"),
            "a tagged PDF has a structure tree"
        );
        assert!(text.contains("/Lang"), "the document language is set");
    }

    #[test]
    fn a_text_typesets_with_its_numbered_headings_and_markup_as_text() {
        let body = "Omgång: Första anmälan\nDatum: 2026-03-01\n\n1. Tidpunkter\nUpptäckt: 2026-03-01 10:00\n\n2. Incidentens art\nBeskrivning:\n#set page(width: 1cm) *inte fetstil* $x$ [länk](x)\n";
        let p = paragraphs(body);
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].heading, "");
        assert_eq!(p[1].heading, "1. Tidpunkter");
        assert_eq!(
            p[2].lines[1],
            "#set page(width: 1cm) *inte fetstil* $x$ [länk](x)"
        );
        let pdf = text_pdf(&TextDocument {
            lang: "sv".into(),
            title: "Anmälan av personuppgiftsincident".into(),
            organisation: "Utbildningsnämnden".into(),
            author: "Ombud".into(),
            generated: "Utskriven 2026-03-01".into(),
            body: body.into(),
        })
        .expect("typesets");
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(String::from_utf8_lossy(&pdf).contains("StructTreeRoot"));
    }

    #[test]
    fn an_empty_register_still_makes_a_document() {
        assert!(
            register_pdf(&doc(0))
                .expect("typesets")
                .starts_with(b"%PDF-")
        );
    }
}
