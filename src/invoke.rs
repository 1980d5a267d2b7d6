//! The path of one STS call: validate, encode, then sign, send and read the response once per
//! attempt, retrying as the session's retry settings allow.

use std::time::{Duration, Instant};

use crate::error::{Fault, ServiceError};
use crate::operations::Operation;
use crate::protocol::query::QueryWriter;
use crate::protocol::xml::{parse_document, parse_error_document, parse_success_document};
use crate::session::AwsSession;
use crate::transport::clock_skew::corrected_offset;
use crate::transport::http::{HttpRequest, HttpResponse};
use crate::transport::retry::{
    backoff, jitter_fraction, parse_retry_after, retry_delay, RetryReason,
    SUCCESS_WITHOUT_RETRY_REFUND,
};
use crate::transport::signing::sign_request;
use crate::{Credentials, Error};

const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// The URL of a call and the region its signature names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) url: String,
    pub(crate) signing_region: String,
}

/// The request of one call, encoded once and signed again for each attempt.
struct PreparedCall<'a> {
    session: &'a AwsSession,
    target: &'a Target,
    operation: &'static str,
    url: String,
    body: Vec<u8>,
    credentials: Option<Credentials>,
    secrets: Vec<String>,
}

/// Result of one attempt, with the response headers that retry decisions need.
struct AttemptOutcome<T> {
    result: Result<T, Error>,
    date: Option<String>,
    retry_after: Option<String>,
}

/// Sends `request` to `target` with the session's credentials and returns its parsed output.
///
/// A failed attempt is retried after a full-jitter backoff when [`Error::is_retryable`] returns
/// true, attempts remain and the session's retry quota has tokens. A rejection for the request's
/// time with a skewed `Date` header is retried at once, signed with the corrected clock. The
/// error returned records how many attempts were made.
pub(crate) fn invoke<O: Operation>(
    session: &AwsSession,
    target: &Target,
    request: &O,
) -> Result<O::Output, Error> {
    request.validate()?;

    let mut writer = QueryWriter::new(O::NAME);
    request.write_members(&mut writer);
    let credentials = if O::SIGNED {
        Some(session.credentials()?)
    } else {
        None
    };
    let call = PreparedCall {
        session,
        target,
        operation: O::NAME,
        url: request_url(&target.url),
        body: writer.finish().into_bytes(),
        secrets: secret_values(request, credentials.as_ref()),
        credentials,
    };

    let reliability = session.reliability();
    let max_attempts = reliability.retry.max_attempts;
    // Quota tokens taken by the latest retry, returned when the call succeeds.
    let mut retry_tokens = None;
    let mut attempt = 1;
    loop {
        if let Some(limiter) = &reliability.rate_limiter {
            limiter.acquire();
        }
        let outcome = call.attempt::<O>(attempt)?;
        if let Some(limiter) = &reliability.rate_limiter {
            let throttled =
                matches!(&outcome.result, Err(Error::Service(service)) if service.is_throttling());
            limiter.record_response(throttled);
        }
        let error = match outcome.result {
            Ok(output) => {
                reliability
                    .quota
                    .release(retry_tokens.unwrap_or(SUCCESS_WITHOUT_RETRY_REFUND));
                return Ok(output);
            }
            Err(error) => error,
        };

        // The offset is kept for later calls even when this call has no attempt left.
        let skew_corrected = call.correct_clock_skew(&error, outcome.date.as_deref(), attempt);
        if attempt >= max_attempts {
            return Err(error.with_attempts(attempt));
        }
        let delay = if skew_corrected {
            log::debug!(
                "retrying STS {} at once (attempt {} of {max_attempts}): clock skew corrected",
                O::NAME,
                attempt + 1
            );
            Duration::ZERO
        } else {
            let retry_after = outcome.retry_after.as_deref().and_then(parse_retry_after);
            match call.plan_retry(&error, retry_after, attempt) {
                Some((delay, tokens)) => {
                    retry_tokens = Some(tokens);
                    delay
                }
                None => return Err(error.with_attempts(attempt)),
            }
        };
        std::thread::sleep(delay);
        attempt += 1;
    }
}

fn reason_name(reason: RetryReason) -> &'static str {
    match reason {
        RetryReason::Throttling => "throttled",
        RetryReason::Timeout => "timed out",
        RetryReason::Transient => "transient failure",
    }
}

impl PreparedCall<'_> {
    /// Signs the request with the session's clock plus its clock offset, sends it and reads
    /// the response. Only a signing failure is returned as `Err`; every failure of the attempt
    /// itself is in the outcome.
    fn attempt<O: Operation>(&self, attempt: u32) -> Result<AttemptOutcome<O::Output>, Error> {
        let mut http_request = HttpRequest {
            url: self.url.clone(),
            headers: vec![("content-type".to_string(), CONTENT_TYPE.to_string())],
            body: self.body.clone(),
        };
        if let Some(credentials) = &self.credentials {
            let reliability = self.session.reliability();
            let time = reliability
                .clock_offset
                .apply(self.session.environment().now());
            sign_request(
                &mut http_request,
                credentials,
                &self.target.signing_region,
                time,
                self.session.signing_keys(),
            )?;
        }

        let started = Instant::now();
        let result = self.session.transport().send(&http_request);
        self.log_attempt(attempt, &result, started.elapsed());
        let response = match result {
            Ok(response) => response,
            Err(error) => {
                return Ok(AttemptOutcome {
                    result: Err(error),
                    date: None,
                    retry_after: None,
                })
            }
        };
        let date = response.date.clone();
        let retry_after = response.retry_after.clone();
        Ok(AttemptOutcome {
            result: read_response::<O>(response, &self.secrets),
            date,
            retry_after,
        })
    }

    /// Stores a new clock offset on the session when `error` rejects the request for its time
    /// and the server's `Date` header shows the skew. Returns whether it stored one.
    fn correct_clock_skew(&self, error: &Error, date: Option<&str>, attempt: u32) -> bool {
        let clock_offset = &self.session.reliability().clock_offset;
        let previous_offset = clock_offset.get();
        let now = self.session.environment().now();
        let Some(offset) = corrected_offset(error, date, now, previous_offset) else {
            return false;
        };
        clock_offset.set(offset);
        log::debug!(
            "STS {} attempt {attempt} was rejected with {} and a server Date {} away from the \
             local clock; signing later requests with a clock offset of {offset} (was \
             {previous_offset})",
            self.operation,
            error.code().unwrap_or_default(),
            offset - previous_offset,
        );
        true
    }

    /// Returns the wait before retrying after `error` and the quota tokens the retry took, or
    /// `None` when the error is not retryable or the retry quota is exhausted.
    fn plan_retry(
        &self,
        error: &Error,
        retry_after: Option<Duration>,
        attempt: u32,
    ) -> Option<(Duration, u32)> {
        let reliability = self.session.reliability();
        let max_attempts = reliability.retry.max_attempts;
        let reason = RetryReason::of(error)?;
        let cost = reason.quota_cost();
        if !reliability.quota.try_acquire(cost) {
            log::debug!(
                "not retrying STS {} after attempt {attempt} of {max_attempts}: the retry \
                 quota is exhausted ({} tokens left, {cost} needed); error: {error}",
                self.operation,
                reliability.quota.available(),
            );
            return None;
        }

        let delay = retry_delay(
            backoff(
                attempt,
                reliability.retry.initial_backoff,
                jitter_fraction(),
            ),
            retry_after,
        );
        log::debug!(
            "retrying STS {} in {} ms (attempt {} of {max_attempts}, reason: {}): {error}",
            self.operation,
            delay.as_millis(),
            attempt + 1,
            reason_name(reason),
        );
        Some((delay, cost))
    }

    fn log_attempt(&self, attempt: u32, result: &Result<HttpResponse, Error>, elapsed: Duration) {
        match result {
            Ok(response) => log::debug!(
                "STS {} to {} (attempt {attempt}): HTTP {}, request id {}, {} ms",
                self.operation,
                self.target.url,
                response.status,
                response.request_id.as_deref().unwrap_or("none"),
                elapsed.as_millis()
            ),
            Err(error) => log::debug!(
                "STS {} to {} (attempt {attempt}) failed after {} ms: {error}",
                self.operation,
                self.target.url,
                elapsed.as_millis()
            ),
        }
    }
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
///
/// `secrets` are values that must not appear in an error message: the caller's secret key and
/// session token and the request's tokens or assertions, in case the server quotes them.
pub(crate) fn read_response<O: Operation>(
    response: HttpResponse,
    secrets: &[String],
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
        return Err(service_error(status, body, header_request_id, secrets));
    }

    let root = parse_document(body).map_err(|error| {
        Error::invalid_response(
            status,
            format!("the {} response is not valid XML: {}", O::NAME, error.0),
            header_request_id.clone(),
        )
    })?;
    if root.name == "ErrorResponse" {
        return Err(service_error(status, body, header_request_id, secrets));
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

/// Reads an STS error document, whatever its content type. A body that is not one, such as an
/// HTML page from a proxy, becomes [`Error::InvalidResponse`] with the status.
fn service_error(
    status: u16,
    body: &str,
    header_request_id: Option<String>,
    secrets: &[String],
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
        message: redact(document.message, secrets),
        fault: Fault::parse(document.fault.as_deref()),
        request_id: document.request_id.or(header_request_id),
        status,
        attempts: 1,
    })
}

/// Replaces each of `secrets` in a server message with `** redacted **`. Values shorter than 8
/// characters are left alone, because they could match ordinary words.
fn redact(mut message: String, secrets: &[String]) -> String {
    for secret in secrets.iter().filter(|secret| secret.len() >= 8) {
        if message.contains(secret.as_str()) {
            message = message.replace(secret.as_str(), "** redacted **");
        }
    }
    message
}

/// Collects the values that error messages must not repeat.
fn secret_values<O: Operation>(request: &O, credentials: Option<&Credentials>) -> Vec<String> {
    let mut secrets: Vec<String> = request
        .secret_inputs()
        .into_iter()
        .map(str::to_string)
        .collect();
    if let Some(credentials) = credentials {
        secrets.push(credentials.secret_access_key().to_string());
        secrets.extend(credentials.session_token().map(str::to_string));
    }
    secrets
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
            &[],
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
            read_response::<GetCallerIdentityRequest>(response(200, body), &[]).unwrap_err();
        assert_eq!(error.code(), Some("AccessDenied"));
        assert_eq!(error.request_id(), Some("header-id"));
    }

    #[test]
    fn missing_credential_member_is_invalid_response() {
        let body = "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA</AccessKeyId>\
                    <SecretAccessKey>s</SecretAccessKey><Expiration>2030-01-01T00:00:00Z</Expiration>\
                    </Credentials></AssumeRoleResult></AssumeRoleResponse>";
        let error = read_response::<AssumeRoleRequest>(response(200, body), &[]).unwrap_err();
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
        let error = read_response::<GetCallerIdentityRequest>(bad, &[]).unwrap_err();
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
        let error = read_response::<GetCallerIdentityRequest>(
            response(403, body),
            &secret_values(&GetCallerIdentityRequest::new(), Some(&credentials)),
        )
        .unwrap_err();
        let Error::Service(service) = error else {
            panic!("expected a service error")
        };
        assert_eq!(
            service.message(),
            "canonical: ** redacted ** ** redacted **"
        );
    }

    #[test]
    fn echoed_web_identity_token_is_redacted() {
        let request = crate::operations::AssumeRoleWithWebIdentityRequest::new(
            "arn:aws:iam::123456789012:role/web",
            "session",
            "eyJhbGciOiJSUzI1NiJ9.payload.signature",
        );
        let body = "<ErrorResponse><Error><Code>InvalidIdentityToken</Code>\
                    <Message>bad token eyJhbGciOiJSUzI1NiJ9.payload.signature</Message></Error></ErrorResponse>";
        let error = read_response::<crate::operations::AssumeRoleWithWebIdentityRequest>(
            response(400, body),
            &secret_values(&request, None),
        )
        .unwrap_err();
        let Error::Service(service) = error else {
            panic!("expected a service error")
        };
        assert_eq!(service.message(), "bad token ** redacted **");
    }
}
