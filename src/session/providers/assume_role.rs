//! One role assumption of a profile chain: AssumeRole signed with the previous link's
//! credentials, with the profile's external id, MFA, duration, session name and source
//! identity.

use super::profile::RoleLink;
use super::{default_session_name, with_role_account};
use crate::operations::AssumeRoleRequest;
use crate::session::{AwsSession, MfaTokenProvider};
use crate::{Credentials, Error, StsClient};

impl RoleLink {
    /// Assumes the role with `source` credentials. `session` supplies the region, endpoint
    /// settings, clock and HTTP transport. The MFA callback is asked for a fresh code on every
    /// call, because a code is valid only once.
    pub(crate) fn assume(
        &self,
        session: &AwsSession,
        source: Credentials,
        mfa: Option<&MfaTokenProvider>,
    ) -> Result<Credentials, Error> {
        let session_name = self
            .role_session_name
            .clone()
            .unwrap_or_else(|| default_session_name(session.environment()));
        let mut request = AssumeRoleRequest::new(&self.role_arn, session_name);
        if let Some(external_id) = &self.external_id {
            request = request.external_id(external_id);
        }
        if let Some(seconds) = self.duration_seconds {
            request = request.duration_seconds(seconds);
        }
        if let Some(source_identity) = &self.source_identity {
            request = request.source_identity(source_identity);
        }
        if let Some(serial) = &self.mfa_serial {
            let Some(mfa) = mfa else {
                return Err(Error::credentials(format!(
                    "profile `{}` sets mfa_serial {serial}, but the session has no MFA token \
                     provider; register one with AwsSessionBuilder::mfa_token_provider",
                    self.profile
                )));
            };
            let code = mfa.code(serial).map_err(|error| {
                Error::credentials(format!(
                    "the MFA token provider failed for {serial} (profile `{}`): {error}",
                    self.profile
                ))
            })?;
            request = request.serial_number(serial).token_code(code.trim());
        }

        let failed = |error: Error| {
            Error::credentials_caused_by(
                format!(
                    "assuming role {} for profile `{}` failed",
                    self.role_arn, self.profile
                ),
                error,
            )
        };
        let signer = session.with_credentials(Some(source));
        let client = StsClient::new(None, None, Some(signer)).map_err(failed)?;
        let output = client.assume_role(&request).map_err(failed)?;

        let assumed_role_user = output.assumed_role_user().cloned();
        Ok(with_role_account(
            output.into_credentials(),
            assumed_role_user.as_ref(),
        ))
    }
}
