//! AssumeRoleWithSAML: temporary credentials for a role, in exchange for a SAML assertion.

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

/// Input of AssumeRoleWithSAML. The call is not signed, so it needs no AWS credentials.
///
/// `Debug` redacts the SAML assertion.
#[derive(Clone)]
pub struct AssumeRoleWithSamlRequest {
    role_arn: String,
    principal_arn: String,
    saml_assertion: String,
    policy_arns: Option<Vec<PolicyDescriptor>>,
    policy: Option<String>,
    duration_seconds: Option<i32>,
    minimum_session_token_size: Option<i32>,
}

impl AssumeRoleWithSamlRequest {
    /// Creates a request to assume `role_arn` with the base64-encoded SAML authentication
    /// response `saml_assertion` from the identity provider registered in IAM as
    /// `principal_arn`.
    pub fn new(
        role_arn: impl Into<String>,
        principal_arn: impl Into<String>,
        saml_assertion: impl Into<String>,
    ) -> AssumeRoleWithSamlRequest {
        AssumeRoleWithSamlRequest {
            role_arn: role_arn.into(),
            principal_arn: principal_arn.into(),
            saml_assertion: saml_assertion.into(),
            policy_arns: None,
            policy: None,
            duration_seconds: None,
            minimum_session_token_size: None,
        }
    }

    /// Sets managed policies to use as session policies. An empty list is sent as
    /// `PolicyArns=`.
    pub fn policy_arns(mut self, policy_arns: Vec<PolicyDescriptor>) -> AssumeRoleWithSamlRequest {
        self.policy_arns = Some(policy_arns);
        self
    }

    /// Sets an inline session policy of 1 to 2048 characters: tab, line feed, carriage
    /// return and U+0020 to U+00FF.
    pub fn policy(mut self, policy: impl Into<String>) -> AssumeRoleWithSamlRequest {
        self.policy = Some(policy.into());
        self
    }

    /// Sets how long the credentials last, 900 to 43200 seconds. STS defaults to 3600.
    pub fn duration_seconds(mut self, seconds: i32) -> AssumeRoleWithSamlRequest {
        self.duration_seconds = Some(seconds);
        self
    }

    /// Sets the minimum session token size to request, 0 to 4096.
    pub fn minimum_session_token_size(mut self, size: i32) -> AssumeRoleWithSamlRequest {
        self.minimum_session_token_size = Some(size);
        self
    }
}

impl fmt::Debug for AssumeRoleWithSamlRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleWithSamlRequest")
            .field("role_arn", &self.role_arn)
            .field("principal_arn", &self.principal_arn)
            .field("saml_assertion", &Redacted)
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

/// Output of AssumeRoleWithSAML.
///
/// `Debug` redacts the trusted identity propagation context, which the model marks as
/// sensitive.
#[derive(Clone)]
pub struct AssumeRoleWithSamlOutput {
    credentials: Credentials,
    assumed_role_user: Option<AssumedRoleUser>,
    packed_policy_size: Option<i32>,
    subject: Option<String>,
    subject_type: Option<String>,
    issuer: Option<String>,
    audience: Option<String>,
    name_qualifier: Option<String>,
    source_identity: Option<String>,
    session_token_utilization: Option<i32>,
    session_token_size: Option<i32>,
    trusted_identity_propagation_context: Option<TrustedIdentityPropagationContext>,
    request_id: Option<String>,
}

impl AssumeRoleWithSamlOutput {
    /// Returns the temporary credentials, with session token and expiration.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
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

    /// Returns the `NameID` of the assertion's subject.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// Returns the format of the subject's `NameID`, such as `persistent` or `transient`.
    pub fn subject_type(&self) -> Option<&str> {
        self.subject_type.as_deref()
    }

    /// Returns the assertion's issuer.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// Returns the assertion's audience, the `Recipient` of its subject confirmation.
    pub fn audience(&self) -> Option<&str> {
        self.audience.as_deref()
    }

    /// Returns a hash of the issuer, account id and SAML provider name. Together with
    /// [`subject`](Self::subject) it identifies the user.
    pub fn name_qualifier(&self) -> Option<&str> {
        self.name_qualifier.as_deref()
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
    /// the assertion, when it set one.
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

impl fmt::Debug for AssumeRoleWithSamlOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleWithSamlOutput")
            .field("credentials", &self.credentials)
            .field("assumed_role_user", &self.assumed_role_user)
            .field("packed_policy_size", &self.packed_policy_size)
            .field("subject", &self.subject)
            .field("subject_type", &self.subject_type)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("name_qualifier", &self.name_qualifier)
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

impl Operation for AssumeRoleWithSamlRequest {
    const NAME: &'static str = "AssumeRoleWithSAML";
    const SIGNED: bool = false;
    type Output = AssumeRoleWithSamlOutput;

    fn validate(&self) -> Result<(), Error> {
        validate::arn("RoleArn", &self.role_arn)?;
        validate::arn("PrincipalArn", &self.principal_arn)?;
        validate::string(
            "SAMLAssertion",
            &self.saml_assertion,
            &validate::SAML_ASSERTION,
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
        writer.string("PrincipalArn", &self.principal_arn);
        writer.string("SAMLAssertion", &self.saml_assertion);
        write_policy_arns(writer, self.policy_arns.as_deref());
        writer.optional_string("Policy", self.policy.as_deref());
        writer.optional_integer("DurationSeconds", self.duration_seconds);
        writer.optional_integer("MinimumSessionTokenSize", self.minimum_session_token_size);
    }

    fn parse_output(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<AssumeRoleWithSamlOutput, XmlError> {
        Ok(AssumeRoleWithSamlOutput {
            credentials: parse_credentials(result)?,
            assumed_role_user: AssumedRoleUser::parse(result)?,
            packed_policy_size: result.optional_integer("PackedPolicySize")?,
            subject: result.optional_text("Subject")?,
            subject_type: result.optional_text("SubjectType")?,
            issuer: result.optional_text("Issuer")?,
            audience: result.optional_text("Audience")?,
            name_qualifier: result.optional_text("NameQualifier")?,
            source_identity: result.optional_text("SourceIdentity")?,
            session_token_utilization: result.optional_integer("SessionTokenUtilization")?,
            session_token_size: result.optional_integer("SessionTokenSize")?,
            trusted_identity_propagation_context: TrustedIdentityPropagationContext::parse(result)?,
            request_id,
        })
    }
}
