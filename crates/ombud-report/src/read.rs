//! Reading a spreadsheet a person uploads: `.xlsx` (and `.xls`, `.ods`) through calamine, `.csv` in
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

fn read_spreadsheet(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReadError> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| ReadError::Spreadsheet(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(ReadError::Empty)?
        .map_err(|e| ReadError::Spreadsheet(e.to_string()))?;
    Ok(range
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect())
}

fn cell_text(c: &calamine::Data) -> String {
    use calamine::Data;
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "Ja" } else { "Nej" }.to_string(),
        Data::DateTime(d) => excel_date(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
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
        out.push(rec.iter().map(String::from).collect());
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
}
