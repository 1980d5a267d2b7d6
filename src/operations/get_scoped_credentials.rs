//! GetScopedCredentials: temporary credentials scoped down from the caller's own temporary
//! credentials, keeping the caller's identity.

use std::fmt;

use super::members::ScopedSession;
use super::{parse_credentials, Operation};
use crate::protocol::query::QueryWriter;
use crate::protocol::validate;
use crate::protocol::xml::{Element, XmlError};
use crate::{Credentials, Error};

/// Input of GetScopedCredentials, which has no required members. The call must be signed
/// with temporary credentials.
#[derive(Debug, Clone, Default)]
pub struct GetScopedCredentialsRequest {
    policy: Option<String>,
    duration_seconds: Option<i32>,
    minimum_session_token_size: Option<i32>,
    scoped_session_description: Option<String>,
}

impl GetScopedCredentialsRequest {
    /// Creates a request with no members set.
    pub fn new() -> GetScopedCredentialsRequest {
        GetScopedCredentialsRequest::default()
    }

    /// Sets the scope-down policy of 1 to 2048 characters: tab, line feed, carriage return
    /// and U+0020 to U+00FF.
    pub fn policy(mut self, policy: impl Into<String>) -> GetScopedCredentialsRequest {
        self.policy = Some(policy.into());
        self
    }

    /// Sets how long the credentials last, 1 to 129600 seconds. Without it they expire with
    /// the calling session.
    pub fn duration_seconds(mut self, seconds: i32) -> GetScopedCredentialsRequest {
        self.duration_seconds = Some(seconds);
        self
    }

    /// Sets the minimum session token size to request, 0 to 4096.
    pub fn minimum_session_token_size(mut self, size: i32) -> GetScopedCredentialsRequest {
        self.minimum_session_token_size = Some(size);
        self
    }

    /// Sets a description of the scoped session for CloudTrail: 2 to 256 characters of tab,
    /// line feed, carriage return, printable ASCII and U+00A1 to U+00FF.
    pub fn scoped_session_description(
        mut self,
        description: impl Into<String>,
    ) -> GetScopedCredentialsRequest {
        self.scoped_session_description = Some(description.into());
        self
    }
}

/// Output of GetScopedCredentials.
#[derive(Clone)]
pub struct GetScopedCredentialsOutput {
    credentials: Credentials,
    session_info: Option<ScopedSession>,
    session_token_utilization: Option<i32>,
    session_token_size: Option<i32>,
    scoped_policies_count: Option<i32>,
    source_identity: Option<String>,
    request_id: Option<String>,
}

impl GetScopedCredentialsOutput {
    /// Returns the temporary credentials, with session token and expiration.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Returns the scoped session's ARN and id.
    pub fn session_info(&self) -> Option<&ScopedSession> {
        self.session_info.as_ref()
    }

    /// Returns the session token's size as a percentage (0 to 100) of the maximum allowed.
    pub fn session_token_utilization(&self) -> Option<i32> {
        self.session_token_utilization
    }

    /// Returns the session token's size in bytes.
    pub fn session_token_size(&self) -> Option<i32> {
        self.session_token_size
    }

    /// Returns how many scope-down policies the session carries. STS allows 3.
    pub fn scoped_policies_count(&self) -> Option<i32> {
        self.scoped_policies_count
    }

    /// Returns the source identity recorded on the session.
    pub fn source_identity(&self) -> Option<&str> {
        self.source_identity.as_deref()
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

impl fmt::Debug for GetScopedCredentialsOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetScopedCredentialsOutput")
            .field("credentials", &self.credentials)
            .field("session_info", &self.session_info)
            .field("session_token_utilization", &self.session_token_utilization)
            .field("session_token_size", &self.session_token_size)
            .field("scoped_policies_count", &self.scoped_policies_count)
            .field("source_identity", &self.source_identity)
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl Operation for GetScopedCredentialsRequest {
    const NAME: &'static str = "GetScopedCredentials";
    type Output = GetScopedCredentialsOutput;

    fn validate(&self) -> Result<(), Error> {
        validate::optional_string("Policy", self.policy.as_deref(), &validate::SESSION_POLICY)?;
        validate::optional_integer(
            "DurationSeconds",
            self.duration_seconds,
            &validate::SCOPED_DURATION,
        )?;
        validate::optional_integer(
            "MinimumSessionTokenSize",
            self.minimum_session_token_size,
            &validate::MINIMUM_SESSION_TOKEN_SIZE,
        )?;
        validate::optional_string(
            "ScopedSessionDescription",
            self.scoped_session_description.as_deref(),
            &validate::SCOPED_SESSION_DESCRIPTION,
        )
    }

    fn write_members(&self, writer: &mut QueryWriter) {
        writer.optional_string("Policy", self.policy.as_deref());
        writer.optional_integer("DurationSeconds", self.duration_seconds);
        writer.optional_integer("MinimumSessionTokenSize", self.minimum_session_token_size);
        writer.optional_string(
            "ScopedSessionDescription",
            self.scoped_session_description.as_deref(),
        );
    }

    fn parse_output(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<GetScopedCredentialsOutput, XmlError> {
        Ok(GetScopedCredentialsOutput {
            credentials: parse_credentials(result)?,
            session_info: ScopedSession::parse(result)?,
            session_token_utilization: result.optional_integer("SessionTokenUtilization")?,
            session_token_size: result.optional_integer("SessionTokenSize")?,
            scoped_policies_count: result.optional_integer("ScopedPoliciesCount")?,
            source_identity: result.optional_text("SourceIdentity")?,
            request_id,
        })
    }
}
