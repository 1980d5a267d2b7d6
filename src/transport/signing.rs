//! SigV4 signing of STS requests.
//!
//! `aws-sigv4` derives the signing key. This module writes the canonical request and the
//! string to sign for the only kind of request the crate sends, a POST with a form body and no
//! query string. It keeps the derived key, already loaded into an HMAC-SHA256 state, because
//! deriving it costs more than the rest of a signature and it changes only with the
//! credentials, the UTC date, the region and the signing name. A test checks every header this
//! module writes against `aws-sigv4`'s own request signer.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::sync::Mutex;
use std::time::SystemTime;

use aws_sigv4::sign::v4::generate_signing_key;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::clock_skew::signing_time;
use super::http::HttpRequest;
use crate::protocol::percent::encode_unreserved_into;
use crate::{Credentials, Error};

/// The signing name of STS.
pub(crate) const SIGNING_NAME: &str = "sts";

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// SHA-256 of an empty payload, in lowercase hexadecimal.
const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Headers left out of the signature because proxies and CDNs may change or drop them, the
/// same ones that aws-sigv4 1.6 leaves out by default.
const UNSIGNED_HEADERS: [&str; 4] = [
    "authorization",
    "user-agent",
    "x-amzn-trace-id",
    "transfer-encoding",
];

/// The last signing key derived, with what it was derived from. A session keeps one, so
/// consecutive calls with the same credentials on the same UTC day reuse it. Its `Debug` shows
/// nothing of the key or the credentials.
#[derive(Default)]
pub(crate) struct SigningKeyCache {
    entry: Mutex<Option<CachedSigningKey>>,
}

struct CachedSigningKey {
    access_key_id: String,
    secret_access_key: String,
    /// `YYYYMMDD`, in UTC.
    date: String,
    region: String,
    service: String,
    /// HMAC-SHA256 keyed with the signing key, cloned for each signature.
    keyed_hmac: Hmac<Sha256>,
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeyCache").finish_non_exhaustive()
    }
}

impl SigningKeyCache {
    /// Returns an HMAC-SHA256 state keyed with the signing key for `scope`, deriving the key
    /// unless the cached one matches.
    fn keyed_hmac(
        &self,
        credentials: &Credentials,
        scope: &Scope<'_>,
        time: SystemTime,
    ) -> Hmac<Sha256> {
        // A panic while the lock was held cannot leave a half-written entry behind, because
        // the entry is replaced whole, so a poisoned lock is still usable.
        let mut entry = self
            .entry
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(cached) = entry
            .as_ref()
            .filter(|cached| cached.matches(credentials, scope))
        {
            return cached.keyed_hmac.clone();
        }

        let key = generate_signing_key(
            credentials.secret_access_key(),
            time,
            scope.region,
            scope.service,
        );
        let keyed_hmac = Hmac::<Sha256>::new_from_slice(key.as_ref())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        *entry = Some(CachedSigningKey {
            access_key_id: credentials.access_key_id().to_string(),
            secret_access_key: credentials.secret_access_key().to_string(),
            date: scope.date.to_string(),
            region: scope.region.to_string(),
            service: scope.service.to_string(),
            keyed_hmac: keyed_hmac.clone(),
        });
        keyed_hmac
    }
}

impl CachedSigningKey {
    fn matches(&self, credentials: &Credentials, scope: &Scope<'_>) -> bool {
        self.date == scope.date
            && self.region == scope.region
            && self.service == scope.service
            && self.access_key_id == credentials.access_key_id()
            && self.secret_access_key == credentials.secret_access_key()
    }
}

/// The credential scope of a signature: `date/region/service/aws4_request`.
struct Scope<'a> {
    date: &'a str,
    region: &'a str,
    service: &'a str,
}

/// Signs `request` for `region` at `time`, adding `X-Amz-Date`, `Authorization` and, for
/// temporary credentials, `X-Amz-Security-Token`.
pub(crate) fn sign_request(
    request: &mut HttpRequest,
    credentials: &Credentials,
    region: &str,
    time: SystemTime,
    keys: &SigningKeyCache,
) -> Result<(), Error> {
    sign_request_for_service(request, credentials, region, SIGNING_NAME, time, keys)
}

/// Signs `request` as [`sign_request`] does, for any signing name; the AWS SigV4 test suite
/// signs for a service called `service`.
fn sign_request_for_service(
    request: &mut HttpRequest,
    credentials: &Credentials,
    region: &str,
    service: &str,
    time: SystemTime,
    keys: &SigningKeyCache,
) -> Result<(), Error> {
    let Some(utc) = signing_time(time) else {
        return Err(Error::config(format!(
            "cannot sign a request at {time:?}: the signing time must lie between the years \
             1970 and 9999; check the system clock or the clock given to Environment::with_clock"
        )));
    };
    let amz_date = format_amz_date(utc);
    let scope = Scope {
        date: &amz_date[..8],
        region,
        service,
    };

    if has_control_character(credentials.access_key_id()) {
        return Err(Error::config(
            "cannot sign the request: the access key id contains a control character; check \
             the credentials source",
        ));
    }
    let url = RequestUrl::parse(&request.url)?;
    let headers = canonical_headers(request, &url, &amz_date, credentials.session_token())?;
    let signed_headers = headers
        .iter()
        .map(|(name, _)| name.as_ref())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_request = canonical_request(&url, &headers, &signed_headers, &request.body);
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz_date}\n{}/{region}/{service}/aws4_request\n{}",
        scope.date,
        sha256_hex(canonical_request.as_bytes())
    );
    let mut hmac = keys.keyed_hmac(credentials, &scope, time);
    hmac.update(string_to_sign.as_bytes());
    let signature = hex_lower(&hmac.finalize().into_bytes());

    let authorization = format!(
        "{ALGORITHM} Credential={}/{}/{region}/{service}/aws4_request, \
         SignedHeaders={signed_headers}, Signature={signature}",
        credentials.access_key_id(),
        scope.date
    );
    request.headers.push(("x-amz-date".to_string(), amz_date));
    request
        .headers
        .push(("authorization".to_string(), authorization));
    if let Some(token) = credentials.session_token() {
        request
            .headers
            .push(("x-amz-security-token".to_string(), token.to_string()));
    }
    Ok(())
}

/// Writes `time` as SigV4's `YYYYMMDD'T'HHMMSS'Z'`.
fn format_amz_date(time: OffsetDateTime) -> String {
    let mut text = String::with_capacity(16);
    // Writing to a String returns an error only when a Display implementation does.
    let _ = write!(
        text,
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        time.year(),
        u8::from(time.month()),
        time.day(),
        time.hour(),
        time.minute(),
        time.second()
    );
    text
}

/// The parts of a request URL that a signature covers.
struct RequestUrl<'a> {
    /// The `Host` header value: the host, and the port unless it is the scheme's default.
    host: Cow<'a, str>,
    path: &'a str,
}

impl<'a> RequestUrl<'a> {
    /// Splits an `http` or `https` URL. A query string is rejected because no STS request
    /// has one: the endpoint rules reject endpoint URLs that carry one.
    fn parse(url: &'a str) -> Result<RequestUrl<'a>, Error> {
        let invalid = |reason: &str| {
            Error::config(format!(
                "cannot sign a request to {url}: {reason}; use an http or https endpoint URL \
                 without user information, query or fragment"
            ))
        };
        let (default_port, rest) = match url.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("https") => (443, rest),
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => (80, rest),
            _ => return Err(invalid("the scheme is not http or https")),
        };
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if authority.is_empty() {
            return Err(invalid("the URL has no host"));
        }
        if authority.contains(['@', '?', '#']) || path.contains(['?', '#']) {
            return Err(invalid(
                "the URL has user information, a query or a fragment",
            ));
        }
        if !path.bytes().all(is_path_byte) {
            return Err(invalid(
                "the path has a character that URLs cannot carry unencoded, such as a space",
            ));
        }
        // An IPv6 host ends with `]`, so a `:` after it starts the port. The port is written
        // back as a number because the HTTP client sends it that way: `:0443` goes out as no
        // port at all, and `:04100` as `:4100`.
        let host = match authority.rsplit_once(':') {
            Some((host, "")) => Cow::Borrowed(host),
            Some((host, port)) if !port.contains(']') => {
                let port = port
                    .parse::<u16>()
                    .ok()
                    .filter(|_| port.bytes().all(|byte| byte.is_ascii_digit()))
                    .ok_or_else(|| invalid("the port is not a number from 0 to 65535"))?;
                if port == default_port {
                    Cow::Borrowed(host)
                } else {
                    Cow::Owned(format!("{host}:{port}"))
                }
            }
            _ => Cow::Borrowed(authority),
        };
        Ok(RequestUrl { host, path })
    }
}

/// Returns whether `byte` may appear in a URL path as written: an RFC 3986 unreserved
/// character, sub-delimiter, `:`, `@`, `/` or the `%` of an escape.
fn is_path_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/%".contains(&byte)
}

/// A lowercase header name and its canonical value.
type CanonicalHeader<'a> = (Cow<'a, str>, Cow<'a, str>);

/// Returns the signed headers as (lowercase name, value) pairs sorted by name: the request's
/// own headers but those in [`UNSIGNED_HEADERS`], `Host` unless the request sets it, and
/// `X-Amz-Date` and `X-Amz-Security-Token`, which replace any the request sets. Values are
/// trimmed, runs of spaces become one space, and values of repeated names are joined with
/// commas in the order given.
fn canonical_headers<'a>(
    request: &'a HttpRequest,
    url: &RequestUrl<'a>,
    amz_date: &'a str,
    session_token: Option<&'a str>,
) -> Result<Vec<CanonicalHeader<'a>>, Error> {
    let mut headers = Vec::with_capacity(request.headers.len() + 3);
    for (name, value) in &request.headers {
        let name = to_lowercase(name);
        let replaced =
            name == "x-amz-date" || (name == "x-amz-security-token" && session_token.is_some());
        if UNSIGNED_HEADERS.contains(&name.as_ref()) || replaced {
            continue;
        }
        if has_control_character(value) {
            return Err(Error::config(format!(
                "cannot sign the request header `{name}`: its value contains a control character"
            )));
        }
        headers.push((name, collapse_spaces(value)));
    }
    if !headers.iter().any(|(name, _)| name == "host") {
        headers.push((Cow::Borrowed("host"), url.host.clone()));
    }
    headers.push((Cow::Borrowed("x-amz-date"), Cow::Borrowed(amz_date)));
    if let Some(token) = session_token {
        if has_control_character(token) {
            return Err(Error::config(
                "cannot sign the request: the session token contains a control character; \
                 check the credentials source",
            ));
        }
        headers.push((
            Cow::Borrowed("x-amz-security-token"),
            collapse_spaces(token),
        ));
    }

    // A stable sort keeps repeated names in the order given.
    headers.sort_by(|(a, _), (b, _)| a.cmp(b));
    let mut merged: Vec<CanonicalHeader<'a>> = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        match merged.last_mut() {
            Some((last, values)) if *last == name => {
                let values = values.to_mut();
                values.push(',');
                values.push_str(&value);
            }
            _ => merged.push((name, value)),
        }
    }
    Ok(merged)
}

fn to_lowercase(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|byte| byte.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// Returns whether `value` has a byte that HTTP header values cannot carry: an ASCII control
/// character other than tab.
fn has_control_character(value: &str) -> bool {
    value
        .bytes()
        .any(|byte| (byte < b' ' && byte != b'\t') || byte == 0x7f)
}

/// Trims spaces and tabs at both ends of a header value, as an HTTP server does before it
/// checks the signature, and turns each run of spaces inside it into one space.
fn collapse_spaces(value: &str) -> Cow<'_, str> {
    let trimmed = value.trim_matches([' ', '\t']);
    if !trimmed.contains("  ") {
        return Cow::Borrowed(trimmed);
    }
    let mut collapsed = String::with_capacity(trimmed.len());
    for (index, word) in trimmed
        .split(' ')
        .filter(|word| !word.is_empty())
        .enumerate()
    {
        if index > 0 {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    Cow::Owned(collapsed)
}

/// Writes the canonical request: method, URI, query string (always empty), headers, signed
/// header names and payload hash, one per line.
fn canonical_request(
    url: &RequestUrl<'_>,
    headers: &[CanonicalHeader<'_>],
    signed_headers: &str,
    body: &[u8],
) -> String {
    let mut text = String::with_capacity(256);
    text.push_str("POST\n");
    text.push_str(&canonical_uri(url.path));
    text.push_str("\n\n");
    for (name, value) in headers {
        text.push_str(name);
        text.push(':');
        text.push_str(value);
        text.push('\n');
    }
    text.push('\n');
    text.push_str(signed_headers);
    text.push('\n');
    if body.is_empty() {
        text.push_str(EMPTY_PAYLOAD_SHA256);
    } else {
        text.push_str(&sha256_hex(body));
    }
    text
}

/// Returns the canonical URI of a path as written in a URL: dot segments resolved (RFC 3986,
/// section 5.2.4) and empty segments dropped, then every byte but unreserved characters and
/// `/` percent-encoded. Because the path in the URL is already percent-encoded, this encodes
/// it a second time, as SigV4 does for every service but S3.
fn canonical_uri(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            segment => segments.push(segment),
        }
    }

    let mut uri = String::with_capacity(path.len() + 1);
    for segment in &segments {
        uri.push('/');
        encode_unreserved_into(&mut uri, segment);
    }
    let ends_with_slash = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    if uri.is_empty() || ends_with_slash {
        uri.push('/');
    }
    uri
}

fn sha256_hex(data: &[u8]) -> String {
    hex_lower(&Sha256::digest(data))
}

fn hex_lower(bytes: &[u8]) -> String {
    const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        hex.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
        hex.push(char::from(HEX_DIGITS[usize::from(byte & 0x0f)]));
    }
    hex
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
        let keys = SigningKeyCache::default();
        let error = sign_request(&mut request, &credentials, "us-east-1", time, &keys).unwrap_err();
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
        let keys = SigningKeyCache::default();
        sign_request(&mut request, &credentials, "us-east-1", time, &keys).unwrap();

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
    /// - `post-sts-header-after`, which adds the token after signing, while this crate always
    ///   signs it, as STS accepts and the AWS SDKs do;
    /// - `post-vanilla-query` and `post-vanilla-empty-query-value`, which sign a query string,
    ///   while no STS request has one (the signer rejects such a URL, as
    ///   `url_with_query_is_rejected` checks).
    #[test]
    fn sigv4_test_suite_post_cases() {
        const TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
        let cases = [
            "post-header-key-case",
            "post-header-key-sort",
            "post-header-value-case",
            "post-vanilla",
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
            let keys = SigningKeyCache::default();
            sign_request_for_service(
                &mut request,
                &credentials,
                "us-east-1",
                "service",
                time,
                &keys,
            )
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

    fn credentials(token: Option<&str>) -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            token.map(str::to_string),
            None,
        )
    }

    fn form_request(url: &str, headers: &[(&str, &str)], body: &str) -> HttpRequest {
        HttpRequest {
            url: url.to_string(),
            headers: headers
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    /// Returns the headers that aws-sigv4's request signer adds to the same request.
    fn reference_headers(
        request: &HttpRequest,
        credentials: &Credentials,
        region: &str,
        time: SystemTime,
    ) -> Vec<(String, String)> {
        use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
        use aws_smithy_runtime_api::client::identity::Identity;

        let identity: Identity = aws_credential_types::Credentials::new(
            credentials.access_key_id(),
            credentials.secret_access_key(),
            credentials.session_token().map(str::to_string),
            None,
            "test",
        )
        .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(region)
            .name(SIGNING_NAME)
            .time(time)
            .settings(SigningSettings::default())
            .build()
            .unwrap()
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
        .unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        instructions
            .headers()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    }

    use aws_sigv4::sign::v4;

    /// Signs requests of many shapes with this module and with aws-sigv4's request signer, and
    /// requires the same added headers. The shapes cover ports, IPv6 hosts, base paths with
    /// dot segments, doubled slashes and percent-encoded bytes, repeated and padded headers,
    /// empty and non-ASCII bodies, and temporary credentials.
    #[test]
    fn signatures_match_aws_sigv4_request_signer() {
        let urls = [
            "https://sts.amazonaws.com/",
            "https://sts.amazonaws.com",
            "https://sts.us-east-1.amazonaws.com:443/",
            "http://127.0.0.1:5000/",
            "http://127.0.0.1:80/",
            "HTTPS://STS.example.com:8443/",
            "https://[::1]:4566/",
            "https://[::1]/",
            "http://localhost:4566/sts",
            "http://localhost:4566/sts/",
            "http://localhost:4566/a/./b/../c//d/",
            "http://localhost:4566/a/..",
            "http://localhost:4566/%7Euser/caf%C3%A9/a%2Fb",
            "http://localhost:4566/a%20b/~x*y'z(1)!$&+,;=:@",
        ];
        let header_sets: [&[(&str, &str)]; 4] = [
            &[(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )],
            &[
                (
                    "Content-Type",
                    "  application/x-www-form-urlencoded;   charset=utf-8 ",
                ),
                ("User-Agent", "agent/1.0"),
                ("X-Custom", "b"),
                ("x-custom", "a\tc"),
            ],
            &[("Host", "example.com"), ("X-Amz-Date", "19990101T000000Z")],
            &[],
        ];
        let bodies = [
            "Action=GetCallerIdentity&Version=2011-06-15",
            "",
            "Tags=%C3%A9t%C3%A9",
        ];
        let times = [1_440_938_160, 1_733_356_799, 1_733_356_800];

        let mut compared = 0;
        for url in urls {
            for headers in header_sets {
                for (index, body) in bodies.iter().enumerate() {
                    let token = (index == 1).then_some("session/token+=");
                    let credentials = credentials(token);
                    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(times[index]);
                    let mut ours = form_request(url, headers, body);
                    let reference = reference_headers(&ours, &credentials, "eu-west-1", time);
                    let keys = SigningKeyCache::default();
                    sign_request(&mut ours, &credentials, "eu-west-1", time, &keys).unwrap();
                    let added = ours.headers[headers.len()..].to_vec();
                    assert_eq!(
                        added, reference,
                        "{url} with headers {headers:?} and body {body:?}"
                    );
                    compared += 1;
                }
            }
        }
        assert_eq!(compared, urls.len() * header_sets.len() * bodies.len());
    }

    #[test]
    fn cached_key_follows_date_region_and_credentials() {
        let keys = SigningKeyCache::default();
        let day = SystemTime::UNIX_EPOCH + Duration::from_secs(1_733_356_799);
        let next_day = day + Duration::from_secs(1);
        let other_secret = Credentials::new("AKIDEXAMPLE", "another-secret", None, None);
        let cases = [
            (credentials(None), "us-east-1", day),
            (credentials(None), "us-east-1", day),
            (credentials(Some("token")), "us-east-1", day),
            (credentials(None), "us-east-1", next_day),
            (credentials(None), "eu-west-1", next_day),
            (other_secret.clone(), "eu-west-1", next_day),
            (credentials(None), "eu-west-1", next_day),
        ];
        for (credentials, region, time) in cases {
            let mut ours = form_request(
                "https://sts.amazonaws.com/",
                &[],
                "Action=GetCallerIdentity",
            );
            let reference = reference_headers(&ours, &credentials, region, time);
            sign_request(&mut ours, &credentials, region, time, &keys).unwrap();
            assert_eq!(ours.headers, reference, "{region} at {time:?}");
        }
    }

    #[test]
    fn url_with_query_is_rejected() {
        for url in [
            "https://sts.amazonaws.com/?Action=GetCallerIdentity",
            "https://sts.amazonaws.com/#fragment",
            "https://sts.amazonaws.com/a b",
            "https://sts.amazonaws.com/caf\u{e9}",
            "https://user@sts.amazonaws.com/",
            "ftp://sts.amazonaws.com/",
            "https:///",
        ] {
            let mut request = form_request(url, &[], "");
            let keys = SigningKeyCache::default();
            let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
            let error = sign_request(&mut request, &credentials(None), "us-east-1", time, &keys)
                .unwrap_err();
            assert!(matches!(error, Error::Config { .. }), "{url}: {error:?}");
            assert!(error.to_string().contains(url), "{url}: {error}");
        }
    }

    #[test]
    fn control_character_in_header_is_rejected() {
        let mut request = form_request("https://sts.amazonaws.com/", &[("x-custom", "a\nb")], "");
        let keys = SigningKeyCache::default();
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        let error =
            sign_request(&mut request, &credentials(None), "us-east-1", time, &keys).unwrap_err();
        assert!(error.to_string().contains("x-custom"), "{error}");

        let mut request = form_request("https://sts.amazonaws.com/", &[], "");
        let token = "secret\r\ninjected: header";
        let error = sign_request(
            &mut request,
            &credentials(Some(token)),
            "us-east-1",
            time,
            &keys,
        )
        .unwrap_err();
        assert!(!error.to_string().contains("secret"), "{error}");
    }

    #[test]
    fn signing_key_cache_debug_shows_no_key() {
        let keys = SigningKeyCache::default();
        let mut request = form_request("https://sts.amazonaws.com/", &[], "");
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        sign_request(&mut request, &credentials(None), "us-east-1", time, &keys).unwrap();
        let debug = format!("{keys:?}");
        assert!(!debug.contains("wJalr"), "{debug}");
        assert!(!debug.contains("AKID"), "{debug}");
    }

    /// ureq sends a port as a number, so `:04100` must be signed as `:4100` and `:0443` of an
    /// https URL as no port.
    #[test]
    fn port_is_signed_as_sent() {
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        let pairs = [
            ("http://127.0.0.1:04100/", "http://127.0.0.1:4100/"),
            (
                "https://sts.amazonaws.com:0443/",
                "https://sts.amazonaws.com/",
            ),
            ("https://[::1]:08443/", "https://[::1]:8443/"),
        ];
        for (written, sent) in pairs {
            let mut ours = form_request(written, &[], "Action=GetCallerIdentity");
            let keys = SigningKeyCache::default();
            sign_request(&mut ours, &credentials(None), "us-east-1", time, &keys).unwrap();
            let reference = reference_headers(
                &form_request(sent, &[], "Action=GetCallerIdentity"),
                &credentials(None),
                "us-east-1",
                time,
            );
            assert_eq!(ours.headers, reference, "{written}");
        }
    }

    #[test]
    fn invalid_port_is_rejected() {
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        for url in [
            "http://127.0.0.1:65536/",
            "http://127.0.0.1:+80/",
            "http://h:port/",
        ] {
            let mut request = form_request(url, &[], "");
            let keys = SigningKeyCache::default();
            let error = sign_request(&mut request, &credentials(None), "us-east-1", time, &keys)
                .unwrap_err();
            assert!(error.to_string().contains("port"), "{url}: {error}");
        }
    }

    /// A server strips the spaces and tabs around a header value before it checks the
    /// signature, so a padded session token is signed without them.
    #[test]
    fn padded_session_token_is_signed_trimmed() {
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        let keys = SigningKeyCache::default();
        let mut padded = form_request("https://sts.amazonaws.com/", &[], "");
        sign_request(
            &mut padded,
            &credentials(Some("\t token \t")),
            "us-east-1",
            time,
            &keys,
        )
        .unwrap();
        let reference = reference_headers(
            &form_request("https://sts.amazonaws.com/", &[], ""),
            &credentials(Some("token")),
            "us-east-1",
            time,
        );
        let authorization = |headers: &[(String, String)]| {
            headers
                .iter()
                .find(|(name, _)| name == "authorization")
                .map(|(_, value)| value.clone())
        };
        assert_eq!(authorization(&padded.headers), authorization(&reference));
    }

    #[test]
    fn control_character_in_access_key_id_is_rejected() {
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        for key_id in ["AKID\nEXAMPLE", "AKID\u{7f}EXAMPLE"] {
            let credentials = Credentials::new(key_id, "secret", None, None);
            let mut request = form_request("https://sts.amazonaws.com/", &[], "");
            let keys = SigningKeyCache::default();
            let error =
                sign_request(&mut request, &credentials, "us-east-1", time, &keys).unwrap_err();
            assert!(matches!(error, Error::Config { .. }), "{error:?}");
            assert!(error.to_string().contains("access key id"), "{error}");
        }
    }
}
