//! One test per constraint of the STS model: each builds a request that breaks exactly one
//! rule and checks the whole message, which names the member, the problem and what the model
//! allows.

use crate::operations::{
    AssumeRoleRequest, AssumeRoleWithSamlRequest, AssumeRoleWithWebIdentityRequest,
    AssumeRootRequest, DecodeAuthorizationMessageRequest, GetAccessKeyInfoRequest,
    GetFederationTokenRequest, GetScopedCredentialsRequest, GetSessionTokenRequest,
    GetWebIdentityTokenRequest, Operation, PolicyDescriptor, ProvidedContext, Tag,
};
use crate::Error;

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/demo";
const SAML_PROVIDER: &str = "arn:aws:iam::123456789012:saml-provider/idp";
const TASK_POLICY: &str = "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy";

fn assume_role() -> AssumeRoleRequest {
    AssumeRoleRequest::new(ROLE_ARN, "session")
}

fn saml() -> AssumeRoleWithSamlRequest {
    AssumeRoleWithSamlRequest::new(ROLE_ARN, SAML_PROVIDER, "PHNhbWw+")
}

fn web_identity() -> AssumeRoleWithWebIdentityRequest {
    AssumeRoleWithWebIdentityRequest::new(ROLE_ARN, "session", "token")
}

fn root() -> AssumeRootRequest {
    AssumeRootRequest::new("111122223333", PolicyDescriptor::new(TASK_POLICY))
}

fn web_identity_token() -> GetWebIdentityTokenRequest {
    GetWebIdentityTokenRequest::new(vec!["https://api.example.com".to_string()], "RS256")
}

fn tags(count: usize) -> Vec<Tag> {
    (0..count).map(|i| Tag::new(format!("k{i}"), "v")).collect()
}

fn contexts(count: usize) -> Vec<ProvidedContext> {
    vec![ProvidedContext::new("arn:aws:iam::aws:contextProvider/IdentityCenter", "abcd"); count]
}

/// Returns the message of the input error that `request` is rejected with.
fn rejection(request: &impl Operation) -> String {
    match request.validate() {
        Err(error @ Error::InvalidInput { .. }) => error.to_string(),
        Err(other) => panic!("expected an input error, got {other:?}"),
        Ok(()) => panic!("the request was accepted"),
    }
}

/// Declares a test that `$request` is rejected with exactly `$message`.
macro_rules! rejects {
    ($($name:ident: $request:expr => $message:expr;)+) => {
        $(
            #[test]
            fn $name() {
                assert_eq!(rejection(&$request), $message);
            }
        )+
    };
}

rejects! {
    role_arn_too_short: AssumeRoleRequest::new("arn:aws:iam::1:r", "s1")
        => "invalid RoleArn: the value has 16 characters; it must have 20 to 2048";
    role_arn_too_long: AssumeRoleRequest::new("a".repeat(2049), "s1")
        => "invalid RoleArn: the value has 2049 characters; it must have 20 to 2048";
    role_arn_control_character: AssumeRoleRequest::new(format!("{ROLE_ARN}\u{7}"), "s1")
        => "invalid RoleArn: character '\\u{7}' at position 36 is not allowed; the value must match \
            [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+";
    role_session_name_too_short: AssumeRoleRequest::new(ROLE_ARN, "s")
        => "invalid RoleSessionName: the value has 1 character; it must have 2 to 64";
    role_session_name_too_long: AssumeRoleRequest::new(ROLE_ARN, "s".repeat(65))
        => "invalid RoleSessionName: the value has 65 characters; it must have 2 to 64";
    role_session_name_pattern: AssumeRoleRequest::new(ROLE_ARN, "a/b")
        => "invalid RoleSessionName: character '/' at position 2 is not allowed; the value must match [\\w+=,.@-]*";
    role_session_name_non_ascii_letter: AssumeRoleRequest::new(ROLE_ARN, "jos\u{e9}")
        => "invalid RoleSessionName: character '\u{e9}' at position 4 is not allowed; the value must match [\\w+=,.@-]*";
    policy_arn_too_short: assume_role().policy_arns(vec![PolicyDescriptor::new("arn:aws:iam::aws:p")])
        => "invalid PolicyArns.member.1.arn: the value has 18 characters; it must have 20 to 2048";
    policy_arn_pattern: assume_role().policy_arns(vec![
            PolicyDescriptor::new("arn:aws:iam::aws:policy/A"),
            PolicyDescriptor::new("arn:aws:iam::aws:policy/\u{0}"),
        ])
        => "invalid PolicyArns.member.2.arn: character '\\0' at position 25 is not allowed; the value must match \
            [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+";
    assume_role_policy_empty: assume_role().policy("")
        => "invalid Policy: the value has 0 characters; it must have at least 1";
    assume_role_policy_beyond_latin1: assume_role().policy("{\"a\":\"\u{20ac}\"}")
        => "invalid Policy: character '\u{20ac}' at position 7 is not allowed; the value must match \
            [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+";
    assume_role_duration_too_short: assume_role().duration_seconds(899)
        => "invalid DurationSeconds: 899 seconds is out of range; use 900 to 43200 seconds";
    assume_role_duration_too_long: assume_role().duration_seconds(43_201)
        => "invalid DurationSeconds: 43201 seconds is out of range; use 900 to 43200 seconds";
    tags_too_many: assume_role().tags(tags(51))
        => "invalid Tags: the list has 51 items; it must have 0 to 50";
    tag_key_empty: assume_role().tags(vec![Tag::new("", "v")])
        => "invalid Tags.member.1.Key: the value has 0 characters; it must have 1 to 128";
    tag_key_too_long: assume_role().tags(vec![Tag::new("k".repeat(129), "v")])
        => "invalid Tags.member.1.Key: the value has 129 characters; it must have 1 to 128";
    tag_key_pattern: assume_role().tags(vec![Tag::new("a", "b"), Tag::new("cost*center", "v")])
        => "invalid Tags.member.2.Key: character '*' at position 5 is not allowed; the value must match \
            [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+";
    tag_value_too_long: assume_role().tags(vec![Tag::new("k", "v".repeat(257))])
        => "invalid Tags.member.1.Value: the value has 257 characters; it must have 0 to 256";
    tag_value_pattern: assume_role().tags(vec![Tag::new("k", "a~b")])
        => "invalid Tags.member.1.Value: character '~' at position 2 is not allowed; the value must match \
            [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*";
    transitive_tag_keys_too_many: assume_role().transitive_tag_keys(vec!["k".to_string(); 51])
        => "invalid TransitiveTagKeys: the list has 51 items; it must have 0 to 50";
    transitive_tag_key_empty: assume_role().transitive_tag_keys(vec![String::new()])
        => "invalid TransitiveTagKeys.member.1: the value has 0 characters; it must have 1 to 128";
    transitive_tag_key_pattern: assume_role().transitive_tag_keys(vec!["a#b".to_string()])
        => "invalid TransitiveTagKeys.member.1: character '#' at position 2 is not allowed; the value must match \
            [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+";
    external_id_too_short: assume_role().external_id("x")
        => "invalid ExternalId: the value has 1 character; it must have 2 to 1224";
    external_id_too_long: assume_role().external_id("x".repeat(1225))
        => "invalid ExternalId: the value has 1225 characters; it must have 2 to 1224";
    external_id_pattern: assume_role().external_id("a b")
        => "invalid ExternalId: character ' ' at position 2 is not allowed; the value must match [\\w+=,.@:\\/-]*";
    serial_number_too_short: assume_role().serial_number("GAHT1234")
        => "invalid SerialNumber: the value has 8 characters; it must have 9 to 256";
    serial_number_too_long: assume_role().serial_number("x".repeat(257))
        => "invalid SerialNumber: the value has 257 characters; it must have 9 to 256";
    serial_number_pattern: assume_role().serial_number("GAHT1234 5")
        => "invalid SerialNumber: character ' ' at position 9 is not allowed; the value must match [\\w+=/:,.@-]*";
    token_code_length: assume_role().token_code("12345")
        => "invalid TokenCode: the value has 5 characters; it must have exactly 6";
    token_code_pattern: assume_role().token_code("12345a")
        => "invalid TokenCode: character 'a' at position 6 is not allowed; the value must match [\\d]*";
    token_code_non_ascii_digit: assume_role().token_code("12345\u{663}")
        => "invalid TokenCode: character '\u{663}' at position 6 is not allowed; the value must match [\\d]*";
    source_identity_too_short: assume_role().source_identity("a")
        => "invalid SourceIdentity: the value has 1 character; it must have 2 to 256";
    source_identity_too_long: assume_role().source_identity("a".repeat(257))
        => "invalid SourceIdentity: the value has 257 characters; it must have 2 to 256";
    source_identity_pattern: assume_role().source_identity("alice:admin")
        => "invalid SourceIdentity: character ':' at position 6 is not allowed; the value must match [\\w+=,.@-]*";
    provided_contexts_empty: assume_role().provided_contexts(Vec::new())
        => "invalid ProvidedContexts: the list has 0 items; it must have 1 to 5";
    provided_contexts_too_many: assume_role().provided_contexts(contexts(6))
        => "invalid ProvidedContexts: the list has 6 items; it must have 1 to 5";
    provided_context_provider_arn: assume_role().provided_contexts(vec![ProvidedContext::new("arn:x", "abcd")])
        => "invalid ProvidedContexts.member.1.ProviderArn: the value has 5 characters; it must have 20 to 2048";
    provided_context_assertion_too_short: assume_role().provided_contexts(vec![ProvidedContext::new(ROLE_ARN, "abc")])
        => "invalid ProvidedContexts.member.1.ContextAssertion: the value has 3 characters; it must have 4 to 3072";
    provided_context_assertion_too_long: assume_role().provided_contexts(vec![ProvidedContext::new(ROLE_ARN, "a".repeat(3073))])
        => "invalid ProvidedContexts.member.1.ContextAssertion: the value has 3073 characters; it must have 4 to 3072";
    minimum_session_token_size_negative: assume_role().minimum_session_token_size(-1)
        => "invalid MinimumSessionTokenSize: -1 bytes is out of range; use 0 to 4096 bytes";
    minimum_session_token_size_too_large: GetSessionTokenRequest::new().minimum_session_token_size(4097)
        => "invalid MinimumSessionTokenSize: 4097 bytes is out of range; use 0 to 4096 bytes";

    saml_principal_arn: AssumeRoleWithSamlRequest::new(ROLE_ARN, "arn:idp", "PHNhbWw+")
        => "invalid PrincipalArn: the value has 7 characters; it must have 20 to 2048";
    saml_assertion_too_short: AssumeRoleWithSamlRequest::new(ROLE_ARN, SAML_PROVIDER, "abc")
        => "invalid SAMLAssertion: the value has 3 characters; it must have 4 to 100000";
    saml_assertion_too_long: AssumeRoleWithSamlRequest::new(ROLE_ARN, SAML_PROVIDER, "a".repeat(100_001))
        => "invalid SAMLAssertion: the value has 100001 characters; it must have 4 to 100000";
    saml_policy_too_long: saml().policy("a".repeat(2049))
        => "invalid Policy: the value has 2049 characters; it must have 1 to 2048";
    saml_duration_too_long: saml().duration_seconds(43_201)
        => "invalid DurationSeconds: 43201 seconds is out of range; use 900 to 43200 seconds";

    web_identity_token_too_short: AssumeRoleWithWebIdentityRequest::new(ROLE_ARN, "s1", "abc")
        => "invalid WebIdentityToken: the value has 3 characters; it must have 4 to 20000";
    web_identity_token_too_long: AssumeRoleWithWebIdentityRequest::new(ROLE_ARN, "s1", "a".repeat(20_001))
        => "invalid WebIdentityToken: the value has 20001 characters; it must have 4 to 20000";
    web_identity_session_name: AssumeRoleWithWebIdentityRequest::new(ROLE_ARN, "a b", "token")
        => "invalid RoleSessionName: character ' ' at position 2 is not allowed; the value must match [\\w+=,.@-]*";
    provider_id_too_short: web_identity().provider_id("abc")
        => "invalid ProviderId: the value has 3 characters; it must have 4 to 2048";
    provider_id_too_long: web_identity().provider_id("a".repeat(2049))
        => "invalid ProviderId: the value has 2049 characters; it must have 4 to 2048";
    web_identity_policy_pattern: web_identity().policy("\u{1}")
        => "invalid Policy: character '\\u{1}' at position 1 is not allowed; the value must match \
            [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+";
    web_identity_duration_too_short: web_identity().duration_seconds(0)
        => "invalid DurationSeconds: 0 seconds is out of range; use 900 to 43200 seconds";

    target_principal_too_short: AssumeRootRequest::new("12345678901", PolicyDescriptor::new(TASK_POLICY))
        => "invalid TargetPrincipal: the value has 11 characters; it must have 12 to 2048";
    target_principal_too_long: AssumeRootRequest::new("1".repeat(2049), PolicyDescriptor::new(TASK_POLICY))
        => "invalid TargetPrincipal: the value has 2049 characters; it must have 12 to 2048";
    task_policy_arn: AssumeRootRequest::new("111122223333", PolicyDescriptor::new("short"))
        => "invalid TaskPolicyArn.arn: the value has 5 characters; it must have 20 to 2048";
    root_duration_negative: root().duration_seconds(-1)
        => "invalid DurationSeconds: -1 seconds is out of range; use 0 to 900 seconds";
    root_duration_too_long: root().duration_seconds(901)
        => "invalid DurationSeconds: 901 seconds is out of range; use 0 to 900 seconds";

    encoded_message_empty: DecodeAuthorizationMessageRequest::new("")
        => "invalid EncodedMessage: the value has 0 characters; it must have 1 to 10240";
    encoded_message_too_long: DecodeAuthorizationMessageRequest::new("a".repeat(10_241))
        => "invalid EncodedMessage: the value has 10241 characters; it must have 1 to 10240";

    access_key_id_too_short: GetAccessKeyInfoRequest::new("AKIA12345678901")
        => "invalid AccessKeyId: the value has 15 characters; it must have 16 to 128";
    access_key_id_too_long: GetAccessKeyInfoRequest::new("A".repeat(129))
        => "invalid AccessKeyId: the value has 129 characters; it must have 16 to 128";
    access_key_id_pattern: GetAccessKeyInfoRequest::new("AKIAIOSFODNN7EXAMPL-")
        => "invalid AccessKeyId: character '-' at position 20 is not allowed; the value must match [\\w]*";

    federation_name_too_short: GetFederationTokenRequest::new("b")
        => "invalid Name: the value has 1 character; it must have 2 to 32";
    federation_name_too_long: GetFederationTokenRequest::new("b".repeat(33))
        => "invalid Name: the value has 33 characters; it must have 2 to 32";
    federation_name_pattern: GetFederationTokenRequest::new("bob smith")
        => "invalid Name: character ' ' at position 4 is not allowed; the value must match [\\w+=,.@-]*";
    federation_policy_too_long: GetFederationTokenRequest::new("bob").policy("a".repeat(2049))
        => "invalid Policy: the value has 2049 characters; it must have 1 to 2048";
    federation_duration_too_short: GetFederationTokenRequest::new("bob").duration_seconds(899)
        => "invalid DurationSeconds: 899 seconds is out of range; use 900 to 129600 seconds";
    federation_duration_too_long: GetFederationTokenRequest::new("bob").duration_seconds(129_601)
        => "invalid DurationSeconds: 129601 seconds is out of range; use 900 to 129600 seconds";
    federation_tags_too_many: GetFederationTokenRequest::new("bob").tags(tags(51))
        => "invalid Tags: the list has 51 items; it must have 0 to 50";

    scoped_duration_zero: GetScopedCredentialsRequest::new().duration_seconds(0)
        => "invalid DurationSeconds: 0 seconds is out of range; use 1 to 129600 seconds";
    scoped_duration_too_long: GetScopedCredentialsRequest::new().duration_seconds(129_601)
        => "invalid DurationSeconds: 129601 seconds is out of range; use 1 to 129600 seconds";
    scoped_policy_empty: GetScopedCredentialsRequest::new().policy("")
        => "invalid Policy: the value has 0 characters; it must have 1 to 2048";
    scoped_description_too_short: GetScopedCredentialsRequest::new().scoped_session_description("a")
        => "invalid ScopedSessionDescription: the value has 1 character; it must have 2 to 256";
    scoped_description_too_long: GetScopedCredentialsRequest::new().scoped_session_description("a".repeat(257))
        => "invalid ScopedSessionDescription: the value has 257 characters; it must have 2 to 256";
    scoped_description_pattern: GetScopedCredentialsRequest::new().scoped_session_description("a\u{a0}b")
        => "invalid ScopedSessionDescription: character '\\u{a0}' at position 2 is not allowed; the value must match \
            [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*";

    session_duration_too_short: GetSessionTokenRequest::new().duration_seconds(899)
        => "invalid DurationSeconds: 899 seconds is out of range; use 900 to 129600 seconds";
    session_duration_too_long: GetSessionTokenRequest::new().duration_seconds(129_601)
        => "invalid DurationSeconds: 129601 seconds is out of range; use 900 to 129600 seconds";
    session_serial_number_pattern: GetSessionTokenRequest::new().serial_number("arn:aws:iam::1:mfa/a b")
        => "invalid SerialNumber: character ' ' at position 21 is not allowed; the value must match [\\w+=/:,.@-]*";
    session_token_code_length: GetSessionTokenRequest::new().token_code("1234567")
        => "invalid TokenCode: the value has 7 characters; it must have exactly 6";

    audience_empty_list: GetWebIdentityTokenRequest::new(Vec::new(), "RS256")
        => "invalid Audience: the list has 0 items; it must have 1 to 10";
    audience_too_many: GetWebIdentityTokenRequest::new(vec!["a".to_string(); 11], "RS256")
        => "invalid Audience: the list has 11 items; it must have 1 to 10";
    audience_value_empty: GetWebIdentityTokenRequest::new(vec!["a".to_string(), String::new()], "RS256")
        => "invalid Audience.member.2: the value has 0 characters; it must have 1 to 1000";
    audience_value_too_long: GetWebIdentityTokenRequest::new(vec!["a".repeat(1001)], "RS256")
        => "invalid Audience.member.1: the value has 1001 characters; it must have 1 to 1000";
    token_duration_too_short: web_identity_token().duration_seconds(59)
        => "invalid DurationSeconds: 59 seconds is out of range; use 60 to 3600 seconds";
    token_duration_too_long: web_identity_token().duration_seconds(3601)
        => "invalid DurationSeconds: 3601 seconds is out of range; use 60 to 3600 seconds";
    signing_algorithm_length: GetWebIdentityTokenRequest::new(vec!["a".to_string()], "RS2566")
        => "invalid SigningAlgorithm: the value has 6 characters; it must have exactly 5";
    scope_too_long: web_identity_token().scope("a".repeat(257))
        => "invalid Scope: the value has 257 characters; it must have 1 to 256";
    scope_quote: web_identity_token().scope("read \"all\"")
        => "invalid Scope: character '\"' at position 6 is not allowed; the value must match \
            [\\x21\\x23-\\x2B\\x2D-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x2B\\x2D-\\x5B\\x5D-\\x7E]+)*";
    scope_double_space: web_identity_token().scope("read  write")
        => "invalid Scope: scope values must be separated by single spaces with none at either end; \
            the value must match [\\x21\\x23-\\x2B\\x2D-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x2B\\x2D-\\x5B\\x5D-\\x7E]+)*";
    token_tags_too_many: web_identity_token().tags(tags(51))
        => "invalid Tags: the list has 51 items; it must have 0 to 50";
}

#[test]
fn secret_values_never_in_messages() {
    let assertion = "s".repeat(100_001);
    let message = rejection(&AssumeRoleWithSamlRequest::new(
        ROLE_ARN,
        SAML_PROVIDER,
        &*assertion,
    ));
    assert!(!message.contains("sss"), "{message}");

    let message = rejection(&AssumeRoleWithWebIdentityRequest::new(
        ROLE_ARN, "s1", "tok",
    ));
    assert!(!message.contains("tok"), "{message}");
}

#[test]
fn boundary_values_accepted() {
    let max_tags: Vec<Tag> = (0..50)
        .map(|i| Tag::new(format!("k\u{e9}{i} :/=+-@_."), "v".repeat(256)))
        .collect();
    let requests: Vec<Box<dyn Fn() -> Result<(), Error>>> = vec![
        Box::new(|| {
            AssumeRoleRequest::new("a".repeat(20), "s".repeat(64))
                .policy("p".repeat(100_000))
                .duration_seconds(43_200)
                .tags(max_tags.clone())
                .transitive_tag_keys(vec!["k".repeat(128); 50])
                .external_id("x".repeat(1224))
                .serial_number("s".repeat(9))
                .token_code("000000")
                .source_identity("i".repeat(256))
                .provided_contexts(contexts(5))
                .minimum_session_token_size(4096)
                .validate()
        }),
        Box::new(|| {
            AssumeRoleWithSamlRequest::new("a".repeat(2048), SAML_PROVIDER, "a".repeat(100_000))
                .policy("p".repeat(2048))
                .duration_seconds(900)
                .minimum_session_token_size(0)
                .validate()
        }),
        Box::new(|| {
            AssumeRoleWithWebIdentityRequest::new(ROLE_ARN, "s1", "t".repeat(20_000))
                .provider_id("a".repeat(2048))
                .validate()
        }),
        Box::new(|| root().duration_seconds(0).validate()),
        Box::new(|| root().duration_seconds(900).validate()),
        Box::new(|| DecodeAuthorizationMessageRequest::new("m".repeat(10_240)).validate()),
        Box::new(|| GetAccessKeyInfoRequest::new("A_1".repeat(42)).validate()),
        Box::new(|| {
            GetFederationTokenRequest::new("n".repeat(32))
                .duration_seconds(129_600)
                .tags(max_tags.clone())
                .validate()
        }),
        Box::new(|| {
            GetScopedCredentialsRequest::new()
                .duration_seconds(1)
                .scoped_session_description("\t\u{a1}\u{ff}~")
                .validate()
        }),
        Box::new(|| {
            GetSessionTokenRequest::new()
                .duration_seconds(900)
                .serial_number("arn:aws:iam::123456789012:mfa/user")
                .validate()
        }),
        Box::new(|| {
            GetWebIdentityTokenRequest::new(vec!["a".repeat(1000); 10], "ES384")
                .duration_seconds(60)
                .scope("!#$%&'()*+-./:;<=>?@[]^_`{|}~")
                .validate()
        }),
    ];
    for (index, validate) in requests.iter().enumerate() {
        assert!(validate().is_ok(), "request {index}: {:?}", validate());
    }
}
