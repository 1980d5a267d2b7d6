//! AWS credentials: an access key pair, an optional session token and an expiration.

use std::fmt;

use time::OffsetDateTime;

const REDACTED: &str = "** redacted **";

/// AWS credentials used to sign requests, or returned by STS as temporary credentials.
///
/// `Debug` shows the access key id and the expiration and never the secret access key or the
/// session token. There is no `Display` and no `PartialEq`, so secrets are not printed or
/// compared by accident.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiration: Option<OffsetDateTime>,
    account_id: Option<String>,
}

impl Credentials {
    /// Creates credentials from an access key pair, an optional session token (temporary
    /// credentials have one) and an optional expiration time.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expiration: Option<OffsetDateTime>,
    ) -> Credentials {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
            expiration,
            account_id: None,
        }
    }

    /// Sets the AWS account id the credentials belong to.
    pub fn with_account_id(mut self, account_id: impl Into<String>) -> Credentials {
        self.account_id = Some(account_id.into());
        self
    }

    /// Returns the access key id, such as `AKIAIOSFODNN7EXAMPLE` or `ASIA...` for temporary
    /// credentials.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// Returns the secret access key.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// Returns the session token of temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// Returns when temporary credentials expire.
    pub fn expiration(&self) -> Option<OffsetDateTime> {
        self.expiration
    }

    /// Returns the AWS account id the credentials belong to, when it is known.
    pub fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Credentials");
        debug
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &format_args!("{REDACTED}"));
        match self.session_token {
            Some(_) => debug.field("session_token", &format_args!("Some({REDACTED})")),
            None => debug.field("session_token", &format_args!("None")),
        };
        debug
            .field("expiration", &self.expiration)
            .field("account_id", &self.account_id)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn debug_redacts_secret_and_token() {
        let credentials = Credentials::new(
            "ASIAEXAMPLE",
            "secret-value",
            Some("token-value".to_string()),
            Some(datetime!(2030-01-02 03:04:05 UTC)),
        );
        assert_eq!(
            format!("{credentials:?}"),
            "Credentials { access_key_id: \"ASIAEXAMPLE\", secret_access_key: ** redacted **, \
             session_token: Some(** redacted **), expiration: Some(2030-01-02 3:04:05.0 +00:00:00), \
             account_id: None }"
        );
    }

    #[test]
    fn debug_without_token() {
        let credentials =
            Credentials::new("AKIDEXAMPLE", "secret-value", None, None).with_account_id("123");
        assert_eq!(
            format!("{credentials:#?}"),
            "Credentials {\n    access_key_id: \"AKIDEXAMPLE\",\n    secret_access_key: ** redacted **,\n    \
             session_token: None,\n    expiration: None,\n    account_id: Some(\n        \"123\",\n    ),\n}"
        );
    }
}
