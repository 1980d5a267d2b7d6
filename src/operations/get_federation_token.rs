//! GetFederationToken: temporary credentials for a federated user, called with an IAM
//! user's long-term credentials.

use std::fmt;

use super::members::{
    validate_policy_arns, validate_tags, write_policy_arns, write_tags, FederatedUser,
    PolicyDescriptor, Tag,
};
use super::{parse_credentials, Operation};
use crate::protocol::query::QueryWriter;
use crate::protocol::validate;
use crate::protocol::xml::{Element, XmlError};
use crate::{Credentials, Error};

/// Input of GetFederationToken.
#[derive(Debug, Clone)]
pub struct GetFederationTokenRequest {
    name: String,
    policy: Option<String>,
    policy_arns: Option<Vec<PolicyDescriptor>>,
    duration_seconds: Option<i32>,
    tags: Option<Vec<Tag>>,
    minimum_session_token_size: Option<i32>,
}

impl GetFederationTokenRequest {
    /// Creates a request for a federated user named `name` (2 to 32 characters of letters,
    /// digits and `_+=,.@-`). Without a session policy the federated user has no
    /// permissions.
    pub fn new(name: impl Into<String>) -> GetFederationTokenRequest {
        GetFederationTokenRequest {
            name: name.into(),
            policy: None,
            policy_arns: None,
            duration_seconds: None,
            tags: None,
            minimum_session_token_size: None,
        }
    }

    /// Sets an inline session policy of 1 to 2048 characters: tab, line feed, carriage
    /// return and U+0020 to U+00FF.
    pub fn policy(mut self, policy: impl Into<String>) -> GetFederationTokenRequest {
        self.policy = Some(policy.into());
        self
    }

    /// Sets managed policies to use as session policies. An empty list is sent as
    /// `PolicyArns=`.
    pub fn policy_arns(mut self, policy_arns: Vec<PolicyDescriptor>) -> GetFederationTokenRequest {
        self.policy_arns = Some(policy_arns);
        self
    }

    /// Sets how long the credentials last, 900 to 129600 seconds (3600 at most for the root
    /// user). STS defaults to 43200.
    pub fn duration_seconds(mut self, seconds: i32) -> GetFederationTokenRequest {
        self.duration_seconds = Some(seconds);
        self
    }

    /// Sets up to 50 session tags.
    pub fn tags(mut self, tags: Vec<Tag>) -> GetFederationTokenRequest {
        self.tags = Some(tags);
        self
    }

    /// Sets the minimum session token size to request, 0 to 4096.
    pub fn minimum_session_token_size(mut self, size: i32) -> GetFederationTokenRequest {
        self.minimum_session_token_size = Some(size);
        self
    }
}

/// Output of GetFederationToken.
#[derive(Clone)]
pub struct GetFederationTokenOutput {
    credentials: Credentials,
    federated_user: Option<FederatedUser>,
    packed_policy_size: Option<i32>,
    session_token_utilization: Option<i32>,
    session_token_size: Option<i32>,
    request_id: Option<String>,
}

impl GetFederationTokenOutput {
    /// Returns the temporary credentials, with session token and expiration.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Returns the federated user's ARN and id.
    pub fn federated_user(&self) -> Option<&FederatedUser> {
        self.federated_user.as_ref()
    }

    /// Returns how full the packed session policies and tags are, as a percentage of the
    /// allowed size. STS deprecates it in favour of
    /// [`session_token_utilization`](Self::session_token_utilization).
    pub fn packed_policy_size(&self) -> Option<i32> {
        self.packed_policy_size
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

impl fmt::Debug for GetFederationTokenOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetFederationTokenOutput")
            .field("credentials", &self.credentials)
            .field("federated_user", &self.federated_user)
            .field("packed_policy_size", &self.packed_policy_size)
            .field("session_token_utilization", &self.session_token_utilization)
            .field("session_token_size", &self.session_token_size)
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl Operation for GetFederationTokenRequest {
    const NAME: &'static str = "GetFederationToken";
    type Output = GetFederationTokenOutput;

    fn validate(&self) -> Result<(), Error> {
        validate::string("Name", &self.name, &validate::USER_NAME)?;
        validate::optional_string("Policy", self.policy.as_deref(), &validate::SESSION_POLICY)?;
        validate_policy_arns(self.policy_arns.as_deref())?;
        validate::optional_integer(
            "DurationSeconds",
            self.duration_seconds,
            &validate::SESSION_DURATION,
        )?;
        validate_tags(self.tags.as_deref())?;
        validate::optional_integer(
            "MinimumSessionTokenSize",
            self.minimum_session_token_size,
            &validate::MINIMUM_SESSION_TOKEN_SIZE,
        )
    }

    fn write_members(&self, writer: &mut QueryWriter) {
        writer.string("Name", &self.name);
        writer.optional_string("Policy", self.policy.as_deref());
        write_policy_arns(writer, self.policy_arns.as_deref());
        writer.optional_integer("DurationSeconds", self.duration_seconds);
        write_tags(writer, self.tags.as_deref());
        writer.optional_integer("MinimumSessionTokenSize", self.minimum_session_token_size);
    }

    fn parse_output(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<GetFederationTokenOutput, XmlError> {
        Ok(GetFederationTokenOutput {
            credentials: parse_credentials(result)?,
            federated_user: FederatedUser::parse(result)?,
            packed_policy_size: result.optional_integer("PackedPolicySize")?,
            session_token_utilization: result.optional_integer("SessionTokenUtilization")?,
            session_token_size: result.optional_integer("SessionTokenSize")?,
            request_id,
        })
    }
}
