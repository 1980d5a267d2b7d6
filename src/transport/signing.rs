//! SigV4 signing of a request, the one place that calls `aws-sigv4`.

use std::time::SystemTime;

use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

use super::http::HttpRequest;
use crate::{Credentials, Error};

/// The signing name of STS.
pub(crate) const SIGNING_NAME: &str = "sts";

/// Signs `request` for `region` at `time`, adding `X-Amz-Date`, `Authorization` and, for
/// temporary credentials, `X-Amz-Security-Token`.
pub(crate) fn sign_request(
    request: &mut HttpRequest,
    credentials: &Credentials,
    region: &str,
    time: SystemTime,
) -> Result<(), Error> {
    sign_request_for_service(request, credentials, region, SIGNING_NAME, time)
}

/// Signs `request` as [`sign_request`] does, for any signing name; the AWS SigV4 test suite
/// signs for a service called `service`.
fn sign_request_for_service(
    request: &mut HttpRequest,
    credentials: &Credentials,
    region: &str,
    service: &str,
    time: SystemTime,
) -> Result<(), Error> {
    // aws-sigv4 panics on a time it cannot write as a four-digit-year date.
    if super::clock_skew::signing_time(time).is_none() {
        return Err(Error::config(format!(
            "cannot sign a request at {time:?}: the signing time must lie between the years \
             1970 and 9999; check the system clock or the clock given to Environment::with_clock"
        )));
    }
    let identity: Identity = aws_credential_types::Credentials::new(
        credentials.access_key_id(),
        credentials.secret_access_key(),
        credentials.session_token().map(str::to_string),
        None,
        "aws-sts-blocking",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|error| Error::config(format!("cannot sign the request: {error}")))?
        .into();

    let signable = SignableRequest::new(
        "POST",
        &request.url,
        request
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str())),
        SignableBody::Bytes(&request.body),
    )
    .map_err(|error| Error::config(format!("cannot sign a request to {}: {error}", request.url)))?;

    let (instructions, _signature) = sign(signable, &params)
        .map_err(|error| {
            Error::config(format!("cannot sign a request to {}: {error}", request.url))
        })?
        .into_parts();
    for (name, value) in instructions.headers() {
        request.headers.push((name.to_string(), value.to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn time_beyond_year_9999_is_an_error() {
        let mut request = HttpRequest {
            url: "https://sts.amazonaws.com/".to_string(),
            headers: Vec::new(),
            body: Vec::new(),
        };
        let credentials = Credentials::new("AKIDEXAMPLE", "secret", None, None);
        // About year 10 000.
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(253_402_300_800 + 86_400);
        let error = sign_request(&mut request, &credentials, "us-east-1", time).unwrap_err();
        assert!(matches!(error, Error::Config { .. }), "{error:?}");
    }

    #[test]
    fn adds_date_token_and_authorization() {
        let mut request = HttpRequest {
            url: "https://sts.amazonaws.com/".to_string(),
            headers: vec![(
                "content-type".to_string(),
                "application/x-www-form-urlencoded; charset=utf-8".to_string(),
            )],
            body: b"Action=GetCallerIdentity&Version=2011-06-15".to_vec(),
        };
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            Some("session-token".to_string()),
            None,
        );
        // 2015-08-30T12:36:00Z, the time the AWS SigV4 test suite uses.
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        sign_request(&mut request, &credentials, "us-east-1", time).unwrap();

        let header = |name: &str| {
            request
                .headers
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.clone())
        };
        assert_eq!(header("x-amz-date").as_deref(), Some("20150830T123600Z"));
        assert_eq!(
            header("x-amz-security-token").as_deref(),
            Some("session-token")
        );
        let authorization = header("authorization").unwrap();
        assert!(
            authorization.starts_with(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="
            ),
            "{authorization}"
        );
    }

    /// Runs the POST cases of the AWS SigV4 test suite through the signing used for every STS
    /// request. `Host` and `X-Amz-Date` come from the URL and the clock, as for a real request,
    /// and `X-Amz-Security-Token` from the credentials. Not applicable:
    /// `post-sts-header-after`, which adds the token after signing, while this crate always
    /// signs it, as STS accepts and the AWS SDKs do.
    #[test]
    fn sigv4_test_suite_post_cases() {
        const TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
        let cases = [
            "post-header-key-case",
            "post-header-key-sort",
            "post-header-value-case",
            "post-vanilla",
            "post-vanilla-query",
            "post-vanilla-empty-query-value",
            "post-x-www-form-urlencoded",
            "post-x-www-form-urlencoded-parameters",
            "post-sts-header-before",
        ];
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sigv4");
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        let mut failures = Vec::new();

        for case in cases {
            let raw = std::fs::read_to_string(folder.join(format!("{case}.req"))).unwrap();
            let expected = std::fs::read_to_string(folder.join(format!("{case}.authz"))).unwrap();
            let (head, body) = raw.split_once("\n\n").unwrap_or((raw.as_str(), ""));
            let mut lines = head.lines();
            let request_line = lines.next().unwrap();
            let target = request_line.split(' ').nth(1).unwrap();
            let mut host = String::new();
            let mut token = None;
            let mut headers = Vec::new();
            for line in lines {
                let (name, value) = line.split_once(':').unwrap();
                match name.to_ascii_lowercase().as_str() {
                    "host" => host = value.to_string(),
                    "x-amz-date" => {}
                    "x-amz-security-token" => token = Some(value.to_string()),
                    _ => headers.push((name.to_string(), value.to_string())),
                }
            }
            assert_eq!(
                token.as_deref().is_some(),
                case.starts_with("post-sts"),
                "{case}"
            );
            let mut request = HttpRequest {
                url: format!("https://{host}{target}"),
                headers,
                body: body.as_bytes().to_vec(),
            };
            let credentials = Credentials::new(
                "AKIDEXAMPLE",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                token.map(|_| TOKEN.to_string()),
                None,
            );
            sign_request_for_service(&mut request, &credentials, "us-east-1", "service", time)
                .unwrap();
            let authorization = request
                .headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
                .map(|(_, value)| value.clone())
                .unwrap_or_default();
            if authorization != expected.trim() {
                failures.push(format!(
                    "{case}:\n  expected {}\n  got      {authorization}",
                    expected.trim()
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
