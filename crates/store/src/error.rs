//! Store errors: what the caller can act on, never the raw database message (it may hold
//! personal data: PostgreSQL puts the conflicting key's value in its DETAIL).

use crate::problems;
use vaxride_dispatch::{FieldError, Problem};

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Not there, or not the caller's to see.
    #[error("not found")]
    NotFound,
    /// The change conflicts with what is stored (a unique rule, a state that moved on); the
    /// problem says which, with a stable code.
    #[error("conflict: {0}")]
    Conflict(Problem),
    /// The input is invalid.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// The database failed; the message is a code, never the row's values.
    #[error("database error ({0})")]
    Database(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) => {
                if db.is_unique_violation() {
                    StoreError::Conflict(problems::already_exists())
                } else if db.is_foreign_key_violation() {
                    StoreError::Conflict(problems::missing_reference())
                } else if db.code().as_deref() == Some("22021") {
                    // PostgreSQL stores no NUL character in text (SQLite does).
                    StoreError::Invalid(vec![FieldError::new("body", problems::nul_character())])
                } else if db.is_check_violation() {
                    StoreError::Conflict(problems::data_rule())
                } else {
                    StoreError::Database(
                        db.code()
                            .map_or_else(|| "database".to_string(), |c| c.to_string()),
                    )
                }
            }
            sqlx::Error::PoolTimedOut => StoreError::Database("pool timed out".into()),
            _ => StoreError::Database(kind_of(&e).into()),
        }
    }
}

fn kind_of(e: &sqlx::Error) -> &'static str {
    match e {
        sqlx::Error::Configuration(_) => "configuration",
        sqlx::Error::Io(_) => "io",
        sqlx::Error::Tls(_) => "tls",
        sqlx::Error::Protocol(_) => "protocol",
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => "decode",
        sqlx::Error::Migrate(_) => "migrate",
        _ => "other",
    }
}

/// Shorthand.
pub type Result<T> = std::result::Result<T, StoreError>;
