//! Commands against recorded responses. These cover the operations that moto 5.2.5 lacks
//! (AssumeRoot, DecodeAuthorizationMessage, GetDelegatedAccessToken, GetScopedCredentials,
//! GetWebIdentityToken) and output members it never returns. They also check the form members
//! of list options, and the MFA code read from stdin or from a terminal.

mod cli_support;

use std::io::Write;
use std::process::Stdio;

use cli_support::*;

/// Runs `sts` with the test key against a server that returns `response` once, and returns
/// the run with the form body the server received, if any.
fn run_against(response: StubResponse, arguments: &[&str]) -> (Run, Option<String>) {
    let server = StubServer::start(vec![response]);
    let home = TempDir::new();
    let mut arguments = arguments.to_vec();
    arguments.extend(["--endpoint-url", server.url()]);
    let run = run_with_key(&home, &arguments);
    (run, server.bodies().into_iter().next())
}

fn parse_json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("invalid JSON ({error}): {text}"))
}

/// Returns the JSON document of the issued test credentials, as the AWS CLI prints them.
fn credentials_json() -> serde_json::Value {
    serde_json::json!({
        "AccessKeyId": ISSUED_KEY_ID,
        "SecretAccessKey": ISSUED_SECRET,
        "SessionToken": ISSUED_TOKEN,
        "Expiration": "2030-01-02T03:04:05Z",
    })
}

#[test]
fn decode_authorization_message_json() {
    let response = success_response(
        "DecodeAuthorizationMessage",
        "<DecodedMessage>{&quot;allowed&quot;:false}</DecodedMessage>",
    );
    let (run, body) = run_against(
        response,
        &[
            "decode-authorization-message",
            "--encoded-message",
            "abc+/=",
        ],
    );
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "{\n    \"DecodedMessage\": \"{\\\"allowed\\\":false}\"\n}\n"
    );
    assert_eq!(
        body.unwrap(),
        "Action=DecodeAuthorizationMessage&Version=2011-06-15&EncodedMessage=abc%2B%2F%3D"
    );
}

#[test]
fn assume_root_names_target_account() {
    let response = success_response("AssumeRoot", &credentials_element());
    let (run, body) = run_against(
        response,
        &[
            "assume-root",
            "--target-principal",
            "111122223333",
            "--task-policy-arn",
            "arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
            "--duration-seconds",
            "900",
            "--output",
            "credential-process",
        ],
    );
    assert_eq!(run.status, 0, "{run:?}");
    let document = parse_json(&run.stdout);
    assert_eq!(document["AccountId"], "111122223333");
    assert_eq!(document["Version"], 1);
    let body = body.unwrap();
    assert!(body.contains("TargetPrincipal=111122223333"), "{body}");
    assert!(
        body.contains("TaskPolicyArn.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2Froot-task%2FIAMAuditRootUserCredentials"),
        "{body}"
    );
    assert!(body.contains("DurationSeconds=900"), "{body}");
}

#[test]
fn delegated_access_token_json() {
    let members = format!(
        "{}<PackedPolicySize>12</PackedPolicySize>\
         <AssumedPrincipal>arn:aws:iam::444455556666:role/partner</AssumedPrincipal>",
        credentials_element()
    );
    let response = success_response("GetDelegatedAccessToken", &members);
    let (run, body) = run_against(
        response,
        &["get-delegated-access-token", "--trade-in-token", "trade-in"],
    );
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(
        parse_json(&run.stdout),
        serde_json::json!({
            "Credentials": credentials_json(),
            "PackedPolicySize": 12,
            "AssumedPrincipal": "arn:aws:iam::444455556666:role/partner",
        })
    );
    assert!(body.unwrap().ends_with("TradeInToken=trade-in"));
}

#[test]
fn delegated_access_token_account_from_principal() {
    let members = format!(
        "{}<AssumedPrincipal>arn:aws:iam::444455556666:role/partner</AssumedPrincipal>",
        credentials_element()
    );
    let response = success_response("GetDelegatedAccessToken", &members);
    let (run, _) = run_against(
        response,
        &[
            "get-delegated-access-token",
            "--trade-in-token",
            "trade-in",
            "--output",
            "credential-process",
        ],
    );
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(parse_json(&run.stdout)["AccountId"], "444455556666");
}

#[test]
fn scoped_credentials_json_order() {
    let members = format!(
        "<ScopedPoliciesCount>2</ScopedPoliciesCount>{}\
         <SessionInfo><Arn>arn:aws:sts::123456789012:scoped-session/s</Arn>\
         <ScopedSessionId>SSID123</ScopedSessionId></SessionInfo>\
         <SessionTokenSize>900</SessionTokenSize>",
        credentials_element()
    );
    let response = success_response("GetScopedCredentials", &members);
    let (run, body) = run_against(
        response,
        &[
            "get-scoped-credentials",
            "--scoped-session-description",
            "nightly report",
            "--duration-seconds",
            "60",
        ],
    );
    assert_eq!(run.status, 0, "{run:?}");
    // Members follow the STS model's order, not the response's.
    let expected = format!(
        r#"{{
    "Credentials": {{
        "AccessKeyId": "{ISSUED_KEY_ID}",
        "SecretAccessKey": "{ISSUED_SECRET}",
        "SessionToken": "{ISSUED_TOKEN}",
        "Expiration": "2030-01-02T03:04:05Z"
    }},
    "SessionInfo": {{
        "ScopedSessionId": "SSID123",
        "Arn": "arn:aws:sts::123456789012:scoped-session/s"
    }},
    "SessionTokenSize": 900,
    "ScopedPoliciesCount": 2
}}
"#
    );
    assert_eq!(run.stdout, expected);
    let body = body.unwrap();
    assert!(
        body.contains("ScopedSessionDescription=nightly+report"),
        "{body}"
    );
}

#[test]
fn web_identity_token_json() {
    let response = success_response(
        "GetWebIdentityToken",
        "<WebIdentityToken>eyJ.eyJ.sig</WebIdentityToken>\
         <Expiration>2030-01-02T03:04:05.5Z</Expiration>",
    );
    let (run, body) = run_against(
        response,
        &[
            "get-web-identity-token",
            "--audience",
            "https://a.example.com",
            "https://b.example.com",
            "--signing-algorithm",
            "ES384",
            "--subject-mode",
            "OriginIdentity",
        ],
    );
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "{\n    \"WebIdentityToken\": \"eyJ.eyJ.sig\",\n    \"Expiration\": \"2030-01-02T03:04:05.500000Z\"\n}\n"
    );
    let body = body.unwrap();
    for member in [
        "Audience.member.1=https%3A%2F%2Fa.example.com",
        "Audience.member.2=https%3A%2F%2Fb.example.com",
        "SigningAlgorithm=ES384",
        "SubjectMode=OriginIdentity",
    ] {
        assert!(body.contains(member), "{member} missing from {body}");
    }
}

#[test]
fn web_identity_token_has_no_env_output() {
    let response = success_response("GetWebIdentityToken", "");
    let (run, body) = run_against(
        response,
        &[
            "get-web-identity-token",
            "--audience",
            "https://a.example.com",
            "--signing-algorithm",
            "RS256",
            "--output",
            "env",
        ],
    );
    assert_eq!(run.status, 2, "{run:?}");
    let line = single_error_line(&run);
    assert!(line.contains("returns none"), "{line}");
    assert_eq!(body, None);
}

#[test]
fn web_identity_propagation_context_nesting() {
    let members = format!(
        "{}<AssumedRoleUser><AssumedRoleId>AROAWEB:s</AssumedRoleId>\
         <Arn>arn:aws:sts::123456789012:assumed-role/web/s</Arn></AssumedRoleUser>\
         <Provider>accounts.example.com</Provider>\
         <TrustedIdentityPropagationContext>\
           <OriginIdentity><Subject>user-7</Subject><Issuer>https://idp.example.com</Issuer></OriginIdentity>\
           <TransactionContext><IdentityProvider>\
             <entry><key>tenant</key><value>blue</value></entry>\
             <entry><key>department</key><value>ops</value></entry>\
           </IdentityProvider></TransactionContext>\
         </TrustedIdentityPropagationContext>",
        credentials_element()
    );
    let response = success_response("AssumeRoleWithWebIdentity", &members);
    let server = StubServer::start(vec![response]);
    let home = TempDir::new();
    // No credentials: the operation is sent unsigned.
    let run: Run = sts_command(&home)
        .args([
            "assume-role-with-web-identity",
            "--role-arn",
            "arn:aws:iam::123456789012:role/web",
            "--role-session-name",
            "web-session",
            "--web-identity-token",
            "token",
            "--endpoint-url",
            server.url(),
        ])
        .output()
        .unwrap()
        .into();
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(
        parse_json(&run.stdout),
        serde_json::json!({
            "Credentials": credentials_json(),
            "AssumedRoleUser": {
                "AssumedRoleId": "AROAWEB:s",
                "Arn": "arn:aws:sts::123456789012:assumed-role/web/s",
            },
            "Provider": "accounts.example.com",
            "TrustedIdentityPropagationContext": {
                "OriginIdentity": {"Subject": "user-7", "Issuer": "https://idp.example.com"},
                "TransactionContext": {
                    "IdentityProvider": {"department": "ops", "tenant": "blue"},
                },
            },
        })
    );
}

#[test]
fn list_options_become_members() {
    let (run, body) = run_against(
        assume_role_response(),
        &[
            "assume-role",
            "--role-arn",
            "arn:aws:iam::123456789012:role/deploy",
            "--role-session-name",
            "ci",
            "--tags",
            r#"[{"Key": "team", "Value": "a b"}, {"Key": "stage", "Value": "prod"}]"#,
            "--transitive-tag-keys",
            "team",
            "stage",
            "--policy-arns",
            "arn=arn:aws:iam::aws:policy/ReadOnlyAccess",
            "--provided-contexts",
            "ProviderArn=arn:aws:iam::aws:contextProvider/IdentityCenter,ContextAssertion=assertion-1",
        ],
    );
    assert_eq!(run.status, 0, "{run:?}");
    let body = body.unwrap();
    for member in [
        "Tags.member.1.Key=team",
        "Tags.member.1.Value=a+b",
        "Tags.member.2.Key=stage",
        "Tags.member.2.Value=prod",
        "TransitiveTagKeys.member.1=team",
        "TransitiveTagKeys.member.2=stage",
        "PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
        "ProvidedContexts.member.1.ProviderArn=arn%3Aaws%3Aiam%3A%3Aaws%3AcontextProvider%2FIdentityCenter",
        "ProvidedContexts.member.1.ContextAssertion=assertion-1",
    ] {
        assert!(body.contains(member), "{member} missing from {body}");
    }
}

fn session_token_with_stdin(stdin: &[u8]) -> (Run, Option<String>) {
    let response = success_response("GetSessionToken", &credentials_element());
    let server = StubServer::start(vec![response]);
    let home = TempDir::new();
    let mut child = sts_command(&home)
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .args([
            "get-session-token",
            "--serial-number",
            "arn:aws:iam::123456789012:mfa/alice",
            "--endpoint-url",
            server.url(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let run: Run = child.wait_with_output().unwrap().into();
    (run, server.bodies().into_iter().next())
}

#[test]
fn token_code_read_from_stdin() {
    let (run, body) = session_token_with_stdin(b"123456\n");
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(run.stderr, "", "no prompt when stdin is not a terminal");
    let body = body.unwrap();
    assert!(body.contains("TokenCode=123456"), "{body}");
    assert!(
        body.contains("SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice"),
        "{body}"
    );
}

#[test]
fn empty_stdin_without_token_code() {
    let (run, body) = session_token_with_stdin(b"");
    assert_eq!(run.status, 2, "{run:?}");
    let line = single_error_line(&run);
    assert!(
        line.contains("--token-code is missing and reading the MFA code failed: standard input ended before a code was entered"),
        "{line}"
    );
    assert_eq!(body, None);
}

/// Runs `sts get-session-token` under a pseudo-terminal through Python's `pty` module, types
/// a code after the prompt, and returns what the terminal showed.
#[test]
fn token_code_prompt_on_terminal() {
    let response = success_response("GetSessionToken", &credentials_element());
    let server = StubServer::start(vec![response]);
    let home = TempDir::new();
    // The child runs sts on the terminal. The parent waits for the prompt and types the code.
    // Then it copies the rest of the terminal output and the exit status to its stdout.
    let script = r#"
import os, pty, sys
argv = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
seen = b""
while b"MFA code for" not in seen:
    chunk = os.read(fd, 1024)
    if not chunk:
        break
    seen += chunk
os.write(fd, b"654321\n")
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.stdout.write("\nEXIT %d\n" % os.waitstatus_to_exitcode(status))
"#;
    let run: Run = cleared_command("python3", &home)
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .args(["-c", script, env!("CARGO_BIN_EXE_sts")])
        .args([
            "get-session-token",
            "--serial-number",
            "arn:aws:iam::123456789012:mfa/alice",
            "--output",
            "env",
            "--endpoint-url",
            server.url(),
        ])
        .output()
        .unwrap()
        .into();
    assert_eq!(run.status, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("MFA code for arn:aws:iam::123456789012:mfa/alice: "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("export AWS_SESSION_TOKEN="),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with("\nEXIT 0\n"), "{}", run.stdout);
    let body = server.bodies().into_iter().next().unwrap();
    assert!(body.contains("TokenCode=654321"), "{body}");
}
