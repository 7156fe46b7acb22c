//! Ombud's documents: the registers as CSV (and Excel), the reports as documents.
//!
//! Everything here turns already-decided content (a [`Table`]) into bytes; what goes into a table is
//! decided by the domain.

pub mod csv;
pub mod pdf;
pub mod read;
pub mod xlsx;

/// A table: headers and rows of text, the shape every export has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}
