//! Form bodies of every operation with every member set, compared byte for byte, and the
//! aws-sdk-go-v2 request snapshots compared as parameter sets.

use super::{encode, fixture};
use crate::operations::{
    AssumeRoleRequest, AssumeRoleWithSamlRequest, AssumeRoleWithWebIdentityRequest,
    AssumeRootRequest, DecodeAuthorizationMessageRequest, GetAccessKeyInfoRequest,
    GetCallerIdentityRequest, GetDelegatedAccessTokenRequest, GetFederationTokenRequest,
    GetScopedCredentialsRequest, GetSessionTokenRequest, GetWebIdentityTokenRequest, Operation,
    PolicyDescriptor, ProvidedContext, SubjectMode, Tag,
};

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/demo";
const ENCODED_ROLE_ARN: &str = "arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo";

fn policy_arns() -> Vec<PolicyDescriptor> {
    vec![
        PolicyDescriptor::new("arn:aws:iam::aws:policy/ReadOnlyAccess"),
        PolicyDescriptor::new("arn:aws:iam::123456789012:policy/team"),
    ]
}

const ENCODED_POLICY_ARNS: &str = concat!(
    "&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
    "&PolicyArns.member.2.arn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fteam",
);

fn tags() -> Vec<Tag> {
    vec![Tag::new("Project", "Blue Sky"), Tag::new("Cost", "")]
}

const ENCODED_TAGS: &str = concat!(
    "&Tags.member.1.Key=Project&Tags.member.1.Value=Blue+Sky",
    "&Tags.member.2.Key=Cost&Tags.member.2.Value=",
);

const POLICY: &str = r#"{"Version":"2012-10-17"}"#;
const ENCODED_POLICY: &str = "%7B%22Version%22%3A%222012-10-17%22%7D";

#[test]
fn assume_role_all_members() {
    let request = AssumeRoleRequest::new(ROLE_ARN, "session-1")
        .policy_arns(policy_arns())
        .policy(POLICY)
        .duration_seconds(900)
        .tags(tags())
        .transitive_tag_keys(vec!["Project".to_string()])
        .external_id("ext:id/1")
        .serial_number("arn:aws:iam::123456789012:mfa/alice")
        .token_code("123456")
        .source_identity("alice@example.com")
        .provided_contexts(vec![ProvidedContext::new(
            "arn:aws:iam::aws:contextProvider/IdentityCenter",
            "abcd+/=",
        )])
        .minimum_session_token_size(2048);
    assert!(request.validate().is_ok());
    assert_eq!(
        encode(&request),
        [
            "Action=AssumeRole&Version=2011-06-15",
            &format!("&RoleArn={ENCODED_ROLE_ARN}&RoleSessionName=session-1"),
            ENCODED_POLICY_ARNS,
            &format!("&Policy={ENCODED_POLICY}"),
            "&DurationSeconds=900",
            ENCODED_TAGS,
            "&TransitiveTagKeys.member.1=Project",
            "&ExternalId=ext%3Aid%2F1",
            "&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice",
            "&TokenCode=123456",
            "&SourceIdentity=alice%40example.com",
            "&ProvidedContexts.member.1.ProviderArn=arn%3Aaws%3Aiam%3A%3Aaws%3AcontextProvider%2FIdentityCenter",
            "&ProvidedContexts.member.1.ContextAssertion=abcd%2B%2F%3D",
            "&MinimumSessionTokenSize=2048",
        ]
        .concat()
    );
}

#[test]
fn assume_role_required_members_only() {
    let request = AssumeRoleRequest::new(ROLE_ARN, "s1");
    assert_eq!(
        encode(&request),
        format!(
            "Action=AssumeRole&Version=2011-06-15&RoleArn={ENCODED_ROLE_ARN}&RoleSessionName=s1"
        )
    );
}

#[test]
fn assume_role_empty_lists() {
    let request = AssumeRoleRequest::new(ROLE_ARN, "s1")
        .policy_arns(Vec::new())
        .tags(Vec::new())
        .transitive_tag_keys(Vec::new());
    assert!(request.validate().is_ok());
    assert_eq!(
        encode(&request),
        format!(
            "Action=AssumeRole&Version=2011-06-15&RoleArn={ENCODED_ROLE_ARN}&RoleSessionName=s1\
             &PolicyArns=&Tags=&TransitiveTagKeys="
        )
    );
}

#[test]
fn assume_role_special_characters() {
    let request = AssumeRoleRequest::new(ROLE_ARN, "s1")
        .policy("a b+c*d~e\u{e9}\t")
        .tags(vec![Tag::new("caf\u{e9}", "x y")]);
    assert!(request.validate().is_ok());
    assert_eq!(
        encode(&request),
        format!(
            "Action=AssumeRole&Version=2011-06-15&RoleArn={ENCODED_ROLE_ARN}&RoleSessionName=s1\
             &Policy=a+b%2Bc%2Ad~e%C3%A9%09&Tags.member.1.Key=caf%C3%A9&Tags.member.1.Value=x+y"
        )
    );
}

#[test]
fn assume_role_with_saml_all_members() {
    let request = AssumeRoleWithSamlRequest::new(
        ROLE_ARN,
        "arn:aws:iam::123456789012:saml-provider/idp",
        "PHNhbWw+PC9zYW1sPg==",
    )
    .policy_arns(policy_arns())
    .policy(POLICY)
    .duration_seconds(43_200)
    .minimum_session_token_size(0);
    assert!(request.validate().is_ok());
    assert_eq!(
        encode(&request),
        [
            "Action=AssumeRoleWithSAML&Version=2011-06-15",
            &format!("&RoleArn={ENCODED_ROLE_ARN}"),
            "&PrincipalArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2Fidp",
            "&SAMLAssertion=PHNhbWw%2BPC9zYW1sPg%3D%3D",
            ENCODED_POLICY_ARNS,
            &format!("&Policy={ENCODED_POLICY}"),
            "&DurationSeconds=43200",
            "&MinimumSessionTokenSize=0",
        ]
        .concat()
    );
}

#[test]
fn assume_role_with_web_identity_all_members() {
    let request =
        AssumeRoleWithWebIdentityRequest::new(ROLE_ARN, "web-1", "eyJhbGciOi.eyJzdWIi.sig")
            .provider_id("www.amazon.com")
            .policy_arns(policy_arns())
            .policy(POLICY)
            .duration_seconds(3600)
            .minimum_session_token_size(4096);
    assert!(request.validate().is_ok());
    assert_eq!(
        encode(&request),
        [
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15",
            &format!("&RoleArn={ENCODED_ROLE_ARN}&RoleSessionName=web-1"),
            "&WebIdentityToken=eyJhbGciOi.eyJzdWIi.sig",
            "&ProviderId=www.amazon.com",
            ENCODED_POLICY_ARNS,
            &format!("&Policy={ENCODED_POLICY}"),
            "&DurationSeconds=3600",
            "&MinimumSessionTokenSize=4096",
        ]
        .concat()
    );
}

#[test]
fn assume_root_all_members() {
    let request = AssumeRootRequest::new(
        "111122223333",
        PolicyDescriptor::new("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"),
    )
    .duration_seconds(0)
    .minimum_session_token_size(100);
    assert!(request.validate().is_ok());
    assert_eq!(
        encode(&request),
        "Action=AssumeRoot&Version=2011-06-15&TargetPrincipal=111122223333\
         &TaskPolicyArn.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2Froot-task%2FIAMAuditRootUserCredentials\
         &DurationSeconds=0&MinimumSessionTokenSize=100"
    );
}

#[test]
fn decode_authorization_message_all_members() {
    let request = DecodeAuthorizationMessageRequest::new("EXAMPLE+encoded/message==");
    assert!(request.validate().is_ok());
    assert_eq!(
        encode(&request),
        "Action=DecodeAuthorizationMessage&Version=2011-06-15\
         &EncodedMessage=EXAMPLE%2Bencoded%2Fmessage%3D%3D"
    );
}

#[test]
fn get_access_key_info_all_members() {
    let request = GetAccessKeyInfoRequest::new("AKIAIOSFODNN7EXAMPLE");
    assert!(request.validate().is_ok());
    assert_eq!(
        encode(&request),
        "Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=AKIAIOSFODNN7EXAMPLE"
    );
}

#[test]
fn get_caller_identity_has_no_members() {
    assert_eq!(
        encode(&GetCallerIdentityRequest::new()),
        "Action=GetCallerIdentity&Version=2011-06-15"
    );
}

#[test]
fn get_delegated_access_token_all_members() {
    let request = GetDelegatedAccessTokenRequest::new("trade/in+token");
    assert!(request.validate().is_ok());
    assert_eq!(
        encode(&request),
        "Action=GetDelegatedAccessToken&Version=2011-06-15&TradeInToken=trade%2Fin%2Btoken"
    );
}

#[test]
fn get_federation_token_all_members() {
    let request = GetFederationTokenRequest::new("bob@example")
        .policy(POLICY)
        .policy_arns(policy_arns())
        .duration_seconds(129_600)
        .tags(tags())
        .minimum_session_token_size(1);
    assert!(request.validate().is_ok());
    assert_eq!(
        encode(&request),
        [
            "Action=GetFederationToken&Version=2011-06-15",
            "&Name=bob%40example",
            &format!("&Policy={ENCODED_POLICY}"),
            ENCODED_POLICY_ARNS,
            "&DurationSeconds=129600",
            ENCODED_TAGS,
            "&MinimumSessionTokenSize=1",
        ]
        .concat()
    );
}

#[test]
fn get_scoped_credentials_all_members() {
    let request = GetScopedCredentialsRequest::new()
        .policy(POLICY)
        .duration_seconds(1)
        .minimum_session_token_size(10)
        .scoped_session_description("nightly job \u{bf}");
    assert!(request.validate().is_ok());
    assert_eq!(
        encode(&request),
        [
            "Action=GetScopedCredentials&Version=2011-06-15",
            &format!("&Policy={ENCODED_POLICY}"),
            "&DurationSeconds=1&MinimumSessionTokenSize=10",
            "&ScopedSessionDescription=nightly+job+%C2%BF",
        ]
        .concat()
    );
}

#[test]
fn get_scoped_credentials_no_members() {
    assert_eq!(
        encode(&GetScopedCredentialsRequest::new()),
        "Action=GetScopedCredentials&Version=2011-06-15"
    );
}

#[test]
fn get_session_token_all_members() {
    let request = GetSessionTokenRequest::new()
        .duration_seconds(3600)
        .serial_number("GAHT12345678")
        .token_code("000123")
        .minimum_session_token_size(512);
    assert!(request.validate().is_ok());
    assert_eq!(
        encode(&request),
        "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=3600\
         &SerialNumber=GAHT12345678&TokenCode=000123&MinimumSessionTokenSize=512"
    );
}

#[test]
fn get_web_identity_token_all_members() {
    let request =
        GetWebIdentityTokenRequest::new(vec!["https://api.example.com".to_string()], "ES384")
            .duration_seconds(300)
            .scope("read:items write")
            .subject_mode(SubjectMode::OriginIdentity)
            .tags(vec![Tag::new("team", "blue")]);
    assert!(request.validate().is_ok());
    assert_eq!(
        encode(&request),
        "Action=GetWebIdentityToken&Version=2011-06-15\
         &Audience.member.1=https%3A%2F%2Fapi.example.com&DurationSeconds=300\
         &SigningAlgorithm=ES384&Scope=read%3Aitems+write&SubjectMode=OriginIdentity\
         &Tags.member.1.Key=team&Tags.member.1.Value=blue"
    );
}

#[test]
fn subject_mode_values() {
    assert_eq!(SubjectMode::AwsIdentity.as_str(), "AWSIdentity");
    assert_eq!(SubjectMode::from("AWSIdentity"), SubjectMode::AwsIdentity);
    assert_eq!(
        SubjectMode::from("OriginIdentity"),
        SubjectMode::OriginIdentity
    );
    assert_eq!(
        SubjectMode::from("Future"),
        SubjectMode::Unknown("Future".to_string())
    );
    assert_eq!(
        SubjectMode::Unknown("Future".to_string()).to_string(),
        "Future"
    );
}

/// Returns the parameters of a form body, sorted, for comparison as a set.
fn parameters(body: &str) -> Vec<String> {
    let mut parameters: Vec<String> = body.split('&').map(str::to_string).collect();
    parameters.sort();
    parameters
}

/// Returns the body of an aws-sdk-go-v2 request snapshot: the text after the last blank line.
fn snapshot_body(operation: &str) -> String {
    let snapshot = fixture(&format!(
        "awsquery/go-v2-snapshots/{operation}.request.snap"
    ));
    let (_, body) = snapshot
        .rsplit_once("\n\n")
        .expect("a snapshot has headers, a blank line and a body");
    body.trim().to_string()
}

/// Compares a request with every member set to `__Name__`, every integer to 1 and every list
/// to two items against aws-sdk-go-v2's snapshot of the same request. The values break the
/// model's constraints, so the requests are encoded without validation.
fn assert_matches_snapshot<O: Operation>(request: &O) {
    assert_eq!(
        parameters(&encode(request)),
        parameters(&snapshot_body(O::NAME)),
        "{}",
        O::NAME
    );
}

#[test]
fn go_v2_snapshots_match() {
    let arns = || vec![PolicyDescriptor::new("__Arn__"); 2];
    let tags = || vec![Tag::new("__Key__", "__Value__"); 2];
    assert_matches_snapshot(
        &AssumeRoleRequest::new("__RoleArn__", "__RoleSessionName__")
            .policy_arns(arns())
            .policy("__Policy__")
            .duration_seconds(1)
            .tags(tags())
            .transitive_tag_keys(vec!["__Member__".to_string(); 2])
            .external_id("__ExternalId__")
            .serial_number("__SerialNumber__")
            .token_code("__TokenCode__")
            .source_identity("__SourceIdentity__")
            .provided_contexts(vec![
                ProvidedContext::new(
                    "__ProviderArn__",
                    "__ContextAssertion__"
                );
                2
            ])
            .minimum_session_token_size(1),
    );
    assert_matches_snapshot(
        &AssumeRoleWithSamlRequest::new("__RoleArn__", "__PrincipalArn__", "__SAMLAssertion__")
            .policy_arns(arns())
            .policy("__Policy__")
            .duration_seconds(1)
            .minimum_session_token_size(1),
    );
    assert_matches_snapshot(
        &AssumeRoleWithWebIdentityRequest::new(
            "__RoleArn__",
            "__RoleSessionName__",
            "__WebIdentityToken__",
        )
        .provider_id("__ProviderId__")
        .policy_arns(arns())
        .policy("__Policy__")
        .duration_seconds(1)
        .minimum_session_token_size(1),
    );
    assert_matches_snapshot(
        &AssumeRootRequest::new("__TargetPrincipal__", PolicyDescriptor::new("__Arn__"))
            .duration_seconds(1)
            .minimum_session_token_size(1),
    );
    assert_matches_snapshot(&DecodeAuthorizationMessageRequest::new(
        "__EncodedMessage__",
    ));
    assert_matches_snapshot(&GetAccessKeyInfoRequest::new("__AccessKeyId__"));
    assert_matches_snapshot(&GetCallerIdentityRequest::new());
    assert_matches_snapshot(
        &GetFederationTokenRequest::new("__Name__")
            .policy("__Policy__")
            .policy_arns(arns())
            .duration_seconds(1)
            .tags(tags())
            .minimum_session_token_size(1),
    );
    assert_matches_snapshot(
        &GetSessionTokenRequest::new()
            .duration_seconds(1)
            .serial_number("__SerialNumber__")
            .token_code("__TokenCode__")
            .minimum_session_token_size(1),
    );
}
