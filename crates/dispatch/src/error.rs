//! Validation errors that name the field and say what is wrong.

use serde::Serialize;

/// One thing wrong with an input: which field (a JSON path such as `bookings[3].window.from`,
/// or a CSV cell), and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Where: JSON path of the field, or `row N, column NAME` for CSV.
    pub field: String,
    /// What is wrong, in plain words.
    pub message: String,
    /// The CSV row (1 = the first data row under the header), for ledger imports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// The CSV column as written in the header, for ledger imports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

impl FieldError {
    /// An error on a JSON field.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
            row: None,
            column: None,
        }
    }

    /// An error in a CSV cell.
    pub fn cell(row: usize, column: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: format!("row {row}, column {column}"),
            message: message.into(),
            row: Some(row),
            column: Some(column.to_string()),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// A list of field errors collected while validating one input.
pub type Fields = Vec<FieldError>;

/// Errors of the domain's operations.
#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    /// The input is invalid; every problem found is listed.
    #[error("invalid input: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Fields),
}
