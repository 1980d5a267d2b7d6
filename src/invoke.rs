//! The path of one STS call: validate, encode, sign, send, and read the response.

use std::time::Instant;

use crate::error::{Fault, ServiceError};
use crate::operations::Operation;
use crate::protocol::query::QueryWriter;
use crate::protocol::xml::{parse_document, parse_error_document, parse_success_document};
use crate::session::AwsSession;
use crate::transport::http::{HttpRequest, HttpResponse};
use crate::transport::signing::sign_request;
use crate::{Credentials, Error};

const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// Where a call is sent and the region its signature names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) url: String,
    pub(crate) signing_region: String,
}

/// Sends `request` to `target` with the session's credentials and returns its parsed output.
pub(crate) fn invoke<O: Operation>(
    session: &AwsSession,
    target: &Target,
    request: &O,
) -> Result<O::Output, Error> {
    request.validate()?;

    let mut writer = QueryWriter::new(O::NAME);
    request.write_members(&mut writer);
    let mut http_request = HttpRequest {
        url: request_url(&target.url),
        headers: vec![("content-type".to_string(), CONTENT_TYPE.to_string())],
        body: writer.finish().into_bytes(),
    };

    let credentials = if O::SIGNED {
        Some(session.credentials()?)
    } else {
        None
    };
    if let Some(credentials) = &credentials {
        let now = session.environment().now();
        sign_request(&mut http_request, credentials, &target.signing_region, now)?;
    }

    let started = Instant::now();
    let result = session.transport().send(&http_request);
    let elapsed = started.elapsed();
    match &result {
        Ok(response) => log::debug!(
            "STS {} to {}: HTTP {}, request id {}, {} ms",
            O::NAME,
            target.url,
            response.status,
            response.request_id.as_deref().unwrap_or("none"),
            elapsed.as_millis()
        ),
        Err(error) => log::debug!(
            "STS {} to {} failed after {} ms: {error}",
            O::NAME,
            target.url,
            elapsed.as_millis()
        ),
    }
    read_response::<O>(result?, credentials.as_ref())
}

/// Returns the URL to POST to: the endpoint with a trailing `/`, so a base path such as
/// `https://host/custom` is kept as `/custom/`.
fn request_url(endpoint: &str) -> String {
    if endpoint.ends_with('/') {
        endpoint.to_string()
    } else {
        format!("{endpoint}/")
    }
}

/// Turns a response into the operation's output, a service error or an invalid-response error.
///
/// The status is checked before the body is parsed, so an error document is never mistaken
/// for a malformed success.
pub(crate) fn read_response<O: Operation>(
    response: HttpResponse,
    credentials: Option<&Credentials>,
) -> Result<O::Output, Error> {
    let status = response.status;
    let header_request_id = response.request_id;
    let body = std::str::from_utf8(&response.body).map_err(|_| {
        Error::invalid_response(
            status,
            "the response body is not valid UTF-8",
            header_request_id.clone(),
        )
    })?;

    if !(200..300).contains(&status) {
        return Err(service_error(status, body, header_request_id, credentials));
    }

    let root = parse_document(body).map_err(|error| {
        Error::invalid_response(
            status,
            format!("the {} response is not valid XML: {}", O::NAME, error.0),
            header_request_id.clone(),
        )
    })?;
    if root.name == "ErrorResponse" {
        return Err(service_error(status, body, header_request_id, credentials));
    }
    let (result, request_id) = parse_success_document(root, O::NAME).map_err(|error| {
        Error::invalid_response(
            status,
            format!("unexpected {} response: {}", O::NAME, error.0),
            header_request_id.clone(),
        )
    })?;
    let request_id = request_id.or(header_request_id);
    O::parse_output(&result, request_id.clone()).map_err(|error| {
        Error::invalid_response(
            status,
            format!("incomplete {} response: {}", O::NAME, error.0),
            request_id,
        )
    })
}

/// Reads an STS error document, whatever its content type; a body that is not one (an HTML
/// page from a proxy, say) becomes [`Error::InvalidResponse`] with the status.
fn service_error(
    status: u16,
    body: &str,
    header_request_id: Option<String>,
    credentials: Option<&Credentials>,
) -> Error {
    let document = match parse_document(body).and_then(|root| parse_error_document(&root)) {
        Ok(document) => document,
        Err(error) => {
            let what = if body.trim().is_empty() {
                "an empty body".to_string()
            } else {
                format!("a body that is not an STS error document ({})", error.0)
            };
            return Error::invalid_response(
                status,
                format!("HTTP {status} with {what}"),
                header_request_id,
            );
        }
    };
    Error::Service(ServiceError {
        code: document.code,
        message: redact(document.message, credentials),
        fault: Fault::parse(document.fault.as_deref()),
        request_id: document.request_id.or(header_request_id),
        status,
        attempts: 1,
    })
}

/// Removes the caller's own secret key and session token from a server message, in case a
/// server echoes them (some services quote the canonical request in signature errors).
fn redact(mut message: String, credentials: Option<&Credentials>) -> String {
    let Some(credentials) = credentials else {
        return message;
    };
    let secrets = [
        Some(credentials.secret_access_key()),
        credentials.session_token(),
    ];
    for secret in secrets
        .into_iter()
        .flatten()
        .filter(|secret| secret.len() >= 8)
    {
        if message.contains(secret) {
            message = message.replace(secret, "** redacted **");
        }
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::{AssumeRoleRequest, GetCallerIdentityRequest};

    fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            request_id: Some("header-id".to_string()),
            date: None,
            retry_after: None,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn request_url_keeps_base_path() {
        assert_eq!(
            request_url("https://sts.amazonaws.com"),
            "https://sts.amazonaws.com/"
        );
        assert_eq!(request_url("https://host/custom"), "https://host/custom/");
        assert_eq!(
            request_url("http://127.0.0.1:5000/"),
            "http://127.0.0.1:5000/"
        );
    }

    #[test]
    fn html_error_page_is_invalid_response() {
        let error = read_response::<GetCallerIdentityRequest>(
            response(502, "<html><body>Bad gateway</body></html>"),
            None,
        )
        .unwrap_err();
        assert!(
            matches!(error, Error::InvalidResponse { status: 502, .. }),
            "{error:?}"
        );
        assert!(error.is_retryable());
        assert_eq!(error.request_id(), Some("header-id"));
    }

    #[test]
    fn error_document_with_200_is_service_error() {
        let body = "<ErrorResponse><Error><Code>AccessDenied</Code><Message>m</Message></Error></ErrorResponse>";
        let error =
            read_response::<GetCallerIdentityRequest>(response(200, body), None).unwrap_err();
        assert_eq!(error.code(), Some("AccessDenied"));
        assert_eq!(error.request_id(), Some("header-id"));
    }

    #[test]
    fn missing_credential_member_is_invalid_response() {
        let body = "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA</AccessKeyId>\
                    <SecretAccessKey>s</SecretAccessKey><Expiration>2030-01-01T00:00:00Z</Expiration>\
                    </Credentials></AssumeRoleResult></AssumeRoleResponse>";
        let error = read_response::<AssumeRoleRequest>(response(200, body), None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid response from STS (HTTP 200): incomplete AssumeRole response: \
             required element <SessionToken> is missing from <Credentials>"
        );
    }

    #[test]
    fn non_utf8_body_is_invalid_response() {
        let mut bad = response(200, "");
        bad.body = vec![0xff, 0xfe, 0x00];
        let error = read_response::<GetCallerIdentityRequest>(bad, None).unwrap_err();
        assert!(matches!(error, Error::InvalidResponse { status: 200, .. }));
    }

    #[test]
    fn secrets_echoed_by_server_are_redacted() {
        let credentials = Credentials::new(
            "AKID",
            "secret-key-value",
            Some("session-token-value".into()),
            None,
        );
        let body = "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code>\
                    <Message>canonical: secret-key-value session-token-value</Message></Error></ErrorResponse>";
        let error =
            read_response::<GetCallerIdentityRequest>(response(403, body), Some(&credentials))
                .unwrap_err();
        let Error::Service(service) = error else {
            panic!("expected a service error")
        };
        assert_eq!(
            service.message(),
            "canonical: ** redacted ** ** redacted **"
        );
    }
}
