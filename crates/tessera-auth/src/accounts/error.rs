//! Why an account operation was refused; the HTTP layer maps these to the original's statuses.

use tessera_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// 404 with the original's text, e.g. `user instance for alice not found`.
    #[error("{0}")]
    NotFound(String),
    /// 401: credentials refused (password sign-in).
    #[error("{message}")]
    Unauthorized { message: String, reason: &'static str },
    /// 403.
    #[error("{message}")]
    Forbidden { message: String, reason: &'static str },
    /// 400.
    #[error("{message}")]
    BadRequest { message: String, reason: &'static str },
    /// 503: a service the operation needs (the LDAP directory) cannot be reached.
    #[error("{0}")]
    Unavailable(String),
    /// 409 `Entity already exists`.
    #[error("Entity already exists")]
    Conflict,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for AccountError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict { .. } => AccountError::Conflict,
            other => AccountError::Store(other),
        }
    }
}

impl AccountError {
    pub fn user_not_found(name: &str) -> Self {
        AccountError::NotFound(format!("user instance for {name} not found"))
    }

    pub fn not_admin(name: &str) -> Self {
        AccountError::Forbidden {
            message: format!("Principal: CatalogPrincipal{{name='{name}'}} is not admin"),
            reason: "not_admin",
        }
    }

    pub fn bad_request(reason: &'static str, message: impl Into<String>) -> Self {
        AccountError::BadRequest { message: message.into(), reason }
    }

    pub fn forbidden(reason: &'static str, message: impl Into<String>) -> Self {
        AccountError::Forbidden { message: message.into(), reason }
    }
}
