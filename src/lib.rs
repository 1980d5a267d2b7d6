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
//! # Retries, timeouts and transport
//!
//! - Each call makes up to 3 attempts (`AWS_MAX_ATTEMPTS`, the profile's `max_attempts` or
//!   [`AwsSessionBuilder::max_attempts`]). Throttling codes, transient codes, HTTP 500, 502,
//!   503 and 504, connection failures and timeouts are retried after a full-jitter
//!   exponential backoff capped at 20 s, within a retry quota shared by the session's clones.
//!   [`RetryMode::Adaptive`] also rate-limits calls after STS throttles one.
//! - Each attempt must connect within 3.1 s and finish within 20 s by default
//!   ([`AwsSessionBuilder::connect_timeout`], [`AwsSessionBuilder::attempt_timeout`]).
//! - When STS rejects a request for its time and its `Date` header is more than 4 minutes off,
//!   the session stores the offset ([`AwsSession::clock_offset`]) and signs with it from then
//!   on.
//! - `https://` endpoints use `HTTPS_PROXY`, `http://` endpoints `HTTP_PROXY`, except for the
//!   hosts in `NO_PROXY`; `ALL_PROXY` is ignored. `AWS_CA_BUNDLE` or the profile's `ca_bundle`
//!   replaces the default (webpki) roots. Redirects are never followed.
//!
//! # Logging
//!
//! The crate logs through the `log` facade. At `debug` it logs one line per request: the
//! operation, endpoint, attempt number, HTTP status, request id and time taken, and one line
//! per retry with the attempt, the reason and the delay. No level of this crate's
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
#[cfg(any(fuzzing, test))]
#[doc(hidden)]
pub mod fuzzing;
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
pub use transport::retry::RetryMode;

/// Compiles the README's examples as doctests, so they stay correct.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
