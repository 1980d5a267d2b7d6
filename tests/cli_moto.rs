//! The `sts` binary against the local moto STS, with its JSON and text output compared to what
//! the AWS CLI (`awscli` from the test venv) prints for the same call to the same server.

mod cli_support;
mod support;

use std::process::Command;

use cli_support::{cleared_command, single_error_line, sts_command, Run, TempDir};
use support::moto::{self, MotoServer};

/// Runs `sts` with alice's key and the server's endpoint after `arguments`.
fn sts(server: &MotoServer, home: &TempDir, arguments: &[&str]) -> Run {
    sts_command(home)
        .env("AWS_ACCESS_KEY_ID", server.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", server.secret_access_key())
        .args(arguments)
        .args(["--endpoint-url", &server.endpoint()])
        .output()
        .expect("failed to run sts")
        .into()
}

/// Runs `aws sts` with alice's key, the server's endpoint and `--output`, from the venv's
/// awscli, with a temporary home directory and no config files.
fn aws_cli(server: &MotoServer, home: &TempDir, arguments: &[&str], output: &str) -> Run {
    let mut command: Command = moto::python_command();
    command
        .env("HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", server.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", server.secret_access_key())
        .args(["-m", "awscli", "sts"])
        .args(arguments)
        .args(["--endpoint-url", &server.endpoint(), "--output", output]);
    let run: Run = command.output().expect("failed to run awscli").into();
    assert_eq!(run.status, 0, "aws sts {arguments:?} failed: {run:?}");
    run
}

/// Replaces the string values of a pretty-printed JSON document with their shape, keeping
/// member names, order, nesting and indentation. A timestamp keeps its layout with every
/// digit written `d` (`dddd-dd-ddTdd:dd:dd.ddddddZ`); any other string becomes `<string>`.
fn json_shape(document: &str) -> String {
    let mut shape = String::new();
    for line in document.lines() {
        shape.push_str(&line_shape(line));
        shape.push('\n');
    }
    shape
}

fn line_shape(line: &str) -> String {
    let Some((name, rest)) = line.split_once("\": \"") else {
        return line.to_string();
    };
    let comma = if rest.ends_with(',') { "," } else { "" };
    let value = rest.trim_end_matches(',').trim_end_matches('"');
    let is_timestamp = value.len() >= 19
        && value.as_bytes()[4] == b'-'
        && value.as_bytes()[10] == b'T'
        && value[..4].bytes().all(|b| b.is_ascii_digit());
    let masked = if is_timestamp {
        value
            .chars()
            .map(|c| if c.is_ascii_digit() { 'd' } else { c })
            .collect()
    } else {
        "<string>".to_string()
    };
    format!("{name}\": \"{masked}\"{comma}")
}

/// Returns, per line of text output, its first field when it is a section name, and the
/// number of fields.
fn text_shape(text: &str) -> Vec<(String, usize)> {
    text.lines()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let first = fields[0];
            let is_section = first.bytes().all(|b| b.is_ascii_uppercase());
            let label = if is_section { first } else { "-" };
            (label.to_string(), fields.len())
        })
        .collect()
}

fn parse_json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("invalid JSON ({error}): {text}"))
}

#[test]
fn whoami_json_equals_aws_cli() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    let ours = sts(server, &home, &["whoami"]);
    assert_eq!(ours.status, 0, "{ours:?}");
    assert_eq!(ours.stderr, "");
    let theirs = aws_cli(server, &home, &["get-caller-identity"], "json");
    assert_eq!(ours.stdout, theirs.stdout);

    let document = parse_json(&ours.stdout);
    assert_eq!(document["Arn"], server.user_arn());
    assert_eq!(document["Account"], server.account_id());
}

#[test]
fn whoami_text_equals_aws_cli() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    let ours = sts(server, &home, &["get-caller-identity", "--output", "text"]);
    assert_eq!(ours.status, 0, "{ours:?}");
    let theirs = aws_cli(server, &home, &["get-caller-identity"], "text");
    assert_eq!(ours.stdout, theirs.stdout);
}

#[test]
fn assume_role_json_shape_equals_aws_cli() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    let role_arn = server.role_arn(moto::TRUSTED_ROLE);
    let arguments = [
        "assume-role",
        "--role-arn",
        &role_arn,
        "--role-session-name",
        "cli-json",
        "--duration-seconds",
        "900",
    ];
    let ours = sts(server, &home, &arguments);
    assert_eq!(ours.status, 0, "{ours:?}");
    assert_eq!(ours.stderr, "");
    let theirs = aws_cli(server, &home, &arguments[..], "json");
    assert_eq!(json_shape(&ours.stdout), json_shape(&theirs.stdout));

    let ours = parse_json(&ours.stdout);
    let theirs = parse_json(&theirs.stdout);
    assert_eq!(
        ours["AssumedRoleUser"]["Arn"],
        theirs["AssumedRoleUser"]["Arn"]
    );
    assert_eq!(
        ours["AssumedRoleUser"]["Arn"],
        format!(
            "arn:aws:sts::{}:assumed-role/{}/cli-json",
            server.account_id(),
            moto::TRUSTED_ROLE
        )
    );
    assert_eq!(ours["PackedPolicySize"], theirs["PackedPolicySize"]);
}

#[test]
fn assume_role_options_shape_equals_aws_cli() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    let role_arn = server.role_arn(moto::EXTERNAL_ID_ROLE);
    let policy = home.write(
        "policy.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}"#,
    );
    let policy_argument = format!("file://{}", policy.display());

    let arguments = [
        "assume-role",
        "--role-arn",
        &role_arn,
        "--role-session-name",
        "cli-options",
        "--external-id",
        moto::EXTERNAL_ID,
        "--source-identity",
        "cli-builder",
        "--policy",
        &policy_argument,
    ];
    let ours = sts(server, &home, &arguments);
    assert_eq!(ours.status, 0, "{ours:?}");
    let theirs = aws_cli(server, &home, &arguments[..], "json");
    assert_eq!(json_shape(&ours.stdout), json_shape(&theirs.stdout));

    let ours = parse_json(&ours.stdout);
    let theirs = parse_json(&theirs.stdout);
    // moto 5.2.5 returns no SourceIdentity, so this checks that neither side invents one.
    assert_eq!(ours.get("SourceIdentity"), theirs.get("SourceIdentity"));
    assert_eq!(ours["PackedPolicySize"], theirs["PackedPolicySize"]);
}

#[test]
fn assume_role_text_shape_equals_aws_cli() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    let role_arn = server.role_arn(moto::TRUSTED_ROLE);
    let arguments = [
        "assume-role",
        "--role-arn",
        &role_arn,
        "--role-session-name",
        "cli-text",
    ];
    let mut with_output = arguments.to_vec();
    with_output.extend(["--output", "text"]);
    let ours = sts(server, &home, &with_output);
    assert_eq!(ours.status, 0, "{ours:?}");
    let theirs = aws_cli(server, &home, &arguments[..], "text");
    assert_eq!(text_shape(&ours.stdout), text_shape(&theirs.stdout));
    assert_eq!(
        text_shape(&ours.stdout),
        vec![
            ("-".to_string(), 1),
            ("ASSUMEDROLEUSER".to_string(), 3),
            ("CREDENTIALS".to_string(), 5)
        ]
    );
}

#[test]
fn untrusted_role_is_access_denied() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    let role_arn = server.role_arn(moto::UNTRUSTED_ROLE);
    let run = sts(
        server,
        &home,
        &[
            "assume-role",
            "--role-arn",
            &role_arn,
            "--role-session-name",
            "denied",
        ],
    );
    assert_eq!(run.status, 1, "{run:?}");
    let line = single_error_line(&run);
    assert!(line.contains("AssumeRole failed"), "{line}");
    assert!(line.contains("AccessDenied"), "{line}");
    assert!(line.contains("HTTP 403"), "{line}");
    assert!(line.contains("request id "), "{line}");
}

#[test]
fn wrong_secret_is_signature_mismatch() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    let run: Run = sts_command(&home)
        .env("AWS_ACCESS_KEY_ID", server.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", "not-the-secret")
        .args(["whoami", "--endpoint-url", &server.endpoint()])
        .output()
        .unwrap()
        .into();
    assert_eq!(run.status, 1, "{run:?}");
    let line = single_error_line(&run);
    assert!(line.contains("SignatureDoesNotMatch"), "{line}");
    assert!(line.contains("HTTP 403"), "{line}");
    assert!(!line.contains("not-the-secret"), "{line}");
}

#[test]
fn env_output_signs_next_call() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    let role_arn = server.role_arn(moto::TRUSTED_ROLE);
    let sts_binary = env!("CARGO_BIN_EXE_sts");
    let endpoint = server.endpoint();

    // The second call runs with only the exported temporary credentials, so its identity
    // is the role session's.
    let script = format!(
        "set -e\n\
         eval \"$('{sts_binary}' assume-role --role-arn '{role_arn}' --role-session-name chained \
           --endpoint-url '{endpoint}' --output env)\"\n\
         test -n \"$AWS_SESSION_TOKEN\"\n\
         '{sts_binary}' whoami --output text --endpoint-url '{endpoint}'\n"
    );
    let run: Run = cleared_command("sh", &home)
        .env("AWS_ACCESS_KEY_ID", server.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", server.secret_access_key())
        .args(["-c", &script])
        .output()
        .unwrap()
        .into();
    assert_eq!(run.status, 0, "{run:?}");

    let fields: Vec<&str> = run.stdout.trim_end().split('\t').collect();
    assert_eq!(
        fields[1],
        format!(
            "arn:aws:sts::{}:assumed-role/{}/chained",
            server.account_id(),
            moto::TRUSTED_ROLE
        )
    );
}

#[test]
fn get_session_token_shape_equals_aws_cli() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    let serial_number = format!("arn:aws:iam::{}:mfa/alice", server.account_id());
    let arguments = [
        "get-session-token",
        "--duration-seconds",
        "900",
        "--serial-number",
        &serial_number,
        "--token-code",
        "123456",
    ];
    let ours = sts(server, &home, &arguments);
    assert_eq!(ours.status, 0, "{ours:?}");
    let theirs = aws_cli(server, &home, &arguments[..], "json");
    assert_eq!(json_shape(&ours.stdout), json_shape(&theirs.stdout));
}

#[test]
fn get_federation_token_shape_equals_aws_cli() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    let arguments = [
        "get-federation-token",
        "--name",
        "cli-federated",
        "--policy-arns",
        "arn=arn:aws:iam::aws:policy/ReadOnlyAccess",
        "--tags",
        "Key=team,Value=cli",
        "Key=stage,Value=test",
        "--duration-seconds",
        "900",
    ];
    let ours = sts(server, &home, &arguments);
    assert_eq!(ours.status, 0, "{ours:?}");
    let theirs = aws_cli(server, &home, &arguments[..], "json");
    assert_eq!(json_shape(&ours.stdout), json_shape(&theirs.stdout));

    let ours = parse_json(&ours.stdout);
    let theirs = parse_json(&theirs.stdout);
    assert_eq!(ours["FederatedUser"], theirs["FederatedUser"]);
}

#[test]
fn get_access_key_info_equals_aws_cli() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    let arguments = [
        "get-access-key-info",
        "--access-key-id",
        server.access_key_id(),
    ];
    let ours = sts(server, &home, &arguments);
    assert_eq!(ours.status, 0, "{ours:?}");
    let theirs = aws_cli(server, &home, &arguments[..], "json");
    assert_eq!(ours.stdout, theirs.stdout);
}

#[test]
fn assume_role_lists_shape_equals_aws_cli() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    let role_arn = server.role_arn(moto::TRUSTED_ROLE);
    let arguments = [
        "assume-role",
        "--role-arn",
        &role_arn,
        "--role-session-name",
        "cli-lists",
        "--policy-arns",
        "arn=arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn=arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        "--tags",
        "Key=team,Value=cli",
        "Key=Zoë,Value=café",
        "--transitive-tag-keys",
        "team",
    ];
    let ours = sts(server, &home, &arguments);
    assert_eq!(ours.status, 0, "{ours:?}");
    let theirs = aws_cli(server, &home, &arguments[..], "json");
    assert_eq!(json_shape(&ours.stdout), json_shape(&theirs.stdout));
}

/// Runs `sts` against `server` with no credentials at all.
fn sts_without_credentials(server: &MotoServer, home: &TempDir, arguments: &[&str]) -> Run {
    sts_command(home)
        .args(arguments)
        .args(["--endpoint-url", &server.endpoint()])
        .output()
        .expect("failed to run sts")
        .into()
}

#[test]
fn web_identity_needs_no_credentials() {
    let server = MotoServer::shared_open();
    let home = TempDir::new();
    let role_arn = server.role_arn(moto::WEB_ROLE);
    let token = home.write(
        "token.jwt",
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjbGkifQ.c2lnbmF0dXJl",
    );
    let token_argument = format!("file://{}", token.display());
    let arguments = [
        "assume-role-with-web-identity",
        "--role-arn",
        &role_arn,
        "--role-session-name",
        "cli-web",
        "--web-identity-token",
        &token_argument,
        "--duration-seconds",
        "900",
    ];
    let ours = sts_without_credentials(server, &home, &arguments);
    assert_eq!(ours.status, 0, "{ours:?}");
    let theirs = aws_cli(server, &home, &arguments[..], "json");
    assert_eq!(json_shape(&ours.stdout), json_shape(&theirs.stdout));

    let document = parse_json(&ours.stdout);
    assert_eq!(
        document["AssumedRoleUser"]["Arn"],
        format!(
            "arn:aws:sts::{}:assumed-role/{}/cli-web",
            server.account_id(),
            moto::WEB_ROLE
        )
    );
}

#[test]
fn saml_needs_no_credentials() {
    let server = MotoServer::shared_open();
    let home = TempDir::new();
    let role_arn = server.role_arn(moto::SAML_ROLE);
    let assertion = moto::saml_assertion(&role_arn, server.saml_provider_arn(), "cli-saml");
    let assertion_file = home.write("assertion.b64", &assertion);
    let assertion_argument = format!("file://{}", assertion_file.display());
    let arguments = [
        "assume-role-with-saml",
        "--role-arn",
        &role_arn,
        "--principal-arn",
        server.saml_provider_arn(),
        "--saml-assertion",
        &assertion_argument,
    ];
    let ours = sts_without_credentials(server, &home, &arguments);
    assert_eq!(ours.status, 0, "{ours:?}");
    let theirs = aws_cli(server, &home, &arguments[..], "json");
    assert_eq!(json_shape(&ours.stdout), json_shape(&theirs.stdout));
}

#[test]
fn mfa_code_from_stdin() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    let serial_number = format!("arn:aws:iam::{}:mfa/alice", server.account_id());
    let mut child = sts_command(&home)
        .env("AWS_ACCESS_KEY_ID", server.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", server.secret_access_key())
        .args(["get-session-token", "--serial-number", &serial_number])
        .args(["--endpoint-url", &server.endpoint(), "--output", "env"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"123456\n").unwrap();
    let run: Run = child.wait_with_output().unwrap().into();
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(run.stderr, "");
    assert!(
        run.stdout.contains("export AWS_SESSION_TOKEN="),
        "{}",
        run.stdout
    );
}
