//! Layout without PDF: text shaped with the embedded fonts, broken into lines that never exceed
//! their width, and stacked onto A4 pages as positioned items, each marked with the structure
//! element (or artifact) it belongs to. Drawing only turns this into PDF, so the layout can be
//! tested on numbers.
//!
//! Coordinates are points from the top left of the page, y downwards (as krilla draws). Vertical
//! metrics follow Typst's, which the documents used to be set with: a line reaches from its
//! baseline up to the capital height, and `gap` is the space between one baseline and the next
//! line's capital height.

use std::ops::Range;

use rustybuzz::{Direction, Face, UnicodeBuffer};

use super::PdfError;

pub(crate) const PAGE_W: f32 = 595.28;
pub(crate) const PAGE_H: f32 = 841.89;
pub(crate) const CM: f32 = 72.0 / 2.54;
/// Float slack, so that a line measured to exactly the width still fits.
const EPS: f32 = 0.01;

pub(crate) static SANS: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
pub(crate) static SANS_BOLD: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Style {
    pub bold: bool,
    pub size: f32,
}

impl Style {
    pub(crate) const fn regular(size: f32) -> Self {
        Self { bold: false, size }
    }

    pub(crate) const fn bold(size: f32) -> Self {
        Self { bold: true, size }
    }
}

/// A shaped glyph: advance and offsets in em, `range` the bytes of its line's text it stands for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Glyph {
    pub id: u32,
    pub advance: f32,
    pub dx: f32,
    pub dy: f32,
    pub range: Range<usize>,
}

/// One line of text as it is drawn. `width` leaves out trailing spaces: they are kept (so that
/// copied text has its word breaks) but may hang into the margin.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Line {
    pub text: String,
    pub glyphs: Vec<Glyph>,
    pub width: f32,
    pub style: Style,
}

impl Line {
    fn empty(style: Style) -> Self {
        Self {
            text: String::new(),
            glyphs: Vec::new(),
            width: 0.0,
            style,
        }
    }
}

/// Glyphs that stand for one piece of text and are never split: the unit of line breaking.
struct Cluster {
    bytes: Range<usize>,
    glyphs: Range<usize>,
    width: f32,
    space: bool,
    break_after: bool,
}

/// The two faces, parsed once per document.
pub(crate) struct Fonts {
    regular: Face<'static>,
    bold: Face<'static>,
    /// Capital height in em.
    pub cap: f32,
}

impl Fonts {
    pub(crate) fn new() -> Result<Self, PdfError> {
        let face = |data| {
            Face::from_slice(data, 0)
                .ok_or_else(|| PdfError("the embedded font is unreadable".into()))
        };
        let regular = face(SANS)?;
        let em = regular.units_per_em().max(1) as f32;
        let cap = regular.capital_height().map_or(0.73, |c| f32::from(c) / em);
        Ok(Self {
            regular,
            bold: face(SANS_BOLD)?,
            cap,
        })
    }

    fn face(&self, bold: bool) -> &Face<'static> {
        if bold { &self.bold } else { &self.regular }
    }

    fn replacement(&self, bold: bool) -> char {
        if self.face(bold).glyph_index('\u{fffd}').is_some() {
            '\u{fffd}'
        } else {
            '?'
        }
    }

    /// Text the font can draw and a PDF/A or PDF/UA validator accepts: a tab becomes a space,
    /// control and invisible format characters go, and anything the font lacks (or the private use
    /// area, which has no meaning in a document) becomes the replacement character. A glyph the
    /// font lacks would otherwise make the whole document fail validation.
    fn clean(&self, text: &str, bold: bool) -> String {
        let face = self.face(bold);
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            let code = c as u32;
            let noncharacter = (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE;
            let invisible = matches!(code, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F
                | 0xFE00..=0xFE0F | 0xFFF9..=0xFFFB | 0xE0000..=0xE0FFF);
            let private = matches!(code, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF);
            match c {
                '\t' => out.push(' '),
                // U+FEFF cannot be mapped back to text in a PDF (krilla refuses it).
                _ if c.is_control() || noncharacter || c == '\u{feff}' => {}
                _ if invisible && face.glyph_index(c).is_none() => {}
                _ if private || face.glyph_index(c).is_none() => out.push(self.replacement(bold)),
                _ => out.push(c),
            }
        }
        out
    }

    /// Shapes one line's worth of clean text (no newlines) left to right.
    fn shape(&self, text: &str, style: Style) -> (Vec<Glyph>, Vec<Cluster>) {
        if text.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let face = self.face(style.bold);
        let em = face.units_per_em().max(1) as f32;
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        // Forced, so that clusters run forwards: bidirectional text is out of scope.
        buffer.set_direction(Direction::LeftToRight);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(face, &[], buffer);
        let infos = shaped.glyph_infos();
        let fallback = face.glyph_index(self.replacement(style.bold));
        let mut glyphs = Vec::with_capacity(infos.len());
        for (i, (info, pos)) in infos.iter().zip(shaped.glyph_positions()).enumerate() {
            let start = info.cluster as usize;
            let end = infos[i + 1..]
                .iter()
                .map(|n| n.cluster as usize)
                .find(|&c| c > start)
                .unwrap_or(text.len());
            // Checked where the line is cut from the text (`line`).
            let range = start..end;
            let (id, advance) = match (info.glyph_id, fallback) {
                // Never the empty box: it would fail validation.
                (0, Some(g)) => (
                    u32::from(g.0),
                    f32::from(face.glyph_hor_advance(g).unwrap_or(0)) / em,
                ),
                (id, _) => (id, pos.x_advance as f32 / em),
            };
            glyphs.push(Glyph {
                id,
                advance,
                dx: pos.x_offset as f32 / em,
                dy: pos.y_offset as f32 / em,
                range,
            });
        }
        let mut clusters: Vec<Cluster> = Vec::new();
        for (i, g) in glyphs.iter().enumerate() {
            let width = g.advance * style.size;
            match clusters.last_mut() {
                Some(c) if c.bytes == g.range => {
                    c.glyphs.end = i + 1;
                    c.width += width;
                }
                _ => clusters.push(Cluster {
                    bytes: g.range.clone(),
                    glyphs: i..i + 1,
                    width,
                    space: false,
                    break_after: false,
                }),
            }
        }
        for c in &mut clusters {
            let s = text.get(c.bytes.clone()).unwrap_or_default();
            c.space = !s.is_empty()
                && s.chars()
                    .all(|ch| ch.is_whitespace() && ch != '\u{a0}' && ch != '\u{202f}');
            // After a hyphen or dash between letters ("behandlings-ändamål", "och/eller"), but not
            // inside numbers and dates ("2026-03-01").
            let before = text
                .get(..c.bytes.start)
                .and_then(|t| t.chars().next_back());
            let after = text.get(c.bytes.end..).and_then(|t| t.chars().next());
            c.break_after = matches!(s, "-" | "\u{2010}" | "\u{2013}" | "\u{2014}" | "/")
                && before.is_some_and(char::is_alphanumeric)
                && after.is_some_and(char::is_alphabetic);
        }
        (glyphs, clusters)
    }

    /// Breaks text into lines no wider than `width`: at newlines, after spaces and hyphens, and
    /// where nothing else helps, between any two characters of an over-long word.
    pub(crate) fn wrap(&self, text: &str, style: Style, width: f32) -> Vec<Line> {
        let mut lines = Vec::new();
        let mut segments = text.split('\n').peekable();
        while let Some(segment) = segments.next() {
            let mut segment = self.clean(segment, style.bold);
            // A forced break still separates words for whoever reads the text rather than the
            // page (PDF/A-2a asks for a space at the end of such a line); it hangs, unseen.
            if segments.peek().is_some() && !segment.is_empty() && !segment.ends_with(' ') {
                segment.push(' ');
            }
            let (glyphs, clusters) = self.shape(&segment, style);
            if clusters.is_empty() {
                lines.push(Line::empty(style));
            }
            let mut rest = &clusters[..];
            while !rest.is_empty() {
                let (first, more) = rest.split_at(fit(rest, width));
                lines.push(line(&segment, &glyphs, first, style));
                rest = more;
            }
        }
        lines
    }

    /// One line, cut short with "…" when the text does not fit (headers and footers).
    pub(crate) fn one_line(&self, text: &str, style: Style, width: f32) -> Line {
        // A line holds a few hundred characters at most; the rest need not be shaped.
        let head: String = text.chars().take(1000).collect();
        let mut lines = self.wrap(&head.replace('\n', " "), style, width);
        if lines.len() < 2 {
            return lines.pop().unwrap_or(Line::empty(style));
        }
        let mut cut = lines[0].text.trim_end().to_string();
        loop {
            let line = self
                .wrap(&format!("{cut}…"), style, f32::INFINITY)
                .pop()
                .unwrap_or(Line::empty(style));
            if line.width <= width + EPS || cut.is_empty() {
                return line;
            }
            cut.pop();
        }
    }
}

/// How many clusters start the next line: as many as fit, back to the last break opportunity;
/// at least one, so that every line makes progress.
fn fit(clusters: &[Cluster], width: f32) -> usize {
    let mut used = 0.0;
    let mut last_break = None;
    for (i, c) in clusters.iter().enumerate() {
        if i > 0 && !c.space && used + c.width > width + EPS {
            return last_break.unwrap_or(i);
        }
        used += c.width;
        if c.space || c.break_after {
            last_break = Some(i + 1);
        }
    }
    clusters.len()
}

fn line(text: &str, glyphs: &[Glyph], clusters: &[Cluster], style: Style) -> Line {
    let (Some(first), Some(last)) = (clusters.first(), clusters.last()) else {
        return Line::empty(style);
    };
    let base = first.bytes.start;
    let trailing = clusters.iter().rev().take_while(|c| c.space).count();
    let text = text
        .get(base..last.bytes.end)
        .unwrap_or_default()
        .to_string();
    // krilla slices the text with these ranges: they must lie inside it, on character boundaries.
    let valid = |r: &Range<usize>| {
        r.start <= r.end && text.is_char_boundary(r.start) && text.is_char_boundary(r.end)
    };
    Line {
        glyphs: glyphs
            .get(first.glyphs.start..last.glyphs.end)
            .unwrap_or_default()
            .iter()
            .map(|g| {
                let range = g.range.start.saturating_sub(base)..g.range.end.saturating_sub(base);
                Glyph {
                    range: if valid(&range) { range } else { 0..text.len() },
                    ..g.clone()
                }
            })
            .collect(),
        text,
        width: clusters[..clusters.len() - trailing]
            .iter()
            .map(|c| c.width)
            .sum(),
        style,
    }
}

/// What an item on a page is, for the structure tree: content of a structure element, or an
/// artifact that assistive technology skips.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mark {
    Node(usize),
    Header,
    Footer,
    Layout,
}

#[derive(Clone, Debug)]
pub(crate) enum Item {
    /// A line of text, `y` its baseline.
    Text {
        x: f32,
        y: f32,
        line: Line,
        mark: Mark,
    },
    /// A table border (always an artifact).
    Rule { from: (f32, f32), to: (f32, f32) },
}

impl Item {
    pub(crate) fn text(x: f32, y: f32, line: Line, mark: Mark) -> Self {
        Self::Text { x, y, line, mark }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Sect,
    H(u16),
    P,
    Table,
    Tr,
    Th,
    Td,
    Toc,
    Toci,
}

/// A structure element; the tree is kept as parent links, children in the order they were made
/// (which is the reading order).
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub kind: Kind,
    pub parent: Option<usize>,
    /// A heading's text, for the structure tree and the bookmarks.
    pub title: String,
}

#[derive(Clone, Debug)]
pub(crate) struct Heading {
    pub node: usize,
    pub level: u16,
    pub page: usize,
    /// Top of the heading's first line.
    pub y: f32,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Layout {
    pub pages: Vec<Vec<Item>>,
    pub nodes: Vec<Node>,
    pub headings: Vec<Heading>,
}

/// The content box of a page: left edge, width, top and bottom (from the page's top).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Geometry {
    pub left: f32,
    pub width: f32,
    pub top: f32,
    pub bottom: f32,
}

impl Geometry {
    pub(crate) fn a4(x: f32, top: f32, bottom: f32) -> Self {
        Self {
            left: x,
            width: PAGE_W - 2.0 * x,
            top,
            bottom: PAGE_H - bottom,
        }
    }
}

/// A heading level's look: size, space above and below, gap between its lines.
pub(crate) struct Level {
    pub level: u16,
    pub size: f32,
    pub above: f32,
    pub below: f32,
    pub gap: f32,
}

/// A table cell: `x` from the content box's left edge, its lines already wrapped.
pub(crate) struct Cell {
    pub x: f32,
    pub width: f32,
    pub lines: Vec<Line>,
    pub node: usize,
}

/// Height of `n` lines.
pub(crate) fn block(n: usize, cap: f32, gap: f32) -> f32 {
    if n == 0 {
        0.0
    } else {
        n as f32 * cap + (n - 1) as f32 * gap
    }
}

/// Places content top to bottom, page after page.
pub(crate) struct Flow<'f> {
    pub fonts: &'f Fonts,
    pub geo: Geometry,
    pub out: Layout,
    /// Bottom of what has been placed on the current page.
    y: f32,
    /// Space owed before the next content; collapses (the larger wins) and is dropped at a page
    /// break.
    pending: f32,
    /// Under a heading, whose own space below wins: a heading stays close to what it heads.
    held: bool,
    fresh: bool,
}

impl<'f> Flow<'f> {
    pub(crate) fn new(fonts: &'f Fonts, geo: Geometry) -> Self {
        Self {
            fonts,
            geo,
            out: Layout {
                pages: vec![Vec::new()],
                ..Layout::default()
            },
            y: geo.top,
            pending: 0.0,
            held: false,
            fresh: true,
        }
    }

    pub(crate) fn node(&mut self, kind: Kind, parent: Option<usize>) -> usize {
        self.out.nodes.push(Node {
            kind,
            parent,
            title: String::new(),
        });
        self.out.nodes.len() - 1
    }

    pub(crate) fn space(&mut self, h: f32) {
        if !self.held {
            self.pending = self.pending.max(h);
        }
    }

    fn room(&self) -> f32 {
        let pending = if self.fresh { 0.0 } else { self.pending };
        self.geo.bottom - self.y - pending
    }

    fn fits(&self, h: f32) -> bool {
        self.fresh || h <= self.room() + EPS
    }

    fn page(&self) -> usize {
        self.out.pages.len() - 1
    }

    fn new_page(&mut self) {
        self.out.pages.push(Vec::new());
        self.y = self.geo.top;
        self.pending = 0.0;
        self.held = false;
        self.fresh = true;
    }

    /// Reserves `h` points, on a new page if they do not fit; returns their top.
    fn take(&mut self, h: f32) -> f32 {
        if !self.fits(h) {
            self.new_page();
        }
        if !self.fresh {
            self.y += self.pending;
        }
        self.pending = 0.0;
        self.held = false;
        self.fresh = false;
        let top = self.y;
        self.y += h;
        top
    }

    pub(crate) fn put(&mut self, page: usize, item: Item) {
        if let Some(items) = self.out.pages.get_mut(page) {
            items.push(item);
        }
    }

    fn text(&mut self, x: f32, y: f32, line: Line, mark: Mark) {
        let page = self.page();
        self.put(page, Item::text(x, y, line, mark));
    }

    /// Stacks lines at `x` (from the left edge), breaking pages between them; returns the page,
    /// baseline and right end of the last one.
    pub(crate) fn lines(
        &mut self,
        lines: &[Line],
        x: f32,
        gap: f32,
        mark: Mark,
    ) -> Option<(usize, f32, f32)> {
        let mut last = None;
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                self.space(gap);
            }
            let cap = self.fonts.cap * line.style.size;
            let y = self.take(cap) + cap;
            let x = self.geo.left + x;
            self.text(x, y, line.clone(), mark);
            last = Some((self.page(), y, x + line.width));
        }
        last
    }

    /// A heading, moved to the next page unless `keep` points of what follows fit under it.
    pub(crate) fn heading(
        &mut self,
        text: &str,
        look: &Level,
        parent: Option<usize>,
        keep: f32,
    ) -> usize {
        let style = Style::bold(look.size);
        let mut lines = self.fonts.wrap(text, style, self.geo.width);
        let clean = self.fonts.clean(&text.replace('\n', " "), true);
        let mut title: String = clean
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(400)
            .collect();
        // PDF/UA wants every heading to have a text.
        if title.trim().is_empty() {
            title = "–".into();
            lines = self.fonts.wrap(&title, style, self.geo.width);
        }
        let height = block(lines.len(), self.fonts.cap * look.size, look.gap);
        let node = self.node(Kind::H(look.level), parent);
        self.out.nodes[node].title = title;
        self.space(look.above);
        if !self.fits(height + look.below + keep) {
            self.new_page();
        }
        let y = if self.fresh {
            self.y
        } else {
            self.y + self.pending
        };
        let page = self.page();
        self.lines(&lines, 0.0, look.gap, Mark::Node(node));
        self.out.headings.push(Heading {
            node,
            level: look.level,
            page,
            y,
        });
        self.space(look.below);
        self.held = true;
        node
    }

    /// The least of a row that must fit for it to start here: all of it when it is short (short
    /// rows move whole to the next page), else one line.
    pub(crate) fn row_start(&self, lines: usize, pad: f32, size: f32, gap: f32) -> f32 {
        let cap = self.fonts.cap * size;
        let full = 2.0 * pad + block(lines, cap, gap);
        if full <= self.short() {
            full
        } else {
            2.0 * pad + cap
        }
    }

    fn short(&self) -> f32 {
        (self.geo.bottom - self.geo.top) / 4.0
    }

    /// A table row. One that does not fit is split between lines over as many pages as it takes,
    /// each part with its own borders; a short one moves whole to the next page instead.
    pub(crate) fn row(
        &mut self,
        cells: &[Cell],
        pad: (f32, f32),
        size: f32,
        gap: f32,
        rules: bool,
    ) {
        let cap = self.fonts.cap * size;
        let mut done = vec![0usize; cells.len()];
        let mut first = true;
        loop {
            let left = cells
                .iter()
                .zip(&done)
                .map(|(c, d)| c.lines.len().saturating_sub(*d))
                .max()
                .unwrap_or(0);
            let full = 2.0 * pad.1 + block(left, cap, gap);
            let room = self.room();
            let n = if full <= room + EPS {
                left
            } else {
                let spare = room - 2.0 * pad.1 - cap;
                let k = if spare < -EPS {
                    0
                } else {
                    ((spare + EPS) / (cap + gap)).floor() as usize + 1
                };
                if !self.fresh && (k == 0 || (first && full <= self.short())) {
                    self.new_page();
                    continue;
                }
                k.max(1).min(left)
            };
            let height = 2.0 * pad.1 + block(n, cap, gap);
            let top = self.take(height);
            for (cell, d) in cells.iter().zip(done.iter_mut()) {
                let end = (*d + n).min(cell.lines.len());
                for (j, line) in cell.lines[*d..end].iter().enumerate() {
                    let y = top + pad.1 + cap + j as f32 * (cap + gap);
                    self.text(
                        self.geo.left + cell.x + pad.0,
                        y,
                        line.clone(),
                        Mark::Node(cell.node),
                    );
                }
                *d = end;
            }
            if rules {
                self.rules(cells, top, top + height);
            }
            first = false;
            if cells.iter().zip(&done).all(|(c, d)| *d >= c.lines.len()) {
                return;
            }
        }
    }

    fn rules(&mut self, cells: &[Cell], top: f32, bottom: f32) {
        let page = self.page();
        let (Some(first), Some(last)) = (cells.first(), cells.last()) else {
            return;
        };
        let x0 = self.geo.left + first.x;
        let x1 = self.geo.left + last.x + last.width;
        for y in [top, bottom] {
            self.put(
                page,
                Item::Rule {
                    from: (x0, y),
                    to: (x1, y),
                },
            );
        }
        for x in cells.iter().map(|c| c.x).chain([last.x + last.width]) {
            let x = self.geo.left + x;
            self.put(
                page,
                Item::Rule {
                    from: (x, top),
                    to: (x, bottom),
                },
            );
        }
    }

    /// Adds the running header (from the second page) and the footer with "page / pages".
    pub(crate) fn finish(mut self, header: Option<&str>, footer: &str) -> Layout {
        let small = Style::regular(8.0);
        let (left, width) = (self.geo.left, self.geo.width);
        let header_y = 0.7 * self.geo.top;
        let footer_y = PAGE_H - 0.7 * (PAGE_H - self.geo.bottom) + self.fonts.cap * small.size;
        let total = self.out.pages.len();
        let widest = self
            .fonts
            .one_line(&format!("{total} / {total}"), small, width);
        let header = header.map(|h| self.fonts.one_line(h, small, width));
        let footer = self
            .fonts
            .one_line(footer, small, (width - widest.width - 16.0).max(0.0));
        for (i, items) in self.out.pages.iter_mut().enumerate() {
            if let (Some(line), true) = (&header, i > 0) {
                items.push(Item::text(left, header_y, line.clone(), Mark::Header));
            }
            let number = self
                .fonts
                .one_line(&format!("{} / {total}", i + 1), small, width);
            let x = left + width - number.width;
            items.push(Item::text(left, footer_y, footer.clone(), Mark::Footer));
            items.push(Item::text(x, footer_y, number, Mark::Footer));
        }
        self.out
    }
}
