//! Reading a spreadsheet a person uploads: `.xlsx` through calamine, cell by cell and bounded, `.csv` in
//! whatever form Excel or another tool wrote it (UTF-8 with or without BOM, or Windows-1252; `;`,
//! `,` or tab between fields).

use calamine::Reader;
use std::io::Cursor;

/// The first sheet of a file: its header row and the rows under it, as text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the file is empty")]
    Empty,
    #[error("the spreadsheet cannot be read: {0}")]
    Spreadsheet(String),
    #[error("the CSV file cannot be read: {0}")]
    Csv(String),
    #[error("the file is too large to import: {0}")]
    TooLarge(String),
}

/// The kinds of file we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Spreadsheet,
}

impl Format {
    /// Guesses from a file name or media type, and from the bytes (an xlsx/ods file is a zip, an xls
    /// file an OLE document).
    pub fn detect(name_or_type: &str, bytes: &[u8]) -> Format {
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            return Format::Spreadsheet;
        }
        let n = name_or_type.to_ascii_lowercase();
        if n.ends_with(".xlsx")
            || n.ends_with(".xls")
            || n.ends_with(".ods")
            || n.contains("spreadsheet")
            || n.contains("excel")
        {
            Format::Spreadsheet
        } else {
            Format::Csv
        }
    }
}

/// Reads the first sheet of a file.
pub fn read(bytes: &[u8], format: Format) -> Result<Sheet, ReadError> {
    let mut all = match format {
        Format::Csv => read_csv(bytes)?,
        Format::Spreadsheet => read_spreadsheet(bytes)?,
    };
    // Trailing empty rows are common in spreadsheets; they are not data.
    while all
        .last()
        .is_some_and(|r| r.iter().all(|c| c.trim().is_empty()))
    {
        all.pop();
    }
    if all.is_empty() {
        return Err(ReadError::Empty);
    }
    let header = all
        .remove(0)
        .into_iter()
        .map(|h| h.trim().to_string())
        .collect();
    Ok(Sheet { header, rows: all })
}

/// The most columns a sheet may use: a register has a few dozen.
pub const MAX_COLUMNS: u32 = 256;
/// The most rows a sheet may use (the header included).
pub const MAX_ROWS: u32 = 100_001;
/// The most cells the rectangle from A1 to the last used cell may hold: what reading allocates.
/// 10,000 rows of 200 columns fit.
pub const MAX_AREA: u64 = 2_000_000;
/// The most a spreadsheet may unpack to: its parts are XML, read whole.
pub const MAX_UNPACKED: u128 = 256 * 1024 * 1024;

fn too_large(what: String) -> ReadError {
    ReadError::TooLarge(what)
}

/// Reads the first sheet of an `.xlsx` (or `.xlsb`) cell by cell, bounded before anything is
/// allocated: the unpacked size of the file, then the rows and columns of every cell as it comes.
/// A sheet is never expanded to its declared dimensions (a 2 KB file can declare A1:XFD1048576).
/// `.xls` and `.ods` have no such reader in calamine and are refused: saved as `.xlsx`, they read.
fn read_spreadsheet(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReadError> {
    let unpacked = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ReadError::Spreadsheet(e.to_string()))?
        .decompressed_size();
    if unpacked.is_some_and(|n| n > MAX_UNPACKED) {
        return Err(too_large(format!(
            "unpacks to more than {} MB",
            MAX_UNPACKED / (1024 * 1024)
        )));
    }
    let book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| ReadError::Spreadsheet(e.to_string()))?;
    let mut cells = Cells::default();
    match book {
        calamine::Sheets::Xlsx(mut x) => {
            let name = x.sheet_names().into_iter().next().ok_or(ReadError::Empty)?;
            let mut reader = x
                .worksheet_cells_reader(&name)
                .map_err(|e| ReadError::Spreadsheet(e.to_string()))?;
            while let Some(c) = reader
                .next_cell()
                .map_err(|e| ReadError::Spreadsheet(e.to_string()))?
            {
                cells.add(c.get_position(), data_ref_text(c.get_value()))?;
            }
        }
        calamine::Sheets::Xlsb(mut x) => {
            let name = x.sheet_names().into_iter().next().ok_or(ReadError::Empty)?;
            let mut reader = x
                .worksheet_cells_reader(&name)
                .map_err(|e| ReadError::Spreadsheet(e.to_string()))?;
            while let Some(c) = reader
                .next_cell()
                .map_err(|e| ReadError::Spreadsheet(e.to_string()))?
            {
                cells.add(c.get_position(), data_ref_text(c.get_value()))?;
            }
        }
        calamine::Sheets::Xls(_) | calamine::Sheets::Ods(_) => {
            return Err(ReadError::Spreadsheet(
                "only .xlsx spreadsheets are read (or .csv)".into(),
            ));
        }
    }
    Ok(cells.into_rows())
}

/// The used cells of a sheet as they are read, with the bounds checked at each.
#[derive(Default)]
struct Cells {
    used: Vec<((u32, u32), String)>,
    rows: u32,
    columns: u32,
}

impl Cells {
    fn add(&mut self, (row, col): (u32, u32), text: String) -> Result<(), ReadError> {
        if text.is_empty() {
            return Ok(());
        }
        if row >= MAX_ROWS {
            return Err(too_large(format!("more than {MAX_ROWS} rows")));
        }
        if col >= MAX_COLUMNS {
            return Err(too_large(format!("more than {MAX_COLUMNS} columns")));
        }
        self.rows = self.rows.max(row + 1);
        self.columns = self.columns.max(col + 1);
        if u64::from(self.rows) * u64::from(self.columns) > MAX_AREA {
            return Err(too_large(format!(
                "{} rows of {} columns (at most {MAX_AREA} cells)",
                self.rows, self.columns
            )));
        }
        self.used.push(((row, col), text));
        Ok(())
    }

    fn into_rows(self) -> Vec<Vec<String>> {
        let mut out = vec![vec![String::new(); self.columns as usize]; self.rows as usize];
        for ((r, c), text) in self.used {
            out[r as usize][c as usize] = text;
        }
        out
    }
}

fn data_ref_text(c: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef;
    match c {
        DataRef::Empty => String::new(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::String(s) => s.clone(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => if *b { "Ja" } else { "Nej" }.to_string(),
        DataRef::DateTime(d) => excel_date(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

/// An Excel serial date (days since 1899-12-30) as `YYYY-MM-DD`.
fn excel_date(serial: f64) -> String {
    let days = serial.floor() as i64;
    // Days from 1899-12-30 to 1970-01-01.
    let unix_days = days - 25_569;
    let (y, m, d) = civil_from_days(unix_days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReadError> {
    let text = decode(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let first = text.lines().next().unwrap_or_default();
    let delimiter = [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b';');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| ReadError::Csv(e.to_string()))?;
        if out.len() >= MAX_ROWS as usize {
            return Err(too_large(format!("more than {MAX_ROWS} rows")));
        }
        if rec.len() > MAX_COLUMNS as usize {
            return Err(too_large(format!("more than {MAX_COLUMNS} columns")));
        }
        // An export of ours marked formula-like cells; the mark is not part of the value.
        out.push(rec.iter().map(crate::csv::restore).collect());
    }
    Ok(out)
}

/// UTF-8 if it is valid UTF-8, else Windows-1252 (what Excel on Windows writes as "CSV").
fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|b| cp1252(*b)).collect(),
    }
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolon_csv_with_bom_and_quotes() {
        let s = read(
            "\u{feff}Behandling;Ändamål\r\nElevregister;\"Skola; betyg\"\r\n\r\n".as_bytes(),
            Format::Csv,
        )
        .expect("reads");
        assert_eq!(s.header, vec!["Behandling", "Ändamål"]);
        assert_eq!(
            s.rows,
            vec![vec!["Elevregister".to_string(), "Skola; betyg".to_string()]]
        );
    }

    #[test]
    fn comma_csv_and_windows_1252() {
        let bytes = b"Behandling,\xc4ndam\xe5l\nL\xf6n,Utbetalning\n";
        let s = read(bytes, Format::Csv).expect("reads");
        assert_eq!(s.header, vec!["Behandling", "Ändamål"]);
        assert_eq!(
            s.rows[0],
            vec!["Lön".to_string(), "Utbetalning".to_string()]
        );
    }

    #[test]
    fn an_empty_file_is_an_error() {
        assert!(matches!(read(b"", Format::Csv), Err(ReadError::Empty)));
    }

    #[test]
    fn excel_serial_dates_become_iso_dates() {
        assert_eq!(excel_date(45_000.0), "2023-03-15");
        assert_eq!(excel_date(25_569.0), "1970-01-01");
    }

    #[test]
    fn an_xlsx_written_by_us_reads_back() {
        let t = crate::Table {
            title: "Register".into(),
            headers: vec!["Behandling".into(), "Ändamål".into()],
            rows: vec![vec!["Elevregister".into(), "Skolans uppdrag".into()]],
        };
        let bytes = crate::xlsx::to_xlsx(&t).expect("writes");
        assert_eq!(Format::detect("x.bin", &bytes), Format::Spreadsheet);
        let s = read(&bytes, Format::Spreadsheet).expect("reads");
        assert_eq!(s.header, t.headers);
        assert_eq!(s.rows, t.rows);
    }

    #[test]
    fn garbage_is_not_a_spreadsheet() {
        assert!(read(b"PK\x03\x04garbage", Format::Spreadsheet).is_err());
    }

    /// A minimal workbook whose one sheet holds `cells` (reference, text).
    fn workbook(cells: &[(&str, &str)]) -> Vec<u8> {
        use std::io::Write;
        let mut rows: Vec<(u32, String)> = Vec::new();
        for (r, t) in cells {
            let row: u32 = r
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .parse()
                .expect("a row");
            rows.push((
                row,
                format!(r#"<c r="{r}" t="inlineStr"><is><t>{t}</t></is></c>"#),
            ));
        }
        let sheet_data: String = rows
            .iter()
            .map(|(n, c)| format!(r#"<row r="{n}">{c}</row>"#))
            .collect();
        let parts = [
            ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
            ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
            ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
            ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
            ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>{sheet_data}</sheetData></worksheet>"#)),
        ];
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, body) in parts {
            z.start_file(name, opts).expect("a part");
            z.write_all(body.as_bytes()).expect("written");
        }
        z.finish().expect("a zip").into_inner()
    }

    #[test]
    fn a_sheet_spanning_the_whole_grid_is_refused_without_allocating_it() {
        // Two cells, A1 and XFD1048576: 17 billion cells if expanded.
        let sparse = workbook(&[("A1", "Behandling"), ("XFD1048576", "x")]);
        assert!(sparse.len() < 4096);
        assert!(matches!(
            read(&sparse, Format::Spreadsheet),
            Err(ReadError::TooLarge(_))
        ));
        // Within the columns, past the rows; within both, past the area.
        for far in ["B200000", "IV9000"] {
            let book = workbook(&[("A1", "Behandling"), (far, "x")]);
            assert!(
                matches!(
                    read(&book, Format::Spreadsheet),
                    Err(ReadError::TooLarge(_))
                ),
                "{far}"
            );
        }
        // A declared dimension alone is not a cell: this one reads, as two rows.
        let fine = workbook(&[("A1", "Behandling"), ("B3", "x")]);
        let s = read(&fine, Format::Spreadsheet).expect("reads");
        assert_eq!(s.header, vec!["Behandling".to_string(), String::new()]);
        assert_eq!(
            s.rows,
            vec![vec![String::new(); 2], vec![String::new(), "x".into()]]
        );
    }

    #[test]
    fn a_csv_past_the_bounds_is_refused() {
        let wide = vec!["x"; MAX_COLUMNS as usize + 1].join(";");
        assert!(matches!(
            read(wide.as_bytes(), Format::Csv),
            Err(ReadError::TooLarge(_))
        ));
        let long = "a;b\n".repeat(MAX_ROWS as usize + 1);
        assert!(matches!(
            read(long.as_bytes(), Format::Csv),
            Err(ReadError::TooLarge(_))
        ));
    }
}
