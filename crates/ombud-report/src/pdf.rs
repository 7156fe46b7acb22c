//! Documents as PDF: laid out here with the embedded DejaVu Sans (`layout`) and written by krilla
//! (`draw`) as tagged, accessible PDF (PDF/UA-1 and PDF/A-2a) with bookmarks and page numbers.
//! Fonts are compiled into the binary, so output looks the same on every machine and nothing is
//! fetched at run time. Every string is set as plain text, never read as markup.

mod draw;
mod layout;

use layout::{CM, Cell, Flow, Fonts, Geometry, Item, Kind, Layout, Level, Line, Mark, Style};

/// One record of the register: a heading and its fields as label–value pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub fields: Vec<(String, String)>,
}

/// The register as a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterDocument {
    /// `sv` or `en`: the document's language.
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
    let fonts = Fonts::new()?;
    let meta = Meta::new(&doc.lang, &doc.title, &doc.author);
    draw::pdf(&text_layout(doc, &meta.title, &fonts), &meta.draw())
}

#[derive(Debug, thiserror::Error)]
#[error("the PDF could not be made: {0}")]
pub struct PdfError(String);

/// Typesets the register.
pub fn register_pdf(doc: &RegisterDocument) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::new()?;
    let meta = Meta::new(&doc.lang, &doc.title, &doc.author);
    draw::pdf(&register_layout(doc, &meta.title, &fonts), &meta.draw())
}

/// What the PDF says about itself, made safe for XMP (no control characters) and for PDF/UA (a
/// title that is never empty).
struct Meta {
    lang: String,
    title: String,
    author: String,
}

impl Meta {
    fn new(lang: &str, title: &str, author: &str) -> Self {
        let plain = |s: &str| -> String {
            s.chars()
                .map(|c| if c.is_whitespace() { ' ' } else { c })
                .filter(|c| !c.is_control() && (*c as u32) & 0xFFFE != 0xFFFE)
                .take(500)
                .collect::<String>()
                .trim()
                .to_string()
        };
        let mut lang: String = lang
            .trim()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(35)
            .collect();
        if lang.is_empty() {
            lang = "sv".into();
        }
        let mut title = plain(title);
        if title.is_empty() {
            title = if lang.starts_with("en") {
                "Document"
            } else {
                "Dokument"
            }
            .into();
        }
        Self {
            title,
            author: plain(author),
            lang,
        }
    }

    fn draw(&self) -> draw::Meta<'_> {
        draw::Meta {
            title: &self.title,
            author: &self.author,
            lang: &self.lang,
        }
    }
}

/// A heading shows something even when its text is empty.
fn shown(heading: &str) -> &str {
    if heading.chars().all(|c| c.is_whitespace() || c.is_control()) {
        "–"
    } else {
        heading
    }
}

fn paragraph(flow: &mut Flow, text: &str, style: Style, gap: f32, spacing: f32) {
    if text.trim().is_empty() {
        return;
    }
    let lines = flow.fonts.wrap(text, style, flow.geo.width);
    let p = flow.node(Kind::P, None);
    flow.space(spacing);
    flow.lines(&lines, 0.0, gap, Mark::Node(p));
}

fn register_layout(doc: &RegisterDocument, title: &str, fonts: &Fonts) -> Layout {
    const SIZE: f32 = 9.0;
    const PAD: f32 = 5.0;
    let (gap, spacing) = (0.6 * SIZE, 1.2 * SIZE);
    let (body, bold) = (Style::regular(SIZE), Style::bold(SIZE));
    let h1 = Level {
        level: 1,
        size: 17.0,
        above: 0.0,
        below: 0.6 * 17.0,
        gap: 0.6 * 17.0,
    };
    let h2 = Level {
        level: 2,
        size: 11.5,
        above: 1.4 * 11.5,
        below: 0.6 * 11.5,
        gap: 0.6 * 11.5,
    };
    let mut flow = Flow::new(fonts, Geometry::a4(2.0 * CM, 2.2 * CM, 2.0 * CM));
    let width = flow.geo.width;

    flow.heading(title, &h1, None, 0.0);
    paragraph(
        &mut flow,
        &doc.organisation,
        Style::regular(11.0),
        0.6 * 11.0,
        spacing,
    );
    paragraph(&mut flow, &doc.intro, body, gap, spacing);

    if !doc.summary.is_empty() {
        let gutter = 1.5 * SIZE;
        let label_width = doc
            .summary
            .iter()
            .flat_map(|(label, _)| fonts.wrap(label, body, f32::INFINITY))
            .map(|l| l.width)
            .fold(0.0, f32::max)
            .min(0.4 * width);
        let value_width = width - label_width - gutter;
        let table = flow.node(Kind::Table, None);
        flow.space(spacing);
        for (label, value) in &doc.summary {
            let tr = flow.node(Kind::Tr, Some(table));
            let cells = [
                Cell {
                    x: 0.0,
                    width: label_width,
                    lines: fonts.wrap(label, body, label_width),
                    node: flow.node(Kind::Th, Some(tr)),
                },
                Cell {
                    x: label_width + gutter,
                    width: value_width,
                    lines: fonts.wrap(value, bold, value_width),
                    node: flow.node(Kind::Td, Some(tr)),
                },
            ];
            flow.row(&cells, (0.0, 2.0), SIZE, gap, false);
        }
        flow.space(spacing);
    }

    // The contents list is laid out before the records; the page numbers are put in afterwards.
    // Their column has a fixed width, so the list's length never depends on them.
    let mut entries = Vec::new();
    if !doc.records.is_empty() {
        let contents = if doc.contents.trim().is_empty() {
            if doc.lang.starts_with("en") {
                "Contents"
            } else {
                "Innehåll"
            }
        } else {
            &doc.contents
        };
        flow.heading(contents, &h2, None, fonts.cap * SIZE);
        let toc = flow.node(Kind::Toc, None);
        let numbers = fonts.one_line("00000", body, width).width + SIZE;
        for (i, record) in doc.records.iter().enumerate() {
            let item = flow.node(Kind::Toci, Some(toc));
            let p = flow.node(Kind::P, Some(item));
            let lines = fonts.wrap(shown(&record.heading), body, width - numbers);
            if i > 0 {
                flow.space(gap);
            }
            entries.push((p, flow.lines(&lines, 0.0, gap, Mark::Node(p))));
        }
    }

    let label_width = 0.32 * width;
    let mut heading_pages = Vec::with_capacity(doc.records.len());
    for record in &doc.records {
        let rows: Vec<(Vec<Line>, Vec<Line>)> = record
            .fields
            .iter()
            .map(|(label, value)| {
                (
                    fonts.wrap(label, bold, label_width - 2.0 * PAD),
                    fonts.wrap(value, body, width - label_width - 2.0 * PAD),
                )
            })
            .collect();
        let keep = rows.first().map_or(0.0, |(l, v)| {
            flow.row_start(l.len().max(v.len()), PAD, SIZE, gap)
        });
        let sect = flow.node(Kind::Sect, None);
        flow.heading(shown(&record.heading), &h2, Some(sect), keep);
        heading_pages.push(flow.out.headings.last().map_or(0, |h| h.page));
        let table = flow.node(Kind::Table, Some(sect));
        for (label, value) in rows {
            let tr = flow.node(Kind::Tr, Some(table));
            let cells = [
                Cell {
                    x: 0.0,
                    width: label_width,
                    lines: label,
                    node: flow.node(Kind::Th, Some(tr)),
                },
                Cell {
                    x: label_width,
                    width: width - label_width,
                    lines: value,
                    node: flow.node(Kind::Td, Some(tr)),
                },
            ];
            flow.row(&cells, (PAD, PAD), SIZE, gap, true);
        }
    }

    for ((p, last), page) in entries.into_iter().zip(heading_pages) {
        let Some((on, y, end)) = last else { continue };
        // The space keeps the number a word of its own when the entry is read as text.
        let number = fonts.one_line(&format!(" {}", page + 1), body, width);
        let x = flow.geo.left + width - number.width;
        if let Some((from, dots)) = leaders(fonts, body, end + 0.5 * SIZE, x - 0.5 * SIZE) {
            flow.put(on, Item::text(from, y, dots, Mark::Layout));
        }
        flow.put(on, Item::text(x, y, number, Mark::Node(p)));
    }

    let header = if doc.organisation.trim().is_empty() {
        title.to_string()
    } else {
        format!("{title} – {}", doc.organisation)
    };
    flow.finish(Some(&header), &doc.generated)
}

/// Dot leaders between `from` and `to`, flush with `to`.
fn leaders(fonts: &Fonts, style: Style, from: f32, to: f32) -> Option<(f32, Line)> {
    let step = 0.47 * style.size;
    let n = ((to - from) / step).floor();
    if n < 1.0 {
        return None;
    }
    let mut line = fonts
        .wrap(&".".repeat(n as usize), style, f32::INFINITY)
        .pop()?;
    for g in &mut line.glyphs {
        g.advance = step / style.size;
    }
    line.width = n * step;
    Some((to - line.width, line))
}

fn text_layout(doc: &TextDocument, title: &str, fonts: &Fonts) -> Layout {
    const SIZE: f32 = 10.0;
    let (gap, spacing) = (0.65 * SIZE, 1.2 * SIZE);
    let body = Style::regular(SIZE);
    let h1 = Level {
        level: 1,
        size: 15.0,
        above: 0.0,
        below: 0.6 * 15.0,
        gap: 0.65 * 15.0,
    };
    let h2 = Level {
        level: 2,
        size: 11.0,
        above: 1.3 * 11.0,
        below: 0.6 * 11.0,
        gap: 0.65 * 11.0,
    };
    let mut flow = Flow::new(fonts, Geometry::a4(2.2 * CM, 2.2 * CM, 2.0 * CM));
    let width = flow.geo.width;

    flow.heading(title, &h1, None, 0.0);
    paragraph(
        &mut flow,
        &doc.organisation,
        Style::regular(11.0),
        0.65 * 11.0,
        spacing,
    );
    for p in paragraphs(&doc.body) {
        let lines = fonts.wrap(&p.lines.join("\n"), body, width);
        if !p.heading.is_empty() {
            let under = if p.lines.is_empty() {
                0
            } else {
                lines.len().min(2)
            };
            let keep = layout::block(under, fonts.cap * SIZE, gap);
            flow.heading(&p.heading, &h2, None, keep);
        }
        if !p.lines.is_empty() {
            let node = flow.node(Kind::P, None);
            flow.space(spacing);
            flow.lines(&lines, 0.0, gap, Mark::Node(node));
        }
    }
    flow.finish(None, &doc.generated)
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

    const LONG_WORD: &str = "uppföljningsrapporteringsrutinsbeskrivningsarbetsgruppsmötesprotokollsarkiveringsgallringsbeslutsunderlag";

    fn fonts() -> Fonts {
        Fonts::new().expect("the embedded fonts load")
    }

    /// How far a line's ink reaches, from its glyphs (trailing spaces may hang).
    fn reach(line: &Line) -> f32 {
        let text = line.text.trim_end();
        line.glyphs
            .iter()
            .filter(|g| g.range.start < text.len())
            .map(|g| g.advance * line.style.size)
            .sum()
    }

    #[test]
    fn wrapped_lines_never_exceed_their_width_and_lose_nothing() {
        let fonts = fonts();
        let prose = "Behandlingen omfattar åäö ÅÄÖ é – ”citat” … § 4 kap. 1 § och/eller \
                     behandlings-ändamål 2026-03-01 samt ett mycket långt ord: ";
        let texts = [
            LONG_WORD.to_string(),
            format!("{prose}{LONG_WORD} och sedan mer text."),
            "Gallras enligt dokumenthanteringsplan. ".repeat(500),
            "x".repeat(20_000),
        ];
        for style in [Style::regular(9.0), Style::bold(9.0), Style::regular(17.0)] {
            for width in [40.0, 100.0, 143.0, 317.7, 481.9] {
                for text in &texts {
                    let lines = fonts.wrap(text, style, width);
                    for line in &lines {
                        assert!(
                            line.width <= width + 0.01,
                            "{} > {width}: {}",
                            line.width,
                            line.text
                        );
                        assert!((reach(line) - line.width).abs() < 0.01, "{}", line.text);
                    }
                    let joined: String = lines.iter().map(|l| l.text.as_str()).collect();
                    assert_eq!(&joined, text, "every character is set once, in order");
                }
            }
        }
        let lines = fonts.wrap(LONG_WORD, Style::regular(9.0), 100.0);
        assert!(
            lines.len() > 3,
            "an over-long word is broken between characters"
        );
        let lines = fonts.wrap(prose_with_breaks(), Style::regular(9.0), 90.0);
        assert!(
            lines.iter().any(|l| l.text.ends_with("behandlings-")),
            "breaks after a hyphen"
        );
        assert!(
            !lines.iter().any(|l| l.text.ends_with("2026-")),
            "but not inside a date"
        );
    }

    fn prose_with_breaks() -> &'static str {
        "Ändamålet med behandlings-ändamålet anges 2026-03-01 och 2026-04-01 och 2026-05-01 \
         samt 2026-06-01"
    }

    #[test]
    fn newlines_break_lines_and_unprintable_characters_are_tamed() {
        let fonts = fonts();
        let style = Style::regular(9.0);
        let lines = fonts.wrap("rad ett\nrad två\n\nrad\tfyra\r", style, 400.0);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["rad ett ", "rad två ", "", "rad fyra"]);
        let odd = fonts.wrap("a\u{0}\u{1}b\u{feff}c\u{e000}d😀e\u{200b}f", style, 400.0);
        assert_eq!(odd.len(), 1);
        assert!(
            odd[0].glyphs.iter().all(|g| g.id != 0),
            "never the empty box"
        );
        assert!(
            !odd[0]
                .text
                .contains(['\u{0}', '\u{1}', '\u{feff}', '\u{e000}'])
        );
    }

    fn register(records: usize, long: bool) -> RegisterDocument {
        let mut d = doc(records);
        for (i, r) in d.records.iter_mut().enumerate() {
            // Records of varied length, so that headings land all over the pages.
            for j in 0..i % 7 {
                r.fields.push((
                    format!("Fält {j}"),
                    "Ett värde som tar en rad".repeat(j + 1),
                ));
            }
            if long && i == 1 {
                r.fields[0].1 = format!("{LONG_WORD} {}", "ord ".repeat(5_000));
            }
        }
        d
    }

    fn lay_out(d: &RegisterDocument) -> Layout {
        register_layout(d, &d.title, &fonts())
    }

    fn texts(layout: &Layout) -> impl Iterator<Item = (usize, f32, f32, &Line, Mark)> {
        layout.pages.iter().enumerate().flat_map(|(p, items)| {
            items.iter().filter_map(move |item| match item {
                Item::Text { x, y, line, mark } => Some((p, *x, *y, line, *mark)),
                Item::Rule { .. } => None,
            })
        })
    }

    /// The page each node's first line is on.
    fn first_page(layout: &Layout, node: usize) -> Option<usize> {
        texts(layout).find(|t| t.4 == Mark::Node(node)).map(|t| t.0)
    }

    fn children(layout: &Layout, node: usize, kind: Kind) -> Vec<usize> {
        (0..layout.nodes.len())
            .filter(|&n| layout.nodes[n].parent == Some(node) && layout.nodes[n].kind == kind)
            .collect()
    }

    #[test]
    fn everything_stays_inside_the_page_box_and_a_long_value_spreads_over_pages() {
        let d = register(12, true);
        assert!(d.records[1].fields[0].1.chars().count() > 20_000);
        let layout = lay_out(&d);
        let geo = Geometry::a4(2.0 * CM, 2.2 * CM, 2.0 * CM);
        let cap = fonts().cap;
        for (page, x, y, line, mark) in texts(&layout) {
            assert!(
                x >= geo.left - 0.01 && x + line.width <= geo.left + geo.width + 0.01,
                "{page}: {}",
                line.text
            );
            if let Mark::Node(_) | Mark::Layout = mark {
                assert!(y <= geo.bottom + 0.01, "page {page}: {} at {y}", line.text);
                assert!(
                    y - cap * line.style.size >= geo.top - 0.01,
                    "page {page}: {}",
                    line.text
                );
            }
        }
        let sects: Vec<usize> = (0..layout.nodes.len())
            .filter(|&n| layout.nodes[n].kind == Kind::Sect)
            .collect();
        let table = children(&layout, sects[1], Kind::Table)[0];
        let td = children(&layout, children(&layout, table, Kind::Tr)[0], Kind::Td)[0];
        let pages: std::collections::BTreeSet<usize> = texts(&layout)
            .filter(|t| t.4 == Mark::Node(td))
            .map(|t| t.0)
            .collect();
        assert!(
            pages.len() >= 3,
            "the 20,000 characters run over several pages: {pages:?}"
        );
        let pdf = register_pdf(&d).expect("typesets");
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn two_hundred_records_have_right_page_numbers_headers_and_contents() {
        let d = register(200, false);
        let layout = lay_out(&d);
        let total = layout.pages.len();
        assert!(total > 20, "{total} pages");
        for (i, items) in layout.pages.iter().enumerate() {
            let footer: Vec<&str> = items
                .iter()
                .filter_map(|item| match item {
                    Item::Text {
                        line,
                        mark: Mark::Footer,
                        ..
                    } => Some(line.text.as_str()),
                    _ => None,
                })
                .collect();
            assert_eq!(
                footer,
                [d.generated.as_str(), &format!("{} / {total}", i + 1)]
            );
            let headers = items
                .iter()
                .filter(|item| {
                    matches!(
                        item,
                        Item::Text {
                            mark: Mark::Header,
                            ..
                        }
                    )
                })
                .count();
            assert_eq!(headers, usize::from(i > 0), "page {}", i + 1);
        }
        // The contents list: entry i names record i's heading and the page it landed on.
        let toc = (0..layout.nodes.len())
            .find(|&n| layout.nodes[n].kind == Kind::Toc)
            .expect("a contents list");
        let entries = children(&layout, toc, Kind::Toci);
        let sects: Vec<usize> = (0..layout.nodes.len())
            .filter(|&n| layout.nodes[n].kind == Kind::Sect)
            .collect();
        assert_eq!(entries.len(), 200);
        assert_eq!(sects.len(), 200);
        for (entry, sect) in entries.iter().zip(&sects) {
            let p = children(&layout, *entry, Kind::P)[0];
            let words: Vec<&str> = texts(&layout)
                .filter(|t| t.4 == Mark::Node(p))
                .map(|t| t.3.text.as_str())
                .collect();
            let heading = children(&layout, *sect, Kind::H(2))[0];
            let landed = first_page(&layout, heading).expect("the heading is set");
            assert_eq!(
                words.first().copied(),
                Some(layout.nodes[heading].title.as_str())
            );
            assert_eq!(
                words.last().map(|w| w.trim()),
                Some((landed + 1).to_string().as_str())
            );
        }
        let pdf = register_pdf(&d).expect("typesets");
        let text = String::from_utf8_lossy(&pdf);
        let pages = text.matches("/Type/Page").count() - text.matches("/Type/Pages").count();
        assert_eq!(pages, total);
    }

    #[test]
    fn a_heading_is_never_left_alone_at_the_bottom_of_a_page() {
        for d in [register(200, false), register(40, true)] {
            let layout = lay_out(&d);
            let sects = (0..layout.nodes.len()).filter(|&n| layout.nodes[n].kind == Kind::Sect);
            for sect in sects {
                let heading = children(&layout, sect, Kind::H(2))[0];
                let table = children(&layout, sect, Kind::Table)[0];
                let row = children(&layout, table, Kind::Tr)[0];
                let th = children(&layout, row, Kind::Th)[0];
                let td = children(&layout, row, Kind::Td)[0];
                let page = first_page(&layout, heading);
                assert_eq!(
                    page,
                    first_page(&layout, th),
                    "{}",
                    layout.nodes[heading].title
                );
                assert_eq!(
                    page,
                    first_page(&layout, td),
                    "{}",
                    layout.nodes[heading].title
                );
            }
        }
    }

    #[test]
    fn an_empty_register_lays_out_one_page() {
        let layout = lay_out(&doc(0));
        assert_eq!(layout.pages.len(), 1);
        assert!(!layout.nodes.iter().any(|n| n.kind == Kind::Toc));
        let empty = RegisterDocument {
            lang: String::new(),
            title: String::new(),
            organisation: String::new(),
            author: String::new(),
            generated: String::new(),
            intro: String::new(),
            contents: String::new(),
            summary: Vec::new(),
            records: Vec::new(),
        };
        assert!(
            register_pdf(&empty)
                .expect("typesets")
                .starts_with(b"%PDF-")
        );
    }

    #[test]
    fn odd_input_still_makes_a_valid_document() {
        let odd = "nul\u{0} bell\u{7} tab\t cr\r bom\u{feff} nonchar\u{fffe}\u{ffff} pua\u{e000}\u{f0000} \
                   zwsp\u{200b} zwj\u{200d} emoji 😀👍🏽‍🚒 漢字 שלום مرحبا e\u{301} a\u{308} \u{1f1f8}\u{1f1ea}";
        let huge = format!("{odd} {}", "långt ".repeat(5_000));
        let d = RegisterDocument {
            lang: "x<>\u{0}".into(),
            title: huge.clone(),
            organisation: odd.into(),
            author: odd.into(),
            generated: huge.clone(),
            intro: odd.into(),
            contents: " ".into(),
            summary: vec![(String::new(), String::new()), (odd.into(), huge.clone())],
            records: vec![
                Section {
                    heading: String::new(),
                    fields: Vec::new(),
                },
                Section {
                    heading: "\u{1}".into(),
                    fields: vec![(String::new(), String::new())],
                },
                Section {
                    heading: huge.clone(),
                    fields: vec![(huge.clone(), odd.into()), (odd.into(), "\n\n\n".into())],
                },
            ],
        };
        let pdf = register_pdf(&d).expect("the register typesets");
        assert!(pdf.starts_with(b"%PDF-"));
        let t = TextDocument {
            lang: String::new(),
            title: "\u{1}".into(),
            organisation: String::new(),
            author: String::new(),
            generated: odd.into(),
            body: format!("{odd}\n\n1. {odd}\n{huge}\n\n2. Rubrik utan text\n\n\n\n"),
        };
        assert!(
            text_pdf(&t)
                .expect("the text typesets")
                .starts_with(b"%PDF-")
        );
        assert!(
            text_pdf(&TextDocument {
                body: String::new(),
                ..t
            })
            .is_ok()
        );
    }

    #[test]
    fn the_pdf_is_tagged_with_headings_tables_and_contents() {
        let pdf = register_pdf(&doc(3)).expect("typesets");
        let text = String::from_utf8_lossy(&pdf);
        for tag in [
            "/S/H1", "/S/H2", "/S/P", "/S/Table", "/S/TR", "/S/TH", "/S/TD", "/S/TOC", "/S/TOCI",
        ] {
            assert!(text.contains(tag), "{tag}");
        }
        assert!(text.contains("/Lang(sv)"));
        assert!(text.contains("/Scope/Row"), "label cells head their rows");
        assert!(text.contains("pdfuaid:part") && text.contains("pdfaid:part"));
        assert!(text.contains("/Outlines"), "bookmarks");
    }

    /// With poppler's pdftotext on the machine, the text reads back as it went in.
    #[test]
    fn the_text_can_be_extracted_when_pdftotext_is_installed() {
        let body =
            "1. Åtgärder\nEtt stycke med åäö ÅÄÖ é – ”citat” … § och *inte fetstil* #set $x$";
        let pdf = text_pdf(&TextDocument {
            lang: "sv".into(),
            title: "Anmälan".into(),
            organisation: "Nämnden".into(),
            author: "Ombud".into(),
            generated: "Utskriven".into(),
            body: body.into(),
        })
        .expect("typesets");
        let path = std::env::temp_dir().join(format!("ombud-pdftotext-{}.pdf", std::process::id()));
        std::fs::write(&path, &pdf).expect("writes");
        let out = std::process::Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output();
        let _ = std::fs::remove_file(&path);
        let Ok(out) = out else {
            eprintln!("pdftotext is not installed; skipped");
            return;
        };
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("1. Åtgärder"), "{text}");
        assert!(
            text.contains("Ett stycke med åäö ÅÄÖ é – ”citat” … § och *inte fetstil* #set $x$"),
            "{text}"
        );
        assert!(text.contains("Utskriven"), "{text}");
    }
}
