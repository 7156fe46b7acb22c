//! The laid-out pages as PDF: tagged, with bookmarks and metadata, written to PDF/UA-1 and
//! PDF/A-2a, which krilla checks as it writes (a document it cannot make conform is an error, not
//! a silently worse file).

use std::num::NonZeroU16;
use std::time::{SystemTime, UNIX_EPOCH};

use krilla::Document;
use krilla::SerializeSettings;
use krilla::color::rgb;
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::error::KrillaError;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, SpanTag, TableHeaderScope, Tag, TagGroup,
    TagKind, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};

use super::PdfError;
use super::layout::{Item, Kind, Layout, Mark, Node, PAGE_H, PAGE_W, SANS, SANS_BOLD};

const BLACK: [u8; 3] = [0, 0, 0];
const GREY: [u8; 3] = [0x4a, 0x55, 0x60];
const BORDER: [u8; 3] = [0x8a, 0x96, 0xa3];

fn colour([r, g, b]: [u8; 3]) -> rgb::Color {
    rgb::Color::new(r, g, b)
}

pub(crate) struct Meta<'a> {
    pub title: &'a str,
    pub author: &'a str,
    pub lang: &'a str,
}

pub(crate) fn pdf(layout: &Layout, meta: &Meta) -> Result<Vec<u8>, PdfError> {
    let configuration = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .with_archival_validator(Archival::A2_A)
        .finish()
        .map_err(|e| PdfError(format!("{e:?}")))?;
    let mut document = Document::new_with(SerializeSettings {
        configuration,
        enable_tagging: true,
        ..SerializeSettings::default()
    });
    let font = |data: &'static [u8]| {
        Font::new(data.into(), 0).ok_or_else(|| PdfError("the embedded font is unreadable".into()))
    };
    let fonts = [font(SANS)?, font(SANS_BOLD)?];
    let a4 =
        PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| PdfError("no page size".into()))?;
    let mut leaves: Vec<Vec<Identifier>> = vec![Vec::new(); layout.nodes.len()];
    for items in &layout.pages {
        let mut page = document.start_page_with(a4.clone());
        let mut surface = page.surface();
        for item in items {
            draw(&mut surface, item, &fonts, &mut leaves);
        }
        surface.finish();
        page.finish();
    }
    document.set_outline(outline(layout));
    document.set_tag_tree(tree(&layout.nodes, leaves, meta.lang));
    let mut metadata = Metadata::new()
        .title(meta.title.to_string())
        .language(meta.lang.to_string())
        .creation_date(now());
    if !meta.author.trim().is_empty() {
        metadata = metadata.authors(vec![meta.author.to_string()]);
    }
    document.set_metadata(metadata);
    document.finish().map_err(|e| PdfError(describe(&e)))
}

fn draw(surface: &mut Surface, item: &Item, fonts: &[Font; 2], leaves: &mut [Vec<Identifier>]) {
    let artifact = |kind| ContentTag::Artifact(Artifact::with_kind(kind));
    match item {
        Item::Text { x, y, line, mark } => {
            let (tag, ink) = match mark {
                Mark::Node(_) => (ContentTag::Span(SpanTag::empty()), BLACK),
                Mark::Header => (artifact(ArtifactType::Header), GREY),
                Mark::Footer => (artifact(ArtifactType::Footer), GREY),
                Mark::Layout => (artifact(ArtifactType::Layout), BLACK),
            };
            let id = surface.start_tagged(tag);
            if !line.glyphs.is_empty() {
                surface.set_fill(Some(Fill {
                    paint: colour(ink).into(),
                    ..Fill::default()
                }));
                let glyphs: Vec<KrillaGlyph> = line
                    .glyphs
                    .iter()
                    .map(|g| {
                        KrillaGlyph::new(
                            GlyphId::new(g.id),
                            g.advance,
                            g.dx,
                            g.dy,
                            0.0,
                            g.range.clone(),
                            None,
                        )
                    })
                    .collect();
                let font = fonts[usize::from(line.style.bold)].clone();
                let at = Point::from_xy(*x, *y);
                surface.draw_glyphs(at, &glyphs, font, &line.text, line.style.size, false);
            }
            surface.end_tagged();
            if let Mark::Node(n) = mark
                && let Some(leaves) = leaves.get_mut(*n)
            {
                leaves.push(id);
            }
        }
        Item::Rule { from, to } => {
            let mut path = PathBuilder::new();
            path.move_to(from.0, from.1);
            path.line_to(to.0, to.1);
            if let Some(path) = path.finish() {
                surface.start_tagged(artifact(ArtifactType::Layout));
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: colour(BORDER).into(),
                    width: 0.5,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
                surface.end_tagged();
            }
        }
    }
}

/// The structure tree, built bottom-up: a node's children always come after it.
fn tree(nodes: &[Node], mut leaves: Vec<Vec<Identifier>>, lang: &str) -> TagTree {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut roots = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        match node.parent {
            Some(p) if p < i => children[p].push(i),
            _ => roots.push(i),
        }
    }
    let mut groups: Vec<Option<TagGroup>> = vec![None; nodes.len()];
    for i in (0..nodes.len()).rev() {
        let mut group = TagGroup::new(tag(&nodes[i]));
        for id in std::mem::take(&mut leaves[i]) {
            group.push(id);
        }
        for &c in &children[i] {
            if let Some(child) = groups[c].take() {
                group.push(child);
            }
        }
        groups[i] = Some(group);
    }
    let mut tree = TagTree::new().with_lang(Some(lang.to_string()));
    for r in roots {
        if let Some(group) = groups[r].take() {
            tree.push(group);
        }
    }
    tree
}

fn tag(node: &Node) -> TagKind {
    match node.kind {
        Kind::Sect => Tag::Section.into(),
        Kind::H(level) => Tag::Hn(
            NonZeroU16::new(level).unwrap_or(NonZeroU16::MIN),
            Some(node.title.clone()),
        )
        .into(),
        Kind::P => Tag::P.into(),
        Kind::Table => Tag::Table.into(),
        Kind::Tr => Tag::TR.into(),
        Kind::Th => Tag::TH(TableHeaderScope::Row).into(),
        Kind::Td => Tag::TD.into(),
        Kind::Toc => Tag::TOC.into(),
        Kind::Toci => Tag::TOCI.into(),
    }
}

/// Bookmarks: the headings, the second level under the first.
fn outline(layout: &Layout) -> Outline {
    let mut outline = Outline::new();
    let mut top: Option<OutlineNode> = None;
    for h in &layout.headings {
        let title = layout
            .nodes
            .get(h.node)
            .map_or(String::new(), |n| n.title.clone());
        let node = OutlineNode::new(title, XyzDestination::new(h.page, Point::from_xy(0.0, h.y)));
        match (h.level, top.as_mut()) {
            (1, _) => {
                if let Some(done) = top.replace(node.with_open(true)) {
                    outline.push_child(done);
                }
            }
            (_, Some(parent)) => parent.push_child(node),
            (_, None) => outline.push_child(node),
        }
    }
    if let Some(done) = top {
        outline.push_child(done);
    }
    outline
}

/// PDF/A requires a creation date; the clock's, in UTC.
fn now() -> DateTime {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    DateTime::new(u16::try_from(year).unwrap_or(2000))
        .month(month as u8)
        .day(day as u8)
        .hour((rest / 3600) as u8)
        .minute((rest % 3600 / 60) as u8)
        .second((rest % 60) as u8)
        .utc_offset_hour(0)
}

fn describe(e: &KrillaError) -> String {
    match e {
        KrillaError::Validation(errors) => {
            let first: Vec<String> = errors
                .iter()
                .take(5)
                .map(|(error, _)| format!("{error:?}"))
                .collect();
            format!("{e}: {}", first.join("; "))
        }
        e => e.to_string(),
    }
}
