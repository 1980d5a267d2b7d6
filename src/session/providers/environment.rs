//! Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
//! `AWS_CREDENTIAL_EXPIRATION` and `AWS_ACCOUNT_ID`.

use super::parse_timestamp;
use crate::session::Environment;
use crate::{Credentials, Error};

/// Reads static or temporary credentials from the environment. Empty and whitespace-only
/// values count as unset, as in the AWS SDK for Rust's conformance suite.
///
/// Returns `Ok(None)` when no access key id is set, and an error when only one half of the key
/// pair is set or `AWS_CREDENTIAL_EXPIRATION` is not an RFC 3339 timestamp.
pub(crate) fn credentials(environment: &Environment) -> Result<Option<Credentials>, Error> {
    let access_key_id = non_blank_var(environment, "AWS_ACCESS_KEY_ID");
    let secret_access_key = non_blank_var(environment, "AWS_SECRET_ACCESS_KEY");
    match (access_key_id, secret_access_key) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(Error::credentials(
            "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or neither",
        )),
        (None, Some(_)) => Err(Error::credentials(
            "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not: set both, or neither",
        )),
        (Some(access_key_id), Some(secret_access_key)) => {
            let session_token = non_blank_var(environment, "AWS_SESSION_TOKEN");
            let expiration = match non_blank_var(environment, "AWS_CREDENTIAL_EXPIRATION") {
                Some(value) => Some(parse_timestamp(&value).map_err(|reason| {
                    Error::credentials(format!(
                        "invalid AWS_CREDENTIAL_EXPIRATION {value:?}: {reason}; use an RFC 3339 \
                         timestamp such as 2030-01-02T03:04:05Z, or unset it"
                    ))
                })?),
                None => None,
            };
            let mut credentials =
                Credentials::new(access_key_id, secret_access_key, session_token, expiration);
            if let Some(account_id) = non_blank_var(environment, "AWS_ACCOUNT_ID") {
                credentials = credentials.with_account_id(account_id);
            }
            Ok(Some(credentials))
        }
    }
}

fn non_blank_var(environment: &Environment, name: &str) -> Option<String> {
    environment
        .var(name)
        .filter(|value| !value.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complete_pair_with_token() {
        let environment = Environment::empty()
            .with_var("AWS_ACCESS_KEY_ID", "AKID")
            .with_var("AWS_SECRET_ACCESS_KEY", "secret")
            .with_var("AWS_SESSION_TOKEN", "token");
        let credentials = credentials(&environment).unwrap().unwrap();
        assert_eq!(credentials.access_key_id(), "AKID");
        assert_eq!(credentials.secret_access_key(), "secret");
        assert_eq!(credentials.session_token(), Some("token"));
    }

    #[test]
    fn expiration_and_account_id() {
        let environment = Environment::empty()
            .with_var("AWS_ACCESS_KEY_ID", "ASIA")
            .with_var("AWS_SECRET_ACCESS_KEY", "secret")
            .with_var("AWS_CREDENTIAL_EXPIRATION", "2030-01-02T03:04:05Z")
            .with_var("AWS_ACCOUNT_ID", "123456789012");
        let credentials = credentials(&environment).unwrap().unwrap();
        assert_eq!(
            credentials.expiration(),
            Some(time::macros::datetime!(2030-01-02 03:04:05 UTC))
        );
        assert_eq!(credentials.account_id(), Some("123456789012"));
    }

    #[test]
    fn malformed_expiration_is_an_error() {
        let environment = Environment::empty()
            .with_var("AWS_ACCESS_KEY_ID", "ASIA")
            .with_var("AWS_SECRET_ACCESS_KEY", "secret")
            .with_var("AWS_CREDENTIAL_EXPIRATION", "tomorrow");
        let error = credentials(&environment).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("invalid AWS_CREDENTIAL_EXPIRATION \"tomorrow\""),
            "{error}"
        );
    }

    #[test]
    fn empty_values_count_as_unset() {
        let environment = Environment::empty()
            .with_var("AWS_ACCESS_KEY_ID", "")
            .with_var("AWS_SECRET_ACCESS_KEY", " ")
            .with_var("AWS_CREDENTIAL_EXPIRATION", "");
        assert!(credentials(&environment).unwrap().is_none());
    }

    #[test]
    fn half_a_pair_is_an_error() {
        let environment = Environment::empty().with_var("AWS_ACCESS_KEY_ID", "AKID");
        let error = credentials(&environment).unwrap_err();
        assert_eq!(
            error.to_string(),
            "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or neither"
        );
    }
}
