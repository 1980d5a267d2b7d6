//! Every STS operation that moto implements, called through the public API against local
//! moto 5.2.5 servers from `tests/support/`.
//!
//! The signature-verifying server checks the SigV4 signature over the body that moto
//! re-encodes, so these calls prove that values with spaces, `+`, `*`, `~`, non-ASCII letters
//! and Latin-1 text are encoded exactly as botocore encodes them. The open server serves the
//! unsigned AssumeRoleWithWebIdentity and AssumeRoleWithSAML, called from a session that has
//! no credentials and reads no real environment.
//!
//! moto 5.2.5 lacks five operations. Calling them returns an HTML 500 page, which
//! `moto_lacks_five_operations` below checks. They are tested instead on request bodies
//! compared byte for byte, the aws-sdk-go-v2 request snapshot where one exists, and output
//! bodies written from the STS model (unit tests in `src/operations/tests/`):
//! - AssumeRoot: encoding, go-v2 snapshot, model-written output.
//! - DecodeAuthorizationMessage: encoding, go-v2 snapshot, model-written output.
//! - GetDelegatedAccessToken: encoding, model-written output.
//! - GetScopedCredentials: encoding, model-written output.
//! - GetWebIdentityToken: encoding, model-written output.
//!
//! moto also ignores most optional members (tags, policy ARNs, source identity, MFA codes,
//! provided contexts, minimum token size) and returns fixed values for others. So the live
//! tests check that moto accepts each signed request and that its response parses, and the
//! unit tests check how each member is encoded.

mod support;

use aws_sts_blocking::{
    AssumeRoleRequest, AssumeRoleWithSamlRequest, AssumeRoleWithWebIdentityRequest,
    AssumeRootRequest, AwsSession, Credentials, DecodeAuthorizationMessageRequest, Environment,
    Error, GetAccessKeyInfoRequest, GetCallerIdentityRequest, GetDelegatedAccessTokenRequest,
    GetFederationTokenRequest, GetScopedCredentialsRequest, GetSessionTokenRequest,
    GetWebIdentityTokenRequest, PolicyDescriptor, ProvidedContext, StsClient, Tag,
};
use support::moto::{self, MotoServer};

/// A policy with spaces, `+`, `*`, `~` and Latin-1 letters, all of which the signature
/// covers.
const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Café+Crème~1 ©", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::bucket~name/*"}]}"#;

/// Tags with spaces, `+`, `=`, `@` and non-ASCII letters, as the tag pattern allows.
fn tags() -> Vec<Tag> {
    vec![
        Tag::new("Projekt", "Gr\u{fc}ne Wiese"),
        Tag::new("cost+center", "a=b@c"),
        Tag::new("\u{65e5}\u{672c}", "\u{6771}\u{4eac} 1"),
    ]
}

fn policy_arns() -> Vec<PolicyDescriptor> {
    vec![PolicyDescriptor::new(
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    )]
}

/// Builds a client for `server` that signs with `credentials`.
fn client(server: &MotoServer, credentials: Credentials) -> StsClient {
    let session = AwsSession::builder()
        .environment(Environment::empty())
        .credentials(credentials)
        .region(moto::REGION)
        .endpoint_url(server.endpoint())
        .build()
        .unwrap();
    StsClient::new(None, None, Some(session)).unwrap()
}

/// Builds a client for the shared verifying server that signs as the seeded user alice.
fn alice() -> StsClient {
    let server = MotoServer::shared_verifying();
    client(
        server,
        Credentials::new(
            server.access_key_id(),
            server.secret_access_key(),
            None,
            None,
        ),
    )
}

/// Builds a client for the shared open server whose session has no credentials.
fn anonymous() -> StsClient {
    let session = AwsSession::builder()
        .environment(Environment::empty())
        .region(moto::REGION)
        .endpoint_url(MotoServer::shared_open().endpoint())
        .build()
        .unwrap();
    StsClient::new(None, None, Some(session)).unwrap()
}

#[test]
fn get_caller_identity_as_user() {
    let server = MotoServer::shared_verifying();
    let output = alice()
        .get_caller_identity(&GetCallerIdentityRequest::new())
        .unwrap();
    assert_eq!(output.arn(), Some(server.user_arn()));
    assert_eq!(output.account(), Some(server.account_id()));
    assert!(output.request_id().is_some());
}

#[test]
fn get_access_key_info_returns_account() {
    let server = MotoServer::shared_verifying();
    let output = alice()
        .get_access_key_info(&GetAccessKeyInfoRequest::new(server.access_key_id()))
        .unwrap();
    assert_eq!(output.account(), Some(server.account_id()));
}

#[test]
fn get_session_token_all_parameters() {
    let request = GetSessionTokenRequest::new()
        .duration_seconds(900)
        .serial_number(format!(
            "arn:aws:iam::{}:mfa/alice",
            MotoServer::shared_verifying().account_id()
        ))
        .token_code("123456")
        .minimum_session_token_size(1024);
    let output = alice().get_session_token(&request).unwrap();
    let credentials = output.credentials();
    assert!(!credentials.access_key_id().is_empty());
    assert!(credentials.session_token().is_some());
    assert!(credentials.expiration().is_some());
}

#[test]
fn get_federation_token_all_parameters() {
    let server = MotoServer::shared_verifying();
    let request = GetFederationTokenRequest::new("fed-user@example")
        .policy(POLICY)
        .policy_arns(policy_arns())
        .duration_seconds(3600)
        .tags(tags())
        .minimum_session_token_size(0);
    let output = alice().get_federation_token(&request).unwrap();
    let user = output
        .federated_user()
        .expect("moto returns the federated user");
    assert_eq!(
        user.arn(),
        format!(
            "arn:aws:sts::{}:federated-user/fed-user@example",
            server.account_id()
        )
    );
    assert_eq!(
        user.federated_user_id(),
        format!("{}:fed-user@example", server.account_id())
    );
    assert!(output.credentials().session_token().is_some());
}

#[test]
fn assume_role_all_parameters() {
    let server = MotoServer::shared_verifying();
    let request =
        AssumeRoleRequest::new(server.role_arn(moto::EXTERNAL_ID_ROLE), "live-all-params")
            .policy_arns(policy_arns())
            .policy(POLICY)
            .duration_seconds(900)
            .tags(tags())
            .transitive_tag_keys(vec!["Projekt".to_string()])
            .external_id(moto::EXTERNAL_ID)
            .serial_number(format!("arn:aws:iam::{}:mfa/alice", server.account_id()))
            .token_code("654321")
            .source_identity("alice@example.com")
            .provided_contexts(vec![ProvidedContext::new(
                "arn:aws:iam::aws:contextProvider/IdentityCenter",
                "context+assertion/with=padding",
            )])
            .minimum_session_token_size(2048);
    let output = alice().assume_role(&request).unwrap();
    let user = output
        .assumed_role_user()
        .expect("moto returns the role user");
    assert_eq!(
        user.arn(),
        format!(
            "arn:aws:sts::{}:assumed-role/{}/live-all-params",
            server.account_id(),
            moto::EXTERNAL_ID_ROLE
        )
    );

    // The returned credentials sign a call that moto verifies.
    let assumed = client(server, output.credentials().clone());
    let identity = assumed
        .get_caller_identity(&GetCallerIdentityRequest::new())
        .unwrap();
    assert_eq!(identity.arn(), Some(user.arn()));
}

#[test]
fn assume_role_wrong_external_id_denied() {
    let server = MotoServer::shared_verifying();
    let request = AssumeRoleRequest::new(server.role_arn(moto::EXTERNAL_ID_ROLE), "live-wrong-id")
        .external_id("not-the-external-id");
    let error = alice().assume_role(&request).unwrap_err();
    assert_eq!(error.code(), Some("AccessDenied"), "{error:?}");
}

#[test]
fn web_identity_without_credentials() {
    let server = MotoServer::shared_open();
    let request = AssumeRoleWithWebIdentityRequest::new(
        server.role_arn(moto::WEB_ROLE),
        "live-web",
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsaXZlIn0.c2lnbmF0dXJl",
    )
    .provider_id("accounts.example.com")
    .policy_arns(policy_arns())
    .policy(POLICY)
    .duration_seconds(900)
    .minimum_session_token_size(512);
    let output = anonymous().assume_role_with_web_identity(&request).unwrap();
    let user = output
        .assumed_role_user()
        .expect("moto returns the role user");
    assert_eq!(
        user.arn(),
        format!(
            "arn:aws:sts::{}:assumed-role/{}/live-web",
            server.account_id(),
            moto::WEB_ROLE
        )
    );
    assert!(output.credentials().session_token().is_some());
}

/// Returns a base64 SAML response naming `role_arn` and `provider_arn`, in the form moto
/// 5.2.5 reads: it takes the role, session name and duration from the assertion's
/// attributes.
fn saml_assertion(role_arn: &str, provider_arn: &str) -> String {
    let xml = format!(
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">\
         <saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">\
         <saml:AttributeStatement>\
         <saml:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/Role\">\
         <saml:AttributeValue>{role_arn},{provider_arn}</saml:AttributeValue></saml:Attribute>\
         <saml:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/RoleSessionName\">\
         <saml:AttributeValue>live-saml</saml:AttributeValue></saml:Attribute>\
         <saml:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/SessionDuration\">\
         <saml:AttributeValue>900</saml:AttributeValue></saml:Attribute>\
         </saml:AttributeStatement></saml:Assertion></samlp:Response>"
    );
    base64(xml.as_bytes())
}

/// Encodes `bytes` in standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut encoded = String::new();
    for chunk in bytes.chunks(3) {
        let mut group = [0u8; 3];
        group[..chunk.len()].copy_from_slice(chunk);
        let value = u32::from(group[0]) << 16 | u32::from(group[1]) << 8 | u32::from(group[2]);
        for index in 0..4 {
            if index <= chunk.len() {
                encoded.push(char::from(
                    ALPHABET[(value >> (18 - 6 * index) & 63) as usize],
                ));
            } else {
                encoded.push('=');
            }
        }
    }
    encoded
}

#[test]
fn saml_without_credentials() {
    let server = MotoServer::shared_open();
    let role_arn = server.role_arn(moto::SAML_ROLE);
    let request = AssumeRoleWithSamlRequest::new(
        role_arn.clone(),
        server.saml_provider_arn(),
        saml_assertion(&role_arn, server.saml_provider_arn()),
    )
    .policy_arns(policy_arns())
    .policy(POLICY)
    .duration_seconds(900)
    .minimum_session_token_size(0);
    let output = anonymous().assume_role_with_saml(&request).unwrap();
    let user = output
        .assumed_role_user()
        .expect("moto returns the role user");
    assert_eq!(
        user.arn(),
        format!(
            "arn:aws:sts::{}:assumed-role/{}/live-saml",
            server.account_id(),
            moto::SAML_ROLE
        )
    );
    assert_eq!(output.subject_type(), Some("persistent"));
    assert!(output.credentials().session_token().is_some());
}

#[test]
fn moto_lacks_five_operations() {
    let client = alice();
    let results = [
        (
            "AssumeRoot",
            client
                .assume_root(&AssumeRootRequest::new(
                    "111122223333",
                    PolicyDescriptor::new(
                        "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
                    ),
                ))
                .map(|_| ()),
        ),
        (
            "DecodeAuthorizationMessage",
            client
                .decode_authorization_message(&DecodeAuthorizationMessageRequest::new("encoded"))
                .map(|_| ()),
        ),
        (
            "GetDelegatedAccessToken",
            client
                .get_delegated_access_token(&GetDelegatedAccessTokenRequest::new("trade-in"))
                .map(|_| ()),
        ),
        (
            "GetScopedCredentials",
            client
                .get_scoped_credentials(&GetScopedCredentialsRequest::new())
                .map(|_| ()),
        ),
        (
            "GetWebIdentityToken",
            client
                .get_web_identity_token(&GetWebIdentityTokenRequest::new(
                    vec!["https://api.example.com".to_string()],
                    "RS256",
                ))
                .map(|_| ()),
        ),
    ];
    for (operation, result) in results {
        let error = result.expect_err(operation);
        assert!(
            matches!(error, Error::InvalidResponse { status: 500, .. }),
            "{operation}: {error:?}"
        );
    }
}
