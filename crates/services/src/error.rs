use std::borrow::Cow;

use etalase_domain::ErrorCode;
use etalase_store::StoreError;

pub type ServiceResult<T> = Result<T, ServiceError>;

/// A problem with one input field, shown next to that field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The form field or JSON path (`title`, `skus[2].price`).
    pub field: Cow<'static, str>,
    pub code: ErrorCode,
}

impl FieldError {
    pub fn new(field: impl Into<Cow<'static, str>>, code: ErrorCode) -> Self {
        Self {
            field: field.into(),
            code,
        }
    }
}

/// What went wrong, as a code from the one error table, with every field
/// problem at once; internal causes are kept for the log, never shown.
#[derive(Debug, thiserror::Error)]
#[error("{code}")]
pub struct ServiceError {
    pub code: ErrorCode,
    pub fields: Vec<FieldError>,
    #[source]
    pub internal: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl ServiceError {
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            fields: Vec::new(),
            internal: None,
        }
    }

    pub fn internal(cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self {
            code: ErrorCode::Internal,
            fields: Vec::new(),
            internal: Some(Box::new(cause)),
        }
    }

    /// Several field problems reported together.
    pub fn fields(fields: Vec<FieldError>) -> Self {
        let code = match fields.as_slice() {
            [single] => single.code,
            _ => ErrorCode::ValidationFailed,
        };
        Self {
            code,
            fields,
            internal: None,
        }
    }

    pub fn field(field: impl Into<Cow<'static, str>>, code: ErrorCode) -> Self {
        Self::fields(vec![FieldError::new(field, code)])
    }
}

impl From<ErrorCode> for ServiceError {
    fn from(code: ErrorCode) -> Self {
        Self::new(code)
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => ServiceError::new(ErrorCode::NotFound),
            other => ServiceError::internal(other),
        }
    }
}

/// Collects field problems from several parses, so a form reports all of
/// them at once instead of one per submit.
#[derive(Default)]
pub struct Validation {
    problems: Vec<FieldError>,
}

impl Validation {
    pub fn check<T>(&mut self, field: &'static str, parsed: Result<T, ErrorCode>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(code) => {
                self.problems.push(FieldError::new(field, code));
                None
            }
        }
    }

    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, code: ErrorCode) {
        self.problems.push(FieldError::new(field, code));
    }

    pub fn finish(self) -> ServiceResult<()> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::fields(self.problems))
        }
    }
}
