//! The `sts` binary without moto: help, version, usage errors and exit statuses, and every
//! output format, against a local server that replays recorded STS responses.

mod cli_support;

use cli_support::*;

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/deploy";

/// The names of every command, as `sts --help` lists them.
const COMMANDS: &[&str] = &[
    "get-caller-identity",
    "assume-role",
    "assume-role-with-web-identity",
    "assume-role-with-saml",
    "get-session-token",
    "get-federation-token",
    "get-access-key-info",
    "decode-authorization-message",
    "assume-root",
    "get-delegated-access-token",
    "get-scoped-credentials",
    "get-web-identity-token",
];

#[test]
fn general_help_lists_commands() {
    let home = TempDir::new();
    for flag in ["--help", "-h", "help"] {
        let run = run_with_key(&home, &[flag]);
        assert_eq!(run.status, 0, "{flag}");
        assert_eq!(run.stderr, "", "{flag}");
        assert!(run.stdout.starts_with("sts "), "{flag}: {}", run.stdout);
        for command in COMMANDS {
            assert!(run.stdout.contains(command), "{flag}: {command}");
        }
    }
}

#[test]
fn every_command_has_help() {
    let home = TempDir::new();
    for command in COMMANDS {
        for arguments in [
            vec![*command, "--help"],
            vec!["help", command],
            vec!["--help", command],
        ] {
            let run = run_with_key(&home, &arguments);
            assert_eq!(run.status, 0, "{arguments:?}");
            assert_eq!(run.stderr, "", "{arguments:?}");
            assert!(
                run.stdout.starts_with(&format!("Usage: sts {command}")),
                "{arguments:?}: {}",
                run.stdout
            );
        }
    }
}

#[test]
fn whoami_help_is_get_caller_identity() {
    let home = TempDir::new();
    let run = run_with_key(&home, &["whoami", "--help"]);
    assert_eq!(run.status, 0);
    assert!(run.stdout.starts_with("Usage: sts get-caller-identity"));
}

#[test]
fn version_prints_package_version() {
    let home = TempDir::new();
    let run = run_with_key(&home, &["--version"]);
    assert_eq!(run.status, 0);
    assert_eq!(run.stdout, format!("sts {}\n", env!("CARGO_PKG_VERSION")));
    assert_eq!(run.stderr, "");
}

#[test]
fn usage_errors_exit_2() {
    let home = TempDir::new();
    let endpoint = "--endpoint-url=http://127.0.0.1:9";
    let cases: &[(&[&str], &str)] = &[
        (&[], "missing command"),
        (&["frobnicate"], "unknown command \"frobnicate\""),
        (
            &["assume-role", "--role-session-name", "ci"],
            "missing required option --role-arn",
        ),
        (
            &[
                "assume-role",
                "--role-arn",
                ROLE_ARN,
                "--role-session-name",
                "ci",
                "--duration-seconds",
                "1h",
            ],
            "invalid --duration-seconds \"1h\": expected a whole number",
        ),
        (
            &["whoami", "--output", "env"],
            "--output env prints credentials, but get-caller-identity returns none",
        ),
        (&["whoami", "--output", "yaml"], "invalid --output \"yaml\""),
        (
            &["whoami", "--region", "eu west 1"],
            "invalid region \"eu west 1\"",
        ),
        (
            &["whoami", "--endpoint-url", "ftp://host"],
            "invalid endpoint URL \"ftp://host\"",
        ),
        (
            &[
                "assume-role",
                "--role-arn",
                ROLE_ARN,
                "--role-session-name",
                "ci",
                "--policy",
                "file:///nonexistent/policy.json",
            ],
            "failed to read --policy from file \"/nonexistent/policy.json\"",
        ),
    ];
    for (arguments, expected) in cases {
        let mut arguments = arguments.to_vec();
        if !arguments.contains(&"--endpoint-url") {
            arguments.push(endpoint);
        }
        let run = run_with_key(&home, &arguments);
        assert_eq!(run.status, 2, "{arguments:?}: {run:?}");
        let line = single_error_line(&run);
        assert!(line.contains(expected), "{arguments:?}: {line}");
        assert!(line.contains("--help"), "{arguments:?}: {line}");
    }
}

#[test]
fn input_rejected_before_sending_exits_2() {
    let server = StubServer::start(vec![assume_role_response()]);
    let home = TempDir::new();
    let run = run_assume_role(&home, &server, "x", &[]);
    assert_eq!(run.status, 2, "{run:?}");
    let line = single_error_line(&run);
    assert!(line.contains("RoleSessionName"), "{line}");
    assert!(server.bodies().is_empty());
}

#[test]
fn service_error_names_code_and_request_id() {
    let server = StubServer::start(vec![error_response(
        403,
        "AccessDenied",
        "User alice is not authorized\nto perform sts:AssumeRole",
        "req-denied-7",
    )]);
    let home = TempDir::new();
    let run = run_assume_role(&home, &server, "ci", &[]);
    assert_eq!(run.status, 1, "{run:?}");
    let line = single_error_line(&run);
    assert!(line.contains("AssumeRole failed"), "{line}");
    assert!(line.contains("AccessDenied"), "{line}");
    assert!(line.contains("req-denied-7"), "{line}");
    assert!(line.contains("HTTP 403"), "{line}");
    assert!(line.contains("not authorized to perform"), "{line}");
}

#[test]
fn connection_failure_exits_1() {
    // Binding and dropping a listener leaves a port that refuses connections.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let home = TempDir::new();
    let endpoint = format!("http://127.0.0.1:{port}");
    let run = run_with_key(&home, &["whoami", "--endpoint-url", &endpoint]);
    assert_eq!(run.status, 1, "{run:?}");
    let line = single_error_line(&run);
    assert!(line.contains("GetCallerIdentity failed"), "{line}");
    assert!(line.contains(&endpoint), "{line}");
}

#[test]
fn missing_credentials_exit_1() {
    let server = StubServer::start(vec![caller_identity_response()]);
    let home = TempDir::new();
    let output = sts_command(&home)
        .args(["whoami", "--endpoint-url", server.url()])
        .output()
        .unwrap();
    let run = Run::from(output);
    assert_eq!(run.status, 1, "{run:?}");
    let line = single_error_line(&run);
    assert!(line.contains("credentials"), "{line}");
    assert!(server.bodies().is_empty());
}

#[test]
fn whoami_json_and_text() {
    let server = StubServer::start(vec![caller_identity_response(), caller_identity_response()]);
    let home = TempDir::new();

    let run = run_with_key(&home, &["whoami", "--endpoint-url", server.url()]);
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        r#"{
    "UserId": "AIDACLITESTUSER",
    "Account": "123456789012",
    "Arn": "arn:aws:iam::123456789012:user/alice"
}
"#
    );

    let run = run_with_key(
        &home,
        &[
            "get-caller-identity",
            "--output",
            "text",
            "--endpoint-url",
            server.url(),
        ],
    );
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "123456789012\tarn:aws:iam::123456789012:user/alice\tAIDACLITESTUSER\n"
    );
    assert_eq!(
        server.bodies(),
        vec![
            "Action=GetCallerIdentity&Version=2011-06-15",
            "Action=GetCallerIdentity&Version=2011-06-15"
        ]
    );
}

/// Runs `sts assume-role` against `server` with the session name `session_name`, then
/// `extra` arguments.
fn run_assume_role(home: &TempDir, server: &StubServer, session_name: &str, extra: &[&str]) -> Run {
    let mut arguments = vec![
        "assume-role",
        "--role-arn",
        ROLE_ARN,
        "--role-session-name",
        session_name,
        "--endpoint-url",
        server.url(),
    ];
    arguments.extend_from_slice(extra);
    run_with_key(home, &arguments)
}

/// Runs `sts assume-role --output OUTPUT` against a server with a recorded response.
fn assume_role(home: &TempDir, output: &str) -> Run {
    let server = StubServer::start(vec![assume_role_response()]);
    run_assume_role(home, &server, "ci", &["--output", output])
}

#[test]
fn assume_role_json() {
    let home = TempDir::new();
    let run = assume_role(&home, "json");
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(run.stderr, "");
    let expected = format!(
        r#"{{
    "Credentials": {{
        "AccessKeyId": "{ISSUED_KEY_ID}",
        "SecretAccessKey": "{ISSUED_SECRET}",
        "SessionToken": "{ISSUED_TOKEN}",
        "Expiration": "2030-01-02T03:04:05Z"
    }},
    "AssumedRoleUser": {{
        "AssumedRoleId": "AROACLITESTROLE:ci",
        "Arn": "arn:aws:sts::123456789012:assumed-role/deploy/ci"
    }},
    "PackedPolicySize": 7,
    "SourceIdentity": "builder"
}}
"#
    );
    assert_eq!(run.stdout, expected);
}

#[test]
fn assume_role_text() {
    let home = TempDir::new();
    let run = assume_role(&home, "text");
    assert_eq!(run.status, 0, "{run:?}");
    let expected = format!(
        "7\tbuilder\n\
         ASSUMEDROLEUSER\tarn:aws:sts::123456789012:assumed-role/deploy/ci\tAROACLITESTROLE:ci\n\
         CREDENTIALS\t{ISSUED_KEY_ID}\t2030-01-02T03:04:05Z\t{ISSUED_SECRET}\t{ISSUED_TOKEN}\n"
    );
    assert_eq!(run.stdout, expected);
}

#[test]
fn assume_role_env() {
    let home = TempDir::new();
    let run = assume_role(&home, "env");
    assert_eq!(run.status, 0, "{run:?}");
    let expected = format!(
        "export AWS_ACCESS_KEY_ID={ISSUED_KEY_ID}\n\
         export AWS_SECRET_ACCESS_KEY={ISSUED_SECRET}\n\
         export AWS_SESSION_TOKEN={ISSUED_TOKEN}\n\
         export AWS_CREDENTIAL_EXPIRATION=2030-01-02T03:04:05Z\n"
    );
    assert_eq!(run.stdout, expected);
}

#[test]
fn assume_role_env_evaluates_in_sh() {
    let home = TempDir::new();
    let run = assume_role(&home, "env");
    assert_eq!(run.status, 0, "{run:?}");
    let script = format!(
        "{}\nprintf '%s|%s|%s|%s' \"$AWS_ACCESS_KEY_ID\" \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\" \"$AWS_CREDENTIAL_EXPIRATION\"",
        run.stdout
    );
    let output = std::process::Command::new("sh")
        .args(["-c", &script])
        .env_clear()
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!("{ISSUED_KEY_ID}|{ISSUED_SECRET}|{ISSUED_TOKEN}|2030-01-02T03:04:05Z")
    );
}

#[test]
fn assume_role_credential_process() {
    let home = TempDir::new();
    let run = assume_role(&home, "credential-process");
    assert_eq!(run.status, 0, "{run:?}");
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let expected = serde_json::json!({
        "Version": 1,
        "AccessKeyId": ISSUED_KEY_ID,
        "SecretAccessKey": ISSUED_SECRET,
        "SessionToken": ISSUED_TOKEN,
        "Expiration": "2030-01-02T03:04:05Z",
        "AccountId": "123456789012",
    });
    assert_eq!(document, expected);
}

#[test]
fn assume_role_sends_every_option() {
    let server = StubServer::start(vec![assume_role_response()]);
    let home = TempDir::new();
    let policy = home.write(
        "policy.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
    );
    let policy_argument = format!("file://{}", policy.display());
    let run = run_with_key(
        &home,
        &[
            "assume-role",
            "--role-arn",
            ROLE_ARN,
            "--role-session-name=ci",
            "--duration-seconds",
            "900",
            "--external-id",
            "ext-1",
            "--source-identity",
            "builder",
            "--policy",
            &policy_argument,
            "--endpoint-url",
            server.url(),
        ],
    );
    assert_eq!(run.status, 0, "{run:?}");
    let bodies = server.bodies();
    assert_eq!(bodies.len(), 1);
    let body = &bodies[0];
    for member in [
        "Action=AssumeRole",
        "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdeploy",
        "RoleSessionName=ci",
        "DurationSeconds=900",
        "ExternalId=ext-1",
        "SourceIdentity=builder",
        "Policy=%7B%22Version%22%3A%222012-10-17%22",
    ] {
        assert!(body.contains(member), "{member} missing from {body}");
    }
}

#[test]
fn debug_logs_without_secrets() {
    let server = StubServer::start(vec![assume_role_response()]);
    let home = TempDir::new();
    let run = run_assume_role(&home, &server, "ci", &["--debug"]);
    assert_eq!(run.status, 0, "{run:?}");
    assert!(
        run.stderr.contains("running assume-role (AssumeRole)"),
        "{}",
        run.stderr
    );
    let request_start = format!("STS AssumeRole to {}", server.url());
    let request_logged = run
        .stderr
        .lines()
        .any(|line| line.contains(&request_start) && line.contains("HTTP 200"));
    assert!(request_logged, "{}", run.stderr);
    assert!(
        run.stderr
            .lines()
            .all(|line| line.starts_with("sts: debug: ")),
        "{}",
        run.stderr
    );
    for secret in [SECRET_ACCESS_KEY, ISSUED_SECRET, ISSUED_TOKEN] {
        assert!(!run.stderr.contains(secret), "{secret} in {}", run.stderr);
    }
}
