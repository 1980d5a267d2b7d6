//! Web identity federation: an OIDC token file (such as a Kubernetes service account token)
//! exchanged for role credentials with the unsigned AssumeRoleWithWebIdentity call.
//!
//! The token file is read again on every load, because the platform rotates it.

use std::path::PathBuf;

use super::{default_session_name, with_role_account, Lookup};
use crate::session::{AwsSession, Environment};
use crate::AssumeRoleWithWebIdentityRequest;
use crate::{Credentials, Error, StsClient};

/// A role to assume with the token in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WebIdentitySource {
    pub(crate) role_arn: String,
    pub(crate) token_file: PathBuf,
    pub(crate) role_session_name: Option<String>,
}

impl WebIdentitySource {
    pub(crate) fn new(
        role_arn: impl Into<String>,
        token_file: impl Into<PathBuf>,
        role_session_name: Option<&str>,
    ) -> WebIdentitySource {
        WebIdentitySource {
            role_arn: role_arn.into(),
            token_file: token_file.into(),
            role_session_name: role_session_name.map(str::to_string),
        }
    }

    /// Reads `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and `AWS_ROLE_SESSION_NAME`.
    pub(crate) fn from_environment(environment: &Environment) -> Lookup<WebIdentitySource> {
        let token_file = environment.non_empty_var("AWS_WEB_IDENTITY_TOKEN_FILE");
        let role_arn = environment.non_empty_var("AWS_ROLE_ARN");
        match (token_file, role_arn) {
            (Some(token_file), Some(role_arn)) => Lookup::Found(WebIdentitySource::new(
                role_arn,
                token_file,
                environment
                    .non_empty_var("AWS_ROLE_SESSION_NAME")
                    .as_deref(),
            )),
            (Some(_), None) => Lookup::NotFound(
                "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not".to_string(),
            ),
            (None, Some(_)) => Lookup::NotFound(
                "AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not".to_string(),
            ),
            (None, None) => Lookup::NotFound("AWS_WEB_IDENTITY_TOKEN_FILE is not set".to_string()),
        }
    }

    /// Returns the role to assume.
    pub(crate) fn role_arn(&self) -> &str {
        &self.role_arn
    }

    /// Reads the token file and calls AssumeRoleWithWebIdentity through `session`, whose
    /// region and endpoint settings choose the STS endpoint.
    pub(crate) fn load(&self, session: &AwsSession) -> Result<Credentials, Error> {
        let token = std::fs::read_to_string(&self.token_file).map_err(|error| {
            Error::credentials(format!(
                "cannot read the web identity token file {}: {error}",
                self.token_file.display()
            ))
        })?;
        let token = token.trim();
        if token.is_empty() {
            return Err(Error::credentials(format!(
                "the web identity token file {} is empty",
                self.token_file.display()
            )));
        }
        let session_name = self
            .role_session_name
            .clone()
            .unwrap_or_else(|| default_session_name(session.environment()));

        let failed = |error: Error| {
            Error::credentials_caused_by(
                format!(
                    "AssumeRoleWithWebIdentity for role {} with the token in {} failed",
                    self.role_arn,
                    self.token_file.display()
                ),
                error,
            )
        };
        let client = StsClient::new(None, None, Some(session.clone())).map_err(failed)?;
        let request = AssumeRoleWithWebIdentityRequest::new(&self.role_arn, session_name, token);
        let output = client
            .assume_role_with_web_identity(&request)
            .map_err(failed)?;

        let assumed_role_user = output.assumed_role_user().cloned();
        Ok(with_role_account(
            output.into_credentials(),
            assumed_role_user.as_ref(),
        ))
    }
}
