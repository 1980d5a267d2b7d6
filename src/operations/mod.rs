//! One file per STS operation: its request type, output type, form members and output parsing.

mod assume_role;
mod assume_role_with_saml;
mod assume_role_with_web_identity;
mod assume_root;
mod decode_authorization_message;
mod get_access_key_info;
mod get_caller_identity;
mod get_delegated_access_token;
mod get_federation_token;
mod get_scoped_credentials;
mod get_session_token;
mod get_web_identity_token;
mod members;

pub use assume_role::{AssumeRoleOutput, AssumeRoleRequest};
pub use assume_role_with_saml::{AssumeRoleWithSamlOutput, AssumeRoleWithSamlRequest};
pub use assume_role_with_web_identity::{
    AssumeRoleWithWebIdentityOutput, AssumeRoleWithWebIdentityRequest,
};
pub use assume_root::{AssumeRootOutput, AssumeRootRequest};
pub use decode_authorization_message::{
    DecodeAuthorizationMessageOutput, DecodeAuthorizationMessageRequest,
};
pub use get_access_key_info::{GetAccessKeyInfoOutput, GetAccessKeyInfoRequest};
pub use get_caller_identity::{CallerIdentity, GetCallerIdentityOutput, GetCallerIdentityRequest};
pub use get_delegated_access_token::{
    GetDelegatedAccessTokenOutput, GetDelegatedAccessTokenRequest,
};
pub use get_federation_token::{GetFederationTokenOutput, GetFederationTokenRequest};
pub use get_scoped_credentials::{GetScopedCredentialsOutput, GetScopedCredentialsRequest};
pub use get_session_token::{GetSessionTokenOutput, GetSessionTokenRequest};
pub use get_web_identity_token::{GetWebIdentityTokenOutput, GetWebIdentityTokenRequest};
pub use members::{
    AssumedRoleUser, FederatedUser, OriginIdentity, PolicyDescriptor, ProvidedContext,
    ScopedSession, SubjectMode, Tag, TransactionContext, TrustedIdentityPropagationContext,
};

use crate::protocol::query::QueryWriter;
use crate::protocol::xml::{Element, XmlError};
use crate::{Credentials, Error};

/// The parts of one STS operation that the request pipeline uses.
pub(crate) trait Operation {
    /// The operation name, as sent in `Action` and used in `<{NAME}Response>`.
    const NAME: &'static str;
    /// Whether requests are signed; AssumeRoleWithSAML and AssumeRoleWithWebIdentity are not.
    const SIGNED: bool = true;
    /// The parsed output.
    type Output;

    /// Checks every member against the model before anything is sent.
    fn validate(&self) -> Result<(), Error>;

    /// Appends the operation's members to the form body.
    fn write_members(&self, writer: &mut QueryWriter);

    /// Returns the request's secret members (tokens, assertions), which error messages must
    /// never repeat.
    fn secret_inputs(&self) -> Vec<&str> {
        Vec::new()
    }

    /// Parses `<{NAME}Result>` into the output.
    fn parse_output(result: &Element, request_id: Option<String>)
        -> Result<Self::Output, XmlError>;
}

/// Parses a `<Credentials>` element into complete temporary credentials; every member is
/// required, so credentials are never returned with a missing field.
pub(crate) fn parse_credentials(parent: &Element) -> Result<Credentials, XmlError> {
    let element = parent.required_child("Credentials")?;
    Ok(Credentials::new(
        element.required_text("AccessKeyId")?,
        element.required_text("SecretAccessKey")?,
        Some(element.required_text("SessionToken")?),
        Some(element.required_timestamp("Expiration")?),
    ))
}

/// Writes a value in a `Debug` implementation as `** redacted **`.
pub(crate) struct Redacted;

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("** redacted **")
    }
}

#[cfg(test)]
mod tests;
