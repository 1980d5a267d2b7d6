//! The crate's error type, split by cause.

use std::fmt;

/// Errors returned by this crate.
///
/// Each variant is one cause: STS returned an error, the input was rejected before
/// anything was sent, no usable credentials or configuration were found, the request could not
/// be delivered, it timed out, or the response could not be understood. Messages this crate
/// writes never contain a secret key, session token, web identity token or SAML assertion, and
/// a message from STS has the request's own secrets of 8 or more characters replaced by
/// `** redacted **` before it is stored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// STS returned an error document.
    #[error(transparent)]
    Service(ServiceError),

    /// A request parameter was rejected before anything was sent.
    #[error("invalid {field}: {message}")]
    #[non_exhaustive]
    InvalidInput {
        /// The STS member or argument name, for example `RoleSessionName`.
        field: String,
        /// The problem with the value and the range or pattern the model allows.
        message: String,
    },

    /// No credentials were found, or the ones found are incomplete or expired, or a
    /// configured credential source failed.
    #[error("{message}")]
    #[non_exhaustive]
    Credentials {
        /// The sources tried, why each gave nothing, and the fix.
        message: String,
        /// The failed call behind this error, such as the STS error of a role assumption
        /// that a profile configures. [`Error::code`], [`Error::request_id`] and
        /// [`Error::status`] return its values.
        #[source]
        source: Option<Box<Error>>,
    },

    /// Settings are malformed or contradict each other.
    #[error("{message}")]
    #[non_exhaustive]
    Config {
        /// The malformed setting and the fix.
        message: String,
    },

    /// The request could not be delivered or the connection failed before a full response.
    #[error("request to {endpoint} failed{}: {message}", attempts_suffix(*.attempts))]
    #[non_exhaustive]
    Transport {
        /// The URL that was called.
        endpoint: String,
        /// The failure, in the HTTP client's words.
        message: String,
        /// How many attempts were made.
        attempts: u32,
    },

    /// A connect or attempt timeout elapsed.
    #[error("request to {endpoint} timed out{}: {message}", attempts_suffix(*.attempts))]
    #[non_exhaustive]
    Timeout {
        /// The URL that was called.
        endpoint: String,
        /// The timeout that elapsed and its duration.
        message: String,
        /// How many attempts were made.
        attempts: u32,
    },

    /// The response body could not be understood as the expected STS document.
    #[error("invalid response from STS (HTTP {status}){}: {message}", attempts_suffix(*.attempts))]
    #[non_exhaustive]
    InvalidResponse {
        /// The HTTP status of the response.
        status: u16,
        /// The problem with the body. It never contains the body itself.
        message: String,
        /// The request id from the `x-amzn-RequestId` header, when present.
        request_id: Option<String>,
        /// How many attempts were made.
        attempts: u32,
    },
}

fn attempts_suffix(attempts: u32) -> String {
    if attempts > 1 {
        format!(" after {attempts} attempts")
    } else {
        String::new()
    }
}

impl Error {
    /// Returns the STS error code, such as `AccessDenied`, for [`Error::Service`] and for
    /// [`Error::Credentials`] caused by a service error.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Service(error) => Some(error.code()),
            Error::Credentials {
                source: Some(source),
                ..
            } => source.code(),
            _ => None,
        }
    }

    /// Returns the request id that STS assigned, when the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(error) => error.request_id(),
            Error::InvalidResponse { request_id, .. } => request_id.as_deref(),
            Error::Credentials {
                source: Some(source),
                ..
            } => source.request_id(),
            _ => None,
        }
    }

    /// Returns the HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Service(error) => Some(error.status()),
            Error::InvalidResponse { status, .. } => Some(*status),
            Error::Credentials {
                source: Some(source),
                ..
            } => source.status(),
            _ => None,
        }
    }

    /// Returns whether sending the same request again may succeed.
    ///
    /// True for throttling and transient service errors, HTTP 500, 502, 503 and 504, connection
    /// failures and timeouts. False for input, credential and configuration errors and for
    /// every other service error.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Service(error) => error.is_retryable(),
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::InvalidResponse { status, .. } => is_retryable_status(*status),
            Error::InvalidInput { .. } | Error::Credentials { .. } | Error::Config { .. } => false,
        }
    }

    /// Returns how many attempts were made before this error was returned, or 0 when it was
    /// returned before any request was sent.
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Service(error) => error.attempts,
            Error::Transport { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::InvalidResponse { attempts, .. } => *attempts,
            Error::InvalidInput { .. } | Error::Credentials { .. } | Error::Config { .. } => 0,
        }
    }

    pub(crate) fn invalid_input(field: impl Into<String>, message: impl Into<String>) -> Error {
        Error::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }

    pub(crate) fn credentials(message: impl Into<String>) -> Error {
        Error::Credentials {
            message: message.into(),
            source: None,
        }
    }

    /// Creates a credentials error caused by `source`, such as a failed STS call.
    pub(crate) fn credentials_caused_by(message: impl Into<String>, source: Error) -> Error {
        Error::Credentials {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::Config {
            message: message.into(),
        }
    }

    pub(crate) fn invalid_response(
        status: u16,
        message: impl Into<String>,
        request_id: Option<String>,
    ) -> Error {
        Error::InvalidResponse {
            status,
            message: message.into(),
            request_id,
            attempts: 1,
        }
    }

    /// Records the number of attempts on errors that came from sending a request.
    pub(crate) fn with_attempts(mut self, count: u32) -> Error {
        match &mut self {
            Error::Service(error) => error.attempts = count,
            Error::Transport { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::InvalidResponse { attempts, .. } => *attempts = count,
            Error::InvalidInput { .. } | Error::Credentials { .. } | Error::Config { .. } => {}
        }
        self
    }
}

/// HTTP statuses that mean the server, not the request, failed.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 500 | 502 | 503 | 504)
}

/// Error codes that mean the caller is sending too fast. The AWS SDKs retry them in their
/// standard retry mode, and their adaptive mode also lowers its sending rate on them. The list is
/// botocore's `ThrottledRetryableChecker` (`botocore/retries/standard.py`, commit 0719e79)
/// without `TransactionInProgressException`, which only DynamoDB returns.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ProvisionedThroughputExceededException",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes of transient failures that the AWS SDKs retry, besides HTTP 5xx.
/// `IDPCommunicationError` is retried for every STS call, because STS returns it when it could
/// not reach the identity provider.
const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "IDPCommunicationError",
];

/// An error document returned by STS.
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub(crate) code: String,
    pub(crate) message: String,
    pub(crate) fault: Fault,
    pub(crate) request_id: Option<String>,
    pub(crate) status: u16,
    pub(crate) attempts: u32,
}

/// The side STS blames for an error, from the `<Type>` element of the error document.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// `Sender`: the request was wrong and must be changed before it can succeed.
    Sender,
    /// `Receiver`: STS failed to process a valid request.
    Receiver,
    /// The error document had no `<Type>` element.
    Unspecified,
    /// Any other value.
    Unknown(String),
}

impl Fault {
    pub(crate) fn parse(value: Option<&str>) -> Fault {
        match value {
            None => Fault::Unspecified,
            Some("Sender") => Fault::Sender,
            Some("Receiver") => Fault::Receiver,
            Some(other) => Fault::Unknown(other.to_string()),
        }
    }
}

impl ServiceError {
    /// Returns the error code, for example `AccessDenied` or `ExpiredTokenException`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Returns the error code as a typed kind to match on.
    pub fn kind(&self) -> ServiceErrorKind {
        ServiceErrorKind::from_code(&self.code)
    }

    /// Returns the human-readable message STS sent, or an empty string.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Returns which side STS blames for the error.
    pub fn fault(&self) -> &Fault {
        &self.fault
    }

    /// Returns the request id, from the body or else the `x-amzn-RequestId` header.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Returns the HTTP status of the response.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Returns how many attempts were made before this error was returned.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Returns whether the AWS SDKs' standard retry mode retries this error.
    pub fn is_retryable(&self) -> bool {
        is_retryable_status(self.status)
            || self.is_throttling()
            || TRANSIENT_CODES.contains(&self.code.as_str())
    }

    /// Returns whether the code means the caller is sending too fast, such as `Throttling`.
    pub fn is_throttling(&self) -> bool {
        THROTTLING_CODES.contains(&self.code.as_str())
    }
}

impl fmt::Debug for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceError")
            .field("code", &self.code)
            .field("message", &self.message)
            .field("fault", &self.fault)
            .field("request_id", &self.request_id)
            .field("status", &self.status)
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "STS returned {} (HTTP {}", self.code, self.status)?;
        if let Some(request_id) = &self.request_id {
            write!(f, ", request id {request_id}")?;
        }
        if self.attempts > 1 {
            write!(f, ", after {} attempts", self.attempts)?;
        }
        write!(f, ")")?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

macro_rules! service_error_kinds {
    ($( $(#[$doc:meta])* $variant:ident => [$($code:literal),+] ),+ $(,)?) => {
        /// The error codes that the STS model defines, plus the common AWS codes STS returns.
        ///
        /// Where the model gives a Query-protocol code that differs from the exception's shape
        /// name (`MalformedPolicyDocument` for `MalformedPolicyDocumentException`), both
        /// spellings map to the same variant.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum ServiceErrorKind {
            $( $(#[$doc])* $variant, )+
            /// Any other code, kept as STS sent it.
            Other(String),
        }

        impl ServiceErrorKind {
            /// Maps an STS error code to its kind.
            pub fn from_code(code: &str) -> ServiceErrorKind {
                match code {
                    $( $($code)|+ => ServiceErrorKind::$variant, )+
                    other => ServiceErrorKind::Other(other.to_string()),
                }
            }
        }
    };
}

service_error_kinds! {
    /// The policy document is not valid JSON or not a valid IAM policy.
    MalformedPolicyDocument => ["MalformedPolicyDocument", "MalformedPolicyDocumentException"],
    /// The session policies and tags, packed, exceed the allowed size.
    PackedPolicyTooLarge => ["PackedPolicyTooLarge", "PackedPolicyTooLargeException"],
    /// STS is not activated in the requested region for this account.
    RegionDisabled => ["RegionDisabledException"],
    /// The web identity token, SAML assertion or session token has expired.
    ExpiredToken => ["ExpiredTokenException"],
    /// The identity provider rejected the claims in the token or assertion.
    IdpRejectedClaim => ["IDPRejectedClaim", "IDPRejectedClaimException"],
    /// STS could not reach the identity provider; retrying may succeed.
    IdpCommunicationError => ["IDPCommunicationError", "IDPCommunicationErrorException"],
    /// The web identity token or SAML assertion is not valid.
    InvalidIdentityToken => ["InvalidIdentityToken", "InvalidIdentityTokenException"],
    /// The encoded authorization message is not valid.
    InvalidAuthorizationMessage => ["InvalidAuthorizationMessageException"],
    /// The trade-in token of GetDelegatedAccessToken has expired.
    ExpiredTradeInToken => ["ExpiredTradeInTokenException"],
    /// A provided context assertion is not valid.
    InvalidContextAssertion => ["InvalidContextAssertion", "InvalidContextAssertionException"],
    /// The subject credentials do not live long enough for the requested duration.
    InsufficientSessionLifetime => ["InsufficientSessionLifetime", "InsufficientSessionLifetimeException"],
    /// The subject credentials of GetScopedCredentials are not valid.
    InvalidSubjectCredentials => ["InvalidSubjectCredentials", "InvalidSubjectCredentialsException"],
    /// The JWT payload of GetWebIdentityToken is too large.
    JwtPayloadSizeExceeded => ["JWTPayloadSizeExceededException"],
    /// Outbound web identity federation is disabled for the account.
    OutboundWebIdentityFederationDisabled => ["OutboundWebIdentityFederationDisabledException"],
    /// The requested token lifetime exceeds what the caller's session allows.
    SessionDurationEscalation => ["SessionDurationEscalationException"],
    /// The caller is not allowed to perform the operation.
    AccessDenied => ["AccessDenied"],
    /// The signature does not match what the server computed; often a wrong secret key.
    SignatureDoesNotMatch => ["SignatureDoesNotMatch"],
    /// The access key id is not known to AWS.
    InvalidClientTokenId => ["InvalidClientTokenId"],
    /// A parameter failed the service's validation.
    ValidationError => ["ValidationError"],
    /// The request was throttled.
    Throttling => ["Throttling", "ThrottlingException"],
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service_error(code: &str, status: u16) -> ServiceError {
        ServiceError {
            code: code.to_string(),
            message: "message".to_string(),
            fault: Fault::Sender,
            request_id: Some("req-1".to_string()),
            status,
            attempts: 1,
        }
    }

    #[test]
    fn kind_accepts_both_spellings() {
        for code in [
            "MalformedPolicyDocument",
            "MalformedPolicyDocumentException",
        ] {
            assert_eq!(
                ServiceErrorKind::from_code(code),
                ServiceErrorKind::MalformedPolicyDocument
            );
        }
        assert_eq!(
            ServiceErrorKind::from_code("NewCode"),
            ServiceErrorKind::Other("NewCode".to_string())
        );
    }

    #[test]
    fn service_display_names_code_status_and_id() {
        let error = Error::Service(service_error("AccessDenied", 403));
        assert_eq!(
            error.to_string(),
            "STS returned AccessDenied (HTTP 403, request id req-1): message"
        );
        assert_eq!(error.code(), Some("AccessDenied"));
        assert_eq!(error.request_id(), Some("req-1"));
        assert_eq!(error.status(), Some(403));
    }

    #[test]
    fn retryable_classification() {
        assert!(Error::Service(service_error("Throttling", 400)).is_retryable());
        assert!(Error::Service(service_error("IDPCommunicationError", 400)).is_retryable());
        assert!(Error::Service(service_error("InternalFailure", 500)).is_retryable());
        assert!(!Error::Service(service_error("AccessDenied", 403)).is_retryable());
        assert!(!Error::Service(service_error("ValidationError", 400)).is_retryable());
        assert!(Error::invalid_response(503, "html", None).is_retryable());
        assert!(!Error::invalid_response(200, "truncated", None).is_retryable());
        assert!(!Error::invalid_input("RoleArn", "too short").is_retryable());
    }

    #[test]
    fn attempts_appear_in_display() {
        let error = Error::Service(service_error("Throttling", 400)).with_attempts(3);
        assert_eq!(error.attempts(), 3);
        assert_eq!(
            error.to_string(),
            "STS returned Throttling (HTTP 400, request id req-1, after 3 attempts): message"
        );
        let error = Error::Timeout {
            endpoint: "https://sts.amazonaws.com".to_string(),
            message: "attempt timeout of 2s elapsed".to_string(),
            attempts: 1,
        }
        .with_attempts(2);
        assert_eq!(
            error.to_string(),
            "request to https://sts.amazonaws.com timed out after 2 attempts: attempt timeout of 2s elapsed"
        );
    }
}
