//! Validation errors that name the field and say what is wrong.
//!
//! What is wrong is a [`Problem`]: a stable code (`not_a_number`, `range`, …), the values
//! the words need (`{value}`, `{min}`, …), and the English words. The web page shows the words
//! of its own language for the code, filled with the values; other clients may use the English
//! `message`. Each crate declares its codes once, with their words, in a `problems` module
//! ([`declare_problems!`]); [`crate::problems`] holds the domain's.

use std::collections::BTreeMap;

use serde::Serialize;

/// What is wrong with one input: a stable code, its values, and the same in English words.
///
/// With the `openapi` feature it describes itself to the server's OpenAPI document (as
/// `Detail`, the `detail` of a conflict), so the document shows what is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Detail))]
pub struct Problem {
    /// Stable, `snake_case`; the page translates `field_msg.<code>`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub code: &'static str,
    /// The values the words name, as text by placeholder (`{value}` in the text ↔ `"value"`
    /// here); left out when none.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<std::collections::HashMap<String, String>>, nullable = false)
    )]
    pub params: BTreeMap<&'static str, String>,
    /// The words, in English.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A code of a [`Problem`] as its crate's registry declares it (see [`declare_problems!`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// Stable, `snake_case`.
    pub code: &'static str,
    /// The English words, with `{name}` placeholders.
    pub text: &'static str,
    /// The values the words name.
    pub params: &'static [&'static str],
}

/// A crate's registry of problem codes, each declared once with the values its words name and
/// the English words: `declare_problems! { range(min, max) => "must be {min} to {max}"; }`.
///
/// Each entry becomes a function, `range(min, max)`, that returns the [`Problem`] with every
/// value as a parameter (as text, so a translation can use the same placeholders) and the words
/// filled in; `ALL` lists every entry for the tests and the pages' dictionaries. The compiler
/// checks that the words name every value and nothing else. Placeholders take no format spec
/// (the value is already text: `{x:.1}` would cut it; the server's `tests/messages.rs` refuses
/// one). A problem is made only through a registry: its codes are all in some `ALL`.
#[macro_export]
macro_rules! declare_problems {
    ($($code:ident ( $($arg:ident),* $(,)? ) => $text:literal;)*) => {
        $(
            #[doc = concat!("`", stringify!($code), "`: ", $text)]
            pub fn $code($($arg: impl ::std::fmt::Display),*) -> $crate::error::Problem {
                $(let $arg = $arg.to_string();)*
                $crate::error::Problem {
                    code: stringify!($code),
                    #[allow(unused_mut)]
                    params: {
                        let mut params = ::std::collections::BTreeMap::new();
                        $(params.insert(stringify!($arg), $arg.clone());)*
                        params
                    },
                    message: format!($text $(, $arg = $arg)*),
                }
            }
        )*

        /// Every code this registry declares.
        pub const ALL: &[$crate::error::Code] = &[$(
            $crate::error::Code {
                code: stringify!($code),
                text: $text,
                params: &[$(stringify!($arg)),*],
            },
        )*];
    };
}

/// One thing wrong with an input: which field (a JSON path such as `bookings[3].window.from`,
/// or a CSV cell), and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = FieldProblem))]
pub struct FieldError {
    /// Where: JSON path of the field, or `row N, column NAME` for CSV.
    pub field: String,
    /// What is wrong: code, values and English words (flattened into this object).
    #[serde(flatten)]
    pub problem: Problem,
    /// The CSV row (1 = the first data row under the header), for ledger imports.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub row: Option<usize>,
    /// The CSV column as written in the header, for ledger imports.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub column: Option<String>,
}

impl FieldError {
    /// An error on a JSON field.
    pub fn new(field: impl Into<String>, problem: Problem) -> FieldError {
        FieldError {
            field: field.into(),
            problem,
            row: None,
            column: None,
        }
    }

    /// An error in a CSV cell.
    pub fn cell(row: usize, column: &str, problem: Problem) -> FieldError {
        FieldError {
            field: format!("row {row}, column {column}"),
            problem,
            row: Some(row),
            column: Some(column.to_string()),
        }
    }

    /// The English words.
    pub fn message(&self) -> &str {
        &self.problem.message
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.problem.message)
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
