//! GetAccessKeyInfo: the account that an access key id belongs to.

use super::Operation;
use crate::protocol::query::QueryWriter;
use crate::protocol::validate;
use crate::protocol::xml::{Element, XmlError};
use crate::Error;

/// Input of GetAccessKeyInfo.
#[derive(Debug, Clone)]
pub struct GetAccessKeyInfoRequest {
    access_key_id: String,
}

impl GetAccessKeyInfoRequest {
    /// Creates a request about `access_key_id`, 16 to 128 ASCII letters, digits and `_`.
    pub fn new(access_key_id: impl Into<String>) -> GetAccessKeyInfoRequest {
        GetAccessKeyInfoRequest {
            access_key_id: access_key_id.into(),
        }
    }
}

/// Output of GetAccessKeyInfo.
#[derive(Debug, Clone)]
pub struct GetAccessKeyInfoOutput {
    account: Option<String>,
    request_id: Option<String>,
}

impl GetAccessKeyInfoOutput {
    /// Returns the id of the account that owns the access key.
    pub fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }

    /// Returns the request id STS assigned.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl Operation for GetAccessKeyInfoRequest {
    const NAME: &'static str = "GetAccessKeyInfo";
    type Output = GetAccessKeyInfoOutput;

    fn validate(&self) -> Result<(), Error> {
        validate::string("AccessKeyId", &self.access_key_id, &validate::ACCESS_KEY_ID)
    }

    fn write_members(&self, writer: &mut QueryWriter) {
        writer.string("AccessKeyId", &self.access_key_id);
    }

    fn parse_output(
        result: &Element,
        request_id: Option<String>,
    ) -> Result<GetAccessKeyInfoOutput, XmlError> {
        Ok(GetAccessKeyInfoOutput {
            account: result.optional_text("Account")?,
            request_id,
        })
    }
}
