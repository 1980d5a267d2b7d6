//! GetSessionToken: temporary credentials for an IAM user or the account root, optionally
//! with MFA.

use std::fmt;

use super::{parse_credentials, Operation};
use crate::protocol::query::QueryWriter;
use crate::protocol::validate;
use crate::protocol::xml::{Element, XmlError};
use crate::{Credentials, Error};

/// Input of GetSessionToken, which has no required members.
///
/// No member is secret, so `Debug` shows them all, including the MFA token code.
#[derive(Debug, Clone, Default)]
pub struct GetSessionTokenRequest {
    duration_seconds: Option<i32>,
    serial_number: Option<String>,
    token_code: Option<String>,
    minimum_session_token_size: Option<i32>,
}

impl GetSessionTokenRequest {
    /// Creates a request with no members set.
    pub fn new() -> GetSessionTokenRequest {
        GetSessionTokenRequest::default()
    }

    /// Sets how long the credentials last, 900 to 129600 seconds (3600 at most for the root
    /// user). STS defaults to 43200.
    pub fn duration_seconds(mut self, seconds: i32) -> GetSessionTokenRequest {
        self.duration_seconds = Some(seconds);
        self
    }

    /// Sets the serial number or ARN of the caller's MFA device.
    pub fn serial_number(mut self, serial_number: impl Into<String>) -> GetSessionTokenRequest {
        self.serial_number = Some(serial_number.into());
        self
    }

    /// Sets the six-digit code from the MFA device.
    pub fn token_code(mut self, token_code: impl Into<String>) -> GetSessionTokenRequest {
        self.token_code = Some(token_code.into());
        self
    }

    /// Sets the minimum session token size to request, 0 to 4096.
    pub fn minimum_session_token_size(mut self, size: i32) -> GetSessionTokenRequest {
        self.minimum_session_token_size = Some(size);
        self
    }
}

/// Output of GetSessionToken.
#[derive(Clone)]
pub struct GetSessionTokenOutput {
    credentials: Credentials,
    session_token_utilization: Option<i32>,
    session_token_size: Option<i32>,
    request_id: Option<String>,
}

impl GetSessionTokenOutput {
    /// Returns the temporary credentials, with session token and expiration.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
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

impl fmt::Debug for GetSessionTokenOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetSessionTokenOutput")
            .field("credentials", &self.credentials)
            .field("session_token_utilization", &self.session_token_utilization)
            .field("session_token_size", &self.session_token_size)
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl Operation for GetSessionTokenRequest {
    const NAME: &'static str = "GetSessionToken";
    type Output = GetSessionTokenOutput;

    fn validate(&self) -> Result<(), Error> {
        validate::optional_integer(
            "DurationSeconds",
            self.duration_seconds,
            &validate::SESSION_DURATION,
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
        validate::optional_integer(
            "MinimumSessionTokenSize",
            self.minimum_session_token_size,
            &validate::MINIMUM_SESSION_TOKEN_SIZE,
        )
    }

    fn write_members(&self, writer: &mut QueryWriter) {
        writer.optional_integer("DurationSeconds", self.duration_seconds);
        writer.optional_string("SerialNumber", self.serial_number.as_deref());
        writer.optional_string("TokenCode", self.token_code.as_deref());
        writer.optional_integer("MinimumSessionTokenSize", self.minimum_session_token_size);
    }

    fn parse_output(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<GetSessionTokenOutput, XmlError> {
        Ok(GetSessionTokenOutput {
            credentials: parse_credentials(result)?,
            session_token_utilization: result.optional_integer("SessionTokenUtilization")?,
            session_token_size: result.optional_integer("SessionTokenSize")?,
            request_id,
        })
    }
}
