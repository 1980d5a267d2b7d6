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
        .name(SIGNING_NAME)
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
}
