//! DecodeAuthorizationMessage: the details behind an encoded authorization failure message.

use super::Operation;
use crate::protocol::query::QueryWriter;
use crate::protocol::validate;
use crate::protocol::xml::{Element, XmlError};
use crate::Error;

/// Input of DecodeAuthorizationMessage.
#[derive(Debug, Clone)]
pub struct DecodeAuthorizationMessageRequest {
    encoded_message: String,
}

impl DecodeAuthorizationMessageRequest {
    /// Creates a request to decode `encoded_message`, the encoded authorization message
    /// (1 to 10240 characters) that another AWS service returned with an access denial.
    pub fn new(encoded_message: impl Into<String>) -> DecodeAuthorizationMessageRequest {
        DecodeAuthorizationMessageRequest {
            encoded_message: encoded_message.into(),
        }
    }
}

/// Output of DecodeAuthorizationMessage.
#[derive(Debug, Clone)]
pub struct DecodeAuthorizationMessageOutput {
    decoded_message: Option<String>,
    request_id: Option<String>,
}

impl DecodeAuthorizationMessageOutput {
    /// Returns the decoded message: a JSON document describing the denied request and why
    /// it was denied.
    pub fn decoded_message(&self) -> Option<&str> {
        self.decoded_message.as_deref()
    }

    /// Returns the request id STS assigned.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl Operation for DecodeAuthorizationMessageRequest {
    const NAME: &'static str = "DecodeAuthorizationMessage";
    type Output = DecodeAuthorizationMessageOutput;

    fn validate(&self) -> Result<(), Error> {
        validate::string(
            "EncodedMessage",
            &self.encoded_message,
            &validate::ENCODED_MESSAGE,
        )
    }

    fn write_members(&self, writer: &mut QueryWriter) {
        writer.string("EncodedMessage", &self.encoded_message);
    }

    fn parse_output(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<DecodeAuthorizationMessageOutput, XmlError> {
        Ok(DecodeAuthorizationMessageOutput {
            decoded_message: result.optional_text("DecodedMessage")?,
            request_id,
        })
    }
}
