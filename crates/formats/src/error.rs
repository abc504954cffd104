//! The one error type of the readers: where (file, line) and what.

use thiserror::Error;

/// A file that cannot be read as the format it was given as.
///
/// Every error names the 1-based line it was found on; errors about the file as a whole
/// (a missing section, an empty file) name the line where the reader gave up.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{}{}{kind}", file_prefix(.file), line_prefix(*.line))]
pub struct FormatError {
    /// The name the caller gave for the file (empty when none was given).
    pub file: String,
    /// 1-based line number (0 for errors about a JSON field, which name its path instead).
    pub line: usize,
    /// What is wrong.
    pub kind: ErrorKind,
}

fn line_prefix(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!("line {line}: ")
    }
}

fn file_prefix(file: &str) -> String {
    if file.is_empty() {
        String::new()
    } else {
        format!("{file}: ")
    }
}

/// What is wrong with a line or a file.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Nothing but white space.
    #[error("the file is empty")]
    Empty,
    /// A data line with the wrong number of fields.
    #[error("expected {expected} numbers ({fields}), got {got}")]
    FieldCount {
        /// How many fields the line must have.
        expected: usize,
        /// Their names, in order.
        fields: &'static str,
        /// How many it has.
        got: usize,
    },
    /// A field that does not parse as a finite number.
    #[error("{what} is not a number: '{text}'")]
    NotANumber {
        /// The field.
        what: String,
        /// Its text.
        text: String,
    },
    /// A count, id or load with a fractional part.
    #[error("{what} must be a whole number: '{text}'")]
    NotAWholeNumber {
        /// The field.
        what: String,
        /// Its text.
        text: String,
    },
    /// A number too large in magnitude to be meant (beyond ±1e9).
    #[error("{what} is out of range: '{text}'")]
    OutOfRange {
        /// The field.
        what: String,
        /// Its text.
        text: String,
    },
    /// A negative value where only non-negative ones make sense.
    #[error("{what} is negative: {value}")]
    Negative {
        /// The field.
        what: String,
        /// Its value.
        value: f64,
    },
    /// A required section or header key is absent.
    #[error("missing {0}")]
    Missing(String),
    /// Well-formed, but outside what the reader supports.
    #[error("not supported: {0}")]
    Unsupported(String),
    /// A line that belongs to no part of the format.
    #[error("unexpected line: '{0}'")]
    Unexpected(String),
    /// A node number given twice.
    #[error("node {0} is given twice")]
    DuplicateNode(i64),
    /// Nodes must be numbered consecutively in file order.
    #[error("expected node {expected}, got {got}")]
    NodeOrder {
        /// The number the line should carry.
        expected: i64,
        /// The number it carries.
        got: i64,
    },
    /// A reference to a node that does not exist.
    #[error("{what} refers to node {id}, which does not exist")]
    UnknownNode {
        /// The referring field.
        what: String,
        /// The number referred to.
        id: i64,
    },
    /// A pick-up with a negative demand (or load).
    #[error("pick-up has a negative demand: {0}")]
    NegativePickup(f64),
    /// Parts of the file that contradict each other (a pick-up and a delivery that do not
    /// match, a header count that the lines do not have).
    #[error("{0}")]
    Inconsistent(String),
    /// A time window that closes before it opens.
    #[error("time window closes before it opens: [{early}, {late}]")]
    InvertedWindow {
        /// Opening.
        early: f64,
        /// Closing.
        late: f64,
    },
    /// More locations or vehicles than a full matrix can hold.
    #[error("too many {what}: {count} (at most {max})")]
    TooMany {
        /// Locations or vehicles.
        what: &'static str,
        /// How many the file has.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A JSON problem that is malformed or inconsistent (the message names the field).
    #[error("{0}")]
    Json(String),
    /// A CSV line that cannot be split into fields.
    #[error("CSV: {0}")]
    Csv(String),
}

/// Builds errors for one named file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Src<'a> {
    pub file: &'a str,
}

impl Src<'_> {
    pub fn err(self, line: usize, kind: ErrorKind) -> FormatError {
        FormatError {
            file: self.file.to_string(),
            line,
            kind,
        }
    }
}
