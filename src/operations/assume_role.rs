//! AssumeRole: temporary credentials for an IAM role.

use std::fmt;

use super::{parse_credentials, Operation};
use crate::protocol::query::QueryWriter;
use crate::protocol::validate;
use crate::protocol::xml::{Element, XmlError};
use crate::{Credentials, Error};

/// Input of AssumeRole.
#[derive(Debug, Clone)]
pub struct AssumeRoleRequest {
    role_arn: String,
    role_session_name: String,
    duration_seconds: Option<i32>,
    external_id: Option<String>,
    policy: Option<String>,
    source_identity: Option<String>,
}

impl AssumeRoleRequest {
    /// Creates a request to assume `role_arn` in a session named `role_session_name`.
    pub fn new(
        role_arn: impl Into<String>,
        role_session_name: impl Into<String>,
    ) -> AssumeRoleRequest {
        AssumeRoleRequest {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            duration_seconds: None,
            external_id: None,
            policy: None,
            source_identity: None,
        }
    }

    /// Sets how long the credentials last, 900 to 43200 seconds. Defaults to 3600 on the
    /// service side.
    pub fn duration_seconds(mut self, seconds: i32) -> AssumeRoleRequest {
        self.duration_seconds = Some(seconds);
        self
    }

    /// Sets the external id that the role's trust policy requires.
    pub fn external_id(mut self, external_id: impl Into<String>) -> AssumeRoleRequest {
        self.external_id = Some(external_id.into());
        self
    }

    /// Sets an inline session policy, a JSON IAM policy document.
    pub fn policy(mut self, policy: impl Into<String>) -> AssumeRoleRequest {
        self.policy = Some(policy.into());
        self
    }

    /// Sets the source identity to record on the session.
    pub fn source_identity(mut self, source_identity: impl Into<String>) -> AssumeRoleRequest {
        self.source_identity = Some(source_identity.into());
        self
    }
}

/// The assumed role's ARN and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumedRoleUser {
    assumed_role_id: String,
    arn: String,
}

impl AssumedRoleUser {
    /// Returns the id of the role session, `AROA...:session-name`.
    pub fn assumed_role_id(&self) -> &str {
        &self.assumed_role_id
    }

    /// Returns the ARN of the role session, `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    pub fn arn(&self) -> &str {
        &self.arn
    }

    pub(crate) fn parse(parent: &Element) -> Result<Option<AssumedRoleUser>, XmlError> {
        let Some(element) = parent.child("AssumedRoleUser")? else {
            return Ok(None);
        };
        Ok(Some(AssumedRoleUser {
            assumed_role_id: element.required_text("AssumedRoleId")?,
            arn: element.required_text("Arn")?,
        }))
    }
}

/// Output of AssumeRole.
#[derive(Clone)]
pub struct AssumeRoleOutput {
    credentials: Credentials,
    assumed_role_user: Option<AssumedRoleUser>,
    packed_policy_size: Option<i32>,
    source_identity: Option<String>,
    request_id: Option<String>,
}

impl AssumeRoleOutput {
    /// Returns the temporary credentials, with session token and expiration.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Returns the assumed role's ARN and id.
    pub fn assumed_role_user(&self) -> Option<&AssumedRoleUser> {
        self.assumed_role_user.as_ref()
    }

    /// Returns how full the packed session policies and tags are, as a percentage of the
    /// allowed size.
    pub fn packed_policy_size(&self) -> Option<i32> {
        self.packed_policy_size
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

impl fmt::Debug for AssumeRoleOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleOutput")
            .field("credentials", &self.credentials)
            .field("assumed_role_user", &self.assumed_role_user)
            .field("packed_policy_size", &self.packed_policy_size)
            .field("source_identity", &self.source_identity)
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl Operation for AssumeRoleRequest {
    const NAME: &'static str = "AssumeRole";
    type Output = AssumeRoleOutput;

    fn validate(&self) -> Result<(), Error> {
        validate::arn("RoleArn", &self.role_arn)?;
        validate::role_session_name("RoleSessionName", &self.role_session_name)?;
        if let Some(seconds) = self.duration_seconds {
            validate::range("DurationSeconds", seconds.into(), 900, 43_200, "seconds")?;
        }
        if let Some(external_id) = &self.external_id {
            validate::length("ExternalId", external_id, 2, 1224)?;
            validate::characters("ExternalId", external_id, r"[\w+=,.@:\/-]*", |c| {
                validate::is_session_name_character(c) || c == ':' || c == '/'
            })?;
        }
        if let Some(policy) = &self.policy {
            validate::length("Policy", policy, 1, usize::MAX)?;
            validate::characters(
                "Policy",
                policy,
                r"[\u0009\u000A\u000D\u0020-\u00FF]+",
                |c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}'),
            )?;
        }
        if let Some(source_identity) = &self.source_identity {
            validate::length("SourceIdentity", source_identity, 2, 256)?;
            validate::characters(
                "SourceIdentity",
                source_identity,
                r"[\w+=,.@-]*",
                validate::is_session_name_character,
            )?;
        }
        Ok(())
    }

    fn write_members(&self, writer: &mut QueryWriter) {
        writer.string("RoleArn", &self.role_arn);
        writer.string("RoleSessionName", &self.role_session_name);
        writer.optional_string("Policy", self.policy.as_deref());
        writer.optional_integer("DurationSeconds", self.duration_seconds);
        writer.optional_string("ExternalId", self.external_id.as_deref());
        writer.optional_string("SourceIdentity", self.source_identity.as_deref());
    }

    fn parse_output(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<AssumeRoleOutput, XmlError> {
        Ok(AssumeRoleOutput {
            credentials: parse_credentials(result)?,
            assumed_role_user: AssumedRoleUser::parse(result)?,
            packed_policy_size: result.optional_integer("PackedPolicySize")?,
            source_identity: result.optional_text("SourceIdentity")?,
            request_id,
        })
    }
}
