use sqlx::error::ErrorKind;

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; `constraint` names it the same
    /// way on both backends (`<table>_<column>_key`).
    #[error("unique constraint {constraint} violated")]
    Conflict { constraint: String },
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Database(sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    pub fn is_conflict_on(&self, constraint_name: &str) -> bool {
        matches!(self, StoreError::Conflict { constraint } if constraint == constraint_name)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.kind() == ErrorKind::UniqueViolation => {
                // PostgreSQL names the constraint; SQLite only says
                // "UNIQUE constraint failed: users.email", which we map onto
                // the same `<table>_<column>_key` name the migrations use.
                let constraint = db.constraint().map(str::to_owned).unwrap_or_else(|| {
                    db.message()
                        .rsplit(": ")
                        .next()
                        .unwrap_or_default()
                        .replace('.', "_")
                        .replace(", ", "_")
                        + "_key"
                });
                StoreError::Conflict { constraint }
            }
            _ => StoreError::Database(error),
        }
    }
}

pub(crate) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}
