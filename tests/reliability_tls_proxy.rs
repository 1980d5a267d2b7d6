//! Transport security against moto: HTTPS verified against a CA bundle made at test time, and
//! requests sent through a real tinyproxy chosen from HTTP_PROXY, HTTPS_PROXY and NO_PROXY.
//!
//! Needs `openssl` and `tinyproxy` on the machine; scripts/install-test-deps installs both.

mod reliability_common;
mod support;

use std::path::Path;
use std::time::Duration;

use aws_sts_blocking::{AwsSession, AwsSessionBuilder, Credentials, Environment, Error, StsClient};
use reliability_common::tinyproxy::Tinyproxy;
use reliability_common::tls::{TestCa, TlsTerminator};
use support::moto::MotoServer;

/// Returns moto's seeded user's access key as this crate's credentials.
fn alice(server: &MotoServer) -> Credentials {
    Credentials::new(
        server.access_key_id(),
        server.secret_access_key(),
        None,
        None,
    )
}

/// Returns a builder for a session that calls `endpoint` as moto's seeded user.
fn session_builder(
    server: &MotoServer,
    endpoint: &str,
    environment: Environment,
) -> AwsSessionBuilder {
    AwsSession::builder()
        .environment(environment)
        .credentials(alice(server))
        .region("us-east-1")
        .endpoint_url(endpoint)
        .initial_backoff(Duration::from_millis(5))
}

fn session(server: &MotoServer, endpoint: &str, environment: Environment) -> AwsSession {
    session_builder(server, endpoint, environment)
        .build()
        .expect("session")
}

fn describe(session: AwsSession) -> Result<String, Error> {
    let mut client = StsClient::new(None, None, Some(session)).expect("client");
    client
        .describe_caller()
        .map(|identity| identity.arn().to_string())
}

/// Starts moto behind a TLS terminator whose certificate a fresh test CA signed.
fn moto_over_tls(name: &str) -> (MotoServer, TestCa, TlsTerminator) {
    let server = MotoServer::start_verifying();
    let ca = TestCa::generate(name);
    let backend = format!("127.0.0.1:{}", server.port()).parse().unwrap();
    let terminator = TlsTerminator::start(&ca, backend);
    (server, ca, terminator)
}

fn path_text(path: &Path) -> String {
    path.to_str().unwrap().to_string()
}

#[test]
fn https_with_ca_bundle_variable() {
    let (server, ca, terminator) = moto_over_tls("variable");
    let environment = Environment::empty().with_var("AWS_CA_BUNDLE", path_text(&ca.ca_certificate));
    let session = session(&server, &terminator.endpoint(), environment);

    let arn = describe(session.clone()).expect("GetCallerIdentity over HTTPS");
    assert_eq!(arn, server.user_arn());
    let mut client = StsClient::new(None, None, Some(session)).unwrap();
    let credentials = client
        .get_cred_from_assume_role(
            &server.role_arn(support::moto::TRUSTED_ROLE),
            "tls-session",
            Duration::from_secs(900),
        )
        .expect("AssumeRole over HTTPS");
    assert!(credentials.session_token().is_some());

    assert_eq!(server.request_count(), 2);
    assert_eq!(terminator.handshake_count(), 2);
}

#[test]
fn https_with_ca_bundle_from_builder_and_profile() {
    let (server, ca, terminator) = moto_over_tls("builder");
    let builder_session = session_builder(&server, &terminator.endpoint(), Environment::empty())
        .ca_bundle(&ca.ca_certificate)
        .build()
        .unwrap();
    assert_eq!(describe(builder_session).unwrap(), server.user_arn());

    let home = std::env::temp_dir().join(format!(
        "aws-sts-blocking-ca-profile-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(
        home.join(".aws/config"),
        format!("[default]\nca_bundle = {}\n", ca.ca_certificate.display()),
    )
    .unwrap();
    let profile_session = session(
        &server,
        &terminator.endpoint(),
        Environment::empty().with_home_dir(&home),
    );
    assert_eq!(describe(profile_session).unwrap(), server.user_arn());
    assert_eq!(server.request_count(), 2);
}

#[test]
fn https_without_the_ca_fails() {
    let (server, _ca, terminator) = moto_over_tls("missing");
    let session = session_builder(&server, &terminator.endpoint(), Environment::empty())
        .max_attempts(1)
        .build()
        .unwrap();
    let error = describe(session).unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(error.to_string().contains("certificate"), "{error}");
    assert_eq!(terminator.handshake_count(), 0);
    assert_eq!(server.request_count(), 0);
}

#[test]
fn https_with_another_ca_fails() {
    let (server, _ca, terminator) = moto_over_tls("other-served");
    let other = TestCa::generate("other-trusted");
    let environment =
        Environment::empty().with_var("AWS_CA_BUNDLE", path_text(&other.ca_certificate));
    let session = session_builder(&server, &terminator.endpoint(), environment)
        .max_attempts(1)
        .build()
        .unwrap();
    let error = describe(session).unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(server.request_count(), 0);
}

#[test]
fn unreadable_ca_bundle_is_a_config_error() {
    let environment = Environment::empty().with_var("AWS_CA_BUNDLE", "/nonexistent/ca.pem");
    let error = AwsSession::builder()
        .environment(environment)
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
    assert!(error.to_string().contains("/nonexistent/ca.pem"), "{error}");
}

#[test]
fn http_proxy_carries_http_requests() {
    let server = MotoServer::shared_verifying();
    let proxy = Tinyproxy::start("http");
    let environment = Environment::empty().with_var("HTTP_PROXY", proxy.url());
    let arn = describe(session(server, &server.endpoint(), environment)).expect("via the proxy");
    assert_eq!(arn, server.user_arn());

    let expected = format!("CONNECT 127.0.0.1:{} HTTP/1.1", server.port());
    assert_eq!(proxy.requests(), vec![expected], "{}", proxy.log());
}

#[test]
fn https_proxy_carries_https_requests() {
    let (server, ca, terminator) = moto_over_tls("proxied");
    let proxy = Tinyproxy::start("https");
    let environment = Environment::empty()
        .with_var("AWS_CA_BUNDLE", path_text(&ca.ca_certificate))
        .with_var("https_proxy", proxy.url())
        .with_var("HTTP_PROXY", "http://127.0.0.1:9");
    let arn = describe(session(&server, &terminator.endpoint(), environment)).expect("via proxy");
    assert_eq!(arn, server.user_arn());

    let port = terminator
        .endpoint()
        .rsplit(':')
        .next()
        .unwrap()
        .to_string();
    let expected = format!("CONNECT 127.0.0.1:{port} HTTP/1.1");
    assert_eq!(proxy.requests(), vec![expected], "{}", proxy.log());
    assert_eq!(server.request_count(), 1);
}

#[test]
fn no_proxy_and_other_schemes_bypass_the_proxy() {
    let server = MotoServer::shared_verifying();
    let proxy = Tinyproxy::start("bypass");
    let cases = [
        vec![
            ("HTTP_PROXY", proxy.url()),
            ("NO_PROXY", "127.0.0.1".into()),
        ],
        vec![("http_proxy", proxy.url()), ("no_proxy", "*".into())],
        vec![("HTTPS_PROXY", proxy.url())],
        vec![("ALL_PROXY", proxy.url())],
    ];
    for variables in cases {
        let mut environment = Environment::empty();
        for (name, value) in &variables {
            environment = environment.with_var(*name, value.clone());
        }
        let result = describe(session(server, &server.endpoint(), environment));
        assert!(result.is_ok(), "{variables:?}: {result:?}");
    }
    assert_eq!(proxy.requests(), Vec::<String>::new(), "{}", proxy.log());
}

#[test]
fn dead_proxy_fails_the_call() {
    // Nothing listens on the proxy port, so the call fails: proof that it goes to the proxy.
    let server = MotoServer::shared_verifying();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let environment =
        Environment::empty().with_var("HTTP_PROXY", format!("http://127.0.0.1:{port}"));
    let error = describe(session(server, &server.endpoint(), environment)).unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
}

#[test]
fn invalid_proxy_url_is_a_config_error() {
    let environment =
        Environment::empty().with_var("HTTPS_PROXY", "socks5://user:secret@127.0.0.1:1080");
    let error = AwsSession::builder()
        .environment(environment)
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
    assert!(error.to_string().contains("HTTPS_PROXY"), "{error}");
    assert!(!error.to_string().contains("secret"), "{error}");
}
