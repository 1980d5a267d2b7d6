//! StsClient against a local moto STS that verifies every SigV4 signature and enforces IAM
//! policies and role trust.

mod support;

use std::time::Duration;

use aws_sts_blocking::{AwsSession, Credentials, Environment, Error, ServiceErrorKind, StsClient};
use support::moto::MotoServer;

/// Builds a session for `server` with the given credentials and nothing from the process
/// environment.
fn session(server: &MotoServer, credentials: Credentials) -> AwsSession {
    AwsSession::builder()
        .environment(Environment::empty().with_var("AWS_EC2_METADATA_DISABLED", "true"))
        .credentials(credentials)
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .build()
        .expect("session")
}

fn alice(server: &MotoServer) -> Credentials {
    Credentials::new(
        server.access_key_id(),
        server.secret_access_key(),
        None,
        None,
    )
}

fn client(server: &MotoServer) -> StsClient {
    StsClient::new(None, None, Some(session(server, alice(server)))).expect("client")
}

#[test]
fn describe_caller_returns_seeded_user() {
    let server = MotoServer::shared_verifying();
    let identity = client(server).describe_caller().expect("GetCallerIdentity");
    assert_eq!(identity.account(), server.account_id());
    assert_eq!(identity.arn(), server.user_arn());
    assert!(!identity.user_id().is_empty());
}

#[test]
fn identity_cache_costs_one_call() {
    let server = MotoServer::start_verifying();
    let mut client = client(&server);
    let before = server.request_count();

    let account = client.get_account_id().expect("account").to_string();
    let arn = client.get_user_arn().expect("arn").to_string();
    let user_id = client.get_user_id().expect("user id").to_string();
    assert_eq!(server.request_count() - before, 1);
    assert_eq!(account, server.account_id());
    assert_eq!(arn, server.user_arn());
    assert!(!user_id.is_empty());

    client.describe_caller().expect("describe_caller");
    assert_eq!(
        server.request_count() - before,
        2,
        "describe_caller always calls"
    );
    client.get_user_id().expect("user id");
    assert_eq!(server.request_count() - before, 2);
}

#[test]
fn given_account_id_sends_nothing() {
    let server = MotoServer::start_verifying();
    let session = session(&server, alice(&server));
    let mut client =
        StsClient::new(Some("210987654321".to_string()), None, Some(session)).expect("client");
    let before = server.request_count();
    assert_eq!(client.get_account_id().expect("account"), "210987654321");
    assert_eq!(server.request_count(), before);
}

#[test]
fn assume_role_then_call_with_returned_credentials() {
    let server = MotoServer::shared_verifying();
    let role_arn = server.role_arn(support::moto::TRUSTED_ROLE);
    let credentials = client(server)
        .get_cred_from_assume_role(&role_arn, "live-test", Duration::from_secs(900))
        .expect("AssumeRole");

    assert!(
        credentials.access_key_id().starts_with("ASIA"),
        "{credentials:?}"
    );
    assert!(!credentials.secret_access_key().is_empty());
    assert!(credentials
        .session_token()
        .is_some_and(|token| !token.is_empty()));
    let expiration = credentials.expiration().expect("expiration");
    let lifetime = expiration - time::OffsetDateTime::now_utc();
    assert!(
        lifetime > time::Duration::minutes(10) && lifetime <= time::Duration::minutes(16),
        "{lifetime}"
    );

    let mut role_client =
        StsClient::new(None, None, Some(session(server, credentials))).expect("client");
    let identity = role_client
        .describe_caller()
        .expect("GetCallerIdentity as the role");
    assert_eq!(
        identity.arn(),
        format!(
            "arn:aws:sts::{}:assumed-role/trusted-role/live-test",
            server.account_id()
        )
    );
}

#[test]
fn wrong_secret_is_signature_error() {
    let server = MotoServer::shared_verifying();
    let wrong = Credentials::new(
        server.access_key_id(),
        "not-the-secret-key-0000000000000000000000",
        None,
        None,
    );
    let mut client = StsClient::new(None, None, Some(session(server, wrong))).expect("client");
    let error = client.describe_caller().unwrap_err();

    let Error::Service(service) = &error else {
        panic!("expected a service error, got {error:?}");
    };
    assert_eq!(service.code(), "SignatureDoesNotMatch");
    assert_eq!(service.kind(), ServiceErrorKind::SignatureDoesNotMatch);
    assert_eq!(service.status(), 403);
    assert!(
        service.request_id().is_some_and(|id| !id.is_empty()),
        "{service:?}"
    );
    assert!(!error.is_retryable());
}

#[test]
fn untrusted_role_is_access_denied() {
    let server = MotoServer::shared_verifying();
    let role_arn = server.role_arn(support::moto::UNTRUSTED_ROLE);
    let error = client(server)
        .get_cred_from_assume_role(&role_arn, "live-test", Duration::from_secs(900))
        .unwrap_err();
    assert_eq!(error.code(), Some("AccessDenied"), "{error:?}");
    assert_eq!(error.status(), Some(403));
}

#[test]
fn invalid_input_sends_nothing() {
    let server = MotoServer::start_verifying();
    let mut client = client(&server);
    let role_arn = server.role_arn(support::moto::TRUSTED_ROLE);
    let before = server.request_count();

    let cases = [
        (
            role_arn.as_str(),
            "bad name",
            Duration::from_secs(900),
            "RoleSessionName",
        ),
        (
            role_arn.as_str(),
            "x",
            Duration::from_secs(900),
            "RoleSessionName",
        ),
        (
            "arn:aws:iam::1:r",
            "name",
            Duration::from_secs(900),
            "RoleArn",
        ),
        (
            role_arn.as_str(),
            "name",
            Duration::from_secs(60),
            "DurationSeconds",
        ),
        (
            role_arn.as_str(),
            "name",
            Duration::from_millis(900_001),
            "DurationSeconds",
        ),
    ];
    for (arn, name, duration, member) in cases {
        let error = client
            .get_cred_from_assume_role(arn, name, duration)
            .unwrap_err();
        match &error {
            Error::InvalidInput { field, .. } => assert_eq!(field, member, "{error}"),
            other => panic!("expected InvalidInput for {member}, got {other:?}"),
        }
    }
    assert_eq!(server.request_count(), before);
}

#[test]
fn missing_credentials_fail_the_call_not_the_build() {
    let server = MotoServer::start_verifying();
    let session = AwsSession::builder()
        .environment(Environment::empty().with_var("AWS_EC2_METADATA_DISABLED", "true"))
        .endpoint_url(server.endpoint())
        .build()
        .expect("a session without credentials builds");
    let mut client = StsClient::new(None, None, Some(session)).expect("client");
    let before = server.request_count();
    let error = client.describe_caller().unwrap_err();
    assert!(matches!(error, Error::Credentials { .. }), "{error:?}");
    assert_eq!(server.request_count(), before);
}
