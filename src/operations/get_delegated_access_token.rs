//! GetDelegatedAccessToken: temporary credentials in exchange for a trade-in token.

use std::fmt;

use super::{parse_credentials, Operation, Redacted};
use crate::protocol::query::QueryWriter;
use crate::protocol::xml::{Element, XmlError};
use crate::{Credentials, Error};

/// Input of GetDelegatedAccessToken.
///
/// `Debug` redacts the trade-in token.
#[derive(Clone)]
pub struct GetDelegatedAccessTokenRequest {
    trade_in_token: String,
}

impl GetDelegatedAccessTokenRequest {
    /// Creates a request to exchange `trade_in_token`, which must be valid and unexpired,
    /// for credentials of the principal it delegates.
    pub fn new(trade_in_token: impl Into<String>) -> GetDelegatedAccessTokenRequest {
        GetDelegatedAccessTokenRequest {
            trade_in_token: trade_in_token.into(),
        }
    }
}

impl fmt::Debug for GetDelegatedAccessTokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetDelegatedAccessTokenRequest")
            .field("trade_in_token", &Redacted)
            .finish()
    }
}

/// Output of GetDelegatedAccessToken.
#[derive(Clone)]
pub struct GetDelegatedAccessTokenOutput {
    credentials: Credentials,
    packed_policy_size: Option<i32>,
    assumed_principal: Option<String>,
    request_id: Option<String>,
}

impl GetDelegatedAccessTokenOutput {
    /// Returns the temporary credentials, with session token and expiration.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Returns the packed policy size. STS deprecates it and does not fill it in for this
    /// operation.
    pub fn packed_policy_size(&self) -> Option<i32> {
        self.packed_policy_size
    }

    /// Returns the ARN of the principal whose permissions the credentials carry.
    pub fn assumed_principal(&self) -> Option<&str> {
        self.assumed_principal.as_deref()
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

impl fmt::Debug for GetDelegatedAccessTokenOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetDelegatedAccessTokenOutput")
            .field("credentials", &self.credentials)
            .field("packed_policy_size", &self.packed_policy_size)
            .field("assumed_principal", &self.assumed_principal)
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl Operation for GetDelegatedAccessTokenRequest {
    const NAME: &'static str = "GetDelegatedAccessToken";
    type Output = GetDelegatedAccessTokenOutput;

    /// Checks nothing: the model gives the trade-in token no length or pattern.
    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }

    fn write_members(&self, writer: &mut QueryWriter) {
        writer.string("TradeInToken", &self.trade_in_token);
    }

    fn parse_output(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<GetDelegatedAccessTokenOutput, XmlError> {
        Ok(GetDelegatedAccessTokenOutput {
            credentials: parse_credentials(result)?,
            packed_policy_size: result.optional_integer("PackedPolicySize")?,
            assumed_principal: result.optional_text("AssumedPrincipal")?,
            request_id,
        })
    }
}
