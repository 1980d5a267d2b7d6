//! AssumeRoot: short-term root credentials for privileged tasks on a member account of an
//! organization.

use std::fmt;

use super::members::PolicyDescriptor;
use super::{parse_credentials, Operation};
use crate::protocol::query::QueryWriter;
use crate::protocol::validate;
use crate::protocol::xml::{Element, XmlError};
use crate::{Credentials, Error};

/// Input of AssumeRoot. STS serves it only on regional endpoints, not the global one.
#[derive(Debug, Clone)]
pub struct AssumeRootRequest {
    target_principal: String,
    task_policy_arn: PolicyDescriptor,
    duration_seconds: Option<i32>,
    minimum_session_token_size: Option<i32>,
}

impl AssumeRootRequest {
    /// Creates a request for root credentials on `target_principal`, a member account id or
    /// principal ARN, limited by the AWS managed task policy `task_policy_arn`.
    pub fn new(
        target_principal: impl Into<String>,
        task_policy_arn: PolicyDescriptor,
    ) -> AssumeRootRequest {
        AssumeRootRequest {
            target_principal: target_principal.into(),
            task_policy_arn,
            duration_seconds: None,
            minimum_session_token_size: None,
        }
    }

    /// Sets how long the credentials last, 0 to 900 seconds. STS defaults to 900.
    pub fn duration_seconds(mut self, seconds: i32) -> AssumeRootRequest {
        self.duration_seconds = Some(seconds);
        self
    }

    /// Sets the minimum session token size to request, 0 to 4096.
    pub fn minimum_session_token_size(mut self, size: i32) -> AssumeRootRequest {
        self.minimum_session_token_size = Some(size);
        self
    }
}

/// Output of AssumeRoot.
#[derive(Clone)]
pub struct AssumeRootOutput {
    credentials: Credentials,
    source_identity: Option<String>,
    session_token_utilization: Option<i32>,
    session_token_size: Option<i32>,
    request_id: Option<String>,
}

impl AssumeRootOutput {
    /// Returns the temporary credentials, with session token and expiration.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Returns the source identity recorded on the session.
    pub fn source_identity(&self) -> Option<&str> {
        self.source_identity.as_deref()
    }

    /// Returns the session token's size as a percentage (0 to 100) of the maximum allowed.
    pub fn session_token_utilization(&self) -> Option<i32> {
        self.session_token_utilization
    }

    /// Returns the session token's size in bytes.
    pub fn session_token_size(&self) -> Option<i32> {
        self.session_token_size
    }

    /// Returns the request id STS assigned.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Converts the output into its credentials.
    pub fn into_credentials(self) -> Credentials {
        self.credentials
    }
}

impl fmt::Debug for AssumeRootOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRootOutput")
            .field("credentials", &self.credentials)
            .field("source_identity", &self.source_identity)
            .field("session_token_utilization", &self.session_token_utilization)
            .field("session_token_size", &self.session_token_size)
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl Operation for AssumeRootRequest {
    const NAME: &'static str = "AssumeRoot";
    type Output = AssumeRootOutput;

    fn validate(&self) -> Result<(), Error> {
        validate::string(
            "TargetPrincipal",
            &self.target_principal,
            &validate::TARGET_PRINCIPAL,
        )?;
        validate::arn("TaskPolicyArn.arn", self.task_policy_arn.arn())?;
        validate::optional_integer(
            "DurationSeconds",
            self.duration_seconds,
            &validate::ROOT_DURATION,
        )?;
        validate::optional_integer(
            "MinimumSessionTokenSize",
            self.minimum_session_token_size,
            &validate::MINIMUM_SESSION_TOKEN_SIZE,
        )
    }

    fn write_members(&self, writer: &mut QueryWriter) {
        writer.string("TargetPrincipal", &self.target_principal);
        writer.string("TaskPolicyArn.arn", self.task_policy_arn.arn());
        writer.optional_integer("DurationSeconds", self.duration_seconds);
        writer.optional_integer("MinimumSessionTokenSize", self.minimum_session_token_size);
    }

    fn parse_output(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<AssumeRootOutput, XmlError> {
        Ok(AssumeRootOutput {
            credentials: parse_credentials(result)?,
            source_identity: result.optional_text("SourceIdentity")?,
            session_token_utilization: result.optional_integer("SessionTokenUtilization")?,
            session_token_size: result.optional_integer("SessionTokenSize")?,
            request_id,
        })
    }
}
