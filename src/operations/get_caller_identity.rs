//! GetCallerIdentity: who the credentials belong to.

use super::Operation;
use crate::protocol::query::QueryWriter;
use crate::protocol::xml::{Element, XmlError};
use crate::Error;

/// Input of GetCallerIdentity, which has no members.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct GetCallerIdentityRequest {}

impl GetCallerIdentityRequest {
    /// Creates the request.
    pub fn new() -> GetCallerIdentityRequest {
        GetCallerIdentityRequest {}
    }
}

/// The caller's account, ARN and unique id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerIdentity {
    account: String,
    arn: String,
    user_id: String,
}

impl CallerIdentity {
    /// Returns the 12-digit AWS account id.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// Returns the ARN of the IAM user, assumed role or federated user.
    pub fn arn(&self) -> &str {
        &self.arn
    }

    /// Returns the unique id of the calling entity, such as `AIDA...` for an IAM user or
    /// `AROA...:session-name` for an assumed role.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }
}

/// Output of GetCallerIdentity.
#[derive(Debug, Clone)]
pub struct GetCallerIdentityOutput {
    identity: CallerIdentity,
    request_id: Option<String>,
}

impl GetCallerIdentityOutput {
    /// Returns the unique id of the calling entity.
    pub fn user_id(&self) -> Option<&str> {
        Some(&self.identity.user_id)
    }

    /// Returns the AWS account id.
    pub fn account(&self) -> Option<&str> {
        Some(&self.identity.account)
    }

    /// Returns the ARN of the calling entity.
    pub fn arn(&self) -> Option<&str> {
        Some(&self.identity.arn)
    }

    /// Returns the request id STS assigned.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Returns the caller identity with all three members.
    pub fn identity(&self) -> &CallerIdentity {
        &self.identity
    }

    /// Converts the output into the caller identity.
    pub fn into_identity(self) -> CallerIdentity {
        self.identity
    }
}

impl Operation for GetCallerIdentityRequest {
    const NAME: &'static str = "GetCallerIdentity";
    type Output = GetCallerIdentityOutput;

    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }

    fn write_members(&self, _writer: &mut QueryWriter) {}

    /// Requires all three members: the model marks them optional, but STS always sends them
    /// and the identity cache must not hold a partial identity.
    fn parse_output(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<GetCallerIdentityOutput, XmlError> {
        Ok(GetCallerIdentityOutput {
            identity: CallerIdentity {
                account: result.required_text("Account")?,
                arn: result.required_text("Arn")?,
                user_id: result.required_text("UserId")?,
            },
            request_id,
        })
    }
}
