//! `sts --profile` with profiles of the shared config files, against the local moto STS:
//! static keys, a role assumed through `source_profile` with an MFA code read from stdin, and
//! a role whose trust policy rejects the caller.

mod cli_support;
mod support;

use std::io::Write;
use std::process::Stdio;

use cli_support::{single_error_line, sts_command, Run, TempDir};
use support::moto::{self, MotoServer};

/// Writes `~/.aws/credentials` with alice's key in profile `base`, and `~/.aws/config` with
/// profiles that assume roles from it.
fn write_profiles(server: &MotoServer, home: &TempDir) {
    home.write(
        ".aws/credentials",
        &format!(
            "[base]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            server.access_key_id(),
            server.secret_access_key()
        ),
    );
    home.write(
        ".aws/config",
        &format!(
            "[profile mfa-role]\nrole_arn = {trusted}\nsource_profile = base\n\
             mfa_serial = arn:aws:iam::{account}:mfa/alice\nrole_session_name = cli-mfa\n\n\
             [profile denied-role]\nrole_arn = {untrusted}\nsource_profile = base\n",
            trusted = server.role_arn(moto::TRUSTED_ROLE),
            untrusted = server.role_arn(moto::UNTRUSTED_ROLE),
            account = server.account_id(),
        ),
    );
}

/// Runs `sts --profile PROFILE whoami --output text` with `stdin` as its input.
fn whoami_with_profile(server: &MotoServer, home: &TempDir, profile: &str, stdin: &[u8]) -> Run {
    let mut child = sts_command(home)
        .args(["--profile", profile, "whoami", "--output", "text"])
        .args(["--endpoint-url", &server.endpoint()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap().into()
}

#[test]
fn static_keys_profile_skips_environment() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    write_profiles(server, &home);
    // With --profile, the environment's keys are skipped, as in the AWS CLI.
    let run: Run = sts_command(&home)
        .env("AWS_ACCESS_KEY_ID", "AKIDNOTALICE")
        .env("AWS_SECRET_ACCESS_KEY", "not-the-secret")
        .args(["--profile", "base", "whoami", "--output", "text"])
        .args(["--endpoint-url", &server.endpoint()])
        .output()
        .unwrap()
        .into();
    assert_eq!(run.status, 0, "{run:?}");
    assert!(run.stdout.contains(server.user_arn()), "{}", run.stdout);
}

#[test]
fn role_profile_reads_mfa_code() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    write_profiles(server, &home);
    let run = whoami_with_profile(server, &home, "mfa-role", b"123456\n");
    assert_eq!(run.status, 0, "{run:?}");
    let expected = format!(
        "arn:aws:sts::{}:assumed-role/{}/cli-mfa",
        server.account_id(),
        moto::TRUSTED_ROLE
    );
    assert!(run.stdout.contains(&expected), "{}", run.stdout);
}

#[test]
fn role_profile_without_mfa_code_fails() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    write_profiles(server, &home);
    let run = whoami_with_profile(server, &home, "mfa-role", b"");
    assert_eq!(run.status, 1, "{run:?}");
    let line = single_error_line(&run);
    assert!(
        line.contains("standard input ended before a code was entered"),
        "{line}"
    );
}

#[test]
fn denied_role_profile_shows_sts_error() {
    let server = MotoServer::shared_verifying();
    let home = TempDir::new();
    write_profiles(server, &home);
    let run = whoami_with_profile(server, &home, "denied-role", b"");
    assert_eq!(run.status, 1, "{run:?}");
    let line = single_error_line(&run);
    assert!(line.contains("AccessDenied"), "{line}");
    assert!(line.contains("request id "), "{line}");
}
