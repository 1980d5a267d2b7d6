//! Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.

use crate::session::Environment;
use crate::{Credentials, Error};

/// Reads static or temporary credentials from the environment. Empty values count as unset.
///
/// Returns `Ok(None)` when no access key id is set, and an error when only one half of the key
/// pair is set.
pub(crate) fn credentials(environment: &Environment) -> Result<Option<Credentials>, Error> {
    let access_key_id = environment.non_empty_var("AWS_ACCESS_KEY_ID");
    let secret_access_key = environment.non_empty_var("AWS_SECRET_ACCESS_KEY");
    match (access_key_id, secret_access_key) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(Error::credentials(
            "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or neither",
        )),
        (None, Some(_)) => Err(Error::credentials(
            "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not: set both, or neither",
        )),
        (Some(access_key_id), Some(secret_access_key)) => {
            let session_token = environment.non_empty_var("AWS_SESSION_TOKEN");
            Ok(Some(Credentials::new(
                access_key_id,
                secret_access_key,
                session_token,
                None,
            )))
        }
    }
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
    fn empty_values_count_as_unset() {
        let environment = Environment::empty()
            .with_var("AWS_ACCESS_KEY_ID", "")
            .with_var("AWS_SECRET_ACCESS_KEY", "");
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
