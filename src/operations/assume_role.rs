//! AssumeRole: temporary credentials for an IAM role.

use std::fmt;

use super::members::{
    validate_policy_arns, validate_provided_contexts, validate_tags, validate_transitive_tag_keys,
    write_policy_arns, write_provided_contexts, write_tags, AssumedRoleUser, PolicyDescriptor,
    ProvidedContext, Tag,
};
use super::{parse_credentials, Operation};
use crate::protocol::query::QueryWriter;
use crate::protocol::validate;
use crate::protocol::xml::{Element, XmlError};
use crate::{Credentials, Error};

/// Input of AssumeRole.
///
/// No member is secret, so `Debug` shows them all, including the MFA token code.
#[derive(Debug, Clone)]
pub struct AssumeRoleRequest {
    role_arn: String,
    role_session_name: String,
    policy_arns: Option<Vec<PolicyDescriptor>>,
    policy: Option<String>,
    duration_seconds: Option<i32>,
    tags: Option<Vec<Tag>>,
    transitive_tag_keys: Option<Vec<String>>,
    external_id: Option<String>,
    serial_number: Option<String>,
    token_code: Option<String>,
    source_identity: Option<String>,
    provided_contexts: Option<Vec<ProvidedContext>>,
    minimum_session_token_size: Option<i32>,
}

impl AssumeRoleRequest {
    /// Creates a request to assume `role_arn` in a session named `role_session_name`
    /// (2 to 64 characters of letters, digits and `_+=,.@-`).
    pub fn new(
        role_arn: impl Into<String>,
        role_session_name: impl Into<String>,
    ) -> AssumeRoleRequest {
        AssumeRoleRequest {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            policy_arns: None,
            policy: None,
            duration_seconds: None,
            tags: None,
            transitive_tag_keys: None,
            external_id: None,
            serial_number: None,
            token_code: None,
            source_identity: None,
            provided_contexts: None,
            minimum_session_token_size: None,
        }
    }

    /// Sets managed policies to use as session policies. An empty list is sent as
    /// `PolicyArns=`.
    pub fn policy_arns(mut self, policy_arns: Vec<PolicyDescriptor>) -> AssumeRoleRequest {
        self.policy_arns = Some(policy_arns);
        self
    }

    /// Sets an inline session policy: a JSON IAM policy document of tab, line feed, carriage
    /// return and U+0020 to U+00FF.
    pub fn policy(mut self, policy: impl Into<String>) -> AssumeRoleRequest {
        self.policy = Some(policy.into());
        self
    }

    /// Sets how long the credentials last, 900 to 43200 seconds. The role's maximum session
    /// duration may be lower. STS defaults to 3600.
    pub fn duration_seconds(mut self, seconds: i32) -> AssumeRoleRequest {
        self.duration_seconds = Some(seconds);
        self
    }

    /// Sets up to 50 session tags.
    pub fn tags(mut self, tags: Vec<Tag>) -> AssumeRoleRequest {
        self.tags = Some(tags);
        self
    }

    /// Sets up to 50 keys of session tags that pass on to sessions in a role chain.
    pub fn transitive_tag_keys(mut self, keys: Vec<String>) -> AssumeRoleRequest {
        self.transitive_tag_keys = Some(keys);
        self
    }

    /// Sets the external id that the role's trust policy requires.
    pub fn external_id(mut self, external_id: impl Into<String>) -> AssumeRoleRequest {
        self.external_id = Some(external_id.into());
        self
    }

    /// Sets the serial number or ARN of the caller's MFA device.
    pub fn serial_number(mut self, serial_number: impl Into<String>) -> AssumeRoleRequest {
        self.serial_number = Some(serial_number.into());
        self
    }

    /// Sets the six-digit code from the MFA device.
    pub fn token_code(mut self, token_code: impl Into<String>) -> AssumeRoleRequest {
        self.token_code = Some(token_code.into());
        self
    }

    /// Sets the source identity to record on the session.
    pub fn source_identity(mut self, source_identity: impl Into<String>) -> AssumeRoleRequest {
        self.source_identity = Some(source_identity.into());
        self
    }

    /// Sets 1 to 5 contexts signed by trusted context providers.
    pub fn provided_contexts(mut self, contexts: Vec<ProvidedContext>) -> AssumeRoleRequest {
        self.provided_contexts = Some(contexts);
        self
    }

    /// Sets the minimum session token size to request, 0 to 4096.
    pub fn minimum_session_token_size(mut self, size: i32) -> AssumeRoleRequest {
        self.minimum_session_token_size = Some(size);
        self
    }
}

/// Output of AssumeRole.
#[derive(Clone)]
pub struct AssumeRoleOutput {
    credentials: Credentials,
    assumed_role_user: Option<AssumedRoleUser>,
    packed_policy_size: Option<i32>,
    source_identity: Option<String>,
    session_token_utilization: Option<i32>,
    session_token_size: Option<i32>,
    request_id: Option<String>,
}

impl AssumeRoleOutput {
    /// Returns the temporary credentials, with session token and expiration.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Returns the assumed role session's ARN and id.
    pub fn assumed_role_user(&self) -> Option<&AssumedRoleUser> {
        self.assumed_role_user.as_ref()
    }

    /// Returns how full the packed session policies and tags are, as a percentage of the
    /// allowed size. STS deprecates it in favour of
    /// [`session_token_utilization`](Self::session_token_utilization).
    pub fn packed_policy_size(&self) -> Option<i32> {
        self.packed_policy_size
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

impl fmt::Debug for AssumeRoleOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleOutput")
            .field("credentials", &self.credentials)
            .field("assumed_role_user", &self.assumed_role_user)
            .field("packed_policy_size", &self.packed_policy_size)
            .field("source_identity", &self.source_identity)
            .field("session_token_utilization", &self.session_token_utilization)
            .field("session_token_size", &self.session_token_size)
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
        validate_policy_arns(self.policy_arns.as_deref())?;
        validate::optional_string(
            "Policy",
            self.policy.as_deref(),
            &validate::UNRESTRICTED_SESSION_POLICY,
        )?;
        validate::optional_integer(
            "DurationSeconds",
            self.duration_seconds,
            &validate::ROLE_DURATION,
        )?;
        validate_tags(self.tags.as_deref())?;
        validate_transitive_tag_keys(self.transitive_tag_keys.as_deref())?;
        validate::optional_string(
            "ExternalId",
            self.external_id.as_deref(),
            &validate::EXTERNAL_ID,
        )?;
        validate::optional_string(
            "SerialNumber",
            self.serial_number.as_deref(),
            &validate::SERIAL_NUMBER,
        )?;
        validate::optional_string(
            "TokenCode",
            self.token_code.as_deref(),
            &validate::TOKEN_CODE,
        )?;
        validate::optional_string(
            "SourceIdentity",
            self.source_identity.as_deref(),
            &validate::SOURCE_IDENTITY,
        )?;
        validate_provided_contexts(self.provided_contexts.as_deref())?;
        validate::optional_integer(
            "MinimumSessionTokenSize",
            self.minimum_session_token_size,
            &validate::MINIMUM_SESSION_TOKEN_SIZE,
        )
    }

    fn write_members(&self, writer: &mut QueryWriter) {
        writer.string("RoleArn", &self.role_arn);
        writer.string("RoleSessionName", &self.role_session_name);
        write_policy_arns(writer, self.policy_arns.as_deref());
        writer.optional_string("Policy", self.policy.as_deref());
        writer.optional_integer("DurationSeconds", self.duration_seconds);
        write_tags(writer, self.tags.as_deref());
        if let Some(keys) = &self.transitive_tag_keys {
            writer.string_list("TransitiveTagKeys", keys);
        }
        writer.optional_string("ExternalId", self.external_id.as_deref());
        writer.optional_string("SerialNumber", self.serial_number.as_deref());
        writer.optional_string("TokenCode", self.token_code.as_deref());
        writer.optional_string("SourceIdentity", self.source_identity.as_deref());
        write_provided_contexts(writer, self.provided_contexts.as_deref());
        writer.optional_integer("MinimumSessionTokenSize", self.minimum_session_token_size);
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
            session_token_utilization: result.optional_integer("SessionTokenUtilization")?,
            session_token_size: result.optional_integer("SessionTokenSize")?,
            request_id,
        })
    }
}
