//! Structures and enumerations that several STS operations share, as request or output members.

use std::collections::BTreeMap;
use std::fmt;

use super::Redacted;
use crate::protocol::query::QueryWriter;
use crate::protocol::validate;
use crate::protocol::xml::{Element, XmlError};
use crate::Error;

/// A session tag: a key and a value attached to the session, usable in policy conditions.
///
/// Keys have 1 to 128 and values 0 to 256 characters of Unicode letters, numbers and
/// separators and `_.:/=+-@`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag {
    key: String,
    value: String,
}

impl Tag {
    /// Creates a tag.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Tag {
        Tag {
            key: key.into(),
            value: value.into(),
        }
    }

    /// Returns the tag key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Returns the tag value.
    pub fn value(&self) -> &str {
        &self.value
    }
}

/// A reference to an IAM managed policy, by ARN, used as a session policy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PolicyDescriptor {
    arn: String,
}

impl PolicyDescriptor {
    /// Creates a reference to the managed policy `arn`.
    pub fn new(arn: impl Into<String>) -> PolicyDescriptor {
        PolicyDescriptor { arn: arn.into() }
    }

    /// Returns the policy ARN.
    pub fn arn(&self) -> &str {
        &self.arn
    }
}

/// Context that a trusted context provider signed, passed to AssumeRole.
///
/// The model does not mark the assertion as sensitive, so `Debug` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProvidedContext {
    provider_arn: String,
    context_assertion: String,
}

impl ProvidedContext {
    /// Creates a provided context from the context provider's ARN and its signed assertion.
    pub fn new(
        provider_arn: impl Into<String>,
        context_assertion: impl Into<String>,
    ) -> ProvidedContext {
        ProvidedContext {
            provider_arn: provider_arn.into(),
            context_assertion: context_assertion.into(),
        }
    }

    /// Returns the context provider's ARN.
    pub fn provider_arn(&self) -> &str {
        &self.provider_arn
    }

    /// Returns the signed context assertion.
    pub fn context_assertion(&self) -> &str {
        &self.context_assertion
    }
}

/// The identity that GetWebIdentityToken puts in the token's `sub` claim.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SubjectMode {
    /// `AWSIdentity`: the ARN of the calling principal (the service's default).
    AwsIdentity,
    /// `OriginIdentity`: the origin identity subject of the calling session's trusted
    /// identity propagation context.
    OriginIdentity,
    /// A value this version of the crate does not know, sent as given.
    Unknown(String),
}

impl SubjectMode {
    /// Returns the value as STS spells it.
    pub fn as_str(&self) -> &str {
        match self {
            SubjectMode::AwsIdentity => "AWSIdentity",
            SubjectMode::OriginIdentity => "OriginIdentity",
            SubjectMode::Unknown(value) => value,
        }
    }
}

impl From<&str> for SubjectMode {
    fn from(value: &str) -> SubjectMode {
        match value {
            "AWSIdentity" => SubjectMode::AwsIdentity,
            "OriginIdentity" => SubjectMode::OriginIdentity,
            other => SubjectMode::Unknown(other.to_string()),
        }
    }
}

impl fmt::Display for SubjectMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The assumed role session's ARN and id.
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

/// The federated user that GetFederationToken created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederatedUser {
    federated_user_id: String,
    arn: String,
}

impl FederatedUser {
    /// Returns the federated user's id, `ACCOUNT:name`.
    pub fn federated_user_id(&self) -> &str {
        &self.federated_user_id
    }

    /// Returns the federated user's ARN, `arn:aws:sts::ACCOUNT:federated-user/NAME`.
    pub fn arn(&self) -> &str {
        &self.arn
    }

    pub(crate) fn parse(parent: &Element) -> Result<Option<FederatedUser>, XmlError> {
        let Some(element) = parent.child("FederatedUser")? else {
            return Ok(None);
        };
        Ok(Some(FederatedUser {
            federated_user_id: element.required_text("FederatedUserId")?,
            arn: element.required_text("Arn")?,
        }))
    }
}

/// The session that GetScopedCredentials scoped down (the model's `ScopedSession`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedSession {
    scoped_session_id: String,
    arn: String,
}

impl ScopedSession {
    /// Returns the scoped session's id, which names the same principal as the calling session.
    pub fn scoped_session_id(&self) -> &str {
        &self.scoped_session_id
    }

    /// Returns the scoped session's ARN.
    pub fn arn(&self) -> &str {
        &self.arn
    }

    pub(crate) fn parse(parent: &Element) -> Result<Option<ScopedSession>, XmlError> {
        let Some(element) = parent.child("SessionInfo")? else {
            return Ok(None);
        };
        Ok(Some(ScopedSession {
            scoped_session_id: element.required_text("ScopedSessionId")?,
            arn: element.required_text("Arn")?,
        }))
    }
}

/// The trusted identity propagation context that STS set in a federated session.
///
/// The model marks the whole structure as sensitive: the outputs that carry it redact it in
/// their `Debug`, and this type's own `Debug` redacts its sensitive members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedIdentityPropagationContext {
    origin_identity: Option<OriginIdentity>,
    transaction_context: Option<TransactionContext>,
}

impl TrustedIdentityPropagationContext {
    /// Returns the identity of the end user on whose behalf the session acts.
    pub fn origin_identity(&self) -> Option<&OriginIdentity> {
        self.origin_identity.as_ref()
    }

    /// Returns the claims about the request that the identity provider asserted.
    pub fn transaction_context(&self) -> Option<&TransactionContext> {
        self.transaction_context.as_ref()
    }

    pub(crate) fn parse(
        parent: &Element,
    ) -> Result<Option<TrustedIdentityPropagationContext>, XmlError> {
        let Some(element) = parent.child("TrustedIdentityPropagationContext")? else {
            return Ok(None);
        };
        let origin_identity = match element.child("OriginIdentity")? {
            Some(origin) => Some(OriginIdentity {
                subject: origin.optional_text("Subject")?,
                subject_type: origin.optional_text("SubjectType")?,
                issuer: origin.optional_text("Issuer")?,
                federated_provider_arn: origin.optional_text("FederatedProviderArn")?,
            }),
            None => None,
        };
        let transaction_context = match element.child("TransactionContext")? {
            Some(transaction) => Some(TransactionContext {
                identity_provider: transaction.optional_string_map("IdentityProvider")?,
            }),
            None => None,
        };
        Ok(Some(TrustedIdentityPropagationContext {
            origin_identity,
            transaction_context,
        }))
    }
}

/// The end user on whose behalf a session acts. `Debug` redacts the subject, subject type
/// and issuer, which the model marks as sensitive.
#[derive(Clone, PartialEq, Eq)]
pub struct OriginIdentity {
    subject: Option<String>,
    subject_type: Option<String>,
    issuer: Option<String>,
    federated_provider_arn: Option<String>,
}

impl OriginIdentity {
    /// Returns the subject: the user's identifier at the identity provider.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// Returns the kind of subject.
    pub fn subject_type(&self) -> Option<&str> {
        self.subject_type.as_deref()
    }

    /// Returns the issuer that vouched for the subject.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// Returns the ARN of the IAM identity provider that federated the user.
    pub fn federated_provider_arn(&self) -> Option<&str> {
        self.federated_provider_arn.as_deref()
    }
}

impl fmt::Debug for OriginIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OriginIdentity")
            .field("subject", &self.subject.as_ref().map(|_| Redacted))
            .field(
                "subject_type",
                &self.subject_type.as_ref().map(|_| Redacted),
            )
            .field("issuer", &self.issuer.as_ref().map(|_| Redacted))
            .field("federated_provider_arn", &self.federated_provider_arn)
            .finish()
    }
}

/// Claims about a request that the identity provider asserted. `Debug` shows the claim
/// names and redacts their values, which the model marks as sensitive.
#[derive(Clone, PartialEq, Eq)]
pub struct TransactionContext {
    identity_provider: Option<BTreeMap<String, String>>,
}

impl TransactionContext {
    /// Returns the identity provider's claims, by claim name.
    pub fn identity_provider(&self) -> Option<&BTreeMap<String, String>> {
        self.identity_provider.as_ref()
    }
}

impl fmt::Debug for TransactionContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = self
            .identity_provider
            .as_ref()
            .map(|claims| claims.keys().map(|key| (key, Redacted)).collect::<Vec<_>>());
        f.debug_struct("TransactionContext")
            .field("identity_provider", &redacted)
            .finish()
    }
}

/// Writes `PolicyArns.member.N.arn` for each policy, or `PolicyArns=` for an empty list.
pub(crate) fn write_policy_arns(writer: &mut QueryWriter, policies: Option<&[PolicyDescriptor]>) {
    if let Some(policies) = policies {
        writer.list("PolicyArns", policies, |writer, prefix, policy| {
            writer.string(&format!("{prefix}.arn"), &policy.arn);
        });
    }
}

/// Writes `Tags.member.N.Key` and `.Value` for each tag, or `Tags=` for an empty list.
pub(crate) fn write_tags(writer: &mut QueryWriter, tags: Option<&[Tag]>) {
    if let Some(tags) = tags {
        writer.list("Tags", tags, |writer, prefix, tag| {
            writer.string(&format!("{prefix}.Key"), &tag.key);
            writer.string(&format!("{prefix}.Value"), &tag.value);
        });
    }
}

/// Writes `ProvidedContexts.member.N.ProviderArn` and `.ContextAssertion` for each context.
pub(crate) fn write_provided_contexts(
    writer: &mut QueryWriter,
    contexts: Option<&[ProvidedContext]>,
) {
    if let Some(contexts) = contexts {
        writer.list("ProvidedContexts", contexts, |writer, prefix, context| {
            writer.string(&format!("{prefix}.ProviderArn"), &context.provider_arn);
            writer.string(
                &format!("{prefix}.ContextAssertion"),
                &context.context_assertion,
            );
        });
    }
}

/// Checks each managed policy ARN. The model sets no limit on the number of policies, and
/// the limit of 10 in the STS documentation is left to the service to check.
pub(crate) fn validate_policy_arns(policies: Option<&[PolicyDescriptor]>) -> Result<(), Error> {
    for (index, policy) in policies.unwrap_or_default().iter().enumerate() {
        validate::arn(&format!("PolicyArns.member.{}.arn", index + 1), &policy.arn)?;
    }
    Ok(())
}

/// Checks the number of session tags and each tag's key and value.
pub(crate) fn validate_tags(tags: Option<&[Tag]>) -> Result<(), Error> {
    let Some(tags) = tags else {
        return Ok(());
    };
    validate::list_size("Tags", tags.len(), 0, validate::MAX_TAGS)?;
    for (index, tag) in tags.iter().enumerate() {
        let prefix = format!("Tags.member.{}", index + 1);
        validate::string(&format!("{prefix}.Key"), &tag.key, &validate::TAG_KEY)?;
        validate::string(&format!("{prefix}.Value"), &tag.value, &validate::TAG_VALUE)?;
    }
    Ok(())
}

/// Checks the number of transitive tag keys and each key.
pub(crate) fn validate_transitive_tag_keys(keys: Option<&[String]>) -> Result<(), Error> {
    let Some(keys) = keys else {
        return Ok(());
    };
    validate::list_size("TransitiveTagKeys", keys.len(), 0, validate::MAX_TAGS)?;
    for (index, key) in keys.iter().enumerate() {
        let field = format!("TransitiveTagKeys.member.{}", index + 1);
        validate::string(&field, key, &validate::TAG_KEY)?;
    }
    Ok(())
}

/// Checks the number of provided contexts, 1 to 5, and each context's members.
pub(crate) fn validate_provided_contexts(
    contexts: Option<&[ProvidedContext]>,
) -> Result<(), Error> {
    let Some(contexts) = contexts else {
        return Ok(());
    };
    validate::list_size("ProvidedContexts", contexts.len(), 1, 5)?;
    for (index, context) in contexts.iter().enumerate() {
        let prefix = format!("ProvidedContexts.member.{}", index + 1);
        validate::arn(&format!("{prefix}.ProviderArn"), &context.provider_arn)?;
        validate::string(
            &format!("{prefix}.ContextAssertion"),
            &context.context_assertion,
            &validate::CONTEXT_ASSERTION,
        )?;
    }
    Ok(())
}
