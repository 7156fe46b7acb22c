//! Documents as PDF, typeset with Typst: tagged (accessible) PDF with embedded fonts, Swedish
//! hyphenation and page numbers. Fonts and templates are compiled into the binary, so output is the
//! same on every machine and nothing is fetched at run time.

use serde_json_free::to_json;
use typst::foundations::{Dict, IntoValue};
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;

static REGISTER: &str = include_str!("../templates/register.typ");
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

#[derive(Debug, thiserror::Error)]
#[error("the PDF could not be made: {0}")]
pub struct PdfError(String);

/// Typesets the register.
pub fn register_pdf(doc: &RegisterDocument) -> Result<Vec<u8>, PdfError> {
    let engine = TypstEngine::builder()
        .main_file(REGISTER)
        .fonts([SANS, SANS_BOLD])
        .build();
    let mut inputs = Dict::new();
    inputs.insert("data".into(), to_json(doc).into_value());
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
    use super::RegisterDocument;

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
    fn an_empty_register_still_makes_a_document() {
        assert!(
            register_pdf(&doc(0))
                .expect("typesets")
                .starts_with(b"%PDF-")
        );
    }
}
