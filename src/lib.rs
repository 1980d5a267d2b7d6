//! A blocking client for AWS STS (Security Token Service), for programs that must not pull in
//! an async runtime.
//!
//! ```no_run
//! use aws_sts_blocking::StsClient;
//! use std::time::Duration;
//!
//! # fn main() -> Result<(), aws_sts_blocking::Error> {
//! // Credentials and region come from the environment, as with the AWS CLI.
//! let mut client = StsClient::new(None, None, None)?;
//! println!("account {}", client.get_account_id()?);
//! println!("arn {}", client.get_user_arn()?);
//!
//! let credentials = client.get_cred_from_assume_role(
//!     "arn:aws:iam::123456789012:role/deploy",
//!     "deploy-session",
//!     Duration::from_secs(900),
//! )?;
//! println!("temporary key {} expires {:?}", credentials.access_key_id(), credentials.expiration());
//! # Ok(())
//! # }
//! ```
//!
//! # Logging
//!
//! The crate logs through the `log` facade. At `debug` it logs one line per request: the
//! operation, endpoint, HTTP status, request id and time taken. No level of this crate's
//! logging ever contains a header value, a form body or a response body, so secret keys,
//! session tokens, web identity tokens and SAML assertions are never logged. `ureq`'s own
//! `trace` output (target `ureq_proto`) shows the bytes on the wire unredacted: keep it off
//! where logs are collected.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod credentials;
mod endpoint;
mod error;
mod invoke;
mod operations;
mod protocol;
mod session;
mod transport;

#[doc(hidden)]
pub mod __bench;

pub use client::StsClient;
pub use credentials::Credentials;
pub use error::{Error, Fault, ServiceError, ServiceErrorKind};
pub use operations::{
    AssumeRoleOutput, AssumeRoleRequest, AssumeRoleWithSamlOutput, AssumeRoleWithSamlRequest,
    AssumeRoleWithWebIdentityOutput, AssumeRoleWithWebIdentityRequest, AssumeRootOutput,
    AssumeRootRequest, AssumedRoleUser, CallerIdentity, DecodeAuthorizationMessageOutput,
    DecodeAuthorizationMessageRequest, FederatedUser, GetAccessKeyInfoOutput,
    GetAccessKeyInfoRequest, GetCallerIdentityOutput, GetCallerIdentityRequest,
    GetDelegatedAccessTokenOutput, GetDelegatedAccessTokenRequest, GetFederationTokenOutput,
    GetFederationTokenRequest, GetScopedCredentialsOutput, GetScopedCredentialsRequest,
    GetSessionTokenOutput, GetSessionTokenRequest, GetWebIdentityTokenOutput,
    GetWebIdentityTokenRequest, OriginIdentity, PolicyDescriptor, ProvidedContext, ScopedSession,
    SubjectMode, Tag, TransactionContext, TrustedIdentityPropagationContext,
};
pub use session::{AwsSession, AwsSessionBuilder, Environment, StsRegionalEndpoints};
