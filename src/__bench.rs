//! Entry points for the Criterion benchmarks in `benches/`: the per-call work of the request
//! pipeline (validation and form encoding, signing, response parsing) without any I/O.
//!
//! Not part of the public API: hidden from the documentation, not covered by semver, and
//! changed whenever the pipeline changes.

use std::time::SystemTime;

use crate::invoke::read_response;
use crate::operations::Operation;
use crate::protocol::query::QueryWriter;
use crate::transport::http::{HttpRequest, HttpResponse};
use crate::transport::signing::{sign_request, SigningKeyCache};
use crate::{
    AssumeRoleOutput, AssumeRoleRequest, Credentials, Error, GetCallerIdentityOutput,
    GetCallerIdentityRequest,
};

/// Validates a GetCallerIdentity request and returns its form body.
pub fn encode_get_caller_identity(request: &GetCallerIdentityRequest) -> Result<String, Error> {
    encode(request)
}

/// Validates an AssumeRole request and returns its form body.
pub fn encode_assume_role(request: &AssumeRoleRequest) -> Result<String, Error> {
    encode(request)
}

/// The signing key a session keeps between calls. A new value has none, so its first
/// [`sign`] derives one, as a session's first call of a UTC day does.
#[derive(Debug, Default)]
pub struct SigningKeys(SigningKeyCache);

/// Signs a POST of `body` to `url` as the pipeline does and returns all request headers.
pub fn sign(
    keys: &SigningKeys,
    url: &str,
    body: &[u8],
    credentials: &Credentials,
    region: &str,
    time: SystemTime,
) -> Result<Vec<(String, String)>, Error> {
    let mut request = HttpRequest {
        url: url.to_string(),
        headers: vec![(
            "content-type".to_string(),
            "application/x-www-form-urlencoded; charset=utf-8".to_string(),
        )],
        body: body.to_vec(),
    };
    sign_request(&mut request, credentials, region, time, &keys.0)?;
    Ok(request.headers)
}

/// Reads a GetCallerIdentity response as the pipeline does, status check first.
pub fn parse_get_caller_identity(
    status: u16,
    body: Vec<u8>,
) -> Result<GetCallerIdentityOutput, Error> {
    read_response::<GetCallerIdentityRequest>(response(status, body), &[])
}

/// Reads an AssumeRole response as the pipeline does, status check first.
pub fn parse_assume_role(status: u16, body: Vec<u8>) -> Result<AssumeRoleOutput, Error> {
    read_response::<AssumeRoleRequest>(response(status, body), &[])
}

fn encode<O: Operation>(request: &O) -> Result<String, Error> {
    request.validate()?;
    let mut writer = QueryWriter::new(O::NAME);
    request.write_members(&mut writer);
    Ok(writer.finish())
}

fn response(status: u16, body: Vec<u8>) -> HttpResponse {
    HttpResponse {
        status,
        request_id: None,
        date: None,
        retry_after: None,
        body,
    }
}
