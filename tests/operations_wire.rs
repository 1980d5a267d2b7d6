//! Whole calls through the public API against a one-shot HTTP listener on 127.0.0.1 that
//! records the request and sends a canned response.
//!
//! The tests check the request line, headers and body that operations send, that
//! AssumeRoleWithSAML and AssumeRoleWithWebIdentity go out unsigned without looking for
//! credentials, and how error bodies and incomplete outputs reach the caller.
//!
//! This also runs the awsQuery protocol case `QueryHostWithPath`: an endpoint with a base
//! path is called at that path with a trailing `/`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::thread::JoinHandle;
use std::time::Duration;

use aws_sts_blocking::{
    AssumeRoleWithSamlRequest, AssumeRoleWithWebIdentityRequest, AwsSession, Credentials,
    Environment, Error, GetAccessKeyInfoRequest, GetCallerIdentityRequest, GetSessionTokenRequest,
    PolicyDescriptor, ServiceErrorKind, StsClient,
};

/// A request as the listener received it.
#[derive(Debug)]
struct Recorded {
    request_line: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A listener that accepts one connection, records the request and responds with `status`
/// and `body`. Joining returns `None` when no request arrived within two seconds.
struct OneShot {
    url: String,
    handle: JoinHandle<Option<Recorded>>,
}

impl OneShot {
    fn start(status: u16, body: &'static str) -> OneShot {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        listener.set_nonblocking(true).unwrap();
        let handle = std::thread::spawn(move || {
            let deadline = std::time::Instant::now() + Duration::from_secs(2);
            let stream = loop {
                match listener.accept() {
                    Ok((stream, _)) => break stream,
                    Err(_) if std::time::Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(10))
                    }
                    Err(_) => return None,
                }
            };
            stream.set_nonblocking(false).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut reader = BufReader::new(stream);
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut headers = Vec::new();
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                let (name, value) = line.split_once(':').unwrap();
                headers.push((name.trim().to_string(), value.trim().to_string()));
            }
            let length: usize = headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                .map(|(_, value)| value.parse().unwrap())
                .unwrap_or(0);
            let mut request_body = vec![0; length];
            reader.read_exact(&mut request_body).unwrap();
            let mut stream = reader.into_inner();
            write!(
                stream,
                "HTTP/1.1 {status} Status\r\ncontent-type: text/xml\r\ncontent-length: {}\r\n\
                 x-amzn-requestid: header-request-id\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            Some(Recorded {
                request_line: request_line.trim_end().to_string(),
                headers,
                body: String::from_utf8(request_body).unwrap(),
            })
        });
        OneShot { url, handle }
    }

    fn request(self) -> Option<Recorded> {
        self.handle.join().unwrap()
    }
}

/// Builds a client for `url` whose session has no credentials and reads no real environment.
fn client_without_credentials(url: &str) -> StsClient {
    let session = AwsSession::builder()
        .environment(Environment::empty())
        .region("us-east-1")
        .endpoint_url(url)
        .build()
        .unwrap();
    StsClient::new(None, None, Some(session)).unwrap()
}

/// Builds a client for `url` with fixed long-term credentials.
fn client_with_credentials(url: &str) -> StsClient {
    let session = AwsSession::builder()
        .environment(Environment::empty())
        .credentials(Credentials::new("AKIDEXAMPLE", "secret", None, None))
        .region("us-east-1")
        .endpoint_url(url)
        .build()
        .unwrap();
    StsClient::new(None, None, Some(session)).unwrap()
}

#[test]
fn web_identity_without_credentials_is_unsigned() {
    const BODY: &str = concat!(
        "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>",
        "<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId>",
        "<SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>",
        "<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>",
        "<Provider>accounts.example.com</Provider>",
        "</AssumeRoleWithWebIdentityResult>",
        "<ResponseMetadata><RequestId>web-1</RequestId></ResponseMetadata>",
        "</AssumeRoleWithWebIdentityResponse>"
    );
    let server = OneShot::start(200, BODY);
    let client = client_without_credentials(&server.url);
    let request = AssumeRoleWithWebIdentityRequest::new(
        "arn:aws:iam::123456789012:role/web",
        "web-session",
        "header.payload.signature",
    )
    .duration_seconds(900);

    let output = client.assume_role_with_web_identity(&request).unwrap();
    assert_eq!(output.credentials().access_key_id(), "ASIAEXAMPLE");
    assert_eq!(output.provider(), Some("accounts.example.com"));
    assert_eq!(output.request_id(), Some("web-1"));

    let recorded = server.request().expect("the request reached the listener");
    assert_eq!(recorded.request_line, "POST / HTTP/1.1");
    assert_eq!(recorded.header("authorization"), None);
    assert_eq!(recorded.header("x-amz-date"), None);
    assert_eq!(
        recorded.body,
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15\
         &RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fweb&RoleSessionName=web-session\
         &WebIdentityToken=header.payload.signature&DurationSeconds=900"
    );
}

#[test]
fn saml_without_credentials_is_unsigned() {
    const BODY: &str = concat!(
        "<AssumeRoleWithSAMLResponse><AssumeRoleWithSAMLResult>",
        "<Credentials><AccessKeyId>ASIASAML</AccessKeyId>",
        "<SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>",
        "<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>",
        "<Subject>alice</Subject></AssumeRoleWithSAMLResult></AssumeRoleWithSAMLResponse>"
    );
    let server = OneShot::start(200, BODY);
    let client = client_without_credentials(&server.url);
    let request = AssumeRoleWithSamlRequest::new(
        "arn:aws:iam::123456789012:role/saml",
        "arn:aws:iam::123456789012:saml-provider/idp",
        "PHNhbWw+",
    )
    .policy_arns(vec![PolicyDescriptor::new(
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    )]);

    let output = client.assume_role_with_saml(&request).unwrap();
    assert_eq!(output.credentials().access_key_id(), "ASIASAML");
    assert_eq!(output.subject(), Some("alice"));
    assert_eq!(output.request_id(), Some("header-request-id"));

    let recorded = server.request().expect("the request reached the listener");
    assert_eq!(recorded.header("authorization"), None);
    assert_eq!(
        recorded.body,
        "Action=AssumeRoleWithSAML&Version=2011-06-15\
         &RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fsaml\
         &PrincipalArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2Fidp\
         &SAMLAssertion=PHNhbWw%2B\
         &PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess"
    );
}

#[test]
fn signed_call_without_credentials_sends_nothing() {
    let server = OneShot::start(200, "<unused/>");
    let client = client_without_credentials(&server.url);
    let error = client
        .get_session_token(&GetSessionTokenRequest::new())
        .unwrap_err();
    assert!(matches!(error, Error::Credentials { .. }), "{error:?}");
    assert!(server.request().is_none());
}

#[test]
fn invalid_input_sends_nothing() {
    let server = OneShot::start(200, "<unused/>");
    let client = client_with_credentials(&server.url);
    let error = client
        .get_access_key_info(&GetAccessKeyInfoRequest::new("AKIA-SHORT"))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid AccessKeyId: the value has 10 characters; it must have 16 to 128"
    );
    assert!(server.request().is_none());
}

#[test]
fn signed_call_has_signature() {
    const BODY: &str = "<GetAccessKeyInfoResponse><GetAccessKeyInfoResult>\
        <Account>123456789012</Account></GetAccessKeyInfoResult></GetAccessKeyInfoResponse>";
    let server = OneShot::start(200, BODY);
    let client = client_with_credentials(&server.url);
    let output = client
        .get_access_key_info(&GetAccessKeyInfoRequest::new("AKIAIOSFODNN7EXAMPLE"))
        .unwrap();
    assert_eq!(output.account(), Some("123456789012"));

    let recorded = server.request().expect("the request reached the listener");
    let authorization = recorded.header("authorization").expect("signed");
    assert!(
        authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
        "{authorization}"
    );
    assert!(
        authorization.contains("/us-east-1/sts/aws4_request"),
        "{authorization}"
    );
}

#[test]
fn modeled_error_is_typed() {
    const BODY: &str = "<ErrorResponse><Error><Type>Sender</Type><Code>IDPRejectedClaim</Code>\
        <Message>claim rejected</Message></Error><RequestId>err-1</RequestId></ErrorResponse>";
    let server = OneShot::start(403, BODY);
    let client = client_without_credentials(&server.url);
    let request = AssumeRoleWithWebIdentityRequest::new(
        "arn:aws:iam::123456789012:role/web",
        "web-session",
        "header.payload.signature",
    );
    let error = client.assume_role_with_web_identity(&request).unwrap_err();
    let Error::Service(service) = &error else {
        panic!("expected a service error, got {error:?}");
    };
    assert_eq!(service.kind(), ServiceErrorKind::IdpRejectedClaim);
    assert_eq!(service.status(), 403);
    assert_eq!(service.request_id(), Some("err-1"));
    assert_eq!(service.message(), "claim rejected");
    server.request();
}

#[test]
fn missing_credentials_is_invalid_response() {
    const BODY: &str = "<GetSessionTokenResponse><GetSessionTokenResult>\
        <SessionTokenSize>10</SessionTokenSize></GetSessionTokenResult></GetSessionTokenResponse>";
    let server = OneShot::start(200, BODY);
    let client = client_with_credentials(&server.url);
    let error = client
        .get_session_token(&GetSessionTokenRequest::new())
        .unwrap_err();
    assert!(
        matches!(error, Error::InvalidResponse { status: 200, .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "invalid response from STS (HTTP 200): incomplete GetSessionToken response: \
         required element <Credentials> is missing from <GetSessionTokenResult>"
    );
    server.request();
}

/// The awsQuery protocol case `QueryHostWithPath`.
#[test]
fn query_host_with_path() {
    const BODY: &str = "<GetCallerIdentityResponse><GetCallerIdentityResult>\
        <UserId>AIDA</UserId><Account>123456789012</Account>\
        <Arn>arn:aws:iam::123456789012:user/a</Arn></GetCallerIdentityResult>\
        </GetCallerIdentityResponse>";
    let server = OneShot::start(200, BODY);
    let client = client_with_credentials(&format!("{}/custom", server.url));
    client
        .get_caller_identity(&GetCallerIdentityRequest::new())
        .unwrap();

    let recorded = server.request().expect("the request reached the listener");
    assert_eq!(recorded.request_line, "POST /custom/ HTTP/1.1");
    assert_eq!(recorded.body, "Action=GetCallerIdentity&Version=2011-06-15");
    let content_type = recorded.header("content-type").unwrap();
    assert!(
        content_type.starts_with("application/x-www-form-urlencoded"),
        "{content_type}"
    );
}
