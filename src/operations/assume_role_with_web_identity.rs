//! AssumeRoleWithWebIdentity: temporary credentials for a role, in exchange for an OAuth 2.0
//! access token or OpenID Connect ID token.

use std::fmt;

use super::members::{
    validate_policy_arns, write_policy_arns, AssumedRoleUser, PolicyDescriptor,
    TrustedIdentityPropagationContext,
};
use super::{parse_credentials, Operation, Redacted};
use crate::protocol::query::QueryWriter;
use crate::protocol::validate;
use crate::protocol::xml::{Element, XmlError};
use crate::{Credentials, Error};

/// Input of AssumeRoleWithWebIdentity. The call is not signed, so it needs no AWS
/// credentials.
///
/// `Debug` redacts the web identity token.
#[derive(Clone)]
pub struct AssumeRoleWithWebIdentityRequest {
    role_arn: String,
    role_session_name: String,
    web_identity_token: String,
    provider_id: Option<String>,
    policy_arns: Option<Vec<PolicyDescriptor>>,
    policy: Option<String>,
    duration_seconds: Option<i32>,
    minimum_session_token_size: Option<i32>,
}

impl AssumeRoleWithWebIdentityRequest {
    /// Creates a request to assume `role_arn` in a session named `role_session_name`, with
    /// the token `web_identity_token` that the identity provider issued.
    pub fn new(
        role_arn: impl Into<String>,
        role_session_name: impl Into<String>,
        web_identity_token: impl Into<String>,
    ) -> AssumeRoleWithWebIdentityRequest {
        AssumeRoleWithWebIdentityRequest {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            web_identity_token: web_identity_token.into(),
            provider_id: None,
            policy_arns: None,
            policy: None,
            duration_seconds: None,
            minimum_session_token_size: None,
        }
    }

    /// Sets the OAuth 2.0 provider's domain name, such as `graph.facebook.com`. Leave it
    /// unset for OpenID Connect ID tokens.
    pub fn provider_id(
        mut self,
        provider_id: impl Into<String>,
    ) -> AssumeRoleWithWebIdentityRequest {
        self.provider_id = Some(provider_id.into());
        self
    }

    /// Sets managed policies to use as session policies. An empty list is sent as
    /// `PolicyArns=`.
    pub fn policy_arns(
        mut self,
        policy_arns: Vec<PolicyDescriptor>,
    ) -> AssumeRoleWithWebIdentityRequest {
        self.policy_arns = Some(policy_arns);
        self
    }

    /// Sets an inline session policy of 1 to 2048 characters: tab, line feed, carriage
    /// return and U+0020 to U+00FF.
    pub fn policy(mut self, policy: impl Into<String>) -> AssumeRoleWithWebIdentityRequest {
        self.policy = Some(policy.into());
        self
    }

    /// Sets how long the credentials last, 900 to 43200 seconds. STS defaults to 3600.
    pub fn duration_seconds(mut self, seconds: i32) -> AssumeRoleWithWebIdentityRequest {
        self.duration_seconds = Some(seconds);
        self
    }

    /// Sets the minimum session token size to request, 0 to 4096.
    pub fn minimum_session_token_size(mut self, size: i32) -> AssumeRoleWithWebIdentityRequest {
        self.minimum_session_token_size = Some(size);
        self
    }
}

impl fmt::Debug for AssumeRoleWithWebIdentityRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleWithWebIdentityRequest")
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("web_identity_token", &Redacted)
            .field("provider_id", &self.provider_id)
            .field("policy_arns", &self.policy_arns)
            .field("policy", &self.policy)
            .field("duration_seconds", &self.duration_seconds)
            .field(
                "minimum_session_token_size",
                &self.minimum_session_token_size,
            )
            .finish()
    }
}

/// Output of AssumeRoleWithWebIdentity.
///
/// `Debug` redacts the trusted identity propagation context, which the model marks as
/// sensitive.
#[derive(Clone)]
pub struct AssumeRoleWithWebIdentityOutput {
    credentials: Credentials,
    subject_from_web_identity_token: Option<String>,
    assumed_role_user: Option<AssumedRoleUser>,
    packed_policy_size: Option<i32>,
    provider: Option<String>,
    audience: Option<String>,
    source_identity: Option<String>,
    session_token_utilization: Option<i32>,
    session_token_size: Option<i32>,
    trusted_identity_propagation_context: Option<TrustedIdentityPropagationContext>,
    request_id: Option<String>,
}

impl AssumeRoleWithWebIdentityOutput {
    /// Returns the temporary credentials, with session token and expiration.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Returns the user's unique id at the identity provider: the token's `sub` claim.
    pub fn subject_from_web_identity_token(&self) -> Option<&str> {
        self.subject_from_web_identity_token.as_deref()
    }

    /// Returns the assumed role session's ARN and id.
    pub fn assumed_role_user(&self) -> Option<&AssumedRoleUser> {
        self.assumed_role_user.as_ref()
    }

    /// Returns how full the packed session policies are, as a percentage of the allowed
    /// size. STS deprecates it in favour of
    /// [`session_token_utilization`](Self::session_token_utilization).
    pub fn packed_policy_size(&self) -> Option<i32> {
        self.packed_policy_size
    }

    /// Returns the issuer of the token: the `iss` claim or the `ProviderId` sent.
    pub fn provider(&self) -> Option<&str> {
        self.provider.as_deref()
    }

    /// Returns the intended audience of the token, usually the client id of the
    /// application.
    pub fn audience(&self) -> Option<&str> {
        self.audience.as_deref()
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

    /// Returns the trusted identity propagation context that STS set in the session from
    /// the token, when it set one.
    pub fn trusted_identity_propagation_context(
        &self,
    ) -> Option<&TrustedIdentityPropagationContext> {
        self.trusted_identity_propagation_context.as_ref()
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

impl fmt::Debug for AssumeRoleWithWebIdentityOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleWithWebIdentityOutput")
            .field("credentials", &self.credentials)
            .field(
                "subject_from_web_identity_token",
                &self.subject_from_web_identity_token,
            )
            .field("assumed_role_user", &self.assumed_role_user)
            .field("packed_policy_size", &self.packed_policy_size)
            .field("provider", &self.provider)
            .field("audience", &self.audience)
            .field("source_identity", &self.source_identity)
            .field("session_token_utilization", &self.session_token_utilization)
            .field("session_token_size", &self.session_token_size)
            .field(
                "trusted_identity_propagation_context",
                &self
                    .trusted_identity_propagation_context
                    .as_ref()
                    .map(|_| Redacted),
            )
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl Operation for AssumeRoleWithWebIdentityRequest {
    const NAME: &'static str = "AssumeRoleWithWebIdentity";
    const SIGNED: bool = false;
    type Output = AssumeRoleWithWebIdentityOutput;

    fn validate(&self) -> Result<(), Error> {
        validate::arn("RoleArn", &self.role_arn)?;
        validate::role_session_name("RoleSessionName", &self.role_session_name)?;
        validate::string(
            "WebIdentityToken",
            &self.web_identity_token,
            &validate::WEB_IDENTITY_TOKEN,
        )?;
        validate::optional_string(
            "ProviderId",
            self.provider_id.as_deref(),
            &validate::PROVIDER_ID,
        )?;
        validate_policy_arns(self.policy_arns.as_deref())?;
        validate::optional_string("Policy", self.policy.as_deref(), &validate::SESSION_POLICY)?;
        validate::optional_integer(
            "DurationSeconds",
            self.duration_seconds,
            &validate::ROLE_DURATION,
        )?;
        validate::optional_integer(
            "MinimumSessionTokenSize",
            self.minimum_session_token_size,
            &validate::MINIMUM_SESSION_TOKEN_SIZE,
        )
    }

    fn write_members(&self, writer: &mut QueryWriter) {
        writer.string("RoleArn", &self.role_arn);
        writer.string("RoleSessionName", &self.role_session_name);
        writer.string("WebIdentityToken", &self.web_identity_token);
        writer.optional_string("ProviderId", self.provider_id.as_deref());
        write_policy_arns(writer, self.policy_arns.as_deref());
        writer.optional_string("Policy", self.policy.as_deref());
        writer.optional_integer("DurationSeconds", self.duration_seconds);
        writer.optional_integer("MinimumSessionTokenSize", self.minimum_session_token_size);
    }

    fn parse_output(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<AssumeRoleWithWebIdentityOutput, XmlError> {
        Ok(AssumeRoleWithWebIdentityOutput {
            credentials: parse_credentials(result)?,
            subject_from_web_identity_token: result.optional_text("SubjectFromWebIdentityToken")?,
            assumed_role_user: AssumedRoleUser::parse(result)?,
            packed_policy_size: result.optional_integer("PackedPolicySize")?,
            provider: result.optional_text("Provider")?,
            audience: result.optional_text("Audience")?,
            source_identity: result.optional_text("SourceIdentity")?,
            session_token_utilization: result.optional_integer("SessionTokenUtilization")?,
            session_token_size: result.optional_integer("SessionTokenSize")?,
            trusted_identity_propagation_context: TrustedIdentityPropagationContext::parse(result)?,
            request_id,
        })
    }
}
