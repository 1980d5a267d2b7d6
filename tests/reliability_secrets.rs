//! No secret key, session token, web identity token or SAML assertion in any log line of this
//! crate, at TRACE level, nor in any `Debug` or `Display` output, across a full flow against
//! moto.
//!
//! Only records whose target starts with `aws_sts_blocking` are checked: ureq documents its own
//! TRACE output (target `ureq_proto`) as unredacted wire data.

mod reliability_common;
mod support;

use std::time::Duration;

use aws_sts_blocking::{
    AssumeRoleWithSamlRequest, AssumeRoleWithWebIdentityRequest, AwsSession, Credentials,
    Environment, StsClient,
};
use reliability_common::{
    capture_logs, error_response, fault_session, identity_response, logs_of_this_thread,
    SECRET_KEY, SESSION_TOKEN,
};
use support::fault::{FaultServer, Response, Step};
use support::moto::{
    saml_assertion, MotoServer, SAML_ROLE, TRUSTED_ROLE, UNTRUSTED_ROLE, WEB_ROLE,
};

/// A web identity token in JWT form; moto's open server does not check it.
const WEB_IDENTITY_TOKEN: &str =
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXRzLXRlc3QifQ.c2VjcmV0cy10ZXN0LXNpZ25hdHVyZQ";

/// Collects the texts that must not contain a secret.
#[derive(Default)]
struct Outputs {
    texts: Vec<String>,
}

impl Outputs {
    fn debug(&mut self, value: &impl std::fmt::Debug) {
        self.texts.push(format!("{value:?}"));
        self.texts.push(format!("{value:#?}"));
    }

    fn display(&mut self, value: &impl std::fmt::Display) {
        self.texts.push(value.to_string());
    }

    fn logs(&mut self) {
        let records = logs_of_this_thread();
        assert!(!records.is_empty(), "the flow logged nothing");
        for record in records {
            assert!(record.target.starts_with("aws_sts_blocking"));
            self.texts.push(record.message);
        }
    }

    /// Asserts that no collected text contains any of `secrets`, whole or as a 24-character
    /// piece from its middle.
    fn assert_free_of(&self, secrets: &[(&str, &str)]) {
        for (name, secret) in secrets {
            assert!(secret.len() >= 24, "{name} is too short to search for");
            let middle = secret.len() / 2 - 12;
            let piece = &secret[middle..middle + 24];
            for text in &self.texts {
                assert!(!text.contains(secret), "{name} appears in: {text}");
                assert!(!text.contains(piece), "part of {name} appears in: {text}");
            }
        }
    }
}

fn moto_session(server: &MotoServer, credentials: Credentials) -> AwsSession {
    AwsSession::builder()
        .environment(Environment::empty())
        .credentials(credentials)
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .build()
        .expect("session")
}

#[test]
fn moto_flow_leaks_no_secret() {
    capture_logs();
    let server = MotoServer::shared_verifying();
    let alice = Credentials::new(
        server.access_key_id(),
        server.secret_access_key(),
        None,
        None,
    );
    let mut outputs = Outputs::default();

    // Identity and its cache.
    let session = moto_session(server, alice.clone());
    outputs.debug(&session);
    outputs.debug(&alice);
    let mut client = StsClient::new(None, None, Some(session)).unwrap();
    outputs.debug(&client);
    let identity = client.describe_caller().expect("GetCallerIdentity");
    outputs.debug(&identity);
    client.get_account_id().unwrap();

    // AssumeRole, then a call signed with the temporary credentials.
    let assumed = client
        .get_cred_from_assume_role(
            &server.role_arn(TRUSTED_ROLE),
            "secrets-test",
            Duration::from_secs(900),
        )
        .expect("AssumeRole");
    outputs.debug(&assumed);
    let temporary_secret = assumed.secret_access_key().to_string();
    let temporary_token = assumed
        .session_token()
        .expect("a session token")
        .to_string();
    let mut assumed_client =
        StsClient::new(None, None, Some(moto_session(server, assumed))).unwrap();
    let assumed_identity = assumed_client.describe_caller().expect("assumed identity");
    outputs.debug(&assumed_identity);

    // Errors: an untrusted role and a wrong secret key.
    let denied = client
        .get_cred_from_assume_role(
            &server.role_arn(UNTRUSTED_ROLE),
            "secrets-test",
            Duration::from_secs(900),
        )
        .unwrap_err();
    assert_eq!(denied.code(), Some("AccessDenied"));
    outputs.debug(&denied);
    outputs.display(&denied);

    let wrong_secret = Credentials::new(
        server.access_key_id(),
        "wrong-secret-key-for-the-secrets-test",
        None,
        None,
    );
    let mut wrong_client =
        StsClient::new(None, None, Some(moto_session(server, wrong_secret))).unwrap();
    let rejected = wrong_client.describe_caller().unwrap_err();
    assert_eq!(rejected.code(), Some("SignatureDoesNotMatch"));
    outputs.debug(&rejected);
    outputs.display(&rejected);

    // The unsigned operations, against the server that checks no signature.
    let open_server = MotoServer::shared_open();
    let anonymous = AwsSession::builder()
        .environment(Environment::empty())
        .region("us-east-1")
        .endpoint_url(open_server.endpoint())
        .build()
        .unwrap();
    let anonymous_client = StsClient::new(None, None, Some(anonymous)).unwrap();
    let web_request = AssumeRoleWithWebIdentityRequest::new(
        open_server.role_arn(WEB_ROLE),
        "secrets-web",
        WEB_IDENTITY_TOKEN,
    );
    outputs.debug(&web_request);
    let web_output = anonymous_client
        .assume_role_with_web_identity(&web_request)
        .expect("AssumeRoleWithWebIdentity");
    outputs.debug(&web_output);
    let web_secret = web_output.credentials().secret_access_key().to_string();

    let saml_role = open_server.role_arn(SAML_ROLE);
    let assertion = saml_assertion(&saml_role, open_server.saml_provider_arn(), "secrets-saml");
    let saml_request = AssumeRoleWithSamlRequest::new(
        saml_role,
        open_server.saml_provider_arn(),
        assertion.clone(),
    );
    outputs.debug(&saml_request);
    let saml_output = anonymous_client
        .assume_role_with_saml(&saml_request)
        .expect("AssumeRoleWithSAML");
    outputs.debug(&saml_output);
    let saml_secret = saml_output.credentials().secret_access_key().to_string();

    let bad_token = AssumeRoleWithWebIdentityRequest::new(
        open_server.role_arn(WEB_ROLE),
        "secrets-web",
        format!("{WEB_IDENTITY_TOKEN}-but-the-session-name-is-invalid"),
    );
    let invalid = anonymous_client
        .assume_role_with_web_identity(&AssumeRoleWithWebIdentityRequest::new(
            open_server.role_arn(WEB_ROLE),
            "invalid session name with spaces",
            WEB_IDENTITY_TOKEN,
        ))
        .unwrap_err();
    outputs.debug(&bad_token);
    outputs.debug(&invalid);
    outputs.display(&invalid);

    outputs.logs();
    outputs.assert_free_of(&[
        ("alice's secret key", server.secret_access_key()),
        (
            "the wrong secret key",
            "wrong-secret-key-for-the-secrets-test",
        ),
        ("the temporary secret key", &temporary_secret),
        ("the session token", &temporary_token),
        ("the web identity token", WEB_IDENTITY_TOKEN),
        ("the web identity credentials' secret key", &web_secret),
        ("the SAML assertion", &assertion),
        ("the SAML credentials' secret key", &saml_secret),
    ]);
}

#[test]
fn retries_and_echoed_secrets_leak_nothing() {
    capture_logs();
    // A server that quotes the caller's secrets in its error messages, as some services quote
    // the canonical request in signature errors.
    let echo = format!("<ErrorResponse><Error><Code>InternalFailure</Code><Message>key {SECRET_KEY} token {SESSION_TOKEN}</Message></Error></ErrorResponse>");
    let server = FaultServer::start(vec![
        Step::Respond(Response::new(500).body(echo.clone())),
        Step::Respond(error_response(400, "Throttling")),
        Step::Respond(identity_response()),
        Step::Respond(Response::new(500).body(echo)),
    ]);
    let session = fault_session(&server).build().unwrap();
    let mut outputs = Outputs::default();
    outputs.debug(&session);

    let mut client = StsClient::new(None, None, Some(session)).unwrap();
    client.describe_caller().expect("third attempt succeeds");
    let single_attempt = fault_session(&server).max_attempts(1).build().unwrap();
    let error = StsClient::new(None, None, Some(single_attempt))
        .unwrap()
        .describe_caller()
        .unwrap_err();
    outputs.debug(&error);
    outputs.display(&error);
    assert!(error.to_string().contains("** redacted **"), "{error}");

    outputs.logs();
    outputs.assert_free_of(&[
        ("the secret key", SECRET_KEY),
        ("the session token", SESSION_TOKEN),
    ]);
}
