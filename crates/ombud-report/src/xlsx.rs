//! Tables as Excel workbooks: a bold, frozen header row with filters, and readable column widths.

use crate::Table;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

pub fn to_xlsx(t: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    // Excel limits sheet names to 31 characters and forbids some punctuation.
    let name: String = t
        .title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if !name.trim().is_empty() {
        sheet.set_name(name.trim())?;
    }
    let bold = Format::new().set_bold().set_text_wrap();
    let wrap = Format::new().set_text_wrap();
    for (c, h) in t.headers.iter().enumerate() {
        let col = u16::try_from(c).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, col, h, &bold)?;
        let widest = t
            .rows
            .iter()
            .map(|r| r.get(c).map_or(0, |v| v.chars().count()))
            .max()
            .unwrap_or(0);
        sheet.set_column_width(
            col,
            (widest.max(h.chars().count()) as f64 * 1.1).clamp(8.0, 60.0),
        )?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let rr = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, v) in row.iter().enumerate() {
            sheet.write_string_with_format(rr, u16::try_from(c).unwrap_or(u16::MAX), v, &wrap)?;
        }
    }
    if !t.headers.is_empty() {
        sheet.set_freeze_panes(1, 0)?;
        let last_col = u16::try_from(t.headers.len() - 1).unwrap_or(u16::MAX);
        sheet.autofilter(
            0,
            0,
            u32::try_from(t.rows.len()).unwrap_or(u32::MAX),
            last_col,
        )?;
    }
    book.save_to_buffer()
}
