//! Credential providers: each reads one source and returns credentials, nothing (with the
//! reason), or an error.

mod assume_role;
pub(crate) mod container;
pub(crate) mod environment;
pub(crate) mod http;
pub(crate) mod imds;
pub(crate) mod process;
pub(crate) mod profile;
pub(crate) mod sso;
pub(crate) mod web_identity;

use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::session::Environment;
use crate::{Credentials, Error};

/// The result of looking for a credential source that may not be configured.
#[derive(Debug)]
pub(crate) enum Lookup<T> {
    /// The source is configured.
    Found(T),
    /// The source is not configured; the text gives the reason for the "no credentials" error.
    NotFound(String),
}

/// Parses an RFC 3339 timestamp such as `2030-01-02T03:04:05Z` or
/// `2022-05-02T18:36:00+00:00`.
pub(crate) fn parse_timestamp(value: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(value.trim(), &Rfc3339).map_err(|error| error.to_string())
}

/// Returns the role session name used when none is configured:
/// `aws-sts-blocking-<milliseconds since the Unix epoch>`, from the environment's clock.
pub(crate) fn default_session_name(environment: &Environment) -> String {
    let millis = environment
        .now()
        .duration_since(std::time::SystemTime::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis())
        .unwrap_or_default();
    format!("aws-sts-blocking-{millis}")
}

/// Returns the account id from an ARN such as
/// `arn:aws:sts::123456789012:assumed-role/role/session`.
pub(crate) fn account_id_from_arn(arn: &str) -> Option<&str> {
    let account = arn.split(':').nth(4)?;
    (!account.is_empty()).then_some(account)
}

/// Adds the account id of an assumed role's ARN, such as
/// `arn:aws:sts::123456789012:assumed-role/role/session`, to its credentials.
pub(crate) fn with_role_account(
    credentials: Credentials,
    assumed_role_user: Option<&crate::AssumedRoleUser>,
) -> Credentials {
    match assumed_role_user.and_then(|user| account_id_from_arn(user.arn())) {
        Some(account_id) => credentials.with_account_id(account_id),
        None => credentials,
    }
}

/// The JSON document that the container endpoint and the instance metadata service return.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MetadataCredentials {
    /// `Success` from the instance metadata service; the container endpoint omits it.
    code: Option<String>,
    /// An error message, on failure.
    message: Option<String>,
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    token: Option<String>,
    expiration: Option<String>,
    account_id: Option<String>,
}

impl MetadataCredentials {
    /// Parses the document and checks that it contains complete credentials. `source` names the
    /// endpoint in error messages. The body is never quoted, because it may contain secrets.
    pub(crate) fn parse(body: &str, source: &str) -> Result<Credentials, Error> {
        let document: MetadataCredentials = serde_json::from_str(body).map_err(|error| {
            Error::credentials(format!(
                "{source} returned a body that is not a credentials JSON document: {error}"
            ))
        })?;
        if let Some(code) = document.code.as_deref().filter(|code| *code != "Success") {
            let message = document.message.as_deref().unwrap_or("no message");
            return Err(Error::credentials(format!(
                "{source} returned code {code:?} instead of credentials: {message}"
            )));
        }
        let missing = |field: &str| {
            Error::credentials(format!(
                "{source} returned a credentials document without {field}"
            ))
        };
        // An empty value counts as missing, so no credentials with an empty field are returned.
        let non_empty = |value: Option<String>| value.filter(|value| !value.is_empty());
        let access_key_id =
            non_empty(document.access_key_id).ok_or_else(|| missing("AccessKeyId"))?;
        let secret_access_key =
            non_empty(document.secret_access_key).ok_or_else(|| missing("SecretAccessKey"))?;
        let token = non_empty(document.token).ok_or_else(|| missing("Token"))?;
        let expiration = document.expiration.ok_or_else(|| missing("Expiration"))?;
        let expiration = parse_timestamp(&expiration).map_err(|reason| {
            Error::credentials(format!(
                "{source} returned an invalid Expiration {expiration:?}: {reason}"
            ))
        })?;
        let mut credentials = Credentials::new(
            access_key_id,
            secret_access_key,
            Some(token),
            Some(expiration),
        );
        if let Some(account_id) = document.account_id.filter(|id| !id.is_empty()) {
            credentials = credentials.with_account_id(account_id);
        }
        Ok(credentials)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_id_from_assumed_role_arn() {
        assert_eq!(
            account_id_from_arn("arn:aws:sts::123456789012:assumed-role/r/s"),
            Some("123456789012")
        );
        assert_eq!(account_id_from_arn("arn:aws:iam:::role/r"), None);
        assert_eq!(account_id_from_arn("not-an-arn"), None);
    }

    #[test]
    fn metadata_document_with_and_without_code() {
        let body = r#"{"Code":"Success","AccessKeyId":"ASIA","SecretAccessKey":"s","Token":"t",
                       "Expiration":"2030-01-01T00:00:00Z","AccountId":"123456789012"}"#;
        let credentials = MetadataCredentials::parse(body, "test").unwrap();
        assert_eq!(credentials.access_key_id(), "ASIA");
        assert_eq!(credentials.session_token(), Some("t"));
        assert_eq!(credentials.account_id(), Some("123456789012"));

        let failed = r#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"denied"}"#;
        let error = MetadataCredentials::parse(failed, "test").unwrap_err();
        assert_eq!(
            error.to_string(),
            "test returned code \"AssumeRoleUnauthorizedAccess\" instead of credentials: denied"
        );

        let incomplete =
            r#"{"AccessKeyId":"ASIA","SecretAccessKey":"s","Expiration":"2030-01-01T00:00:00Z"}"#;
        let error = MetadataCredentials::parse(incomplete, "test").unwrap_err();
        assert_eq!(
            error.to_string(),
            "test returned a credentials document without Token"
        );
    }

    #[test]
    fn metadata_document_with_empty_fields() {
        let cases = [
            (
                r#""AccessKeyId":"","SecretAccessKey":"s","Token":"t""#,
                "AccessKeyId",
            ),
            (
                r#""AccessKeyId":"ASIA","SecretAccessKey":"","Token":"t""#,
                "SecretAccessKey",
            ),
            (
                r#""AccessKeyId":"ASIA","SecretAccessKey":"s","Token":"""#,
                "Token",
            ),
        ];
        for (fields, missing) in cases {
            let body = format!(r#"{{{fields},"Expiration":"2030-01-01T00:00:00Z"}}"#);
            let error = MetadataCredentials::parse(&body, "test").unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("test returned a credentials document without {missing}")
            );
        }
    }
}
